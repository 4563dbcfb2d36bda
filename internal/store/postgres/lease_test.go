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

// TestLeaseConcurrent: nodes racing to lease one campaign's budget are
// granted, together, exactly what its budgets leave after the ledger's
// spend, never more.
func TestLeaseConcurrent(t *testing.T) {
	const nodes, rounds, want = 8, 20, 10_000
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
			var sum atomic.Int64
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
						sum.Add(got)
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("Lease: %v", err)
			}
			if got := sum.Load(); got != tt.remain {
				t.Errorf("granted in all = %d, want %d", got, tt.remain)
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
		want  int64
	}{
		{"first grant", 0, 1_000},
		{"budget held", 0, 0},
		{"after expiry", 100 * time.Millisecond, 1_000},
	}
	for _, s := range steps {
		time.Sleep(s.sleep)
		got, err := db.Lease(ctx, req)
		if err != nil {
			t.Fatalf("%s: Lease: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: granted %d, want %d", s.name, got, s.want)
		}
	}
}
