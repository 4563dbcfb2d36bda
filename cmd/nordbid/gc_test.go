package main

import (
	"strconv"
	"testing"
)

// TestServeCollectsByLiveHeap runs the binary to see which collector
// settings serve starts with: by default the next collection is due
// 64 MiB past the heap (a memory limit that follows the live heap, room
// for the heap to grow by 4x or 64 MiB), while GOGC in the environment, or
// GOMEMLIMIT alone (with GOGC 400), keep the runtime's own goal: a few
// times the small live heap of the demo.
func TestServeCollectsByLiveHeap(t *testing.T) {
	const mib = 1 << 20
	bin := buildBinary(t)
	tests := []struct {
		name, env, value string
		wantRoom         bool
	}{
		{"default", "", "", true},
		{"GOGC set", "GOGC", "100", false},
		{"GOMEMLIMIT set", "GOMEMLIMIT", "1GiB", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			if tt.env != "" {
				t.Setenv(tt.env, tt.value)
			}
			p := startProcess(t, bin, "--demo", "--data", t.TempDir())
			heap := gauge(t, p, "go_memstats_heap_alloc_bytes")
			goal := gauge(t, p, "go_gc_heap_goal_bytes")
			// The runtime keeps a few percent of a limit in reserve.
			if room := goal - heap; (room >= 48*mib) != tt.wantRoom {
				t.Errorf("next collection due %.1f MiB past a %.1f MiB heap; "+
					"want 48 MiB or more: %v", room/mib, heap/mib, tt.wantRoom)
			}
		})
	}
}

// gauge reads one unlabelled gauge from p's /metrics.
func gauge(t *testing.T, p *process, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(p.metric(t, name), 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}
