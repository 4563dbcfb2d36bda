// Package gctune runs the garbage collector by a memory limit that follows
// the live heap, in place of GOGC.
//
// Under GOGC a collection starts when the heap has grown by GOGC percent
// since the last one, and also whenever two minutes have passed without
// one, whatever the heap did. A bidder whose requests make no garbage
// still gets the second kind, and under load on busy shared cores its
// stop-the-world pause, lengthened by threads waiting for a core, is the
// longest pause the process has. With GOGC off neither trigger exists:
// only the memory limit (GOMEMLIMIT) starts a collection. The Governor
// sets that limit after each collection to the memory the process uses
// besides heap objects, plus the live heap, plus the growth its Options
// allow, so that memory stays proportional to what the process keeps, as
// it does under GOGC, and a process that makes no garbage is not
// collected at all.
package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Options say how far the heap may grow past the live heap before the
// next collection: Growth percent of the live heap, as GOGC's value, but
// at least MinGrowth bytes. The limit never goes above Ceiling bytes (a
// container's memory, say); zero or less means no ceiling.
type Options struct {
	Growth    int
	MinGrowth uint64
	Ceiling   int64
}

// Samples the governor reads, in this order.
var sampleNames = [...]string{
	"/gc/heap/live:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/objects:bytes",
}

// Governor keeps the memory limit after each collection. Its methods are
// safe for concurrent use.
type Governor struct {
	opt Options

	mu      sync.Mutex
	samples []metrics.Sample
	limit   int64
	stopped bool
	// prevPercent and prevLimit are the settings that Stop restores.
	prevPercent int
	prevLimit   int64
}

// Start turns GOGC off and sets the memory limit from the live heap of
// the last collection, then again after every collection until Stop. On
// a runtime that does not report the figures it needs, it changes
// nothing.
func Start(o Options) *Governor {
	g := &Governor{opt: o, samples: make([]metrics.Sample, len(sampleNames))}
	for i, name := range sampleNames {
		g.samples[i].Name = name
	}
	g.prevLimit = debug.SetMemoryLimit(-1)
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.adjustLocked() {
		g.stopped = true
		return g
	}
	// The limit is in place before GOGC goes off, so that the heap is
	// never without a bound.
	g.prevPercent = debug.SetGCPercent(-1)
	g.arm()
	return g
}

// Limit returns the memory limit the governor set last, in bytes.
func (g *Governor) Limit() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit
}

// Stop ends the adjustments and restores GOGC and the memory limit as
// they were before Start.
func (g *Governor) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.stopped = true
	debug.SetGCPercent(g.prevPercent)
	debug.SetMemoryLimit(g.prevLimit)
}

// sentinel is an object that nothing refers to: the collection after it
// is made finds it unreachable and runs its cleanup. It holds a pointer
// so that the allocator does not batch it with other small objects.
type sentinel struct{ _ *int }

// arm has the next collection call collected.
func (g *Governor) arm() {
	runtime.AddCleanup(new(sentinel), (*Governor).collected, g)
}

// collected runs after each collection: it sets the limit and arms
// again.
func (g *Governor) collected() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return
	}
	g.adjustLocked()
	g.arm()
}

// adjustLocked sets the memory limit from the figures of the last
// collection and reports whether the runtime gave them. g.mu must be
// held.
func (g *Governor) adjustLocked() bool {
	metrics.Read(g.samples)
	var v [len(sampleNames)]uint64
	for i, s := range g.samples {
		if s.Value.Kind() != metrics.KindUint64 {
			return false
		}
		v[i] = s.Value.Uint64()
	}
	live, total, released, free, objects := v[0], v[1], v[2], v[3], v[4]
	// Free pages not yet given back count towards the limit, but the
	// runtime gives them back as the limit nears: they are no overhead.
	ceiling := int64(math.MaxInt64)
	if g.opt.Ceiling > 0 {
		ceiling = g.opt.Ceiling
	}
	g.limit = int64(min(limitFor(live, total-released-free, objects, g.opt), uint64(ceiling)))
	debug.SetMemoryLimit(g.limit)
	return true
}

// limitFor is the memory limit that lets the heap grow as o allows past
// the live heap: the memory in use that is not heap objects (stacks, the
// runtime's own, the unused part of heap spans), the live heap and the
// growth.
func limitFor(live, inUse, objects uint64, o Options) uint64 {
	pct := uint64(max(o.Growth, 0))
	growth := max(live/100*pct+live%100*pct/100, o.MinGrowth)
	other := inUse - min(objects, inUse)
	return other + live + growth
}
