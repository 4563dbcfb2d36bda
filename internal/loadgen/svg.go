package loadgen

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// The report draws its charts as inline SVG built here, so the page needs
// no script and fetches nothing.

// palette colours the targets in order; it is readable for the common
// forms of colour blindness.
var palette = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"}

func colour(i int) string { return palette[i%len(palette)] }

// tick is an axis mark at value v.
type tick struct {
	v     float64
	label string
}

// axis maps data values onto the chart; a caller that wants a log scale
// passes logarithms and labels the ticks with the plain values.
type axis struct {
	min, max float64
	ticks    []tick
	label    string
}

// series is one line of a chart. Points whose x jumps by more than gap
// from the previous one start a new stretch of line (rounds of a
// comparison leave holes in a target's timeline); gap zero never breaks.
type series struct {
	name   string
	colour string
	pts    [][2]float64
	gap    float64
	// dots marks each point, for sparse series such as sweep steps.
	dots bool
}

// chart is a line chart with a legend.
type chart struct {
	title  string
	x, y   axis
	series []series
	// rule draws a dashed horizontal line at this y when ruleLabel is set.
	rule      float64
	ruleLabel string
}

// Chart geometry in SVG user units.
const (
	chartW, chartH             = 720, 320
	padL, padR, padT, padB     = 64, 40, 28, 44
	plotW, plotH               = chartW - padL - padR, chartH - padT - padB
	legendRowH, legendSwatchWd = 16, 14
)

func (c *chart) px(v float64) float64 {
	return padL + (v-c.x.min)/axisSpan(c.x)*plotW
}

func (c *chart) py(v float64) float64 {
	v = math.Min(math.Max(v, c.y.min), c.y.max)
	return padT + plotH - (v-c.y.min)/axisSpan(c.y)*plotH
}

func axisSpan(a axis) float64 {
	if a.max > a.min {
		return a.max - a.min
	}
	return 1
}

// render draws the chart. All text is escaped.
func (c *chart) render() string {
	var b strings.Builder
	legendH := legendRowH * len(c.series)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH+legendH, esc(c.title))
	fmt.Fprintf(&b, `<text x="%d" y="18" class="title">%s</text>`, padL, esc(c.title))
	c.grid(&b)
	if c.ruleLabel != "" {
		y := c.py(c.rule)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="rule"/>`,
			padL, padL+plotW, y, y)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="rulelabel">%s</text>`,
			padL+plotW-4, y-4, esc(c.ruleLabel))
	}
	for _, s := range c.series {
		c.line(&b, s)
	}
	for i, s := range c.series {
		y := chartH + i*legendRowH + 4
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="4" fill="%s"/>`,
			padL, y, legendSwatchWd, s.colour)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="legend">%s</text>`,
			padL+legendSwatchWd+6, y+6, esc(s.name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// grid draws the axes, ticks and axis labels.
func (c *chart) grid(b *strings.Builder) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" class="frame"/>`,
		padL, padT, plotW, plotH)
	for _, t := range c.y.ticks {
		y := c.py(t.v)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/>`,
			padL, padL+plotW, y, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" class="ytick">%s</text>`, padL-6, y+4, esc(t.label))
	}
	for _, t := range c.x.ticks {
		x := c.px(t.v)
		fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" class="grid"/>`,
			x, x, padT, padT+plotH)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" class="xtick">%s</text>`,
			x, padT+plotH+16, esc(t.label))
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" class="xlabel">%s</text>`,
		padL+plotW/2, padT+plotH+36, esc(c.x.label))
	fmt.Fprintf(b, `<text x="14" y="%d" class="ylabel" transform="rotate(-90 14 %d)">%s</text>`,
		padT+plotH/2, padT+plotH/2, esc(c.y.label))
}

// line draws one series as polylines, broken at gaps.
func (c *chart) line(b *strings.Builder, s series) {
	var pts []string
	flush := func() {
		if len(pts) > 0 {
			fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`,
				s.colour, strings.Join(pts, " "))
		}
		pts = pts[:0]
	}
	for i, p := range s.pts {
		if i > 0 && s.gap > 0 && p[0]-s.pts[i-1][0] > s.gap {
			flush()
		}
		x, y := c.px(p[0]), c.py(p[1])
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		if s.dots {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x, y, s.colour)
		}
	}
	flush()
}

func esc(s string) string { return html.EscapeString(s) }

// linearTicks spreads about five round-numbered ticks over [0, max] and
// returns them with the axis top they imply.
func linearTicks(max float64, format func(float64) string) ([]tick, float64) {
	if !(max > 0) {
		max = 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []tick
	top := math.Ceil(max/step) * step
	for v := 0.0; v <= top+step/2; v += step {
		ticks = append(ticks, tick{v: v, label: format(v)})
	}
	return ticks, top
}

// decadeTicks marks powers of ten between lo and hi, both log10 values.
func decadeTicks(lo, hi float64, format func(float64) string) []tick {
	var ticks []tick
	for e := math.Floor(lo); e <= math.Ceil(hi); e++ {
		ticks = append(ticks, tick{v: e, label: format(math.Pow(10, e))})
	}
	return ticks
}

// ninesTicks marks 0%, 90%, 99%, ... on an axis that counts nines.
func ninesTicks(max float64) []tick {
	labels := []string{"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"}
	var ticks []tick
	for i := 0; i < len(labels) && float64(i) <= math.Ceil(max); i++ {
		ticks = append(ticks, tick{v: float64(i), label: labels[i]})
	}
	return ticks
}

// nines maps a percentile to log10(1 / (1 - p)): 90% is 1, 99% is 2.
func nines(p float64) float64 {
	return -math.Log10(1 - p/100)
}

// fmtPlain prints an axis value with at most four significant digits, so
// that float noise (0.6000000000000001) does not reach a label.
func fmtPlain(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

func fmtThousands(v float64) string {
	if v >= 1000 {
		return fmtPlain(v/1000) + "k"
	}
	return fmtPlain(v)
}
