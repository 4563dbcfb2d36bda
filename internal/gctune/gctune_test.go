package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimitFor(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name                 string
		live, inUse, objects uint64
		o                    Options
		want                 uint64
	}{
		{"growth by percent", 100 * mib, 150 * mib, 110 * mib,
			Options{Growth: 400, MinGrowth: 64 * mib}, 40*mib + 100*mib + 400*mib},
		{"growth by the floor", 5 * mib, 20 * mib, 6 * mib,
			Options{Growth: 400, MinGrowth: 64 * mib}, 14*mib + 5*mib + 64*mib},
		{"no growth allowed but the floor", 5 * mib, 20 * mib, 6 * mib,
			Options{Growth: -1, MinGrowth: mib}, 14*mib + 5*mib + mib},
		{"objects beyond use", 5 * mib, 4 * mib, 6 * mib,
			Options{Growth: 100}, 5*mib + 5*mib},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := limitFor(tt.live, tt.inUse, tt.objects, tt.o); got != tt.want {
				t.Errorf("got %d MiB, want %d MiB", got/mib, tt.want/mib)
			}
		})
	}
}

// TestGovernorCeiling checks that the limit stays at the ceiling when
// the growth asked for would take it past.
func TestGovernorCeiling(t *testing.T) {
	const gib = 1 << 30
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	g := Start(Options{Growth: 100, MinGrowth: 2 * gib, Ceiling: gib})
	defer g.Stop()
	if l := g.Limit(); l != gib {
		t.Errorf("limit %d MiB, want the ceiling, 1024 MiB", l>>20)
	}
	waitLimit(t, g, func(l int64) bool { return l == gib })
	if l := debug.SetMemoryLimit(-1); l != gib {
		t.Errorf("runtime's limit %d MiB, want 1024 MiB", l>>20)
	}
}

// waitLimit collects until the governor's limit satisfies ok, and fails
// after many collections.
func waitLimit(t *testing.T, g *Governor, ok func(int64) bool) int64 {
	t.Helper()
	for range 200 {
		runtime.GC()
		if l := g.Limit(); ok(l) {
			return l
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("limit stayed at %d MiB", g.Limit()>>20)
	return 0
}

// TestGovernorFollowsLiveHeap runs the governor on the test's own
// runtime: the limit rises with what the heap keeps and falls when it is
// let go, GOGC is off meanwhile, and Stop puts both settings back.
func TestGovernorFollowsLiveHeap(t *testing.T) {
	const mib = 1 << 20
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	limitBefore := debug.SetMemoryLimit(-1)

	g := Start(Options{Growth: 100, MinGrowth: 8 * mib})
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GOGC %d while the governor runs, want off", p)
	}
	if l := debug.SetMemoryLimit(-1); l != g.Limit() {
		t.Errorf("runtime's limit %d, governor's %d", l, g.Limit())
	}
	small := g.Limit()

	keep := make([]byte, 64*mib)
	for i := range keep {
		keep[i] = 1 // touched, so that it is memory in use
	}
	// 64 MiB live may grow by as much: the limit is past 128 MiB.
	big := waitLimit(t, g, func(l int64) bool { return l >= 128*mib })
	if l := debug.SetMemoryLimit(-1); l != big {
		t.Errorf("runtime's limit %d, governor's %d", l, big)
	}
	runtime.KeepAlive(keep)

	keep = nil
	waitLimit(t, g, func(l int64) bool { return l < 128*mib && l >= small/2 })

	g.Stop()
	if p := debug.SetGCPercent(77); p != 77 {
		t.Errorf("GOGC %d after Stop, want 77 as before Start", p)
	}
	if l := debug.SetMemoryLimit(-1); l != limitBefore {
		t.Errorf("limit %d after Stop, want %d as before Start", l, limitBefore)
	}
}
