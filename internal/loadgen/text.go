package loadgen

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the figures of r as plain tables for a terminal.
func WriteText(w io.Writer, r *Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("%s\n\n", describeRun(r))
	if len(r.Targets) > 0 {
		p("target\toffered/s\tachieved/s\tp50\tp90\tp99\tp99.9\tp99.99\tmax\tmean\t" +
			"bid\t4xx\t5xx\ttimeouts\tconn err\tunsent\t\n")
		for _, t := range r.Targets {
			l, c := t.Latency, t.Counts
			p("%s\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f%%\t%d\t%d\t%d\t%d\t%d\t\n",
				t.Name, t.OfferedRPS, t.AchievedRPS, us(l.P50US), us(l.P90US), us(l.P99US),
				us(l.P999US), us(l.P9999US), us(l.MaxUS), fmtMS(l.MeanUS/1000),
				100*t.BidRate, c.Status4xx, c.Status5xx, c.Timeouts, c.ConnErrors, c.Unsent)
		}
		if len(r.Targets) > 1 {
			p("\nratio to %s\tp50\tp99\tp99.9\tmax\tachieved\t\n", r.Targets[0].Name)
			for _, t := range r.Targets[1:] {
				x := t.Ratios
				p("%s\t%.2fx\t%.2fx\t%.2fx\t%.2fx\t%.2fx\t\n",
					t.Name, x.P50, x.P99, x.P999, x.Max, x.AchievedRPS)
			}
		}
		p("\ntarget runtime\tGC cycles\tmax GC pause\tmax RSS\tCPU cores\tother cores\t" +
			"stolen cores\tsend lag p50\tsend lag p99\treceive wait p99\t" +
			"generator CPU/request\t\n")
		for _, t := range r.Targets {
			c := runtimeCells(t.Runtime)
			p("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f µs\t\n", t.Name, c[0], c[1],
				c[2], c[3], c[4], c[5], us(t.SendLag.P50US), us(t.SendLag.P99US),
				waitCell(t.ReceiveWait), t.GeneratorCPUPerRequestUS)
		}
	}
	for _, s := range r.Sweep {
		p("\nsweep %s: sustained %.0f req/s%s%s\n", s.Name, s.SustainedRPS, sweepRatio(s),
			unbounded(s))
		p("offered/s\tachieved/s\tp50\tp99\tmax\terrors\tgenerator cores\tverdict\t\n")
		for _, st := range s.Steps {
			verdict := "pass"
			if !st.Pass {
				verdict = st.Reason
			}
			p("%.0f\t%.0f\t%s\t%s\t%s\t%d\t%.2f\t%s\t\n", st.OfferedRPS, st.AchievedRPS,
				us(st.Latency.P50US), us(st.Latency.P99US), us(st.Latency.MaxUS),
				st.Counts.Errors(), st.GeneratorCores, verdict)
		}
	}
	g := r.Generator
	p("\ngenerator: %.2f cores over %.1f s, %.1f µs CPU per request, %d requests\n",
		g.Cores, g.WallSeconds, g.CPUPerRequestUS, g.Requests)
	return tw.Flush()
}

// describeRun is a one-line account of the settings.
func describeRun(r *Report) string {
	s := r.Settings
	var b strings.Builder
	if r.Label != "" {
		fmt.Fprintf(&b, "[%s] ", r.Label)
	}
	switch {
	case len(s.SweepRates) > 0:
		fmt.Fprintf(&b, "sweep %.0f..%.0f req/s, p99 bound %s, %g s per step",
			s.SweepRates[0], s.SweepRates[len(s.SweepRates)-1], fmtMS(s.SLOMS), s.DurationS)
	case s.Mode == "closed":
		fmt.Fprintf(&b, "closed loop, %g s measured", s.DurationS)
	default:
		fmt.Fprintf(&b, "open loop at %.0f req/s, %g s measured", s.RateRPS, s.DurationS)
	}
	fmt.Fprintf(&b, ", %d connections, warmup %g s, %d round(s); corpus %s (%d files, "+
		"%d variants", s.Connections, s.WarmupS, s.Rounds, s.Corpus, s.CorpusFiles, s.Variants)
	if s.Gzip {
		b.WriteString(", gzip")
	}
	b.WriteString(")")
	return b.String()
}

// us renders a microsecond figure in milliseconds.
func us(v int64) string { return fmtMS(float64(v) / 1000) }

// runtimeCells renders the target's GC cycles, maximum GC pause, maximum
// RSS, CPU cores, other programs' cores and stolen cores, "n/a" where
// missing.
func runtimeCells(rt *Runtime) [6]string {
	c := [6]string{"n/a", "n/a", "n/a", "n/a", "n/a", "n/a"}
	if rt == nil {
		return c
	}
	if rt.GCCycles != nil {
		c[0] = fmt.Sprint(*rt.GCCycles)
	}
	switch {
	case rt.GCPauseMaxS == nil:
	case rt.GCCycles != nil && *rt.GCCycles == 0:
		c[1] = "none"
	default:
		c[1] = "≤ " + fmtMS(*rt.GCPauseMaxS*1000)
	}
	if rt.RSSMaxBytes != nil {
		c[2] = fmt.Sprintf("%.0f MiB", float64(*rt.RSSMaxBytes)/(1<<20))
	}
	if rt.CPUCores != nil {
		c[3] = fmt.Sprintf("%.2f", *rt.CPUCores)
	}
	if rt.OtherCores != nil {
		c[4] = fmt.Sprintf("%.2f", *rt.OtherCores)
	}
	if rt.StolenCores != nil {
		c[5] = fmt.Sprintf("%.2f", *rt.StolenCores)
	}
	return c
}

// unbounded notes a sweep whose every step passed: its limit lies above
// the last rate tried, which is then no measure of the target.
func unbounded(s SweepResult) string {
	if n := len(s.Steps); n > 0 && s.Steps[n-1].Pass {
		return " (every step passed: the limit is above the sweep's last rate)"
	}
	return ""
}

func sweepRatio(s SweepResult) string {
	if s.Ratio == 0 {
		return ""
	}
	return fmt.Sprintf(" (%.2fx the first target)", s.Ratio)
}

// waitCell renders the p99 of the generator's receive wait, "n/a" for a
// report written before it was measured.
func waitCell(l Latency) string {
	if l.Count == 0 {
		return "n/a"
	}
	return us(l.P99US)
}
