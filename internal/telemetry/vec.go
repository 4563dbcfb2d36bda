package telemetry

import (
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// desc names a metric family and its label names.
type desc struct {
	name, help string
	labels     []string
}

// counter is one series of a counter family.
type counter struct {
	// values are the label values, in the order of the family's labels.
	values []string
	n      atomic.Uint64
}

// counterVec is a family of counters keyed by K. Lookups go through a
// sync.Map, so counting takes no lock and allocates nothing, and adding a
// series costs the same with ten series or a hundred thousand (spend has
// one per campaign).
type counterVec[K comparable] struct {
	desc
	byKey sync.Map // K -> *counter

	mu  sync.Mutex
	all []*counter // in order of creation
	// sorted is all by label values, built at the first scrape after an
	// add; nil until then.
	sorted []*counter
}

func newCounterVec[K comparable](d desc) *counterVec[K] {
	return &counterVec[K]{desc: d}
}

// lookup returns the series of k, or nil when it does not exist yet.
func (v *counterVec[K]) lookup(k K) *counter {
	if c, ok := v.byKey.Load(k); ok {
		return c.(*counter)
	}
	return nil
}

// add returns the series of k, creating it with the given label values.
// The map keeps k and values: they must not be views of reused buffers.
func (v *counterVec[K]) add(k K, values ...string) *counter {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c, ok := v.byKey.Load(k); ok {
		return c.(*counter)
	}
	c := &counter{values: values}
	v.byKey.Store(k, c)
	v.all = append(v.all, c)
	v.sorted = nil
	return c
}

// series returns every series, sorted by label values. The slice is
// shared: callers must not change it.
func (v *counterVec[K]) series() []*counter {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.sorted == nil {
		v.sorted = slices.Clone(v.all)
		slices.SortFunc(v.sorted, func(a, b *counter) int {
			return slices.Compare(a.values, b.values)
		})
	}
	return v.sorted
}

// histogram counts observations in buckets with fixed upper bounds. Each
// bucket counts only its own observations; exposition makes them
// cumulative.
type histogram struct {
	desc
	// bounds are the finite upper bounds, ascending; an observation
	// above the last one counts in the +Inf bucket.
	bounds []float64
	// counts has one bucket per bound, then the +Inf bucket.
	counts []atomic.Uint64
	// sumBits holds the float64 sum of observations.
	sumBits atomic.Uint64
}

func newHistogram(d desc, bounds []float64) *histogram {
	return &histogram{desc: d, bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// observe records one value. NaN counts in the +Inf bucket.
func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v)
	if math.IsNaN(v) {
		i = len(h.bounds)
	}
	h.counts[i].Add(1)
	for {
		old := h.sumBits.Load()
		sum := math.Float64frombits(old) + v
		if h.sumBits.CompareAndSwap(old, math.Float64bits(sum)) {
			return
		}
	}
}

// sumFloat returns the sum of the observations.
func (h *histogram) sumFloat() float64 { return math.Float64frombits(h.sumBits.Load()) }

// Histogram is a read of a histogram.
type Histogram struct {
	// Bounds are the upper bounds of the buckets, ascending; the last is
	// +Inf. Nil for a histogram that could not be read.
	Bounds []float64
	// Counts are cumulative: Counts[i] is the number of observations at
	// most Bounds[i]. The last is the number of observations.
	Counts []uint64
	// Sum is the sum of the observations, in the unit of the bounds.
	Sum float64
}

// Count returns the number of observations.
func (h Histogram) Count() uint64 {
	if len(h.Counts) == 0 {
		return 0
	}
	return h.Counts[len(h.Counts)-1]
}

// read copies the histogram. Buckets are read one by one while others
// may count, so the read is not atomic; the count is the sum of the
// buckets read, which keeps +Inf and the count equal.
func (h *histogram) read() Histogram {
	out := Histogram{
		Bounds: append(slices.Clip(h.bounds), math.Inf(1)),
		Counts: make([]uint64, len(h.counts)),
		Sum:    h.sumFloat(),
	}
	h.cumulative(out.Counts)
	return out
}

// cumulative fills dst, of one entry per bucket, with the cumulative
// counts.
func (h *histogram) cumulative(dst []uint64) {
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		dst[i] = cum
	}
}
