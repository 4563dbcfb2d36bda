package loadgen

import (
	"bufio"
	"fmt"
	"io"
)

// WriteMarkdown renders the result tables of reports for a Markdown
// document such as BENCHMARKS.md: one section per report.
func WriteMarkdown(w io.Writer, reports []*Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	for _, r := range reports {
		title := r.Label
		if title == "" {
			title = "run of " + r.StartedAt.Format("2006-01-02 15:04")
		}
		p("### %s\n\n%s.\n\n", title, describeRun(r))
		if len(r.Targets) > 0 {
			markdownTargets(p, r.Targets)
		}
		for _, s := range r.Sweep {
			markdownSweep(p, s)
		}
		g := r.Generator
		p("Generator: %.2f cores on average, %.1f µs CPU per request, %d requests "+
			"in %.0f s.\n\n", g.Cores, g.CPUPerRequestUS, g.Requests, g.WallSeconds)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write markdown: %w", err)
	}
	return nil
}

func markdownTargets(p func(string, ...any), ts []TargetResult) {
	p("| target | offered/s | achieved/s | p50 | p90 | p99 | p99.9 | p99.99 | max | " +
		"bid | 4xx | 5xx | timeouts | conn err | unsent |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, t := range ts {
		l, c := t.Latency, t.Counts
		p("| %s | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %.1f%% | %d | %d | %d | %d | %d |\n",
			t.Name, t.OfferedRPS, t.AchievedRPS, us(l.P50US), us(l.P90US), us(l.P99US),
			us(l.P999US), us(l.P9999US), us(l.MaxUS), 100*t.BidRate,
			c.Status4xx, c.Status5xx, c.Timeouts, c.ConnErrors, c.Unsent)
	}
	p("\n| target | p50 ratio | p99 ratio | p99.9 ratio | max ratio | achieved ratio | " +
		"GC cycles | max GC pause | max RSS | CPU cores | other cores | stolen cores | " +
		"generator send lag p99 | generator receive wait p99 |\n")
	p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, t := range ts {
		x := Ratios{P50: 1, P99: 1, P999: 1, Max: 1, AchievedRPS: 1}
		if t.Ratios != nil {
			x = *t.Ratios
		}
		c := runtimeCells(t.Runtime)
		p("| %s | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | "+
			"%s | %s | %s | %s | %s | %s | %s | %s |\n", t.Name, x.P50, x.P99, x.P999,
			x.Max, x.AchievedRPS, c[0], c[1], c[2], c[3], c[4], c[5],
			us(t.SendLag.P99US), waitCell(t.ReceiveWait))
	}
	p("\n")
}

func markdownSweep(p func(string, ...any), s SweepResult) {
	p("**%s** sustained **%.0f req/s**%s%s.\n\n", s.Name, s.SustainedRPS, sweepRatio(s),
		unbounded(s))
	p("| offered/s | achieved/s | p50 | p99 | max | errors | generator cores | verdict |\n")
	p("|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, st := range s.Steps {
		verdict := "pass"
		if !st.Pass {
			verdict = st.Reason
		}
		p("| %.0f | %.0f | %s | %s | %s | %d | %.2f | %s |\n", st.OfferedRPS, st.AchievedRPS,
			us(st.Latency.P50US), us(st.Latency.P99US), us(st.Latency.MaxUS),
			st.Counts.Errors(), st.GeneratorCores, verdict)
	}
	p("\n")
}
