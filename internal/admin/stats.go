package admin

import (
	"math"
	"net/http"
	"sync"
	"time"

	"nordbid/internal/telemetry"
)

// statsJSON is the live view of the bidder for the dashboard. Rates and
// percentiles cover the window between two samples of the metrics
// metrics, about the last statsWindow.
type statsJSON struct {
	At            time.Time `json:"at"`
	WindowSeconds float64   `json:"window_seconds"`
	// RequestsTotal and BidsTotal count since the process started.
	RequestsTotal uint64 `json:"requests_total"`
	BidsTotal     uint64 `json:"bids_total"`
	WinsTotal     uint64 `json:"wins_total"`
	// RequestsPerSecond and BidsPerSecond are rates over the window.
	RequestsPerSecond float64 `json:"requests_per_second"`
	BidsPerSecond     float64 `json:"bids_per_second"`
	// BidRate is bids per request and WinRate wins per bid over the
	// window, 0 to 1; 0 when the window saw no request or bid.
	BidRate float64 `json:"bid_rate"`
	WinRate float64 `json:"win_rate"`
	// Latency percentiles of bid requests over the window, in
	// milliseconds, estimated from histogram buckets.
	LatencyP50MS float64 `json:"latency_p50_ms"`
	LatencyP90MS float64 `json:"latency_p90_ms"`
	LatencyP99MS float64 `json:"latency_p99_ms"`
	// GCCycles counts collections in the window; GCPauseP99MS and
	// GCPauseMaxMS are the pause percentiles in milliseconds (bucket
	// upper bounds).
	GCCycles     uint64  `json:"gc_cycles"`
	GCPauseP99MS float64 `json:"gc_pause_p99_ms"`
	GCPauseMaxMS float64 `json:"gc_pause_max_ms"`
}

// sample is one read of the counters the stats come from.
type sample struct {
	at                   time.Time
	requests, bids, wins uint64
	latency, pauses      histogram
	gcCycles             uint64
}

// histogram is a read of a telemetry histogram: cumulative counts by
// upper bound, the last +Inf.
type histogram telemetry.Histogram

const (
	// statsWindow is how far back the rates look: short enough to show a
	// change of load within seconds, long enough to smooth one slow poll.
	statsWindow = 10 * time.Second
	// sampleEvery bounds how often the metrics are read, however many
	// dashboards poll.
	sampleEvery = time.Second
)

// sampler keeps recent samples of the metrics.
type sampler struct {
	m       *telemetry.Metrics // nil: every sample is zero
	mu      sync.Mutex
	samples []sample
}

func newSampler(m *telemetry.Metrics) *sampler { return &sampler{m: m} }

// stats takes a sample when the last is older than sampleEvery and
// answers the change since the oldest sample within statsWindow.
func (s *sampler) stats(now time.Time) statsJSON {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.samples); n == 0 || now.Sub(s.samples[n-1].at) >= sampleEvery {
		s.samples = append(s.samples, s.take(now))
	}
	for len(s.samples) > 2 && now.Sub(s.samples[1].at) >= statsWindow {
		s.samples = s.samples[1:]
	}
	last := s.samples[len(s.samples)-1]
	first := sample{at: last.at}
	if len(s.samples) > 1 {
		first = s.samples[0]
	}
	return diff(first, last)
}

// diff computes the stats between two samples. With one sample only (the
// first poll), the window is empty: per-second rates are 0, and the bid
// rate, win rate and percentiles cover the process's lifetime.
func diff(a, b sample) statsJSON {
	out := statsJSON{At: b.at, RequestsTotal: b.requests, BidsTotal: b.bids,
		WinsTotal: b.wins}
	secs := b.at.Sub(a.at).Seconds()
	out.WindowSeconds = math.Round(secs*10) / 10
	reqs, bids, wins := b.requests-a.requests, b.bids-a.bids, b.wins-a.wins
	if secs > 0 {
		out.RequestsPerSecond = float64(reqs) / secs
		out.BidsPerSecond = float64(bids) / secs
	}
	if reqs > 0 {
		out.BidRate = float64(bids) / float64(reqs)
	}
	if bids > 0 {
		out.WinRate = min(1, float64(wins)/float64(bids))
	}
	lat := b.latency.minus(a.latency)
	out.LatencyP50MS = lat.quantile(0.5) * 1000
	out.LatencyP90MS = lat.quantile(0.9) * 1000
	out.LatencyP99MS = lat.quantile(0.99) * 1000
	pauses := b.pauses.minus(a.pauses)
	out.GCCycles = b.gcCycles - a.gcCycles
	out.GCPauseP99MS = pauses.upper(0.99) * 1000
	out.GCPauseMaxMS = pauses.upper(1) * 1000
	return out
}

// take reads the metrics into a sample.
func (s *sampler) take(now time.Time) sample {
	if s.m == nil {
		return sample{at: now}
	}
	snap := s.m.Snapshot()
	return sample{
		at:       now,
		requests: snap.Requests,
		bids:     snap.Bids,
		wins:     snap.Wins,
		latency:  histogram(snap.Duration),
		pauses:   histogram(snap.GCPauses),
		gcCycles: snap.GCCycles,
	}
}

// minus returns h less an earlier read of the same histogram; an earlier
// read with other buckets (or none) is taken as empty.
func (h histogram) minus(e histogram) histogram {
	if len(e.Counts) != len(h.Counts) {
		return h
	}
	out := histogram{Bounds: h.Bounds, Counts: make([]uint64, len(h.Counts))}
	for i := range h.Counts {
		out.Counts[i] = h.Counts[i] - e.Counts[i]
	}
	return out
}

// quantile estimates the q-quantile by linear interpolation inside the
// bucket that holds it; the open last bucket answers its lower bound.
func (h histogram) quantile(q float64) float64 {
	n := len(h.Counts)
	if n == 0 || h.Counts[n-1] == 0 {
		return 0
	}
	rank := q * float64(h.Counts[n-1])
	for i, c := range h.Counts {
		if float64(c) < rank {
			continue
		}
		lo, prev := 0.0, uint64(0)
		if i > 0 {
			lo, prev = h.Bounds[i-1], h.Counts[i-1]
		}
		hi := h.Bounds[i]
		if math.IsInf(hi, 1) || c == prev {
			return lo
		}
		return lo + (hi-lo)*(rank-float64(prev))/float64(c-prev)
	}
	return h.Bounds[n-2]
}

// upper returns the upper bound of the bucket holding the q-quantile: a
// pause is never reported shorter than it may have been.
func (h histogram) upper(q float64) float64 {
	n := len(h.Counts)
	if n == 0 || h.Counts[n-1] == 0 {
		return 0
	}
	rank := q * float64(h.Counts[n-1])
	for i, c := range h.Counts {
		if float64(c) >= rank && c > 0 {
			if math.IsInf(h.Bounds[i], 1) && i > 0 {
				return h.Bounds[i-1]
			}
			return h.Bounds[i]
		}
	}
	return 0
}

func (a *API) getStats(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, a.stats.stats(a.opt.Now()))
	return nil
}
