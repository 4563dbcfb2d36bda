package loadgen

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"time"
)

//go:embed report.html.tmpl
var reportHTML string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":       us,
	"describe": describeRun,
	"pct":      func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
	"x":        func(v float64) string { return fmt.Sprintf("%.2fx", v) },
	"rate":     func(v float64) string { return fmt.Sprintf("%.0f", v) },
	"runtime":  runtimeCells,
}).Parse(reportHTML))

// section is one report with its charts drawn.
type section struct {
	*Report
	Charts []template.HTML
}

// WriteHTML renders reports as one self-contained page: styles inline,
// charts as inline SVG, no scripts and nothing fetched from the network.
func WriteHTML(w io.Writer, reports []*Report) error {
	data := struct {
		Generated string
		Sections  []section
	}{Generated: time.Now().UTC().Format(time.RFC3339)}
	for _, r := range reports {
		data.Sections = append(data.Sections, section{Report: r, Charts: charts(r)})
	}
	if err := reportTmpl.Execute(w, data); err != nil {
		return fmt.Errorf("write html: %w", err)
	}
	return nil
}

// charts draws the charts of one report.
func charts(r *Report) []template.HTML {
	var out []template.HTML
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
func percentileChart(ts []TargetResult) template.HTML {
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
func throughputChart(ts []TargetResult) template.HTML {
	return timelineChart(ts, "Throughput per second", "answers/s", fmtThousands,
		func(s Second) float64 { return s.RPS })
}

// p99Chart plots each second's p99 over the run.
func p99Chart(ts []TargetResult) template.HTML {
	return timelineChart(ts, "p99 latency per second", "p99 (ms)", fmtPlain,
		func(s Second) float64 { return float64(s.P99US) / 1000 })
}

func timelineChart(ts []TargetResult, title, ylabel string, format func(float64) string,
	value func(Second) float64) template.HTML {
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
func sweepChart(sw []SweepResult, sloMS float64) template.HTML {
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
