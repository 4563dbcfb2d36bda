package doctor

import (
	"io/fs"
	"os"
	"runtime"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	stealDesc = prometheus.NewDesc("nordbid_cpu_steal_ratio",
		"Share of CPU time the hypervisor gave to other guests since the previous scrape "+
			"(from /proc/stat; 0 on bare metal).", nil, nil)
	procsDesc = prometheus.NewDesc("nordbid_gomaxprocs",
		"GOMAXPROCS: the number of CPUs the Go runtime runs goroutines on.", nil, nil)
	nofileDesc = prometheus.NewDesc("nordbid_open_files_limit",
		"Soft limit on open file descriptors (RLIMIT_NOFILE) of the process.", nil, nil)
)

// collector reads the host signals at scrape time. The steal ratio needs
// the counters of the previous scrape, kept under mu because a registry
// may collect concurrently.
type collector struct {
	fsys  fs.FS
	procs func() int

	mu      sync.Mutex
	prev    cpuTimes
	hasPrev bool
	ratio   float64
}

// NewCollector returns a Prometheus collector of nordbid_cpu_steal_ratio,
// nordbid_gomaxprocs and nordbid_open_files_limit, so that dashboards show
// a noisy neighbour while it happens. The first scrape's steal ratio
// covers the time since NewCollector. It reads /proc at each scrape and
// holds no goroutine.
func NewCollector() prometheus.Collector {
	return newCollector(os.DirFS("/"), func() int { return runtime.GOMAXPROCS(0) })
}

func newCollector(fsys fs.FS, procs func() int) *collector {
	c := &collector{fsys: fsys, procs: procs}
	if t, err := readCPUTimes(fsys); err == nil {
		c.prev, c.hasPrev = t, true
	}
	return c
}

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- stealDesc
	ch <- procsDesc
	ch <- nofileDesc
}

// Collect implements prometheus.Collector. A file that cannot be read
// yields an invalid metric, which fails the scrape loudly instead of
// showing a stale or made-up value.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	if ratio, err := c.steal(); err != nil {
		ch <- prometheus.NewInvalidMetric(stealDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(stealDesc, prometheus.GaugeValue, ratio)
	}

	ch <- prometheus.MustNewConstMetric(procsDesc, prometheus.GaugeValue, float64(c.procs()))

	if soft, _, err := readNofile(c.fsys); err != nil {
		ch <- prometheus.NewInvalidMetric(nofileDesc, err)
	} else {
		// A float64 holds every realistic limit exactly; "unlimited"
		// becomes 1.8e19, which reads as what it is.
		ch <- prometheus.MustNewConstMetric(nofileDesc, prometheus.GaugeValue, float64(soft))
	}
}

// steal returns the steal share since the previous scrape. When no CPU
// time passed (two scrapes within one clock tick) it repeats the last
// ratio and keeps the older baseline.
func (c *collector) steal() (float64, error) {
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
