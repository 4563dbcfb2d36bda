// Package telemetry sets up nordbid's metrics and logging.
//
// Metrics are served on the admin listener in the Prometheus text format,
// written by this package: the bidder needs a handful of counters, and a
// client library cost megabytes of binary and garbage at every scrape.
// The bid path counts through counters looked up in immutable maps, so
// counting a request costs a map read and an atomic add and allocates
// nothing; label values that come from clients (the exchange name in the
// URL) are folded to a bounded set by the callers.
package telemetry

import (
	"strconv"
	"strings"
	"sync"
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

// durationBounds are the bucket bounds of nordbid_bid_duration_seconds.
var durationBounds = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025,
	.05, .1, .25}

var (
	requestsDesc = desc{name: "nordbid_bid_requests_total",
		help:   "Bid requests by exchange and result (bid, nobid, invalid, timeout).",
		labels: []string{"exchange", "result"}}
	nobidDesc = desc{name: "nordbid_nobid_reasons_total",
		help:   "Reasons for not bidding, one count per request or skipped impression.",
		labels: []string{"reason"}}
	durationDesc = desc{name: "nordbid_bid_duration_seconds",
		help: "Time from reading a bid request to the end of writing its answer."}
	noticesDesc = desc{name: "nordbid_notices_total",
		help:   "Notices by kind (win, bill, loss, imp, click) and result.",
		labels: []string{"kind", "result"}}
	spendDesc = desc{name: "nordbid_spend_micros_total",
		help:   "Spend charged by this process, in micros of the campaign currency.",
		labels: []string{"campaign"}}
)

type requestKey struct {
	exchange string
	result   Result
}

type noticeKey struct{ kind, result string }

// Metrics are the bidder's counters and the runtime and process figures
// served with them. Create them with New; every method is safe for
// concurrent use.
type Metrics struct {
	requests *counterVec[requestKey]
	nobids   *counterVec[string]
	duration *histogram
	notices  *counterVec[noticeKey]
	spend    *counterVec[int64]

	// mu serialises scrapes and snapshots, which share the fields below.
	mu     sync.Mutex
	rt     *runtimeReader
	gauges []gauge // sorted by name
	cum    []uint64
	// bufs holds idle exposition buffers. A channel rather than a
	// sync.Pool: under load the collector runs more often than scrapes
	// come, and would empty a pool before every one.
	bufs chan *[]byte
}

// New creates nordbid's metrics. reasons are the no-bid reasons to
// pre-create.
func New(reasons []string) *Metrics {
	m := &Metrics{
		requests: newCounterVec[requestKey](requestsDesc),
		nobids:   newCounterVec[string](nobidDesc),
		duration: newHistogram(durationDesc, durationBounds),
		notices:  newCounterVec[noticeKey](noticesDesc),
		spend:    newCounterVec[int64](spendDesc),
		rt:       newRuntimeReader(),
		cum:      make([]uint64, len(durationBounds)+1),
		bufs:     make(chan *[]byte, 2),
	}
	for _, r := range reasons {
		m.nobids.add(r, r)
	}
	// The default endpoint's series exist from the start, so that a rate
	// over them reads 0 rather than absent before the first request.
	for r := range resultCount {
		m.requests.add(requestKey{"", r}, "", resultNames[r])
	}
	return m
}

// Request counts one bid request under an exchange label. Callers pass
// only bounded labels: configured exchange names, "" for the default
// endpoint, or OtherExchange. The label may be a view of a request
// buffer: it is copied when first seen.
func (m *Metrics) Request(exchange string, r Result) {
	if r < 0 || r >= resultCount {
		return
	}
	c := m.requests.lookup(requestKey{exchange, r})
	if c == nil {
		k := requestKey{strings.Clone(exchange), r}
		c = m.requests.add(k, k.exchange, resultNames[r])
	}
	c.n.Add(1)
}

// NoBid counts one no-bid reason. Reasons not given to New count as
// "other", and are dropped when "other" was not given either.
func (m *Metrics) NoBid(reason string) {
	c := m.nobids.lookup(reason)
	if c == nil {
		c = m.nobids.lookup("other")
		if c == nil {
			return
		}
	}
	c.n.Add(1)
}

// Duration records the time spent on one bid request in seconds.
func (m *Metrics) Duration(seconds float64) {
	m.duration.observe(seconds)
}

// Notice counts one notice by kind and result (charged, duplicate,
// recorded, rejected, error; for clicks sent on uncounted, expired and
// lost). Both come from bounded sets; they are copied when first seen.
func (m *Metrics) Notice(kind, result string) {
	c := m.notices.lookup(noticeKey{kind, result})
	if c == nil {
		k := noticeKey{strings.Clone(kind), strings.Clone(result)}
		c = m.notices.add(k, k.kind, k.result)
	}
	c.n.Add(1)
}

// Spend adds charged micros to a campaign's spend counter. A counter
// never goes down: a negative amount is ignored.
func (m *Metrics) Spend(campaignID int64, micros int64) {
	if micros < 0 {
		return
	}
	c := m.spend.lookup(campaignID)
	if c == nil {
		c = m.spend.add(campaignID, strconv.FormatInt(campaignID, 10))
	}
	c.n.Add(uint64(micros))
}
