package notice

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/money"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

// Options configure a Handler. Every field is required unless noted.
type Options struct {
	Store  store.Store
	Signer *Signer
	// Index returns the current campaign index (for currencies, time zones
	// and frequency caps); it may return nil before the first build.
	Index  func() *index.Index
	Book   *budget.Book
	Caps   *freqcap.Counter
	Logger *slog.Logger
	// Metrics counts notices; nil counts nothing.
	Metrics *telemetry.Metrics
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Charges, when not nil, takes billing charges in place of Store: the
	// durable local journal, which holds them while the store is down.
	Charges Charger
}

// Charger records billed charges once per bid id (store.Store and
// journal.Journal).
type Charger interface {
	Charge(ctx context.Context, c store.Charge) (bool, error)
}

// Handler serves GET /notice/{kind}: win, bill, loss, imp and click.
type Handler struct {
	opt Options
}

// NewHandler returns a notice Handler.
func NewHandler(opt Options) *Handler {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Charges == nil {
		opt.Charges = opt.Store
	}
	return &Handler{opt: opt}
}

// Error is a notice the handler refuses, with the status to answer.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Outcome is what a notice did: charged, duplicate or recorded; for a
// click that is sent on without being counted, expired or lost.
type Outcome string

// Outcomes of a notice.
const (
	Charged   Outcome = "charged"
	Duplicate Outcome = "duplicate"
	Recorded  Outcome = "recorded"
	Expired   Outcome = "expired" // the click's token expired
	Lost      Outcome = "lost"    // the store failed to record the click
)

// Result is what a notice did and, for a click on a creative with a
// landing page, where to send the user.
type Result struct {
	Outcome Outcome
	// Location is the clicked creative's landing page; "" for other
	// notices and for creatives without one.
	Location string
}

// Handle processes one notice of a kind with its query parameters:
// t (token), p (clearing price, CPM in the bid's currency) and r (loss
// reason). It returns an *Error for a notice it refuses; any other error
// is the store's.
//
// A click is recorded once per bid; every click on a creative with a
// landing page, repeated ones included, gets its Location. So does a
// click whose token is genuine but expired (Outcome Expired) and one the
// store failed to record (Outcome Lost, logged): neither is counted, but
// the user still reaches the advertiser.
func (h *Handler) Handle(ctx context.Context, kind store.NoticeKind, t, p, r string) (
	Result, error) {
	now := h.opt.Now()
	tok, err := h.opt.Signer.Verify(t, now)
	switch {
	case errors.Is(err, ErrExpired):
		if loc := h.landing(kind, tok.CreativeID); loc != "" {
			return Result{Outcome: Expired, Location: loc}, nil
		}
		return Result{}, &Error{Status: http.StatusGone, Msg: "t: token expired"}
	case errors.Is(err, ErrSignature):
		return Result{}, &Error{Status: http.StatusForbidden, Msg: "t: token signature invalid"}
	case err != nil:
		return Result{}, &Error{Status: http.StatusBadRequest,
			Msg: "t: token malformed or missing"}
	}
	price, err := clearingPrice(p, tok.Price, kind == store.NoticeBill)
	if err != nil {
		return Result{}, err
	}
	info := h.info(tok.CampaignID)
	cost := money.PerImpression(price)
	if info.Currency != tok.Currency {
		if ix := h.opt.Index(); ix != nil {
			if c, ok := ix.Convert(cost, tok.Currency, info.Currency); ok {
				cost = c
			}
		}
	}
	var out Outcome
	switch kind {
	case store.NoticeBill:
		out, err = h.bill(ctx, &tok, cost, info, now)
	case store.NoticeLoss, store.NoticeWin, store.NoticeImp, store.NoticeClick:
		out, err = h.record(ctx, kind, &tok, price, r, now)
	default:
		return Result{}, &Error{Status: http.StatusNotFound,
			Msg: "kind: unknown notice " + string(kind)}
	}
	loc := h.landing(kind, tok.CreativeID)
	if err != nil {
		if loc == "" {
			return Result{}, err
		}
		h.opt.Logger.Error("click not recorded", "bid", tok.BidID, "err", err)
		return Result{Outcome: Lost, Location: loc}, nil
	}
	return Result{Outcome: out, Location: loc}, nil
}

// landing returns where a notice of kind on the creative sends the user:
// the creative's landing page for a click, "" otherwise.
func (h *Handler) landing(kind store.NoticeKind, creative int64) string {
	if kind != store.NoticeClick {
		return ""
	}
	ix := h.opt.Index()
	if ix == nil {
		return ""
	}
	return ix.ClickURL(creative)
}

// info returns the campaign's currency and time zone, defaulting to the
// token's currency and UTC for a campaign the index no longer knows.
func (h *Handler) info(id int64) index.Info {
	if ix := h.opt.Index(); ix != nil {
		if in, ok := ix.Info(id); ok {
			return in
		}
	}
	return index.Info{Currency: "USD", Loc: time.UTC}
}

// bill records the spend of a billed impression once per bid.
func (h *Handler) bill(ctx context.Context, tok *Token, cost int64, info index.Info,
	now time.Time) (Outcome, error) {
	charged, err := h.opt.Charges.Charge(ctx, store.Charge{
		BidID: tok.BidID, CampaignID: tok.CampaignID, CreativeID: tok.CreativeID,
		Price: cost, Day: campaign.Day(now, info.Loc), At: now,
	})
	if err != nil {
		return "", err
	}
	if !charged {
		return Duplicate, nil
	}
	a := h.opt.Book.Account(tok.CampaignID)
	a.Release(money.PerImpression(bidCost(tok, h.opt.Index, info)), tok.Issued)
	a.Charge(cost)
	if h.opt.Metrics != nil {
		h.opt.Metrics.Spend(tok.CampaignID, cost)
	}
	if err := h.countImpression(ctx, tok, now); err != nil {
		h.opt.Logger.Warn("count impression", "err", err)
	}
	return Charged, nil
}

// bidCost is the bid price in the campaign's currency, the amount the bid
// reserved per thousand impressions.
func bidCost(tok *Token, ixf func() *index.Index, info index.Info) int64 {
	if ix := ixf(); ix != nil && tok.Currency != info.Currency {
		if c, ok := ix.Convert(tok.Price, tok.Currency, info.Currency); ok {
			return c
		}
	}
	return tok.Price
}

// record stores a non-billing notice once per bid and kind.
func (h *Handler) record(ctx context.Context, kind store.NoticeKind, tok *Token, price int64,
	reason string, now time.Time) (Outcome, error) {
	code, _ := strconv.Atoi(reason)
	first, err := h.opt.Store.RecordNotice(ctx, store.Notice{
		BidID: tok.BidID, Kind: kind, CampaignID: tok.CampaignID, Price: price,
		Reason: code, At: now,
	})
	if err != nil {
		return "", err
	}
	if !first {
		return Duplicate, nil
	}
	switch kind {
	case store.NoticeLoss:
		info := h.info(tok.CampaignID)
		h.opt.Book.Account(tok.CampaignID).Release(
			money.PerImpression(bidCost(tok, h.opt.Index, info)), tok.Issued)
	case store.NoticeImp:
		if err := h.countImpression(ctx, tok, now); err != nil {
			return "", err
		}
	}
	return Recorded, nil
}

// countImpression adds the bid's impression to the user's frequency count,
// once per bid whether it is reported by the impression or the billing
// notice.
func (h *Handler) countImpression(ctx context.Context, tok *Token, now time.Time) error {
	if tok.UserKey == 0 {
		return nil
	}
	ix := h.opt.Index()
	if ix == nil {
		return nil
	}
	c := ix.Campaign(tok.CampaignID)
	if c == nil || c.Cap.Count == 0 {
		return nil
	}
	first, err := h.opt.Store.RecordNotice(ctx, store.Notice{
		BidID: tok.BidID, Kind: noticeCounted, CampaignID: tok.CampaignID, At: now,
	})
	if err != nil || !first {
		return err
	}
	h.opt.Caps.Count(tok.UserKey, tok.CampaignID, c.Cap.Window, now)
	return nil
}

// noticeCounted marks a bid whose impression was counted for frequency
// capping, so that the impression and billing notices count it once.
const noticeCounted store.NoticeKind = "counted"

// clearingPrice reads the p parameter: the clearing price as CPM in the
// bid's currency. An exchange that did not substitute the macro leaves
// "${AUCTION_PRICE}" (possibly URL-encoded); for a billing notice the bid
// price is charged then, as it bounds the clearing price.
func clearingPrice(p string, bid int64, billing bool) (int64, error) {
	if p == "" || isMacro(p) {
		if billing {
			return bid, nil
		}
		return 0, nil
	}
	price, ok := money.ParseString(p)
	switch {
	case !ok:
		return 0, &Error{Status: http.StatusBadRequest, Msg: "p: not a decimal price"}
	case price < 0:
		return 0, &Error{Status: http.StatusBadRequest, Msg: "p: negative price"}
	case price > bid:
		return 0, &Error{Status: http.StatusBadRequest, Msg: "p: clearing price above the bid"}
	}
	return price, nil
}

// isMacro reports whether s is an unsubstituted OpenRTB macro, plain or
// URL-encoded once or twice.
func isMacro(s string) bool {
	for range 3 {
		if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
			return true
		}
		u := strings.NewReplacer("%24", "$", "%7B", "{", "%7b", "{", "%7D", "}", "%7d", "}",
			"%25", "%")
		next := u.Replace(s)
		if next == s {
			return false
		}
		s = next
	}
	return false
}
