package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// A segment is one target measured at one rate for one stretch of time:
// a round of a comparison, or a step of a sweep. It opens its own
// connections and closes them at the end.

// segmentSpec says what one segment does.
type segmentSpec struct {
	target *target
	// rate is the offered requests per second; zero means closed loop.
	rate     float64
	conns    int
	warmup   time.Duration
	duration time.Duration
	timeout  time.Duration
	corpus   *Corpus
	// runStart anchors the timeline: seconds are counted from it.
	runStart time.Time
	progress *progress
}

// segmentResult is what one segment measured.
type segmentResult struct {
	counts           Counts
	total, lag, wait *hdrhistogram.Histogram
	timeline         []Second
	measured         time.Duration
	// cpu is the generator's CPU time over the segment, sent the requests
	// it sent, warmup included.
	cpu  time.Duration
	wall time.Duration
	sent int64
}

// dialParallel bounds the connections opened at once, so that 5,000 users
// do not overflow the target's accept queue in one burst.
const dialParallel = 64

// leadIn separates the end of dialling from the first due time, so that
// the first requests are not already late.
const leadIn = 20 * time.Millisecond

func runSegment(ctx context.Context, sp segmentSpec) (*segmentResult, error) {
	cpu0, wall0 := cpuTime(), time.Now()
	xs, err := openConns(ctx, sp)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, x := range xs {
			x.close()
		}
	}()

	start := time.Now().Add(leadIn)
	s := &schedule{
		start:   start,
		measure: start.Add(sp.warmup),
		end:     start.Add(sp.warmup + sp.duration),
		drain:   start.Add(sp.warmup + sp.duration + sp.timeout),
		rate:    sp.rate,
		conns:   sp.conns,
	}
	rec := newRecorder()
	col := newCollector(s, sp, rec)
	colDone := make(chan struct{})
	go func() {
		defer close(colDone)
		col.run(ctx)
	}()
	sampler := sp.target.metrics.start(ctx, s)

	var wg sync.WaitGroup
	if sp.rate > 0 {
		wakes := make([]chan struct{}, sp.conns)
		for i := range wakes {
			wakes[i] = make(chan struct{}, 1)
		}
		wg.Go(func() { dispatch(ctx, s, wakes) })
		for i, x := range xs {
			wg.Go(func() { runOpen(ctx, s, i, wakeClock{wake: wakes[i]}, x, rec) })
		}
	} else {
		for i, x := range xs {
			wg.Go(func() { runClosed(ctx, s, i, sleepClock{}, x, rec) })
		}
	}
	wg.Wait()
	<-colDone
	sampler.stop(ctx)

	res := &segmentResult{timeline: col.finish(), measured: sp.duration}
	res.counts, res.total, res.lag, res.wait = rec.totals()
	for _, x := range xs {
		res.sent += x.sent
	}
	res.cpu, res.wall = cpuTime()-cpu0, time.Since(wall0)
	if ctx.Err() != nil {
		return res, fmt.Errorf("segment: %w", ctx.Err())
	}
	return res, nil
}

// openConns prepares one exchanger per connection and dials them all
// before the clock starts, so that connection set-up is not mistaken for
// latency. A connection that fails here is dialled again on its first
// request (and counted then); if none succeeds the target is down.
func openConns(ctx context.Context, sp segmentSpec) ([]*httpExchanger, error) {
	base := rand.Uint64() &^ (1<<48 - 1)
	xs := make([]*httpExchanger, sp.conns)
	for i := range xs {
		r := rand.New(rand.NewPCG(rand.Uint64(), uint64(i)))
		xs[i] = &httpExchanger{
			ep:      sp.target.ep,
			corpus:  sp.corpus,
			timeout: sp.timeout,
			rng:     r,
			users:   newUsers(r, uint64(i)),
			idBase:  base | uint64(i)<<32,
		}
	}

	sem := make(chan struct{}, dialParallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, x := range xs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := dial(ctx, x.ep, sp.timeout)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			x.c = c
		})
	}
	wg.Wait()
	if len(errs) == len(xs) {
		return nil, fmt.Errorf("connect %s: %w", sp.target.Name, errs[0])
	}
	return xs, nil
}

// collector turns the recorder's ticks into the per-second timeline and
// the progress line.
type collector struct {
	s        *schedule
	sp       segmentSpec
	rec      *recorder
	timeline []Second
	// last is the latest second's histogram, kept so that answers that
	// arrive after the window closed can join it.
	last *hdrhistogram.Histogram
	// soFar accumulates the segment for the progress line.
	soFar  *hdrhistogram.Histogram
	counts Counts
}

func newCollector(s *schedule, sp segmentSpec, rec *recorder) *collector {
	return &collector{s: s, sp: sp, rec: rec, soFar: newHistogram(2)}
}

// run ticks once a second of the measured window until it closes.
func (c *collector) run(ctx context.Context) {
	var clk sleepClock
	for t := c.s.measure.Add(time.Second); ; t = t.Add(time.Second) {
		if t.After(c.s.end) {
			t = c.s.end
		}
		if !clk.waitUntil(ctx, t) {
			return
		}
		c.tick(t)
		if !t.Before(c.s.end) {
			return
		}
	}
}

// tick closes the second that ends at t.
func (c *collector) tick(t time.Time) {
	counts, h := c.rec.tick()
	from := t.Add(-time.Second)
	if from.Before(c.s.measure) {
		from = c.s.measure
	}
	secs := t.Sub(from).Seconds()
	sec := Second{
		T:      from.Sub(c.sp.runStart).Seconds(),
		P99US:  h.ValueAtPercentile(99),
		Errors: counts.Errors(),
	}
	if secs > 0 {
		sec.RPS = float64(counts.Responses) / secs
	}
	c.timeline = append(c.timeline, sec)
	c.last = h
	c.soFar.Merge(h)
	c.counts.merge(counts)
	c.sp.progress.update(progressLine{
		label:   c.sp.target.Name,
		elapsed: t.Sub(c.s.measure),
		total:   c.s.end.Sub(c.s.measure),
		rps:     sec.RPS,
		p99:     time.Duration(c.soFar.ValueAtPercentile(99)) * time.Microsecond,
		errors:  c.counts.Errors(),
	})
}

// finish folds what arrived after the last tick (answers still in flight
// when the window closed) into the last second and returns the timeline.
func (c *collector) finish() []Second {
	c.sp.progress.done()
	counts, h := c.rec.tick()
	if len(c.timeline) == 0 {
		return nil
	}
	last := &c.timeline[len(c.timeline)-1]
	c.last.Merge(h)
	last.P99US = c.last.ValueAtPercentile(99)
	last.Errors += counts.Errors()
	return c.timeline
}
