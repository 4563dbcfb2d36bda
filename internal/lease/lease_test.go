package lease

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/index"
	"nordbid/internal/store"
)

// fakeLeaser grants from a fixed pot and records the requests.
type fakeLeaser struct {
	pot  int64
	fail bool
	reqs []Request
}

func (f *fakeLeaser) Lease(_ context.Context, req Request) (int64, error) {
	if f.fail {
		return 0, errors.New("database unreachable")
	}
	f.reqs = append(f.reqs, req)
	got := min(req.Want, f.pot)
	f.pot -= got
	return got, nil
}

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// buildIndex compiles one budgeted and one unlimited campaign.
func buildIndex(t *testing.T, book *budget.Book) *index.Index {
	t.Helper()
	snap := &store.Snapshot{
		Advertisers: []campaign.Advertiser{{ID: 1, Name: "a", Status: campaign.StatusActive}},
		Campaigns: []campaign.Campaign{
			{ID: 10, AdvertiserID: 1, Name: "budgeted", Status: campaign.StatusActive,
				BidPrice: 2_000_000, TotalBudget: 100_000_000, DailyBudget: 40_000_000},
			{ID: 11, AdvertiserID: 1, Name: "unlimited", Status: campaign.StatusActive,
				BidPrice: 2_000_000},
		},
		Creatives: []campaign.Creative{
			{ID: 100, CampaignID: 10, Status: campaign.StatusActive,
				Format: campaign.FormatBanner, W: 300, H: 250, Markup: "x"},
			{ID: 101, CampaignID: 11, Status: campaign.StatusActive,
				Format: campaign.FormatBanner, W: 300, H: 250, Markup: "x"},
		},
	}
	ix, err := index.Build(snap, 1, book, t0)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return ix
}

func TestStep(t *testing.T) {
	book := budget.NewBook(30 * time.Second)
	ix := buildIndex(t, book)
	f := &fakeLeaser{pot: 3_000_000}
	now := t0
	l := New(Options{Leaser: f, Index: func() *index.Index { return ix }, Node: "n1",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Second,
		TTL: time.Minute, Now: func() time.Time { return now }})
	a := book.Account(10)

	steps := []struct {
		name      string
		advance   time.Duration
		spend     int64
		wantReqs  int
		wantAllow int64
	}{
		{"first step leases a slice", 0, 0, 1, 2_000_000},
		{"allowance high: no lease", time.Second, 0, 1, 2_000_000},
		{"allowance low: lease again", time.Second, 1_500_000, 2, 1_000_000},
		{"pot empty: grant of nothing", time.Second, 1_000_000, 3, 0},
		{"grant old: renew", 31 * time.Second, 0, 4, 0},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		a.Charge(s.spend)
		if err := l.Step(t.Context()); err != nil {
			t.Fatalf("%s: Step: %v", s.name, err)
		}
		if got := len(f.reqs); got != s.wantReqs {
			t.Errorf("%s: %d lease requests, want %d", s.name, got, s.wantReqs)
		}
		if got, _ := a.Allowance(); got != s.wantAllow {
			t.Errorf("%s: allowance %d, want %d", s.name, got, s.wantAllow)
		}
	}
	for _, r := range f.reqs {
		if r.CampaignID != 10 || r.Node != "n1" || r.Day != "2026-12-04" ||
			r.TotalBudget != 100_000_000 || r.DailyBudget != 40_000_000 {
			t.Errorf("request %+v, want campaign 10 of node n1 with its budgets", r)
		}
	}
	if _, metered := book.Account(11).Allowance(); metered {
		t.Error("unlimited campaign got metered")
	}
}

// TestStepOutage: a failed lease keeps the allowance held, and Err says
// so until a step succeeds.
func TestStepOutage(t *testing.T) {
	book := budget.NewBook(30 * time.Second)
	ix := buildIndex(t, book)
	f := &fakeLeaser{pot: 1 << 40}
	l := New(Options{Leaser: f, Index: func() *index.Index { return ix }, Node: "n1",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Second,
		TTL: time.Minute, Now: func() time.Time { return t0 }})
	l.note(l.Step(t.Context()))
	before, _ := book.Account(10).Allowance()

	f.fail = true
	book.Account(10).Charge(before)
	l.note(l.Step(t.Context()))
	if l.Err() == nil {
		t.Error("Err = nil after a failed lease")
	}
	if got, _ := book.Account(10).Allowance(); got != 0 {
		t.Errorf("allowance after outage = %d, want the 0 left", got)
	}
	f.fail = false
	l.note(l.Step(t.Context()))
	if err := l.Err(); err != nil {
		t.Errorf("Err after recovery = %v", err)
	}
}

func TestSlice(t *testing.T) {
	tests := []struct {
		cpm, total, daily, want int64
	}{
		{2_000_000, 100_000_000, 0, 5_000_000},
		{2_000_000, 100_000_000, 10_000_000, 500_000},
		{50_000_000, 10_000_000, 0, 5_000_000},
		{1, 0, 1, 1},
	}
	for _, tt := range tests {
		if got := slice(tt.cpm, tt.total, tt.daily); got != tt.want {
			t.Errorf("slice(%d, %d, %d) = %d, want %d", tt.cpm, tt.total, tt.daily, got, tt.want)
		}
	}
}
