package postgres

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nordbid/internal/lease"
	"nordbid/internal/store"
)

// TestLeaseConcurrent: nodes racing to lease one campaign's budget, each
// renewing its grant again and again, hold together at most what its
// budgets leave after the ledger's spend, and all of it when they ask for
// more.
func TestLeaseConcurrent(t *testing.T) {
	const nodes, rounds = 8, 20
	tests := []struct {
		name          string
		total, daily  int64
		spent, remain int64
	}{
		{"total budget", 1_000_000, 0, 100_000, 900_000},
		{"daily budget", 0, 500_000, 50_000, 450_000},
		{"both, daily tighter", 5_000_000, 300_000, 0, 300_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openMigrated(t)
			ctx := t.Context()
			const campaignID, day = 42, "2025-03-01"
			if tt.spent > 0 {
				_, err := db.Charge(ctx, store.Charge{BidID: "b", CampaignID: campaignID,
					Price: tt.spent, Day: day, At: time.Now()})
				if err != nil {
					t.Fatal(err)
				}
			}
			want := tt.remain / 4 // eight nodes ask for twice what is left
			var last [nodes]atomic.Int64
			errs := make(chan error, nodes*rounds)
			var wg sync.WaitGroup
			for n := range nodes {
				wg.Go(func() {
					for range rounds {
						got, err := db.Lease(ctx, lease.Request{
							CampaignID: campaignID, Node: fmt.Sprint("node-", n), Day: day,
							Want: want, TotalBudget: tt.total, DailyBudget: tt.daily,
							TTL: time.Minute,
						})
						if err != nil {
							errs <- err
							return
						}
						if got < 0 || got > want {
							errs <- fmt.Errorf("granted %d, want 0 to %d", got, want)
						}
						last[n].Store(got)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("Lease: %v", err)
			}
			var held int64
			for n := range last {
				held += last[n].Load()
			}
			if held > tt.remain {
				t.Errorf("nodes hold %d in all, more than the %d left", held, tt.remain)
			}
			// The last lease saw every other node's grant and took the rest.
			if held != tt.remain {
				t.Errorf("nodes hold %d in all, want all %d left", held, tt.remain)
			}
		})
	}
}

// TestLeaseExpiry: an expired grant no longer counts against the budget.
func TestLeaseExpiry(t *testing.T) {
	db := openMigrated(t)
	ctx := t.Context()
	req := lease.Request{CampaignID: 1, Node: "a", Day: "2025-03-01", Want: 1_000,
		TotalBudget: 1_000, TTL: 50 * time.Millisecond}
	steps := []struct {
		name  string
		sleep time.Duration
		node  string
		want  int64
	}{
		{"first grant", 0, "a", 1_000},
		{"held by a", 0, "b", 0},
		{"after expiry", 100 * time.Millisecond, "b", 1_000},
	}
	for _, s := range steps {
		time.Sleep(s.sleep)
		req.Node = s.node
		got, err := db.Lease(ctx, req)
		if err != nil {
			t.Fatalf("%s: Lease: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: granted %d, want %d", s.name, got, s.want)
		}
	}
}

// TestLeaseRenewalReplaces: a node that renews its grant gets back what it
// did not spend, instead of having its first grant strand budget until it
// expires.
func TestLeaseRenewalReplaces(t *testing.T) {
	db := openMigrated(t)
	ctx := t.Context()
	req := lease.Request{CampaignID: 7, Node: "a", Day: "2025-03-01", Want: 600,
		TotalBudget: 1_000, TTL: time.Minute}
	take := func(node string, want int64) int64 {
		t.Helper()
		req.Node, req.Want = node, want
		got, err := db.Lease(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := take("a", 600); got != 600 {
		t.Fatalf("first grant %d, want 600", got)
	}
	if _, err := db.Charge(ctx, store.Charge{BidID: "x", CampaignID: 7, Price: 100,
		Day: "2025-03-01", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// 1,000 - 100 spent: a's renewal may take all 900, not 900 - 600.
	if got := take("a", 1_000); got != 900 {
		t.Errorf("renewal granted %d, want 900", got)
	}
	if got := take("b", 1_000); got != 0 {
		t.Errorf("b granted %d while a holds the rest", got)
	}
}
