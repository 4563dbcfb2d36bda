package loadgen

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// fakeClock is a simulated clock: waiting jumps to the due time and an
// exchange advances it by the service time, so the accounting can be
// checked exactly, without a network or the machine's timing.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) waitUntil(_ context.Context, t time.Time) bool {
	if t.After(c.t) {
		c.t = t
	}
	return true
}

// fakeExchanger answers request n (from 1) after service(n); the
// generator then takes wait more to read each answer.
type fakeExchanger struct {
	clk     *fakeClock
	service func(n int) time.Duration
	wait    time.Duration
	err     error
	n       int
}

func (x *fakeExchanger) exchange(context.Context, time.Time) (int, time.Duration, error) {
	x.n++
	x.clk.t = x.clk.t.Add(x.service(x.n) + x.wait)
	return 204, x.wait, x.err
}

// stallAt serves every request in 100 µs except request n, which takes
// 200 ms: one stall in a steady stream.
func stallAt(n int) func(int) time.Duration {
	return func(i int) time.Duration {
		if i == n {
			return 200 * time.Millisecond
		}
		return 100 * time.Microsecond
	}
}

// simulate drives one connection at 1,000 requests per second for one
// second against a fake server.
func simulate(t *testing.T, closed bool, service func(int) time.Duration,
	err error) (Counts, *hdrhistogram.Histogram, *hdrhistogram.Histogram) {
	t.Helper()
	t0 := time.Unix(1_700_000_000, 0)
	s := &schedule{
		start: t0, measure: t0, end: t0.Add(time.Second), drain: t0.Add(2 * time.Second),
		rate: 1000, conns: 1,
	}
	clk := &fakeClock{t: t0}
	ex := &fakeExchanger{clk: clk, service: service, err: err}
	rec := newRecorder()
	if closed {
		runClosed(context.Background(), s, 0, clk, ex, rec)
	} else {
		runOpen(context.Background(), s, 0, clk, ex, rec)
	}
	c, total, lag, _ := rec.totals()
	return c, total, lag
}

// countAbove is the number of recorded values above v µs.
func countAbove(h *hdrhistogram.Histogram, v int64) int64 {
	var n int64
	for _, b := range h.Distribution() {
		if b.From > v {
			n += b.Count
		}
	}
	return n
}

// near reports whether got is within the histogram's 0.1% resolution of
// want (plus one unit for tiny values).
func near(got, want int64) bool {
	return math.Abs(float64(got-want)) <= float64(want)/1000+1
}

func TestOpenLoopChargesTheStall(t *testing.T) {
	counts, total, lag := simulate(t, false, stallAt(100), nil)

	if got, want := counts.Scheduled, int64(1000); got != want {
		t.Errorf("scheduled %d, want %d", got, want)
	}
	if got, want := total.TotalCount(), int64(1000); got != want {
		t.Errorf("recorded %d, want %d", got, want)
	}
	// Request 100 is due at 99 ms and answered at 299.1 ms.
	if got, want := total.Max(), int64(200_100); !near(got, want) {
		t.Errorf("max %d µs, want %d", got, want)
	}
	// The 199 requests due during the stall queue behind it and then go
	// out back to back, each 0.9 ms less late than the one before: 112 of
	// them (the stalled one included) are later than 100 ms.
	if got, want := countAbove(total, 100_000), int64(112); got < want-1 || got > want+1 {
		t.Errorf("%d requests above 100 ms, want %d", got, want)
	}
	if got, want := total.ValueAtPercentile(50), int64(100); !near(got, want) {
		t.Errorf("p50 %d µs, want %d", got, want)
	}
	// The simulated generator is never late, so no lag is charged to it.
	if got := lag.Max(); got > minMicros {
		t.Errorf("send lag max %d µs, want none", got)
	}
}

func TestClosedLoopHidesTheStall(t *testing.T) {
	counts, total, _ := simulate(t, true, stallAt(100), nil)

	// The closed loop waits out the stall and then sends as fast as the
	// server answers: one slow request in thousands, a p99 that looks
	// healthy. This is the coordinated omission the open loop avoids.
	if got := countAbove(total, 100_000); got != 1 {
		t.Errorf("%d requests above 100 ms, want 1", got)
	}
	if got, want := total.ValueAtPercentile(99), int64(100); !near(got, want) {
		t.Errorf("p99 %d µs, want %d", got, want)
	}
	if counts.Sent < 5000 {
		t.Errorf("sent %d, want the closed loop to run ahead of 1,000/s", counts.Sent)
	}
}

func TestOpenLoopCountsUnsent(t *testing.T) {
	// A server that needs 3 ms per request at 1 ms spacing falls behind;
	// by the end of the drain (one timeout after the window) it has taken
	// 2000/3 requests, and the rest are unsent.
	counts, total, _ := simulate(t, false, func(int) time.Duration { return 3 * time.Millisecond },
		nil)
	if got, want := counts.Sent, int64(667); got != want {
		t.Errorf("sent %d, want %d", got, want)
	}
	if got, want := counts.Unsent, int64(333); got != want {
		t.Errorf("unsent %d, want %d", got, want)
	}
	if got, want := counts.Scheduled, int64(1000); got != want {
		t.Errorf("scheduled %d, want %d", got, want)
	}
	// Request k goes out at 3k ms and is answered 2k+3 ms after it was
	// due; the last one sent (k = 666) was 1,335 ms late.
	if got, want := total.Max(), int64(1_335_000); !near(got, want) {
		t.Errorf("max %d µs, want %d", got, want)
	}
	// Above one second: the sent ones from k = 499 on, and every unsent
	// one, recorded at its lateness when the drain ended (1,002 ms for the
	// last, due at 999 ms).
	if got, want := countAbove(total, 1_000_000), int64(168+333); got != want {
		t.Errorf("%d requests above 1 s, want %d", got, want)
	}
}

func TestOutcomeClasses(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		want     Counts
		recorded int64
	}{
		{name: "answer", want: Counts{Scheduled: 1000, Sent: 1000, Responses: 1000, NoBid: 1000},
			recorded: 1000},
		{name: "timeout", err: os.ErrDeadlineExceeded,
			want: Counts{Scheduled: 1000, Sent: 1000, Timeouts: 1000}, recorded: 1000},
		{name: "connection error", err: errors.New("connection reset"),
			want: Counts{Scheduled: 1000, Sent: 1000, ConnErrors: 1000}},
		{name: "dial timeout", err: errDial{os.ErrDeadlineExceeded},
			want: Counts{Scheduled: 1000, Sent: 1000, ConnErrors: 1000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			counts, total, _ := simulate(t, false, stallAt(0), tt.err)
			if counts != tt.want {
				t.Errorf("counts %+v, want %+v", counts, tt.want)
			}
			if got := total.TotalCount(); got != tt.recorded {
				t.Errorf("recorded %d latencies, want %d", got, tt.recorded)
			}
		})
	}
}

func TestScheduleSpreadsConnections(t *testing.T) {
	t0 := time.Unix(0, 0)
	s := &schedule{start: t0, rate: 1000, conns: 4}
	tests := []struct {
		conn int
		k    int64
		want time.Duration
	}{
		{conn: 0, k: 0, want: 0},
		{conn: 1, k: 0, want: time.Millisecond},
		{conn: 3, k: 0, want: 3 * time.Millisecond},
		{conn: 0, k: 1, want: 4 * time.Millisecond},
		{conn: 2, k: 250, want: 1002 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := s.connAt(tt.conn, tt.k).Sub(t0); got != tt.want {
			t.Errorf("connAt(%d, %d) = %v, want %v", tt.conn, tt.k, got, tt.want)
		}
	}
}

// TestOpenLoopEndsAtArrival: an answer that waited in the kernel before
// the generator read it is timed from its arrival; the wait is recorded
// on its own.
func TestOpenLoopEndsAtArrival(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	s := &schedule{
		start: t0, measure: t0, end: t0.Add(time.Second), drain: t0.Add(2 * time.Second),
		rate: 1000, conns: 1,
	}
	clk := &fakeClock{t: t0}
	ex := &fakeExchanger{clk: clk, service: stallAt(0), wait: 300 * time.Microsecond}
	rec := newRecorder()
	runOpen(context.Background(), s, 0, clk, ex, rec)
	_, total, _, wait := rec.totals()
	if total.TotalCount() != 1000 || total.Max() > 101 {
		t.Errorf("latency: %d requests, max %d µs; want 1000 at 100 µs",
			total.TotalCount(), total.Max())
	}
	if wait.TotalCount() != 1000 || wait.ValueAtQuantile(50) < 299 || wait.Max() > 301 {
		t.Errorf("receive wait: %d answers, p50 %d µs, max %d; want 1000 at 300 µs",
			wait.TotalCount(), wait.ValueAtQuantile(50), wait.Max())
	}
}

// TestUnknownWaitIsNotRecorded: an answer with no arrival time is timed
// when read and adds nothing to the receive wait.
func TestUnknownWaitIsNotRecorded(t *testing.T) {
	rec := newRecorder()
	rec.record(0, outcome{latency: time.Millisecond, lag: 0, waited: -1, status: 204})
	rec.record(1, outcome{latency: time.Millisecond, lag: 0, waited: 0, status: 204})
	c, total, _, wait := rec.totals()
	if c.Responses != 2 || total.TotalCount() != 2 || wait.TotalCount() != 1 {
		t.Errorf("%d answers, %d latencies, %d waits; want 2, 2, 1", c.Responses,
			total.TotalCount(), wait.TotalCount())
	}
}
