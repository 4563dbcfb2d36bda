package loadgen

import (
	"math"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

const exposition1 = `# HELP go_gc_cycles_total_gc_cycles_total Count of completed GC cycles.
# TYPE go_gc_cycles_total_gc_cycles_total counter
go_gc_cycles_total_gc_cycles_total 41
nordbid_gc_cycles_total 40
nordbid_gc_pause_seconds_bucket{le="0.0001"} 30
nordbid_gc_pause_seconds_bucket{le="0.001"} 38
nordbid_gc_pause_seconds_bucket{le="0.01"} 40
nordbid_gc_pause_seconds_bucket{le="+Inf"} 40
nordbid_gc_pause_seconds_sum 0.01
nordbid_gc_pause_seconds_count 40
process_resident_memory_bytes 5.24288e+07
http_requests_total{code="200",path="/a"} 7 1700000000000
`

func TestParseExposition(t *testing.T) {
	e, err := parseExposition(strings.NewReader(exposition1))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want float64
	}{
		{"nordbid_gc_cycles_total", 40},
		{"go_gc_cycles_total_gc_cycles_total", 41},
		{"process_resident_memory_bytes", 52428800},
		{"http_requests_total", 7},
		{"nordbid_gc_pause_seconds_count", 40},
	}
	for _, tt := range tests {
		if got, ok := e.values[tt.name]; !ok || got != tt.want {
			t.Errorf("%s = %v (found %v), want %v", tt.name, got, ok, tt.want)
		}
	}
	if got, _ := e.first(gcCycleSeries); got != 40 {
		t.Errorf("GC cycles from %v, want nordbid's own series first", got)
	}
	b := e.buckets["nordbid_gc_pause_seconds"]
	if len(b) != 4 || b[0].le != 0.0001 || !math.IsInf(b[3].le, 1) || b[3].count != 40 {
		t.Errorf("buckets %+v, want four sorted, the last +Inf", b)
	}
}

func TestPauseMax(t *testing.T) {
	before := []bucket{{0.0001, 30}, {0.001, 38}, {0.01, 40}, {math.Inf(1), 40}}
	tests := []struct {
		name   string
		before []bucket
		after  []bucket
		want   float64
		ok     bool
	}{
		{name: "no pause since", before: before, after: before, want: 0, ok: true},
		{
			name:   "short pauses only",
			before: before,
			after:  []bucket{{0.0001, 33}, {0.001, 41}, {0.01, 43}, {math.Inf(1), 43}},
			want:   0.0001, ok: true,
		},
		{
			name:   "one longer pause",
			before: before,
			after:  []bucket{{0.0001, 33}, {0.001, 41}, {0.01, 44}, {math.Inf(1), 44}},
			want:   0.01, ok: true,
		},
		{
			name:   "beyond the last bucket",
			before: before,
			after:  []bucket{{0.0001, 30}, {0.001, 38}, {0.01, 40}, {math.Inf(1), 41}},
			want:   0.01, ok: true,
		},
		{
			name:  "first scrape missed the series",
			after: []bucket{{0.001, 2}, {math.Inf(1), 2}},
			want:  0.001, ok: true,
		},
		{name: "series absent", before: before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := pauseMax(tt.before, tt.after)
			if got != tt.want || ok != tt.ok {
				t.Errorf("pauseMax = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestMetricsSegmentAddsUp(t *testing.T) {
	m := newMetricsSource("http://127.0.0.1:1/metrics", 0, nil)
	parse := func(s string) exposition {
		e, err := parseExposition(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	// Two windows of 2 s. In each, the target uses 1 s of CPU, the
	// generator 0.5 s, and the machine 2 s in all: 0.5 s went elsewhere.
	// The hypervisor withholds 0.5 s in the first window and none in the
	// second.
	m.segment(
		reading{exp: parse("nordbid_gc_cycles_total 10\n"), at: at(0), cpu: 1, host: 10,
			steal: 3, generator: 4, hasCPU: true},
		reading{exp: parse("nordbid_gc_cycles_total 13\n"), at: at(2), cpu: 2, host: 12,
			steal: 3.5, generator: 4.5, hasCPU: true})
	m.segment(
		reading{exp: parse("nordbid_gc_cycles_total 20\n"), at: at(5), cpu: 3, host: 20,
			steal: 4, generator: 5, hasCPU: true},
		reading{exp: parse("nordbid_gc_cycles_total 22\n"), at: at(7), cpu: 4, host: 22,
			steal: 4, generator: 5.5, hasCPU: true})
	rt := m.runtime()
	if rt.GCCycles == nil || *rt.GCCycles != 5 {
		t.Errorf("GC cycles %v, want 5 over two segments", rt.GCCycles)
	}
	checkCores := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	checkCores("CPUSeconds", rt.CPUSeconds, 2)
	checkCores("CPUCores", rt.CPUCores, 0.5)
	checkCores("OtherCPUSeconds", rt.OtherCPUSeconds, 1)
	checkCores("OtherCores", rt.OtherCores, 0.25)
	checkCores("StolenCPUSeconds", rt.StolenCPUSeconds, 0.5)
	checkCores("StolenCores", rt.StolenCores, 0.125)
	if rt.GCPauseMaxS != nil || rt.RSSMaxBytes != nil {
		t.Errorf("pause %v rss %v, want n/a for series the target lacks",
			rt.GCPauseMaxS, rt.RSSMaxBytes)
	}
}

func FuzzParseExposition(f *testing.F) {
	f.Add(exposition1)
	f.Add("a{b=\"c\",le=\"1\"} 2\nx_bucket{le=\"NaN\"} 1\n{}\n")
	f.Fuzz(func(t *testing.T, in string) {
		e, err := parseExposition(strings.NewReader(in))
		if err != nil {
			return
		}
		for name, bs := range e.buckets {
			for i := 1; i < len(bs); i++ {
				if bs[i].le < bs[i-1].le {
					t.Fatalf("%s buckets out of order: %+v", name, bs)
				}
			}
		}
	})
}

func TestParseProc(t *testing.T) {
	status := "Name:\tx\nVmPeak:\t 9000 kB\nVmRSS:\t    2048 kB\nThreads: 4\n"
	if got, err := parseRSS([]byte(status)); err != nil || got != 2048<<10 {
		t.Errorf("parseRSS = %d, %v; want %d", got, err, 2048<<10)
	}
	stat := "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 4 0 1 2 3"
	if got, err := parseCPU([]byte(stat)); err != nil || got != 3 {
		t.Errorf("parseCPU = %v, %v; want 3 s (300 ticks)", got, err)
	}
	for _, bad := range []string{"", "42 (x) S 1", "42 (x"} {
		if _, err := parseCPU([]byte(bad)); err == nil {
			t.Errorf("parseCPU(%q) accepted", bad)
		}
	}
	if _, err := parseRSS([]byte("VmRSS: many\n")); err == nil {
		t.Error("parseRSS accepted a bad line")
	}
	host := "cpu  100 5 50 1000 20 3 2 40 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"
	if busy, steal, err := parseHostCPU([]byte(host)); err != nil || busy != 1.6 || steal != 0.4 {
		t.Errorf("parseHostCPU = %v, %v, %v; want 1.6 s busy (160 ticks without idle, "+
			"iowait and steal) and 0.4 s stolen", busy, steal, err)
	}
	for _, bad := range []string{"", "cpu 1 2 3 4 5 6 7\n", "cpu0 1 2 3 4 5 6 7 8\n",
		"cpu 1 2 3 4 5 6 7 x\n"} {
		if _, _, err := parseHostCPU([]byte(bad)); err == nil {
			t.Errorf("parseHostCPU(%q) accepted", bad)
		}
	}
}

func TestReadProcSelf(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is read on Linux only")
	}
	rss, cpu, err := readProc(os.Getpid())
	if err != nil {
		t.Fatalf("readProc of this test: %v", err)
	}
	if rss <= 0 || cpu < 0 {
		t.Errorf("rss %d cpu %v, want a live process's figures", rss, cpu)
	}
}
