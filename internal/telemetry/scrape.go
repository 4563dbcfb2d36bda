package telemetry

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// gauge is a value computed at scrape time.
type gauge struct {
	name, help string
	f          func() (float64, bool)
}

// ErrMetricName is returned for a gauge name that is not a valid metric
// name or that Metrics already exports.
var ErrMetricName = errors.New("bad metric name")

// GaugeFunc exports a gauge whose value f computes at each scrape. f runs
// with scrapes serialised, must not block for long, and reports false
// when it has no value (a file it reads is missing): the series is then
// left out of that scrape, which still succeeds. Registering a name again
// replaces its function.
func (m *Metrics) GaugeFunc(name, help string, f func() (float64, bool)) error {
	if !validName(name) || reserved(name) {
		return fmt.Errorf("gauge %q: %w", name, ErrMetricName)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	g := gauge{name: name, help: help, f: f}
	i, found := slices.BinarySearchFunc(m.gauges, name,
		func(g gauge, name string) int { return strings.Compare(g.name, name) })
	if found {
		m.gauges[i] = g
	} else {
		m.gauges = slices.Insert(m.gauges, i, g)
	}
	return nil
}

// validName reports whether name matches [a-zA-Z_:][a-zA-Z0-9_:]*.
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// reserved reports whether Metrics exports name itself: the runtime and
// process series and nordbid's own families.
func reserved(name string) bool {
	if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
		return true
	}
	for _, d := range []desc{requestsDesc, nobidDesc, durationDesc, noticesDesc, spendDesc,
		pauseDesc, cycleDesc} {
		if strings.HasPrefix(name, d.name) {
			return true
		}
	}
	return false
}

// render writes a full exposition into a buffer from m.bufs or a new
// one. The caller hands it back with release.
func (m *Metrics) render() *[]byte {
	var bp *[]byte
	select {
	case bp = <-m.bufs:
	default:
		bp = new([]byte)
	}
	t := text{b: (*bp)[:0]}

	m.mu.Lock()
	writeCounters(&t, &m.requests.desc, m.requests.series())
	writeCounters(&t, &m.nobids.desc, m.nobids.series())
	m.writeDuration(&t)
	writeCounters(&t, &m.notices.desc, m.notices.series())
	writeCounters(&t, &m.spend.desc, m.spend.series())
	m.rt.read()
	m.rt.write(&t)
	for _, g := range m.gauges {
		if v, ok := g.f(); ok {
			t.header(g.name, g.help, "gauge")
			t.float(g.name, v)
		}
	}
	m.mu.Unlock()

	writeProcess(&t)
	*bp = t.b
	return bp
}

// release returns a buffer from render for reuse.
func (m *Metrics) release(bp *[]byte) {
	select {
	case m.bufs <- bp:
	default:
	}
}

// writeCounters writes a counter family. The header goes out without
// series too: the family is known, it just has not counted yet.
func writeCounters(t *text, d *desc, series []*counter) {
	t.header(d.name, d.help, "counter")
	for _, c := range series {
		t.uint(d.name, d.labels, c.values, c.n.Load())
	}
}

// writeDuration writes the bid duration histogram. m.mu must be held: it
// uses m.cum.
func (m *Metrics) writeDuration(t *text) {
	h := m.duration
	h.cumulative(m.cum)
	t.header(h.name, h.help, "histogram")
	t.histogram(h.name, h.bounds, m.cum, h.sumFloat())
}

// WriteTo writes the exposition of every metric to w.
func (m *Metrics) WriteTo(w io.Writer) (int64, error) {
	bp := m.render()
	defer m.release(bp)
	n, err := w.Write(*bp)
	if err != nil {
		return int64(n), fmt.Errorf("write metrics: %w", err)
	}
	return int64(n), nil
}

// ServeHTTP answers a scrape with the exposition in the text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	bp := m.render()
	defer m.release(bp)
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(*bp)))
	w.WriteHeader(http.StatusOK)
	// A failed write is a scraper that went away; it will come back.
	w.Write(*bp)
}

// Snapshot is a read of the figures the admin dashboard shows. Counts
// run from the start of the process.
type Snapshot struct {
	// Requests counts bid requests of every exchange and result.
	Requests uint64
	// Bids counts the bid requests answered with a bid.
	Bids uint64
	// Wins counts win notices recorded or charged.
	Wins uint64
	// Duration is the histogram of bid request durations, in seconds.
	Duration Histogram
	// GCPauses is the histogram of the collector's stop-the-world pauses,
	// in seconds; its Bounds are nil when the runtime does not tell.
	GCPauses Histogram
	// GCCycles counts completed garbage collection cycles.
	GCCycles uint64
}

// Snapshot reads the figures of the dashboard. Each counter is read
// atomically, but not all of them at one instant.
func (m *Metrics) Snapshot() Snapshot {
	var s Snapshot
	for _, c := range m.requests.series() {
		n := c.n.Load()
		s.Requests += n
		if c.values[1] == resultNames[ResultBid] {
			s.Bids += n
		}
	}
	for _, c := range m.notices.series() {
		if c.values[0] == "win" && (c.values[1] == "recorded" || c.values[1] == "charged") {
			s.Wins += c.n.Load()
		}
	}
	s.Duration = m.duration.read()

	m.mu.Lock()
	defer m.mu.Unlock()
	m.rt.read()
	s.GCPauses = m.rt.pauseHistogram()
	if m.rt.cyclesOK {
		s.GCCycles = m.rt.cycles
	}
	return s
}
