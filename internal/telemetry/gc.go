package telemetry

import (
	"math"
	"runtime/metrics"
	"slices"
	"sort"
)

// Runtime metrics read at each scrape, in the order of runtimeReader's
// samples.
const (
	pauseMetric     = "/sched/pauses/total/gc:seconds"
	cycleMetric     = "/gc/cycles/total:gc-cycles"
	goroutineMetric = "/sched/goroutines:goroutines"
	heapMetric      = "/memory/classes/heap/objects:bytes"
	goalMetric      = "/gc/heap/goal:bytes"
	liveMetric      = "/gc/heap/live:bytes"
	limitMetric     = "/gc/gomemlimit:bytes"
	mappedMetric    = "/memory/classes/total:bytes"
)

// pauseBounds are the upper bounds of nordbid_gc_pause_seconds. The
// runtime keeps many finer buckets; a pause histogram of fixed bounds
// can be subtracted between two scrapes and stays short on the wire.
// They are closer around 100 µs, the longest pause BENCHMARKS.md allows,
// so that a report tells a pause just over it from one twice as long.
var pauseBounds = []float64{1e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 7.5e-5, 1e-4, 1.5e-4,
	2e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 1e-1}

// runtimeGauges are the gauges exported from runtime/metrics: name, help
// and the sample they come from.
var runtimeGauges = []struct {
	name, help, metric string
}{
	{"go_goroutines", "Goroutines that exist now (runtime/metrics " +
		goroutineMetric + ").", goroutineMetric},
	{"go_memstats_heap_alloc_bytes", "Bytes of heap objects, live or not yet swept " +
		"(runtime/metrics " + heapMetric + ").", heapMetric},
	{"go_gc_heap_goal_bytes", "Heap size at which the next garbage collection is due " +
		"(runtime/metrics " + goalMetric + ").", goalMetric},
	{"go_gc_heap_live_bytes", "Bytes of heap objects the last garbage collection " +
		"found live (runtime/metrics " + liveMetric + ").", liveMetric},
	{"go_gc_memory_limit_bytes", "Memory limit of the Go runtime: GOMEMLIMIT, or the " +
		"limit serve sets after each collection (runtime/metrics " + limitMetric + ").",
		limitMetric},
	{"go_memstats_sys_bytes", "Bytes of memory the Go runtime has mapped from the " +
		"operating system (runtime/metrics " + mappedMetric + ").", mappedMetric},
}

var (
	pauseDesc = desc{name: "nordbid_gc_pause_seconds",
		help: "Stop-the-world pauses of the garbage collector, two per collection; " +
			"the sum is estimated from bucket midpoints (runtime/metrics " +
			pauseMetric + ")."}
	cycleDesc = desc{name: "nordbid_gc_cycles_total",
		help: "Completed garbage collection cycles."}
)

// runtimeReader reads runtime/metrics into reused samples. It is not safe
// for concurrent use: Metrics holds its scrape lock around it.
type runtimeReader struct {
	// samples are the pause histogram, the cycle count, then the gauges.
	samples []metrics.Sample
	// slot maps each runtime pause bucket to its bucket in pauses; it is
	// rebuilt when the runtime's bucket count changes.
	slot []int
	// pauses are the cumulative counts of pauseBounds, then +Inf.
	pauses   []uint64
	pauseSum float64
	// pausesOK and cyclesOK report that the runtime answered.
	pausesOK, cyclesOK bool
	cycles             uint64
}

func newRuntimeReader() *runtimeReader {
	r := &runtimeReader{pauses: make([]uint64, len(pauseBounds)+1)}
	r.samples = append(r.samples, metrics.Sample{Name: pauseMetric},
		metrics.Sample{Name: cycleMetric})
	for _, g := range runtimeGauges {
		r.samples = append(r.samples, metrics.Sample{Name: g.metric})
	}
	return r
}

// read takes a fresh sample of every runtime metric.
func (r *runtimeReader) read() {
	metrics.Read(r.samples)

	r.pausesOK = r.samples[0].Value.Kind() == metrics.KindFloat64Histogram
	if r.pausesOK {
		r.collapse(r.samples[0].Value.Float64Histogram())
	}
	r.cyclesOK = r.samples[1].Value.Kind() == metrics.KindUint64
	if r.cyclesOK {
		r.cycles = r.samples[1].Value.Uint64()
	}
}

// collapse folds the runtime's pause buckets into pauseBounds. A runtime
// bucket counts at the smallest bound at or above its upper edge, so that
// no pause is reported shorter than it may have been. The runtime keeps
// no sum: it is estimated from bucket midpoints.
func (r *runtimeReader) collapse(h *metrics.Float64Histogram) {
	if len(r.slot) != len(h.Counts) {
		r.slot = r.slot[:0]
		for i := range h.Counts {
			r.slot = append(r.slot, sort.SearchFloat64s(pauseBounds, h.Buckets[i+1]))
		}
	}
	clear(r.pauses)
	r.pauseSum = 0
	for i, n := range h.Counts {
		if n == 0 {
			continue
		}
		r.pauses[r.slot[i]] += n
		r.pauseSum += float64(n) * midpoint(h.Buckets[i], h.Buckets[i+1])
	}
	for i := 1; i < len(r.pauses); i++ {
		r.pauses[i] += r.pauses[i-1]
	}
}

// midpoint is the value a bucket's observations are taken at: its middle,
// or its finite edge when the other is infinite.
func midpoint(lo, hi float64) float64 {
	switch {
	case math.IsInf(hi, 1):
		return lo
	case math.IsInf(lo, -1):
		return hi
	}
	return (lo + hi) / 2
}

// write appends the GC histogram, the cycle count and the runtime gauges.
func (r *runtimeReader) write(t *text) {
	if r.pausesOK {
		t.header(pauseDesc.name, pauseDesc.help, "histogram")
		t.histogram(pauseDesc.name, pauseBounds, r.pauses, r.pauseSum)
	}
	if r.cyclesOK {
		t.header(cycleDesc.name, cycleDesc.help, "counter")
		t.uint(cycleDesc.name, nil, nil, r.cycles)
	}
	for i, g := range runtimeGauges {
		v := r.samples[2+i].Value
		if v.Kind() != metrics.KindUint64 {
			continue
		}
		t.header(g.name, g.help, "gauge")
		t.uint(g.name, nil, nil, v.Uint64())
	}
}

// pauseHistogram copies the last read of the pause histogram; Bounds is
// nil when the runtime did not answer.
func (r *runtimeReader) pauseHistogram() Histogram {
	if !r.pausesOK {
		return Histogram{}
	}
	return Histogram{
		Bounds: append(slices.Clip(pauseBounds), math.Inf(1)),
		Counts: slices.Clone(r.pauses),
		Sum:    r.pauseSum,
	}
}
