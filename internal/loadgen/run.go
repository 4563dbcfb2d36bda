package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// target is a Target prepared for sending.
type target struct {
	Target
	ep      *endpoint
	metrics *metricsSource
}

// Run measures the targets as o says and returns every figure. When ctx
// ends early, Run returns what it measured so far together with the
// context's error; on any other error it returns no report.
func Run(ctx context.Context, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	targets := make([]*target, len(o.Targets))
	for i, t := range o.Targets {
		ep, err := newEndpoint(t.URL, o.Corpus.Gzip)
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		t.Name = targetName(t)
		targets[i] = &target{
			Target: t, ep: ep, metrics: newMetricsSource(t.MetricsURL, t.PID, log),
		}
		defer targets[i].metrics.close()
	}

	r := &Report{
		Schema:    SchemaVersion,
		Label:     o.Label,
		StartedAt: time.Now().UTC(),
		Command:   o.Command,
		Settings:  settings(&o),
		Machine:   describeMachine(),
	}
	b := bench{o: &o, log: log, progress: newProgress(o.Progress), start: time.Now()}
	cpu0 := cpuTime()
	var err error
	if len(o.SweepRates) > 0 {
		r.Sweep, err = b.sweep(ctx, targets)
	} else {
		r.Targets, err = b.compare(ctx, targets)
	}
	if err != nil && ctx.Err() == nil {
		return nil, err
	}
	r.Generator = generatorCost(cpuTime()-cpu0, time.Since(b.start), b.sent)
	return r, err
}

// bench carries what the phases of one run share.
type bench struct {
	o        *Options
	log      *slog.Logger
	progress *progress
	start    time.Time
	// sent counts every request of the run, warmup included.
	sent int64
}

// segment measures t at rate for d after the warmup.
func (b *bench) segment(ctx context.Context, t *target, rate float64,
	d time.Duration) (*segmentResult, error) {
	res, err := runSegment(ctx, segmentSpec{
		target:   t,
		rate:     rate,
		conns:    b.o.Connections,
		warmup:   b.o.Warmup,
		duration: d,
		timeout:  b.o.Timeout,
		corpus:   b.o.Corpus,
		runStart: b.start,
		progress: b.progress,
	})
	if res != nil {
		b.sent += res.sent
	}
	return res, err
}

// compare measures every target for the duration, in alternating rounds.
func (b *bench) compare(ctx context.Context, targets []*target) ([]TargetResult, error) {
	rate := b.o.Rate
	if b.o.Closed {
		rate = 0
	}
	rounds := b.o.rounds()
	accs := make([]*targetAcc, len(targets))
	for i := range accs {
		accs[i] = newTargetAcc()
	}
	var err error
run:
	for round := 1; round <= rounds; round++ {
		for i, t := range targets {
			b.log.Info("segment start", "target", t.Name, "round", round, "rounds", rounds,
				"rate_rps", rate, "connections", b.o.Connections)
			var res *segmentResult
			res, err = b.segment(ctx, t, rate, b.o.Duration/time.Duration(rounds))
			if res != nil {
				accs[i].add(res)
			}
			if err != nil {
				break run
			}
		}
	}
	out := make([]TargetResult, len(targets))
	for i, t := range targets {
		out[i] = accs[i].result(t)
		if i > 0 {
			out[i].Ratios = ratios(&out[i], &out[0])
		}
	}
	return out, err
}

// targetAcc adds up one target's segments.
type targetAcc struct {
	counts           Counts
	total, lag, wait *hdrhistogram.Histogram
	timeline         []Second
	measured         time.Duration
	cpu              time.Duration
	sent             int64
}

func newTargetAcc() *targetAcc {
	return &targetAcc{total: newHistogram(3), lag: newHistogram(2), wait: newHistogram(2)}
}

func (a *targetAcc) add(r *segmentResult) {
	a.counts.merge(r.counts)
	a.total.Merge(r.total)
	a.lag.Merge(r.lag)
	a.wait.Merge(r.wait)
	a.timeline = append(a.timeline, r.timeline...)
	a.measured += r.measured
	a.cpu += r.cpu
	a.sent += r.sent
}

func (a *targetAcc) result(t *target) TargetResult {
	secs := a.measured.Seconds()
	res := TargetResult{
		Name:        t.Name,
		URL:         t.URL,
		MeasuredS:   secs,
		Counts:      a.counts,
		Latency:     summarize(a.total),
		Percentiles: curve(a.total),
		HDR:         encodeHDR(a.total),
		SendLag:     summarize(a.lag),
		ReceiveWait: summarize(a.wait),
		Timeline:    a.timeline,
		Runtime:     t.metrics.runtime(),
	}
	if secs > 0 {
		res.OfferedRPS = round1(float64(a.counts.Scheduled) / secs)
		res.AchievedRPS = round1(float64(a.counts.Responses) / secs)
	}
	if a.counts.Responses > 0 {
		res.BidRate = round4(float64(a.counts.Bid) / float64(a.counts.Responses))
	}
	if a.sent > 0 {
		res.GeneratorCPUPerRequestUS = round1(float64(a.cpu.Microseconds()) / float64(a.sent))
	}
	return res
}

func ratios(r, first *TargetResult) *Ratios {
	return &Ratios{
		P50:         ratio(float64(r.Latency.P50US), float64(first.Latency.P50US)),
		P99:         ratio(float64(r.Latency.P99US), float64(first.Latency.P99US)),
		P999:        ratio(float64(r.Latency.P999US), float64(first.Latency.P999US)),
		Max:         ratio(float64(r.Latency.MaxUS), float64(first.Latency.MaxUS)),
		AchievedRPS: ratio(r.AchievedRPS, first.AchievedRPS),
	}
}

func settings(o *Options) Settings {
	s := Settings{
		Mode:         "open",
		RateRPS:      o.Rate,
		Connections:  o.Connections,
		DurationS:    o.Duration.Seconds(),
		WarmupS:      o.Warmup.Seconds(),
		TimeoutMS:    float64(o.Timeout) / float64(time.Millisecond),
		Rounds:       o.rounds(),
		SweepRates:   o.SweepRates,
		SweepRetries: o.SweepRetries,
	}
	if o.Closed {
		s.Mode, s.RateRPS = "closed", 0
	}
	if len(o.SweepRates) > 0 {
		s.RateRPS = 0
		s.SLOMS = float64(o.SLO) / float64(time.Millisecond)
	}
	if c := o.Corpus; c != nil {
		s.Corpus, s.CorpusFiles, s.Variants, s.Gzip = c.Dir, c.Files, c.Variants(), c.Gzip
	}
	return s
}

func generatorCost(cpu, wall time.Duration, sent int64) GeneratorCost {
	g := GeneratorCost{
		CPUSeconds:  round3(cpu.Seconds()),
		WallSeconds: round3(wall.Seconds()),
		Requests:    sent,
	}
	if wall > 0 {
		g.Cores = round3(cpu.Seconds() / wall.Seconds())
	}
	if sent > 0 {
		g.CPUPerRequestUS = round1(float64(cpu.Microseconds()) / float64(sent))
	}
	return g
}

func round1(v float64) float64 { return roundTo(v, 10) }
func round3(v float64) float64 { return roundTo(v, 1000) }
func round4(v float64) float64 { return roundTo(v, 10000) }

func roundTo(v, scale float64) float64 {
	return float64(int64(v*scale+0.5)) / scale
}
