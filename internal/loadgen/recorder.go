package loadgen

import (
	"errors"
	"os"
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// Latencies are recorded in microseconds from 1 µs to one hour: a bid
// answer is never faster than a microsecond on loopback, and nothing a
// timeout lets through is slower than an hour.
const (
	minMicros = 1
	maxMicros = int64(time.Hour / time.Microsecond)
)

// newHistogram makes a latency histogram. Three significant digits keep
// every percentile within 0.1%; two are enough for per-second figures and
// take a tenth of the memory.
func newHistogram(digits int) *hdrhistogram.Histogram {
	return hdrhistogram.New(minMicros, maxMicros, digits)
}

// micros converts d for recording, clamped to the histogram's range.
func micros(d time.Duration) int64 {
	return min(max(int64(d/time.Microsecond), minMicros), maxMicros)
}

// errDial marks a failure to connect, which counts as a connection error
// even when it is a timeout.
type errDial struct{ err error }

func (e errDial) Error() string { return "dial: " + e.err.Error() }
func (e errDial) Unwrap() error { return e.err }

// outcome is what happened to one measured request.
type outcome struct {
	// latency is from the intended send time in the open loop and from the
	// actual send in the closed loop.
	latency time.Duration
	// lag is the generator's own lateness in sending: the time between the
	// moment the request could have gone out (its intended time, or the
	// previous answer on its connection if that came later) and the moment
	// it did. Negative means not measured (closed loop).
	lag time.Duration
	// waited is how long the answer sat in the kernel before the generator
	// read it; it is not part of latency. Negative means not known.
	waited time.Duration
	status int
	err    error
}

// shardCount spreads recording over several locks; connections map to
// shards by index, so two connections rarely wait for each other.
const shardCount = 16

// recorder collects the outcomes of one segment.
type recorder struct {
	shards [shardCount]shard
}

type shard struct {
	mu sync.Mutex
	// total holds every measured latency, lag the generator's lateness in
	// sending and wait its lateness in reading.
	total, lag, wait *hdrhistogram.Histogram
	// second and secCounts hold what came in since the last tick.
	second    *hdrhistogram.Histogram
	counts    Counts
	secCounts Counts
}

func newRecorder() *recorder {
	r := &recorder{}
	for i := range r.shards {
		s := &r.shards[i]
		s.total, s.second = newHistogram(3), newHistogram(2)
		s.lag, s.wait = newHistogram(2), newHistogram(2)
	}
	return r
}

// record adds one measured request sent by connection conn.
func (r *recorder) record(conn int, o outcome) {
	s := &r.shards[conn%shardCount]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts.add(o)
	s.secCounts.add(o)
	if o.err == nil || isTimeout(o.err) {
		// A timeout is recorded at the time it was given up: a lower bound
		// of its latency, which is better than leaving out the slowest.
		v := micros(o.latency)
		s.total.RecordValue(v)
		s.second.RecordValue(v)
	}
	if o.err == nil && o.waited >= 0 {
		s.wait.RecordValue(micros(o.waited))
	}
	if o.lag >= 0 {
		s.lag.RecordValue(micros(o.lag))
	}
}

// unsent records requests that were due in the measured window but never
// went out: their connection was still busy with earlier ones when the
// window closed and one more timeout had passed. Each is recorded at its
// lateness at that moment, a lower bound of the latency it would have had.
func (r *recorder) unsent(conn int, lateness []time.Duration) {
	if len(lateness) == 0 {
		return
	}
	s := &r.shards[conn%shardCount]
	s.mu.Lock()
	defer s.mu.Unlock()
	n := int64(len(lateness))
	s.counts.Unsent += n
	s.counts.Scheduled += n
	s.secCounts.Unsent += n
	s.secCounts.Scheduled += n
	for _, d := range lateness {
		s.total.RecordValue(micros(d))
		s.second.RecordValue(micros(d))
	}
}

// tick returns what came in since the previous tick and starts anew.
func (r *recorder) tick() (Counts, *hdrhistogram.Histogram) {
	h := newHistogram(2)
	var c Counts
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		h.Merge(s.second)
		s.second.Reset()
		c.merge(s.secCounts)
		s.secCounts = Counts{}
		s.mu.Unlock()
	}
	return c, h
}

// totals merges the shards; call it when recording has stopped.
func (r *recorder) totals() (c Counts, total, lag, wait *hdrhistogram.Histogram) {
	total, lag, wait = newHistogram(3), newHistogram(2), newHistogram(2)
	for i := range r.shards {
		s := &r.shards[i]
		s.mu.Lock()
		total.Merge(s.total)
		lag.Merge(s.lag)
		wait.Merge(s.wait)
		c.merge(s.counts)
		s.mu.Unlock()
	}
	return c, total, lag, wait
}

// isTimeout reports a request that ran past its deadline.
func isTimeout(err error) bool {
	var d errDial
	return !errors.As(err, &d) && errors.Is(err, os.ErrDeadlineExceeded)
}

// add counts one outcome.
func (c *Counts) add(o outcome) {
	c.Scheduled++
	c.Sent++
	switch {
	case o.err != nil && isTimeout(o.err):
		c.Timeouts++
	case o.err != nil:
		c.ConnErrors++
	default:
		c.Responses++
		switch {
		case o.status == 200:
			c.Bid++
		case o.status == 204:
			c.NoBid++
		case o.status < 300:
			c.Other2xx++
		case o.status < 400:
			c.Status3xx++
		case o.status < 500:
			c.Status4xx++
		default:
			c.Status5xx++
		}
	}
}

// merge adds o to c.
func (c *Counts) merge(o Counts) {
	c.Scheduled += o.Scheduled
	c.Sent += o.Sent
	c.Responses += o.Responses
	c.Bid += o.Bid
	c.NoBid += o.NoBid
	c.Other2xx += o.Other2xx
	c.Status3xx += o.Status3xx
	c.Status4xx += o.Status4xx
	c.Status5xx += o.Status5xx
	c.Timeouts += o.Timeouts
	c.ConnErrors += o.ConnErrors
	c.Unsent += o.Unsent
}

// Errors are the failures that disqualify a sweep step: timeouts,
// connection errors and 5xx answers. A 4xx answer is the target's verdict
// on a body it rejects, not a failure under load, and is counted apart.
func (c Counts) Errors() int64 { return c.Timeouts + c.ConnErrors + c.Status5xx }
