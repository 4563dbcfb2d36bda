package doctor

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
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

func TestCollector(t *testing.T) {
	fsys := fstest.MapFS{pathStat: statLine(100, 800, 100), pathLimits: limitsFile(t, "kvm-tuned")}
	c := newCollector(fsys, func() int { return 3 })

	// Between construction and the first scrape: 100 ticks, 25 stolen.
	fsys[pathStat] = statLine(150, 825, 125)
	first, err := os.Open(filepath.Join("testdata", "collector.prom"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if err := testutil.CollectAndCompare(c, first); err != nil {
		t.Fatal(err)
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
			fsys[pathStat] = tt.stat
			got, err := gatherOne(c, "nordbid_cpu_steal_ratio")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// gatherOne collects c through a registry and returns the named gauge.
func gatherOne(c prometheus.Collector, name string) (float64, error) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(c); err != nil {
		return 0, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return 0, err
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetGauge().GetValue(), nil
		}
	}
	return 0, os.ErrNotExist
}

func TestCollectorUnreadable(t *testing.T) {
	c := newCollector(fstest.MapFS{}, func() int { return 1 })
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	if _, err := reg.Gather(); err == nil {
		t.Error("got no error with /proc missing, want the scrape to fail")
	}
}

func TestCollectorLint(t *testing.T) {
	fsys := fstest.MapFS{pathStat: statLine(1, 1, 0), pathLimits: limitsFile(t, "kvm-tuned")}
	problems, err := testutil.CollectAndLint(newCollector(fsys, func() int { return 1 }))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

func TestNewCollectorReadsTheRealHost(t *testing.T) {
	if got := testutil.CollectAndCount(NewCollector()); got != 3 {
		t.Errorf("got %d metrics, want 3", got)
	}
}
