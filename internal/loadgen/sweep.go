package loadgen

import (
	"context"
	"fmt"
	"time"
)

// sweep steps the offered rate up. At each rate every target that has not
// yet failed is measured once, in turn, so that the targets alternate as
// in a comparison; a target drops out at its first failed step.
func (b *bench) sweep(ctx context.Context, targets []*target) ([]SweepResult, error) {
	out := make([]SweepResult, len(targets))
	active := make([]bool, len(targets))
	for i, t := range targets {
		out[i] = SweepResult{Name: t.Name, URL: t.URL}
		active[i] = true
	}
	var err error
steps:
	for _, rate := range b.o.SweepRates {
		ran := false
		for i, t := range targets {
			if !active[i] {
				continue
			}
			ran = true
			var step SweepStep
			for attempt := 1; ; attempt++ {
				b.log.Info("sweep step", "target", t.Name, "rate_rps", rate, "attempt", attempt)
				var res *segmentResult
				if res, err = b.segment(ctx, t, rate, b.o.Duration); err != nil {
					break steps
				}
				step = judge(res, rate, b.o.SLO)
				step.Attempts = attempt
				if step.Pass || attempt > b.o.SweepRetries {
					break
				}
			}
			out[i].Steps = append(out[i].Steps, step)
			if step.Pass {
				out[i].SustainedRPS = rate
			} else {
				active[i] = false
				b.log.Info("sweep target done", "target", t.Name,
					"sustained_rps", out[i].SustainedRPS, "reason", step.Reason)
			}
		}
		if !ran {
			break
		}
	}
	for i := range out {
		if i > 0 {
			out[i].Ratio = ratio(out[i].SustainedRPS, out[0].SustainedRPS)
		}
	}
	return out, err
}

// judge decides whether a step passed: p99 within the SLO, no timeouts,
// connection errors or 5xx answers, and at least one answer.
func judge(res *segmentResult, rate float64, slo time.Duration) SweepStep {
	secs := res.measured.Seconds()
	step := SweepStep{
		OfferedRPS: rate,
		Latency:    summarize(res.total),
		Counts:     res.counts,
		Pass:       true,
	}
	if secs > 0 {
		step.AchievedRPS = round1(float64(res.counts.Responses) / secs)
	}
	if res.wall > 0 {
		step.GeneratorCores = round3(res.cpu.Seconds() / res.wall.Seconds())
	}
	p99 := time.Duration(step.Latency.P99US) * time.Microsecond
	switch {
	case res.counts.Responses == 0:
		step.Pass, step.Reason = false, "no answers"
	case res.counts.Errors() > 0:
		step.Pass, step.Reason = false, fmt.Sprintf("%d errors", res.counts.Errors())
	case p99 > slo:
		step.Pass = false
		step.Reason = fmt.Sprintf("p99 %s over %s", fmtMillis(p99), fmtMillis(slo))
	}
	return step
}
