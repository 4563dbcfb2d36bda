package admin

import (
	"math"
	"net/http"
	"runtime"
	"testing"
	"time"

	"nordbid/internal/telemetry"
)

func TestStatsFromMetrics(t *testing.T) {
	m := telemetry.New([]string{"no_match"})
	f := newFixture(t, Options{Metrics: m})

	var first statsJSON
	f.mustDo(t, "GET", "/api/v1/stats", "", http.StatusOK, &first)
	if first.RequestsPerSecond != 0 || first.WindowSeconds != 0 {
		t.Errorf("first poll = %+v, want an empty window", first)
	}

	// Ten seconds of load: 100 requests, 40 bids, 10 wins; latencies of
	// 0.2 ms, except one request in ten at 4 ms.
	for i := range 100 {
		res := telemetry.ResultNoBid
		if i%5 < 2 {
			res = telemetry.ResultBid
		}
		m.Request("demo", res)
		d := 0.0002
		if i%10 == 0 {
			d = 0.004
		}
		m.Duration(d)
	}
	for range 10 {
		m.Notice("win", "recorded")
	}
	m.Notice("win", "rejected")
	runtime.GC()
	f.clock.add(10 * time.Second)

	var got statsJSON
	f.mustDo(t, "GET", "/api/v1/stats", "", http.StatusOK, &got)
	checks := []struct {
		name      string
		got, want float64
	}{
		{"window_seconds", got.WindowSeconds, 10},
		{"requests_per_second", got.RequestsPerSecond, 10},
		{"bids_per_second", got.BidsPerSecond, 4},
		{"bid_rate", got.BidRate, 0.4},
		{"win_rate", got.WinRate, 0.25},
		{"requests_total", float64(got.RequestsTotal), 100},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if got.GCCycles == 0 || got.GCPauseMaxMS <= 0 {
		t.Errorf("after runtime.GC: %d cycles, longest pause %v ms; want both above 0",
			got.GCCycles, got.GCPauseMaxMS)
	}
	// Buckets: 0.1 to 0.25 ms holds 90, 2.5 to 5 ms holds 10.
	if got.LatencyP50MS <= 0.1 || got.LatencyP50MS > 0.25 {
		t.Errorf("latency p50 = %v ms, want within (0.1, 0.25]", got.LatencyP50MS)
	}
	if got.LatencyP99MS <= 2.5 || got.LatencyP99MS > 5 {
		t.Errorf("latency p99 = %v ms, want within (2.5, 5]", got.LatencyP99MS)
	}

	// A quiet second later, the window still holds the load.
	f.clock.add(time.Second)
	var quiet statsJSON
	f.mustDo(t, "GET", "/api/v1/stats", "", http.StatusOK, &quiet)
	if quiet.RequestsPerSecond <= 0 || quiet.WindowSeconds != 11 {
		t.Errorf("a second later = %+v, want the load still in an 11 s window", quiet)
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := histogram{Bounds: []float64{1, 2, 4, math.Inf(1)}, Counts: []uint64{0, 50, 100, 100}}
	tests := []struct {
		q, want float64
	}{
		{0.25, 1.5},
		{0.5, 2},
		{0.75, 3},
		{1, 4},
	}
	for _, tt := range tests {
		if got := h.quantile(tt.q); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := h.upper(0.99); got != 4 {
		t.Errorf("upper(0.99) = %v, want 4", got)
	}
	if got := (histogram{}).quantile(0.5); got != 0 {
		t.Errorf("empty quantile = %v, want 0", got)
	}
}
