package storetest

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"nordbid/internal/store"
)

// testChargeIdempotent: a repeated bid id is recorded once, whatever the
// repeat carries.
func testChargeIdempotent(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)

	mustCharge(ctx, t, st, charge(f, "bid-1", day1, 1_250), true)
	mustCharge(ctx, t, st, charge(f, "bid-1", day1, 1_250), false)
	mustCharge(ctx, t, st, charge(f, "bid-1", day2, 9_999), false)
	mustCharge(ctx, t, st, charge(f, "bid-2", day1, 750), true)

	got, ok := spendOf(t, st, f.camp.ID, day1, day2)
	if !ok {
		t.Fatalf("Spend: campaign %d missing", f.camp.ID)
	}
	want := store.Spend{
		CampaignID: f.camp.ID, Total: 2_000, Days: map[string]int64{day1: 2_000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Spend = %+v, want %+v", got, want)
	}
}

// testChargeConcurrent: 32 goroutines race to charge the same 10 bids;
// each bid is charged exactly once and the spend is their sum.
func testChargeConcurrent(t *testing.T, st store.Store) {
	const workers, bids = 32, 10
	ctx := t.Context()
	f := newFixture(t, st)

	var inserted [bids]atomic.Int32
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			// Each worker starts at a different bid, so that every bid
			// sees contention from the first round on.
			for i := range bids {
				b := (w + i) % bids
				ok, err := st.Charge(ctx, charge(f, fmt.Sprintf("race-%d", b), day1, price(b)))
				if err != nil {
					errs <- err
					return
				}
				if ok {
					inserted[b].Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Charge: %v", err)
	}

	var sum int64
	for b := range bids {
		if n := inserted[b].Load(); n != 1 {
			t.Errorf("bid race-%d: charged %d times, want 1", b, n)
		}
		sum += price(b)
	}
	got, _ := spendOf(t, st, f.camp.ID, day1)
	if got.Total != sum || got.Days[day1] != sum {
		t.Errorf("Spend = %+v, want total and %s both %d", got, day1, sum)
	}
}

// price gives each concurrent bid a distinct price, so that a double
// charge cannot hide behind a missing one.
func price(b int) int64 { return int64(1000 * (b + 1)) }

// testRecordNoticeIdempotent: a notice is new once per bid and kind, and
// never counts as spend.
func testRecordNoticeIdempotent(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	notice := func(bid string, kind store.NoticeKind) store.Notice {
		return store.Notice{
			BidID: bid, Kind: kind, CampaignID: f.camp.ID,
			Price: 1_500, Reason: 102, At: chargeAt,
		}
	}
	tests := []struct {
		name string
		n    store.Notice
		want bool
	}{
		{"first win", notice("n-1", store.NoticeWin), true},
		{"repeated win", notice("n-1", store.NoticeWin), false},
		{"loss of the same bid", notice("n-1", store.NoticeLoss), true},
		{"win of another bid", notice("n-2", store.NoticeWin), true},
		{"repeated loss", notice("n-1", store.NoticeLoss), false},
		{"click", notice("n-1", store.NoticeClick), true},
		{"imp", notice("n-1", store.NoticeImp), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.RecordNotice(ctx, tt.n)
			if err != nil {
				t.Fatalf("RecordNotice: %v", err)
			}
			if got != tt.want {
				t.Errorf("RecordNotice(%s, %s) = %v, want %v", tt.n.BidID, tt.n.Kind, got, tt.want)
			}
		})
	}
	if s, ok := spendOf(t, st, f.camp.ID, day1); ok {
		t.Errorf("notices made spend %+v, want none", s)
	}
}

// testSpendByDay: totals cover every day, Days only the asked days that
// have spend, and campaigns without spend are absent.
func testSpendByDay(t *testing.T, st store.Store) {
	ctx := t.Context()
	a := newFixture(t, st)
	b := newFixture(t, st)
	idle := newFixture(t, st)

	charges := []store.Charge{
		charge(a, "a1", day1, 100),
		charge(a, "a2", day1, 200),
		charge(a, "a3", day2, 400),
		charge(a, "a4", day3, 800),
		charge(b, "b1", day2, 5_000),
	}
	for _, c := range charges {
		mustCharge(ctx, t, st, c, true)
	}

	tests := []struct {
		name string
		days []string
		want []store.Spend
	}{
		{"no days", nil, []store.Spend{
			{CampaignID: a.camp.ID, Total: 1_500, Days: map[string]int64{}},
			{CampaignID: b.camp.ID, Total: 5_000, Days: map[string]int64{}},
		}},
		{"some days", []string{day1, day3, "2025-03-04"}, []store.Spend{
			{CampaignID: a.camp.ID, Total: 1_500, Days: map[string]int64{day1: 300, day3: 800}},
			{CampaignID: b.camp.ID, Total: 5_000, Days: map[string]int64{}},
		}},
		{"one day", []string{day2}, []store.Spend{
			{CampaignID: a.camp.ID, Total: 1_500, Days: map[string]int64{day2: 400}},
			{CampaignID: b.camp.ID, Total: 5_000, Days: map[string]int64{day2: 5_000}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Spend(ctx, tt.days)
			if err != nil {
				t.Fatalf("Spend: %v", err)
			}
			// The contract fixes no order.
			slices.SortFunc(got, func(x, y store.Spend) int {
				return cmp.Compare(x.CampaignID, y.CampaignID)
			})
			for _, g := range got {
				if g.CampaignID == idle.camp.ID {
					t.Errorf("Spend lists campaign %d, which has no spend", g.CampaignID)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Spend = %+v, want %+v", got, tt.want)
			}
			for i, want := range tt.want {
				g := got[i]
				if g.CampaignID != want.CampaignID || g.Total != want.Total ||
					len(g.Days) != len(want.Days) {
					t.Errorf("Spend[%d] = %+v, want %+v", i, g, want)
					continue
				}
				for d, v := range want.Days {
					if g.Days[d] != v {
						t.Errorf("Spend[%d].Days[%s] = %d, want %d", i, d, g.Days[d], v)
					}
				}
			}
		})
	}
}
