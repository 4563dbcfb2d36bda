package loadgen

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// reportHead is the page up to <body>: title and inline styles.
//
//go:embed report.head.html
var reportHead string

// WriteHTML renders reports as one self-contained page: styles inline,
// charts as inline SVG, no scripts and nothing fetched from the network.
// Every text that comes from a report is escaped.
func WriteHTML(w io.Writer, reports []*Report) error {
	var b strings.Builder
	b.WriteString(reportHead)
	b.WriteString("<h1>nordbid bench report</h1>\n")
	fmt.Fprintf(&b, "<p class=\"note\">Generated %s. Latency is timed from each request's "+
		"intended\nsend time in the open loop, so a stall of the target shows in full. "+
		"Ratios compare each\ntarget with the first.</p>\n",
		time.Now().UTC().Format(time.RFC3339))
	for _, r := range reports {
		writeSection(&b, r)
	}
	b.WriteString("</body>\n</html>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// writeSection renders one report: its settings, the tables of its
// targets or sweep, and its charts.
func writeSection(b *strings.Builder, r *Report) {
	title := r.Label
	if title == "" {
		title = "run of " + r.StartedAt.Format("2006-01-02 15:04")
	}
	m := r.Machine
	fmt.Fprintf(b, "<h2>%s</h2>\n<p>%s</p>\n", esc(title), esc(describeRun(r)))
	fmt.Fprintf(b, "<p class=\"note\">Machine: %s, %d CPUs, %s\n%s, %s. Generator: %.2f\n"+
		"cores, %.1f µs CPU per request.</p>\n", esc(m.CPUModel), m.NumCPU, esc(m.OS),
		esc(m.Kernel), esc(m.GoVersion), r.Generator.Cores, r.Generator.CPUPerRequestUS)
	if len(r.Targets) > 0 {
		writeTargets(b, r.Targets)
	}
	for _, sw := range r.Sweep {
		writeSweep(b, sw)
	}
	for _, c := range charts(r) {
		b.WriteString(c)
		b.WriteString("\n")
	}
}

// row writes one table row of already escaped cells.
func row(b *strings.Builder, cell string, cells ...string) {
	fmt.Fprintf(b, "<tr>")
	for _, c := range cells {
		fmt.Fprintf(b, "<%s>%s</%s>", cell, c, cell)
	}
	b.WriteString("</tr>\n")
}

func writeTargets(b *strings.Builder, ts []TargetResult) {
	rate := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	b.WriteString("<table>\n")
	row(b, "th", "target", "offered/s", "achieved/s", "p50", "p90", "p99", "p99.9",
		"p99.99", "max", "bid", "4xx", "5xx", "timeouts", "conn err", "unsent")
	for _, t := range ts {
		l, c := t.Latency, t.Counts
		row(b, "td", esc(t.Name), rate(t.OfferedRPS), rate(t.AchievedRPS), us(l.P50US),
			us(l.P90US), us(l.P99US), us(l.P999US), us(l.P9999US), us(l.MaxUS),
			fmt.Sprintf("%.1f%%", 100*t.BidRate), fmt.Sprint(c.Status4xx),
			fmt.Sprint(c.Status5xx), fmt.Sprint(c.Timeouts), fmt.Sprint(c.ConnErrors),
			fmt.Sprint(c.Unsent))
	}
	b.WriteString("</table>\n<table>\n")
	row(b, "th", "target", "p50 ratio", "p99 ratio", "p99.9 ratio", "max ratio",
		"achieved ratio", "GC cycles", "max GC pause", "max RSS", "CPU cores",
		"other cores", "stolen cores", "send lag p99", "receive wait p99")
	for _, t := range ts {
		ratios := []string{"1", "1", "1", "1", "1"}
		if q := t.Ratios; q != nil {
			ratios = []string{times(q.P50), times(q.P99), times(q.P999), times(q.Max),
				times(q.AchievedRPS)}
		}
		rt := runtimeCells(t.Runtime)
		cells := append([]string{esc(t.Name)}, ratios...)
		for _, v := range rt {
			cells = append(cells, esc(v))
		}
		row(b, "td", append(cells, us(t.SendLag.P99US), waitCell(t.ReceiveWait))...)
	}
	b.WriteString("</table>\n")
}

func writeSweep(b *strings.Builder, sw SweepResult) {
	fmt.Fprintf(b, "<p><strong>%s</strong> sustained %.0f req/s", esc(sw.Name),
		sw.SustainedRPS)
	if sw.Ratio != 0 {
		fmt.Fprintf(b, "\n(%s the first target)", times(sw.Ratio))
	}
	b.WriteString(".</p>\n<table>\n")
	row(b, "th", "offered/s", "achieved/s", "p50", "p99", "max", "errors",
		"generator cores", "verdict")
	for _, st := range sw.Steps {
		verdict := "pass"
		if !st.Pass {
			verdict = esc(st.Reason)
		}
		row(b, "td", fmt.Sprintf("%.0f", st.OfferedRPS), fmt.Sprintf("%.0f", st.AchievedRPS),
			us(st.Latency.P50US), us(st.Latency.P99US), us(st.Latency.MaxUS),
			fmt.Sprint(st.Counts.Errors()), fmt.Sprintf("%.2f", st.GeneratorCores), verdict)
	}
	b.WriteString("</table>\n")
}

// times renders a ratio, e.g. "1.25x".
func times(v float64) string { return fmt.Sprintf("%.2fx", v) }

// charts draws the charts of one report.
func charts(r *Report) []string {
	var out []string
	if len(r.Targets) > 0 {
		out = append(out, percentileChart(r.Targets), throughputChart(r.Targets),
			p99Chart(r.Targets))
	}
	if len(r.Sweep) > 0 {
		out = append(out, sweepChart(r.Sweep, r.Settings.SLOMS))
	}
	return out
}

// percentileChart overlays the latency-by-percentile curves, the x axis
// counting nines as HdrHistogram plots do.
func percentileChart(ts []TargetResult) string {
	c := chart{title: "Latency by percentile"}
	maxX, maxY := 1.0, 0.0
	for i, t := range ts {
		s := series{name: t.Name, colour: colour(i)}
		for _, p := range t.Percentiles {
			if p.Percentile >= 100 {
				continue
			}
			x, y := nines(p.Percentile), float64(p.LatencyUS)/1000
			s.pts = append(s.pts, [2]float64{x, y})
			maxX, maxY = math.Max(maxX, x), math.Max(maxY, y)
		}
		c.series = append(c.series, s)
	}
	c.x = axis{max: math.Ceil(maxX), ticks: ninesTicks(maxX), label: "percentile"}
	ticks, top := linearTicks(maxY*1.05, fmtPlain)
	c.y = axis{max: top, ticks: ticks, label: "latency (ms)"}
	return c.render()
}

// throughputChart plots answers per second over the run.
func throughputChart(ts []TargetResult) string {
	return timelineChart(ts, "Throughput per second", "answers/s", fmtThousands,
		func(s Second) float64 { return s.RPS })
}

// p99Chart plots each second's p99 over the run.
func p99Chart(ts []TargetResult) string {
	return timelineChart(ts, "p99 latency per second", "p99 (ms)", fmtPlain,
		func(s Second) float64 { return float64(s.P99US) / 1000 })
}

func timelineChart(ts []TargetResult, title, ylabel string, format func(float64) string,
	value func(Second) float64) string {
	c := chart{title: title}
	maxX, maxY := 1.0, 0.0
	for i, t := range ts {
		// Each second is drawn as a step over its width; a target's rounds
		// are separate stretches.
		s := series{name: t.Name, colour: colour(i), gap: 1.01}
		for _, sec := range t.Timeline {
			v := value(sec)
			s.pts = append(s.pts, [2]float64{sec.T, v}, [2]float64{sec.T + 1, v})
			maxX, maxY = math.Max(maxX, sec.T+1), math.Max(maxY, v)
		}
		c.series = append(c.series, s)
	}
	xt, xtop := linearTicks(maxX, fmtPlain)
	c.x = axis{max: xtop, ticks: xt, label: "seconds since the run began"}
	yt, ytop := linearTicks(maxY*1.05, format)
	c.y = axis{max: ytop, ticks: yt, label: ylabel}
	return c.render()
}

// sweepChart plots p99 against the offered rate on a log scale, with the
// SLO as a rule.
func sweepChart(sw []SweepResult, sloMS float64) string {
	c := chart{title: "Sweep: p99 by offered rate", ruleLabel: "SLO " + fmtMS(sloMS)}
	c.rule = math.Log10(sloMS)
	lo, hi, maxX := c.rule, c.rule, 1.0
	for i, s := range sw {
		line := series{name: s.Name, colour: colour(i), dots: true}
		for _, st := range s.Steps {
			y := math.Log10(math.Max(float64(st.Latency.P99US), 1) / 1000)
			line.pts = append(line.pts, [2]float64{st.OfferedRPS, y})
			lo, hi, maxX = math.Min(lo, y), math.Max(hi, y), math.Max(maxX, st.OfferedRPS)
		}
		c.series = append(c.series, line)
	}
	xt, xtop := linearTicks(maxX, fmtThousands)
	c.x = axis{max: xtop, ticks: xt, label: "offered rate (req/s)"}
	c.y = axis{min: math.Floor(lo), max: math.Ceil(hi + 0.01), label: "p99 (ms, log scale)",
		ticks: decadeTicks(lo, hi+0.01, fmtPlain)}
	return c.render()
}
