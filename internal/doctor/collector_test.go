package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"nordbid/internal/telemetry"
)

// statLine makes a /proc/stat whose aggregate line has the given user,
// idle and steal ticks.
func statLine(user, idle, steal int) *fstest.MapFile {
	line := fmt.Sprintf("cpu  %d 0 0 %d 0 0 0 %d 0 0\n", user, idle, steal)
	return &fstest.MapFile{Data: []byte(line)}
}

func limitsFile(t *testing.T, host string) *fstest.MapFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hosts", host, pathLimits))
	if err != nil {
		t.Fatal(err)
	}
	return &fstest.MapFile{Data: b}
}

// scrape writes m's exposition and keeps the lines of the collector's
// three gauges.
func scrape(t *testing.T, m *telemetry.Metrics) string {
	t.Helper()
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	var keep []string
	for line := range strings.Lines(b.String()) {
		f := strings.Fields(line)
		name := f[0]
		if name == "#" && len(f) > 2 {
			name = f[2]
		}
		if name == stealName || name == procsName || name == nofileName {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

// registered returns fresh metrics with c's gauges on them.
func registered(t *testing.T, c *Collector) *telemetry.Metrics {
	t.Helper()
	m := telemetry.New(nil)
	if err := c.Register(m); err != nil {
		t.Fatal(err)
	}
	return m
}

// gauge returns the value of an unlabelled sample in an exposition.
func gauge(expo, name string) (float64, bool) {
	for line := range strings.Lines(expo) {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

func TestCollector(t *testing.T) {
	fsys := fstest.MapFS{pathStat: statLine(100, 800, 100), pathLimits: limitsFile(t, "kvm-tuned")}
	m := registered(t, newCollector(fsys, func() int { return 3 }))

	// Between construction and the first scrape: 100 ticks, 25 stolen.
	// The collector keeps /proc/stat open, so the fixture changes its
	// content, as the kernel's file does, rather than being replaced.
	fsys[pathStat].Data = statLine(150, 825, 125).Data
	want, err := os.ReadFile(filepath.Join("testdata", "collector.prom"))
	if err != nil {
		t.Fatal(err)
	}
	if got := scrape(t, m); got != string(want) {
		t.Fatalf("first scrape:\n%s\nwant:\n%s", got, want)
	}

	tests := []struct {
		name string
		stat *fstest.MapFile
		want float64
	}{
		// Each step is measured against the previous scrape only.
		{"quiet since the last scrape", statLine(240, 835, 125), 0},
		{"same tick: last ratio repeats", statLine(240, 835, 125), 0},
		{"half stolen", statLine(260, 835, 145), 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys[pathStat].Data = tt.stat.Data
			got, ok := gauge(scrape(t, m), stealName)
			if !ok {
				t.Fatalf("no %s in the scrape", stealName)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCollectorUnreadable checks that a missing /proc leaves the gauges
// that read it out of the scrape, and only those: the scrape succeeds.
func TestCollectorUnreadable(t *testing.T) {
	m := registered(t, newCollector(fstest.MapFS{}, func() int { return 1 }))
	expo := scrape(t, m)
	for _, name := range []string{stealName, nofileName} {
		if v, ok := gauge(expo, name); ok {
			t.Errorf("%s = %v with /proc missing, want it left out", name, v)
		}
	}
	if v, ok := gauge(expo, procsName); !ok || v != 1 {
		t.Errorf("%s = %v (present %v), want 1", procsName, v, ok)
	}
}

func TestCollectorUnreadableLater(t *testing.T) {
	fsys := fstest.MapFS{pathStat: statLine(1, 1, 0), pathLimits: limitsFile(t, "kvm-tuned")}
	m := registered(t, newCollector(fsys, func() int { return 1 }))
	if _, ok := gauge(scrape(t, m), stealName); !ok {
		t.Fatalf("no %s while /proc/stat is readable", stealName)
	}
	fsys[pathStat].Data = []byte("garbage\n")
	if v, ok := gauge(scrape(t, m), stealName); ok {
		t.Errorf("%s = %v from an unparsable /proc/stat, want it left out", stealName, v)
	}
}

func TestNewCollectorReadsTheRealHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the host gauges read /proc")
	}
	expo := scrape(t, registered(t, NewCollector()))
	for _, name := range []string{stealName, procsName, nofileName} {
		if _, ok := gauge(expo, name); !ok {
			t.Errorf("no %s in:\n%s", name, expo)
		}
	}
}

// TestCollectorAllocatesNothing holds a warm scrape of the host gauges to
// no allocation: a bidder under load is scraped every few seconds, and
// its garbage is what brings the next collection.
func TestCollectorAllocatesNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the host gauges read /proc")
	}
	c := NewCollector()
	gauges := func() {
		if _, ok := c.stealGauge(); !ok {
			t.Fatal("no steal ratio")
		}
		if _, ok := c.nofileGauge(); !ok {
			t.Fatal("no open-file limit")
		}
	}
	gauges()
	if n := testing.AllocsPerRun(20, gauges); n != 0 {
		t.Errorf("%v allocations per scrape, want 0", n)
	}
}

// TestProcFileRereads checks that the /proc/stat the collector keeps open
// shows new counters at each read, not the content of the first.
func TestProcFileRereads(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	p := procFile{fsys: os.DirFS("/"), name: pathStat}
	read := func() cpuTimes {
		b, err := p.read()
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseCPUTimes(b)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := read()
	for range 1000 {
		time.Sleep(5 * time.Millisecond)
		if read().total() > first.total() {
			return
		}
	}
	t.Errorf("CPU counters stayed at %+v for 5 s of reads", first)
}

// TestProcFileLong checks that a file longer than the first buffer is
// read whole.
func TestProcFileLong(t *testing.T) {
	long := strings.Repeat("intr 1 2 3 4 5 6 7 8 9\n", 1000)
	p := procFile{fsys: fstest.MapFS{pathStat: {Data: []byte(long)}}, name: pathStat}
	for range 2 {
		b, err := p.read()
		if err != nil || string(b) != long {
			t.Fatalf("read %d bytes (%v), want %d", len(b), err, len(long))
		}
	}
}
