package doctor

import (
	"fmt"
	"io"
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

// Collector reads the host signals at scrape time. Its files and the
// counters of the previous scrape, which the steal ratio needs, are kept
// under mu because scrapes of several metrics sets may run at once.
type Collector struct {
	procs func() int

	mu      sync.Mutex
	stat    procFile
	limits  procFile
	prev    cpuTimes
	hasPrev bool
	ratio   float64
}

// NewCollector returns a collector of nordbid_cpu_steal_ratio,
// nordbid_gomaxprocs and nordbid_open_files_limit, so that dashboards show
// a noisy neighbour while it happens. The first scrape's steal ratio
// covers the time since NewCollector. It reads /proc at each scrape,
// holds no goroutine and, once warm, allocates nothing.
func NewCollector() *Collector {
	return newCollector(os.DirFS("/"), func() int { return runtime.GOMAXPROCS(0) })
}

func newCollector(fsys fs.FS, procs func() int) *Collector {
	c := &Collector{
		procs:  procs,
		stat:   procFile{fsys: fsys, name: pathStat},
		limits: procFile{fsys: fsys, name: pathLimits},
	}
	if t, err := c.cpuTimes(); err == nil {
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
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := c.limits.read()
	if err != nil {
		return 0, false
	}
	soft, _, err := parseNofile(b)
	// A float64 holds every realistic limit exactly; "unlimited" becomes
	// 1.8e19, which reads as what it is.
	return float64(soft), err == nil
}

// steal returns the steal share since the previous scrape. When no CPU
// time passed (two scrapes within one clock tick) it repeats the last
// ratio and keeps the older baseline.
func (c *Collector) steal() (float64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, err := c.cpuTimes()
	if err != nil {
		return 0, err
	}
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

// cpuTimes reads the CPU counters of /proc/stat. c.mu must be held, or c
// not yet shared.
func (c *Collector) cpuTimes() (cpuTimes, error) {
	b, err := c.stat.read()
	if err != nil {
		return cpuTimes{}, err
	}
	return parseCPUTimes(b)
}

// procFile reads one small kernel file again and again into a buffer it
// keeps, through a file it keeps open and reads at offset 0: the kernel
// makes a /proc file's content anew at each read from its start, so a
// read opens nothing and allocates nothing.
type procFile struct {
	fsys fs.FS
	name string
	f    fs.File // nil while not open
	buf  []byte
}

// read returns the file's current content, valid until the next read.
func (p *procFile) read() ([]byte, error) {
	if p.f == nil {
		f, err := p.fsys.Open(p.name)
		if err != nil {
			return nil, err
		}
		p.f = f
	}
	ra, ok := p.f.(io.ReaderAt)
	if !ok {
		p.close()
		return nil, fmt.Errorf("%s: cannot be read at an offset", p.name)
	}
	if p.buf == nil {
		p.buf = make([]byte, 4<<10)
	}
	for {
		n, err := ra.ReadAt(p.buf, 0)
		switch {
		case err == io.EOF || (err == nil && n < len(p.buf)):
			return p.buf[:n], nil
		case err != nil:
			p.close()
			return nil, err
		}
		// The buffer is full: the file may go on.
		p.buf = make([]byte, 2*len(p.buf))
	}
}

func (p *procFile) close() {
	p.f.Close()
	p.f = nil
}
