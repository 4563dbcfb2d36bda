package doctor

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"

	"nordbid/internal/telemetry"
)

// Gauges of the collector: name and help.
const (
	stealName = "nordbid_cpu_steal_ratio"
	stealHelp = "Share of CPU time the hypervisor gave to other guests since the previous " +
		"scrape (from /proc/stat; 0 on bare metal)."
	procsName = "nordbid_gomaxprocs"
	procsHelp = "GOMAXPROCS: the Ps the Go runtime runs goroutines on " +
		"(serve: one per event loop, plus one)."
	nofileName = "nordbid_open_files_limit"
	nofileHelp = "Soft limit on open file descriptors (RLIMIT_NOFILE) of the process."
)

// Collector reads the host signals at scrape time. The steal ratio needs
// the counters of the previous scrape, kept under mu because scrapes of
// several metrics sets may run at once.
type Collector struct {
	fsys  fs.FS
	procs func() int

	mu      sync.Mutex
	prev    cpuTimes
	hasPrev bool
	ratio   float64
}

// NewCollector returns a collector of nordbid_cpu_steal_ratio,
// nordbid_gomaxprocs and nordbid_open_files_limit, so that dashboards show
// a noisy neighbour while it happens. The first scrape's steal ratio
// covers the time since NewCollector. It reads /proc at each scrape and
// holds no goroutine.
func NewCollector() *Collector {
	return newCollector(os.DirFS("/"), func() int { return runtime.GOMAXPROCS(0) })
}

func newCollector(fsys fs.FS, procs func() int) *Collector {
	c := &Collector{fsys: fsys, procs: procs}
	if t, err := readCPUTimes(fsys); err == nil {
		c.prev, c.hasPrev = t, true
	}
	return c
}

// Register exports the collector's gauges on m. A file that cannot be
// read leaves its gauge out of that scrape rather than showing a stale or
// made-up value; the scrape itself goes on.
func (c *Collector) Register(m *telemetry.Metrics) error {
	gauges := []struct {
		name, help string
		f          func() (float64, bool)
	}{
		{stealName, stealHelp, c.stealGauge},
		{procsName, procsHelp, func() (float64, bool) { return float64(c.procs()), true }},
		{nofileName, nofileHelp, c.nofileGauge},
	}
	for _, g := range gauges {
		if err := m.GaugeFunc(g.name, g.help, g.f); err != nil {
			return fmt.Errorf("register host gauges: %w", err)
		}
	}
	return nil
}

func (c *Collector) stealGauge() (float64, bool) {
	ratio, err := c.steal()
	return ratio, err == nil
}

func (c *Collector) nofileGauge() (float64, bool) {
	soft, _, err := readNofile(c.fsys)
	// A float64 holds every realistic limit exactly; "unlimited" becomes
	// 1.8e19, which reads as what it is.
	return float64(soft), err == nil
}

// steal returns the steal share since the previous scrape. When no CPU
// time passed (two scrapes within one clock tick) it repeats the last
// ratio and keeps the older baseline.
func (c *Collector) steal() (float64, error) {
	cur, err := readCPUTimes(c.fsys)
	if err != nil {
		return 0, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.hasPrev {
		c.prev, c.hasPrev = cur, true
		return c.ratio, nil
	}
	if r, ok := stealShare(c.prev, cur); ok {
		c.ratio = r
		c.prev = cur
	} else if cur.total() < c.prev.total() {
		// Counters went backwards: start over from this sample.
		c.prev = cur
	}
	return c.ratio, nil
}
