package loadgen

import (
	"testing"
	"time"
)

func TestRecorderPercentiles(t *testing.T) {
	// 1 µs .. 10,000 µs, once each, spread over every shard.
	rec := newRecorder()
	for v := 1; v <= 10_000; v++ {
		rec.record(v, outcome{latency: time.Duration(v) * time.Microsecond, lag: 0, status: 200})
	}
	counts, total, _, _ := rec.totals()
	got := summarize(total)
	want := Latency{
		Count: 10_000, MinUS: 1, MeanUS: 5000.5, P50US: 5000, P90US: 9000, P99US: 9900,
		P999US: 9990, P9999US: 9999, MaxUS: 10_000,
	}
	// HdrHistogram with three digits reports the top of a value's bucket,
	// at most 0.1% above it; the mean comes from bucket midpoints.
	check := func(name string, got, want int64) {
		t.Helper()
		if got < want || got > want+want/1000+1 {
			t.Errorf("%s = %d, want %d (+0.1%%)", name, got, want)
		}
	}
	check("count", got.Count, want.Count)
	check("min", got.MinUS, want.MinUS)
	check("p50", got.P50US, want.P50US)
	check("p90", got.P90US, want.P90US)
	check("p99", got.P99US, want.P99US)
	check("p99.9", got.P999US, want.P999US)
	check("p99.99", got.P9999US, want.P9999US)
	check("max", got.MaxUS, want.MaxUS)
	if d := got.MeanUS - want.MeanUS; d < -5 || d > 5 {
		t.Errorf("mean = %v, want %v ± 5", got.MeanUS, want.MeanUS)
	}
	if counts.Bid != 10_000 || counts.Responses != 10_000 {
		t.Errorf("counts %+v, want 10,000 bids", counts)
	}
}

func TestRecorderStatusClasses(t *testing.T) {
	rec := newRecorder()
	for _, status := range []int{200, 200, 204, 202, 302, 400, 404, 500, 503} {
		rec.record(0, outcome{latency: time.Millisecond, lag: -1, status: status})
	}
	got, _, lag, _ := rec.totals()
	want := Counts{
		Scheduled: 9, Sent: 9, Responses: 9, Bid: 2, NoBid: 1, Other2xx: 1, Status3xx: 1,
		Status4xx: 2, Status5xx: 2,
	}
	if got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
	if got.Errors() != 2 {
		t.Errorf("Errors() = %d, want 2 (the 5xx; 4xx are the target's verdict)", got.Errors())
	}
	if lag.TotalCount() != 0 {
		t.Errorf("lag recorded %d times, want none for lag -1", lag.TotalCount())
	}
}

func TestRecorderTick(t *testing.T) {
	rec := newRecorder()
	rec.record(1, outcome{latency: 2 * time.Millisecond, status: 204})
	rec.record(2, outcome{latency: 4 * time.Millisecond, status: 204})
	rec.unsent(3, []time.Duration{time.Second})

	c, h := rec.tick()
	if c.Responses != 2 || c.Unsent != 1 || c.Scheduled != 3 || h.TotalCount() != 3 {
		t.Errorf("first tick: counts %+v, %d values; want 2 answers, 1 unsent, 3 values",
			c, h.TotalCount())
	}
	c, h = rec.tick()
	if c != (Counts{}) || h.TotalCount() != 0 {
		t.Errorf("second tick: counts %+v, %d values; want nothing new", c, h.TotalCount())
	}
	total, _, _, _ := rec.totals()
	if total.Scheduled != 3 {
		t.Errorf("totals after ticks: scheduled %d, want 3", total.Scheduled)
	}
}

func TestCurve(t *testing.T) {
	h := newHistogram(3)
	for v := int64(1); v <= 1000; v++ {
		h.RecordValue(v)
	}
	pts := curve(h)
	// 1,000 values resolve three nines: 31 points from 0% to 99.9%, then
	// the maximum.
	if got, want := len(pts), 32; got != want {
		t.Fatalf("%d points, want %d", got, want)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].Percentile <= pts[i-1].Percentile || pts[i].LatencyUS < pts[i-1].LatencyUS {
			t.Errorf("point %d %+v does not follow %+v", i, pts[i], pts[i-1])
		}
	}
	if last := pts[len(pts)-1]; last.Percentile != 100 || last.LatencyUS != 1000 {
		t.Errorf("last point %+v, want 100%% at the max", last)
	}
	if curve(newHistogram(3)) != nil {
		t.Error("curve of an empty histogram is not nil")
	}
}
