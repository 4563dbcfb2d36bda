// Package bidder makes the bid decision: from a decoded OpenRTB request,
// through the privacy gate and the compiled campaign index, to a response
// with one bid per impression that some live campaign wins.
//
// Nothing here touches the store or the network. The bidder reads the
// current index, reserves budget in memory and writes the response into
// per-request scratch space (Work), so that in steady state a request
// allocates nothing.
package bidder

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync/atomic"
	"time"

	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/openrtb"
	"nordbid/internal/privacy"
	"nordbid/internal/telemetry"
)

// Options configure a Bidder. Every field is required unless noted.
type Options struct {
	// Index returns the current campaign index; nil before the first build.
	Index func() *index.Index
	// Signer signs the tokens of notice URLs.
	Signer *notice.Signer
	// Caps holds the frequency counters.
	Caps *freqcap.Counter
	// Privacy is the consent policy.
	Privacy privacy.Policy
	// Metrics counts outcomes; nil counts nothing.
	Metrics *telemetry.Metrics
	// PublicURL is the base of notice URLs, e.g. "https://bid.example.com".
	PublicURL string
	// Currency is the response currency when a request names none.
	Currency string
	// DefaultTMax is the deadline when a request has no tmax.
	DefaultTMax time.Duration
	// Margin is taken off the deadline for the network.
	Margin time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Bidder answers bid requests. It is safe for concurrent use; each
// concurrent caller needs its own Work.
type Bidder struct {
	opt    Options
	prefix [12]byte // random hex, makes bid ids unique across restarts
	seq    atomic.Uint64
}

// DefaultSeat is the seat reported when an exchange has none configured.
const DefaultSeat = "nordbid"

// New returns a Bidder.
func New(opt Options) *Bidder {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	b := &Bidder{opt: opt}
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		panic("bidder: no randomness: " + err.Error())
	}
	hex.Encode(b.prefix[:], r[:])
	return b
}

// Answer is the outcome of one bid request: an HTTP status and the body
// to send, which lives in the Work that produced it.
type Answer struct {
	Status int
	Body   []byte
	Result telemetry.Result
	// Reason is the no-bid or rejection reason; "" for a bid.
	Reason string
}

// Label returns the exchange label of the last request decided in w: the
// exchange name when the store knows it, else telemetry.OtherExchange, so
// that names in URLs cannot grow the metrics without bound.
func (w *Work) Label() string { return w.label }

// Bid decides on one request body that arrived at the given time for the
// named exchange ("" for the default endpoint). The answer's body is valid
// until w is used again.
func (b *Bidder) Bid(w *Work, exchange string, body []byte, arrival time.Time) Answer {
	w.reset()
	// The label is settled before anything can refuse the request, so that
	// made-up exchange names in the path never become metric series.
	w.label = b.Label(exchange)
	if err := w.dec.Decode(body, &w.req); err != nil {
		return w.reject("invalid_json", err.Error(), "")
	}
	if !w.check.Check(&w.req) {
		return w.reject("invalid_request", w.check.Err.Field, w.check.Err.Reason)
	}
	ans := b.decide(w, exchange, arrival)
	if m := b.opt.Metrics; m != nil {
		for _, r := range w.impReasons {
			m.NoBid(r)
		}
		if ans.Reason != "" {
			m.NoBid(ans.Reason)
		}
	}
	return ans
}

// Label is the metrics label of requests to the named exchange: the name
// when the store knows it, "" for the default endpoint, else "other".
func (b *Bidder) Label(exchange string) string {
	if exchange == "" {
		return ""
	}
	if ix := b.opt.Index(); ix != nil {
		if _, known := ix.Exchange(exchange); known {
			return exchange
		}
	}
	return telemetry.OtherExchange
}

// decide runs the decision on a valid request.
func (b *Bidder) decide(w *Work, exchange string, arrival time.Time) Answer {
	req := &w.req
	tmax := b.opt.DefaultTMax
	if req.TMax > 0 {
		tmax = time.Duration(req.TMax) * time.Millisecond
	}
	deadline := arrival.Add(tmax - b.opt.Margin)

	ix := b.opt.Index()
	if ix == nil {
		return noBid("not_ready")
	}
	if ix.Killed {
		return noBid("kill_switch")
	}
	ex, _ := ix.Exchange(exchange)
	seat := ex.Seat
	if seat == "" {
		seat = DefaultSeat
	}
	if (len(req.WSeat) > 0 && !contains(req.WSeat, seat)) || contains(req.BSeat, seat) {
		return noBid("seat_blocked")
	}
	sig := signals(req)
	pd := b.opt.Privacy.Decide(&sig)
	if !pd.Bid {
		return noBid(pd.Reason)
	}
	cur, ok := b.currency(ix, req)
	if !ok {
		return noBid("unknown_currency")
	}

	now := b.opt.Now()
	// The request context and the search live in w: taking their address
	// would otherwise move them to the heap on every request.
	rc := &w.rc
	*rc = newRequestContext(req, exchange, pd.Personal, now)
	rc.seat = seat
	w.prefilter(ix, rc)
	for i := range req.Imp {
		imp := &req.Imp[i]
		if p := imp.Problem(); p != "" {
			w.impReasons = append(w.impReasons, p)
			continue
		}
		win, reason := b.best(w, ix, rc, imp, now)
		if win.creative == nil {
			w.impReasons = append(w.impReasons, reason)
			continue
		}
		if !win.creative.Campaign.Account.Reserve(win.cost, now) {
			w.impReasons = append(w.impReasons, "budget_exhausted")
			continue
		}
		w.wins = append(w.wins, win)
	}
	if len(w.wins) == 0 {
		reason := mostRelevant(w.impReasons)
		w.impReasons = w.impReasons[:0]
		return noBid(reason)
	}
	if b.opt.Now().After(deadline) {
		b.release(w, now)
		return Answer{Status: http.StatusNoContent, Result: telemetry.ResultTimeout,
			Reason: "deadline"}
	}
	b.respond(w, ix, req, seat, cur, rc.userKey, arrival)
	return Answer{Status: http.StatusOK, Body: w.out, Result: telemetry.ResultBid}
}

// release gives back the budget reserved for bids that are not sent.
func (b *Bidder) release(w *Work, now time.Time) {
	for _, win := range w.wins {
		win.creative.Campaign.Account.Release(win.cost, now)
	}
}

// currency picks the response currency: the first of the request's
// currencies that the rates table knows, or the default when it names
// none. It fails when the chosen currency has no rate.
func (b *Bidder) currency(ix *index.Index, req *openrtb.BidRequest) (string, bool) {
	if len(req.Cur) == 0 {
		_, ok := ix.Rate(b.opt.Currency)
		return b.opt.Currency, ok
	}
	for _, c := range req.Cur {
		if _, ok := ix.Rate(c); ok {
			return c, true
		}
	}
	return "", false
}

func noBid(reason string) Answer {
	return Answer{Status: http.StatusNoContent, Result: telemetry.ResultNoBid, Reason: reason}
}

// mostRelevant names the no-bid reason of a request that got no bid: the
// reason of the impression that came closest to a bid.
func mostRelevant(reasons []string) string {
	best, rank := "no_eligible_imp", -1
	for _, r := range reasons {
		if k := reasonRank(r); k > rank {
			best, rank = r, k
		}
	}
	return best
}

// reject answers a request that cannot be bid on with 400 and a JSON body
// naming the problem: {"error":"<what>"}, or "<what>: <why>" when why is
// not empty. reason is the rejection reason counted in the metrics.
func (w *Work) reject(reason, what, why string) Answer {
	w.out = append(w.out[:0], `{"error":"`...)
	w.out = appendJSONText(w.out, what)
	if why != "" {
		w.out = appendJSONText(append(w.out, ": "...), why)
	}
	w.out = append(w.out, `"}`...)
	return Answer{Status: http.StatusBadRequest, Body: w.out, Result: telemetry.ResultInvalid,
		Reason: reason}
}

// signals gathers the privacy signals of a request.
func signals(req *openrtb.BidRequest) privacy.Signals {
	return privacy.Signals{
		GDPR:      req.Regs.GDPR,
		Consent:   req.User.Consent,
		USPrivacy: req.Regs.USPrivacy,
		GPP:       req.Regs.GPP,
		GPPSID:    req.Regs.GPPSID,
		COPPA:     req.Regs.COPPA,
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
