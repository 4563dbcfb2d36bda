// Package telemetry sets up nordbid's metrics and logging.
//
// Metrics are Prometheus collectors served on the admin listener. The bid
// path counts through pre-resolved counters, so counting a request costs a
// few atomic adds and no allocation; label values that come from clients
// (the exchange name in the URL) are folded to a bounded set.
package telemetry

import (
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Result is the outcome of one bid request.
type Result int

// Results, as the result label of nordbid_bid_requests_total.
const (
	ResultBid Result = iota
	ResultNoBid
	ResultInvalid
	ResultTimeout
	resultCount
)

var resultNames = [resultCount]string{"bid", "nobid", "invalid", "timeout"}

// OtherExchange is the label of exchanges that are not configured.
const OtherExchange = "other"

// Metrics are the bidder's counters. Create them with New.
type Metrics struct {
	Registry *prometheus.Registry

	requests  *prometheus.CounterVec
	byExch    sync.Map // exchange name -> *[resultCount]prometheus.Counter
	nobids    map[string]prometheus.Counter
	nobidVec  *prometheus.CounterVec
	duration  prometheus.Histogram
	notices   *prometheus.CounterVec
	spend     *prometheus.CounterVec
	campSpend sync.Map // campaign id -> prometheus.Counter
}

// New registers nordbid's metrics, the Go runtime and process collectors
// and the GC pause collector. reasons are the no-bid reasons to pre-create.
func New(reasons []string) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry(), nobids: make(map[string]prometheus.Counter)}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nordbid_bid_requests_total",
		Help: "Bid requests by exchange and result (bid, nobid, invalid, timeout).",
	}, []string{"exchange", "result"})
	m.nobidVec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nordbid_nobid_reasons_total",
		Help: "Reasons for not bidding, one count per request or skipped impression.",
	}, []string{"reason"})
	m.duration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "nordbid_bid_duration_seconds",
		Help: "Time from reading a bid request to the end of writing its answer.",
		Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025,
			.05, .1, .25},
	})
	m.notices = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nordbid_notices_total",
		Help: "Notices by kind (win, bill, loss, imp, click) and result.",
	}, []string{"kind", "result"})
	m.spend = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "nordbid_spend_micros_total",
		Help: "Spend charged by this process, in micros of the campaign currency.",
	}, []string{"campaign"})
	for _, r := range reasons {
		m.nobids[r] = m.nobidVec.WithLabelValues(r)
	}
	m.Registry.MustRegister(m.requests, m.nobidVec, m.duration, m.notices, m.spend,
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.MetricsGC, collectors.MetricsScheduler, collectors.MetricsMemory)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newGCCollector())
	return m
}

// exchange returns the counters of an exchange label, creating them on
// first use. Callers pass only bounded labels: configured exchange names,
// "" for the default endpoint, or OtherExchange.
func (m *Metrics) exchange(name string) *[resultCount]prometheus.Counter {
	if v, ok := m.byExch.Load(name); ok {
		return v.(*[resultCount]prometheus.Counter)
	}
	name = strings.Clone(name) // the label may be a view of a request buffer
	var cs [resultCount]prometheus.Counter
	for i := range cs {
		cs[i] = m.requests.WithLabelValues(name, resultNames[i])
	}
	v, _ := m.byExch.LoadOrStore(name, &cs)
	return v.(*[resultCount]prometheus.Counter)
}

// Request counts one bid request under an exchange label.
func (m *Metrics) Request(exchange string, r Result) {
	m.exchange(exchange)[r].Inc()
}

// NoBid counts one no-bid reason. Reasons not given to New count as
// "other".
func (m *Metrics) NoBid(reason string) {
	c, ok := m.nobids[reason]
	if !ok {
		c = m.nobids["other"]
		if c == nil {
			return
		}
	}
	c.Inc()
}

// Duration records the time spent on one bid request in seconds.
func (m *Metrics) Duration(seconds float64) {
	m.duration.Observe(seconds)
}

// Notice counts one notice by kind and result (charged, duplicate,
// rejected, recorded).
func (m *Metrics) Notice(kind, result string) {
	m.notices.WithLabelValues(kind, result).Inc()
}

// Spend adds charged micros to a campaign's spend counter.
func (m *Metrics) Spend(campaignID int64, micros int64) {
	v, ok := m.campSpend.Load(campaignID)
	if !ok {
		v, _ = m.campSpend.LoadOrStore(campaignID,
			m.spend.WithLabelValues(strconv.FormatInt(campaignID, 10)))
	}
	v.(prometheus.Counter).Add(float64(micros))
}
