package telemetry

import (
	"math"
	"runtime/metrics"

	"github.com/prometheus/client_golang/prometheus"
)

// gcCollector exports the runtime's GC pause histogram and cycle count
// under stable names, so that `nordbid bench --metrics` can report the
// pauses of a run from two scrapes.
type gcCollector struct {
	pauses, cycles *prometheus.Desc
}

const (
	pauseMetric = "/sched/pauses/total/gc:seconds"
	cycleMetric = "/gc/cycles/total:gc-cycles"
)

func newGCCollector() *gcCollector {
	return &gcCollector{
		pauses: prometheus.NewDesc("nordbid_gc_pause_seconds",
			"Stop-the-world pauses of the garbage collector (runtime/metrics "+pauseMetric+").",
			nil, nil),
		cycles: prometheus.NewDesc("nordbid_gc_cycles_total",
			"Completed garbage collection cycles.", nil, nil),
	}
}

func (c *gcCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pauses
	ch <- c.cycles
}

func (c *gcCollector) Collect(ch chan<- prometheus.Metric) {
	s := []metrics.Sample{{Name: pauseMetric}, {Name: cycleMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindFloat64Histogram {
		count, sum, buckets := promBuckets(s[0].Value.Float64Histogram())
		ch <- prometheus.MustNewConstHistogram(c.pauses, count, sum, buckets)
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		ch <- prometheus.MustNewConstMetric(c.cycles, prometheus.CounterValue,
			float64(s[1].Value.Uint64()))
	}
}

// promBuckets turns a runtime histogram into cumulative Prometheus buckets.
// The runtime has many fine buckets; they are kept at their upper bounds,
// which errs on the long side. The sum is estimated from bucket midpoints.
func promBuckets(h *metrics.Float64Histogram) (uint64, float64, map[float64]uint64) {
	buckets := make(map[float64]uint64, len(h.Counts))
	var cum uint64
	var sum float64
	for i, n := range h.Counts {
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		cum += n
		if math.IsInf(hi, 1) {
			sum += float64(n) * lo
			continue
		}
		if n > 0 {
			mid := hi
			if !math.IsInf(lo, -1) {
				mid = (lo + hi) / 2
			}
			sum += float64(n) * mid
		}
		buckets[hi] = cum
	}
	return cum, sum, buckets
}
