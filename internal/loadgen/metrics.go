package loadgen

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// maxScrape bounds the size of one scrape.
const maxScrape = 16 << 20

// scrapeTimeout bounds one scrape; a target too busy to answer its
// metrics within it is counted as a scrape error, not waited for.
const scrapeTimeout = 2 * time.Second

// metricsSource watches one target over the segments of a run: its
// Prometheus endpoint when it has one, and its process in /proc when it
// runs on this machine under a known pid. It adds up the runtime figures.
type metricsSource struct {
	url    string
	pid    int
	client *http.Client
	log    *slog.Logger

	mu  sync.Mutex
	acc Runtime
	// window is the time in seconds between the readings that framed the
	// measured windows, the base of the CPU shares.
	window float64
}

// newMetricsSource watches url and pid; either may be empty. With neither
// it returns nil, which watches nothing.
func newMetricsSource(url string, pid int, log *slog.Logger) *metricsSource {
	if url == "" && pid == 0 {
		return nil
	}
	return &metricsSource{
		url: url, pid: pid, log: log, client: &http.Client{Timeout: scrapeTimeout},
	}
}

// close releases the idle scrape connection.
func (m *metricsSource) close() {
	if m != nil {
		m.client.CloseIdleConnections()
	}
}

// reading is one look at the target.
type reading struct {
	exp exposition
	// at is when the reading was taken.
	at time.Time
	// With hasCPU set: cpu is the target process's CPU seconds so far,
	// host the whole machine's busy CPU seconds, steal the seconds its
	// hypervisor withheld, and generator this process's.
	cpu, host, steal, generator float64
	hasCPU                      bool
}

// read takes one reading, counts failures and keeps the highest RSS.
func (m *metricsSource) read(ctx context.Context) (reading, bool) {
	r := reading{at: time.Now()}
	var rss int64 = -1
	var err error
	if m.url != "" {
		if r.exp, err = m.fetch(ctx); err == nil {
			if v, ok := r.exp.values[rssSeries]; ok {
				rss = int64(v)
			}
		}
	}
	if m.pid != 0 && err == nil {
		var procRSS int64
		if procRSS, r.cpu, err = readProc(m.pid); err == nil {
			r.host, r.steal, err = readHostCPU()
			r.generator = cpuTime().Seconds()
			rss, r.hasCPU = procRSS, err == nil
		}
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.acc.ScrapeErrors++
		if m.acc.ScrapeErrors == 1 {
			m.log.Warn("target metrics unreadable", "url", m.url, "pid", m.pid, "err", err)
		}
		return r, false
	}
	m.acc.Scrapes++
	if rss >= 0 && (m.acc.RSSMaxBytes == nil || rss > *m.acc.RSSMaxBytes) {
		m.acc.RSSMaxBytes = &rss
	}
	return r, true
}

func (m *metricsSource) fetch(ctx context.Context) (exposition, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url, nil)
	if err != nil {
		return exposition{}, fmt.Errorf("scrape: %w", err)
	}
	resp, err := m.client.Do(req)
	if err != nil {
		return exposition{}, fmt.Errorf("scrape: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return exposition{}, fmt.Errorf("scrape: status %d", resp.StatusCode)
	}
	return parseExposition(io.LimitReader(resp.Body, maxScrape))
}

// segment adds the change between two readings that frame a measured
// window.
func (m *metricsSource) segment(before, after reading) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := before.exp.first(gcCycleSeries); ok {
		if a, ok := after.exp.first(gcCycleSeries); ok {
			m.acc.GCCycles = addInt(m.acc.GCCycles, int64(a-b))
		}
	}
	for _, name := range gcPauseSeries {
		if p, ok := pauseMax(before.exp.buckets[name], after.exp.buckets[name]); ok {
			if m.acc.GCPauseMaxS == nil || p > *m.acc.GCPauseMaxS {
				m.acc.GCPauseMaxS = &p
			}
			break
		}
	}
	if before.hasCPU && after.hasCPU {
		cpu := after.cpu - before.cpu
		other := after.host - before.host - cpu - (after.generator - before.generator)
		m.acc.CPUSeconds = addFloat(m.acc.CPUSeconds, cpu)
		m.acc.OtherCPUSeconds = addFloat(m.acc.OtherCPUSeconds, max(other, 0))
		m.acc.StolenCPUSeconds = addFloat(m.acc.StolenCPUSeconds,
			max(after.steal-before.steal, 0))
		m.window += after.at.Sub(before.at).Seconds()
	}
}

func addFloat(sum *float64, v float64) *float64 {
	if sum != nil {
		v += *sum
	}
	return &v
}

func addInt(sum *int64, n int64) *int64 {
	if sum != nil {
		n += *sum
	}
	return &n
}

// runtime returns the figures so far; nil when the target is not
// watched.
func (m *metricsSource) runtime() *Runtime {
	if m == nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.acc
	if m.window > 0 {
		r.CPUCores = share(r.CPUSeconds, m.window)
		r.OtherCores = share(r.OtherCPUSeconds, m.window)
		r.StolenCores = share(r.StolenCPUSeconds, m.window)
	}
	return &r
}

// share is cpu seconds over window seconds, in cores; nil without cpu.
func share(cpu *float64, window float64) *float64 {
	if cpu == nil {
		return nil
	}
	v := round3(*cpu / window)
	return &v
}

// sampler watches during one segment: once when measuring starts, once a
// second for the resident set size, and once after the segment.
type sampler struct {
	m      *metricsSource
	before reading
	ok     bool
	quit   chan struct{}
	done   chan struct{}
}

// start begins watching the measured window of s; a nil source gives a
// sampler that does nothing.
func (m *metricsSource) start(ctx context.Context, s *schedule) *sampler {
	sa := &sampler{m: m, quit: make(chan struct{}), done: make(chan struct{})}
	if m == nil {
		close(sa.done)
		return sa
	}
	go func() {
		defer close(sa.done)
		var clk sleepClock
		if !clk.waitUntil(ctx, s.measure) {
			return
		}
		sa.before, sa.ok = m.read(ctx)
		tk := time.NewTicker(time.Second)
		defer tk.Stop()
		for {
			select {
			case <-tk.C:
				m.read(ctx)
			case <-sa.quit:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return sa
}

// stop ends the watching and takes the closing reading.
func (sa *sampler) stop(ctx context.Context) {
	if sa.m == nil {
		return
	}
	close(sa.quit)
	<-sa.done
	if !sa.ok || ctx.Err() != nil {
		return
	}
	if after, ok := sa.m.read(ctx); ok {
		sa.m.segment(sa.before, after)
	}
}
