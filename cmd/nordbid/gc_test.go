package main

import (
	"math"
	"slices"
	"strconv"
	"testing"
)

// TestServeCollectsByLiveHeap runs the binary to see which collector
// settings serve starts with. By default the memory limit follows the
// live heap and leaves room for 64 MiB of garbage past the small heap of
// the demo; GOMEMLIMIT caps that limit; GOGC in the environment leaves
// the runtime alone: no limit, and the next collection due at GOGC's
// growth.
func TestServeCollectsByLiveHeap(t *testing.T) {
	const mib = 1 << 20
	bin := buildBinary(t)
	tests := []struct {
		name, env, value string
		wantRoom         bool    // 48 MiB or more between heap and goal
		wantLimit        float64 // the runtime's limit; 0: below 1 GiB
		wantLog          string  // the start-up message on the collector
	}{
		{"default", "", "", true, 0, followsMsg},
		{"GOGC set", "GOGC", "100", false, math.MaxInt64,
			"garbage collector: GOGC from the environment"},
		{"GOMEMLIMIT above the heap's room", "GOMEMLIMIT", "1GiB", true, 0, cappedMsg},
		{"GOMEMLIMIT below the heap's room", "GOMEMLIMIT", "40MiB", false, 40 * mib,
			cappedMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			if tt.env != "" {
				t.Setenv(tt.env, tt.value)
			}
			p := startProcess(t, bin, "--demo", "--data", t.TempDir())
			if !slices.Contains(p.startLog, tt.wantLog) {
				t.Errorf("start-up log %q lacks %q", p.startLog, tt.wantLog)
			}
			heap := gauge(t, p, "go_memstats_heap_alloc_bytes")
			goal := gauge(t, p, "go_gc_heap_goal_bytes")
			// The runtime keeps a few percent of a limit in reserve.
			if room := goal - heap; (room >= 48*mib) != tt.wantRoom {
				t.Errorf("next collection due %.1f MiB past a %.1f MiB heap; "+
					"want 48 MiB or more: %v", room/mib, heap/mib, tt.wantRoom)
			}
			limit := gauge(t, p, "go_gc_memory_limit_bytes")
			switch {
			case tt.wantLimit == 0 && limit >= 1<<30:
				t.Errorf("memory limit %.0f MiB, want one that follows the heap", limit/mib)
			case tt.wantLimit != 0 && limit != tt.wantLimit:
				t.Errorf("memory limit %.0f, want %.0f", limit, tt.wantLimit)
			}
		})
	}
}

// The start-up messages on a collector run by a limit.
const (
	followsMsg = "garbage collector: memory limit follows the live heap"
	cappedMsg  = followsMsg + ", capped by GOMEMLIMIT"
)

// gauge reads one unlabelled gauge from p's /metrics.
func gauge(t *testing.T, p *process, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(p.metric(t, name), 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
