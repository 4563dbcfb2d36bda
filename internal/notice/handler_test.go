package notice

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/store"
)

// memStore keeps charges and notices in memory; the other Store methods
// are not used by the handler.
type memStore struct {
	store.Store
	mu      sync.Mutex
	charges map[string]store.Charge
	notices map[string]bool
	// fail, when set, is the error of every RecordNotice.
	fail error
}

func (m *memStore) Charge(_ context.Context, c store.Charge) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.charges[c.BidID]; ok {
		return false, nil
	}
	m.charges[c.BidID] = c
	return true, nil
}

func (m *memStore) RecordNotice(_ context.Context, n store.Notice) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return false, m.fail
	}
	k := n.BidID + "/" + string(n.Kind)
	if m.notices[k] {
		return false, nil
	}
	m.notices[k] = true
	return true, nil
}

type handlerFixture struct {
	h      *Handler
	st     *memStore
	signer *Signer
	book   *budget.Book
	caps   *freqcap.Counter
	now    time.Time
}

func newHandlerFixture(t *testing.T) *handlerFixture {
	t.Helper()
	f := &handlerFixture{
		st:     &memStore{charges: map[string]store.Charge{}, notices: map[string]bool{}},
		signer: NewSigner([]byte("k"), time.Hour),
		book:   budget.NewBook(time.Minute),
		caps:   freqcap.New(),
		now:    time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC),
	}
	snap := &store.Snapshot{
		Advertisers: []campaign.Advertiser{{ID: 1, Status: campaign.StatusActive}},
		Campaigns: []campaign.Campaign{{ID: 42, AdvertiserID: 1, Status: campaign.StatusActive,
			BidPrice: 2_000_000, Currency: "EUR", TimeZone: "Europe/Berlin",
			FreqCap: campaign.FreqCap{Count: 1, Window: time.Hour}}},
		Creatives: []campaign.Creative{
			{ID: 7, CampaignID: 42, Status: campaign.StatusActive,
				Format: campaign.FormatBanner, W: 1, H: 1, Markup: "x",
				ClickURL: spring},
			// 8 was paused after it was served; 9 has no landing page.
			{ID: 8, CampaignID: 42, Status: campaign.StatusPaused,
				Format: campaign.FormatBanner, W: 1, H: 1, Markup: "x",
				ClickURL: "https://brand.example.com/paused"},
			{ID: 9, CampaignID: 42, Status: campaign.StatusActive,
				Format: campaign.FormatBanner, W: 1, H: 1, Markup: "x"},
		},
		Rates: []campaign.Rate{{Currency: "EUR", PerUSD: 500_000}},
	}
	ix, err := index.Build(snap, 1, f.book, f.now)
	if err != nil {
		t.Fatal(err)
	}
	f.h = NewHandler(Options{Store: f.st, Signer: f.signer,
		Index: func() *index.Index { return ix },
		Book:  f.book, Caps: f.caps, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return f.now }})
	return f
}

// token signs a USD bid of 4.00 CPM (2.00 EUR) for campaign 42 with
// creative 7.
func (f *handlerFixture) token(bid string) string { return f.tokenFor(bid, 7) }

// tokenFor signs the bid of token with the creative.
func (f *handlerFixture) tokenFor(bid string, creative int64) string {
	return string(f.signer.Append(nil, &Token{BidID: bid, ImpID: "1", CampaignID: 42,
		CreativeID: creative, Price: 4_000_000, Currency: "USD", UserKey: 99,
		Issued: f.now}))
}

func TestBillChargesOnce(t *testing.T) {
	f := newHandlerFixture(t)
	tok := f.token("b1")
	out, err := f.h.Handle(context.Background(), store.NoticeBill, tok, "3.00", "")
	if err != nil || out != (Result{Outcome: Charged}) {
		t.Fatalf("first bill: %v, %v", out, err)
	}
	out, err = f.h.Handle(context.Background(), store.NoticeBill, tok, "3.00", "")
	if err != nil || out != (Result{Outcome: Duplicate}) {
		t.Fatalf("second bill: %v, %v", out, err)
	}
	c := f.st.charges["b1"]
	// 3.00 USD CPM = 3,000 USD micros an impression = 1,500 EUR micros.
	if c.Price != 1_500 || c.CampaignID != 42 || c.CreativeID != 7 {
		t.Errorf("charge %+v, want 1500 EUR micros for campaign 42 creative 7", c)
	}
	if c.Day != "2026-12-05" {
		t.Errorf("day %q: 23:30 UTC is the 5th in Berlin", c.Day)
	}
	if total, _ := f.book.Account(42).Spent(); total != 1_500 {
		t.Errorf("account spent %d, want 1500", total)
	}
	if f.caps.Allow(99, 42, 1, time.Hour, f.now) {
		t.Error("billed impression not counted toward the frequency cap")
	}
}

func TestRefused(t *testing.T) {
	f := newHandlerFixture(t)
	good := f.token("b2")
	forged := string(NewSigner([]byte("other"), time.Hour).Append(nil, &Token{BidID: "b2",
		CampaignID: 42, Price: 4_000_000, Currency: "USD", Issued: f.now}))
	tests := []struct {
		name   string
		tok, p string
		status int
	}{
		{"forged", forged, "1", http.StatusForbidden},
		{"missing token", "", "1", http.StatusBadRequest},
		{"above bid", good, "4.01", http.StatusBadRequest},
		{"negative", good, "-1", http.StatusBadRequest},
		{"not a price", good, "abc", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.h.Handle(context.Background(), store.NoticeBill, tt.tok, tt.p, "")
			var ne *Error
			if !errors.As(err, &ne) || ne.Status != tt.status {
				t.Fatalf("err = %v, want status %d", err, tt.status)
			}
		})
	}
	f.now = f.now.Add(2 * time.Hour)
	_, err := f.h.Handle(context.Background(), store.NoticeBill, good, "1", "")
	var ne *Error
	if !errors.As(err, &ne) || ne.Status != http.StatusGone {
		t.Errorf("expired token: %v, want 410", err)
	}
	if len(f.st.charges) != 0 {
		t.Errorf("refused notices charged: %v", f.st.charges)
	}
}

func TestUnsubstitutedMacroChargesBid(t *testing.T) {
	for _, p := range []string{"${AUCTION_PRICE}", "%24%7BAUCTION_PRICE%7D", ""} {
		t.Run(p, func(t *testing.T) {
			f := newHandlerFixture(t)
			if _, err := f.h.Handle(context.Background(), store.NoticeBill,
				f.token("b"), p, ""); err != nil {
				t.Fatal(err)
			}
			if got := f.st.charges["b"].Price; got != 2_000 {
				t.Errorf("charged %d EUR micros, want the bid's 2000", got)
			}
		})
	}
}

func TestLossReleasesReservation(t *testing.T) {
	f := newHandlerFixture(t)
	a := f.book.Account(42)
	a.Reserve(2_000, f.now)
	if _, err := f.h.Handle(context.Background(), store.NoticeLoss,
		f.token("b3"), "", "102"); err != nil {
		t.Fatal(err)
	}
	if got := a.Reserved(f.now); got != 0 {
		t.Errorf("reserved after loss = %d, want 0", got)
	}
}

func TestImpressionCountedOnce(t *testing.T) {
	f := newHandlerFixture(t)
	tok := f.token("b4")
	for _, k := range []store.NoticeKind{store.NoticeImp, store.NoticeImp, store.NoticeBill} {
		if _, err := f.h.Handle(context.Background(), k, tok, "1", ""); err != nil {
			t.Fatal(err)
		}
	}
	// Cap 2 would still allow one more if the impression counted once.
	if !f.caps.Allow(99, 42, 2, time.Hour, f.now) {
		t.Error("impression counted more than once for one bid")
	}
}

// spring is the landing page of the fixture's creative 7.
const spring = "https://brand.example.com/spring?utm_source=nordbid"

func TestClickRedirectsToLandingPage(t *testing.T) {
	f := newHandlerFixture(t)
	tok := f.token("c1")
	ctx := context.Background()
	for i, want := range []Outcome{Recorded, Duplicate} {
		res, err := f.h.Handle(ctx, store.NoticeClick, tok, "", "")
		if err != nil || res != (Result{Outcome: want, Location: spring}) {
			t.Errorf("click %d = %+v, %v; want %s to %s", i+1, res, err, want, spring)
		}
	}
	if !f.st.notices["c1/click"] {
		t.Error("click not recorded")
	}

	// Only clicks redirect: the other notices of the same bid do not.
	for _, k := range []store.NoticeKind{store.NoticeWin, store.NoticeBill, store.NoticeLoss} {
		if res, err := f.h.Handle(ctx, k, tok, "1", ""); err != nil || res.Location != "" {
			t.Errorf("%s notice = %+v, %v; want no Location", k, res, err)
		}
	}

	res, err := f.h.Handle(ctx, store.NoticeClick, f.tokenFor("c2", 8), "", "")
	paused := Result{Outcome: Recorded, Location: "https://brand.example.com/paused"}
	if err != nil || res != paused {
		t.Errorf("click on a paused creative = %+v, %v; want its landing page", res, err)
	}
	res, err = f.h.Handle(ctx, store.NoticeClick, f.tokenFor("c3", 9), "", "")
	if err != nil || res != (Result{Outcome: Recorded}) {
		t.Errorf("click on a creative without landing page = %+v, %v; want recorded only",
			res, err)
	}
}

func TestLateClickStillRedirects(t *testing.T) {
	f := newHandlerFixture(t)
	tok, bare := f.token("c4"), f.tokenFor("c5", 9)
	f.now = f.now.Add(2 * time.Hour) // past the signer's hour
	res, err := f.h.Handle(context.Background(), store.NoticeClick, tok, "", "")
	want := Result{Outcome: Expired, Location: spring}
	if err != nil || res != want {
		t.Errorf("expired click = %+v, %v; want %+v", res, err, want)
	}
	if f.st.notices["c4/click"] {
		t.Error("expired click recorded")
	}
	_, err = f.h.Handle(context.Background(), store.NoticeClick, bare, "", "")
	var ne *Error
	if !errors.As(err, &ne) || ne.Status != http.StatusGone {
		t.Errorf("expired click without landing page: %v, want 410", err)
	}
	forged := string(NewSigner([]byte("other"), time.Hour).Append(nil, &Token{BidID: "c6",
		CampaignID: 42, CreativeID: 7, Price: 1, Currency: "USD", Issued: f.now}))
	res, err = f.h.Handle(context.Background(), store.NoticeClick, forged, "", "")
	if !errors.As(err, &ne) || ne.Status != http.StatusForbidden || res.Location != "" {
		t.Errorf("forged click = %+v, %v; want 403 and no Location", res, err)
	}
}

func TestClickSentOnWhenStoreFails(t *testing.T) {
	f := newHandlerFixture(t)
	f.st.fail = errors.New("disk full")
	res, err := f.h.Handle(context.Background(), store.NoticeClick, f.token("c7"), "", "")
	want := Result{Outcome: Lost, Location: spring}
	if err != nil || res != want {
		t.Errorf("click with the store down = %+v, %v; want %+v", res, err, want)
	}
	// Without a landing page there is nowhere to send the user: the
	// store's error stands, and so it does for other notices.
	_, err = f.h.Handle(context.Background(), store.NoticeClick, f.tokenFor("c8", 9), "", "")
	if !errors.Is(err, f.st.fail) {
		t.Errorf("click without landing page, store down: %v, want the store's error", err)
	}
	_, err = f.h.Handle(context.Background(), store.NoticeWin, f.token("c9"), "", "")
	if !errors.Is(err, f.st.fail) {
		t.Errorf("win with the store down: %v, want the store's error", err)
	}
}

func TestIsMacro(t *testing.T) {
	for s, want := range map[string]bool{
		"${AUCTION_PRICE}": true, "%24%7BAUCTION_PRICE%7D": true,
		"%2524%257BAUCTION_PRICE%257D": true, "1.5": false, "${": false,
	} {
		if got := isMacro(s); got != want {
			t.Errorf("isMacro(%q) = %v, want %v", s, got, want)
		}
	}
}
