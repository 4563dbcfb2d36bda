package main

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestEmbeddedStoreBidsUpToTheBudget: on the embedded store one node owns
// the whole budget, so a campaign bids until its live reservations reach
// the daily budget (here 1,000 impressions at a CPM of 1.00), not some
// slice of it, and then answers budget_exhausted.
func TestEmbeddedStoreBidsUpToTheBudget(t *testing.T) {
	const (
		cpm    = 1_000_000 // micros per thousand impressions
		daily  = 1_000_000 // micros: 1,000 impressions
		wanted = daily / (cpm / 1000)
	)
	// Reservations outlive the test however slow the machine.
	n := startAdminNode(t, "--demo=false", "--reload-interval", "200ms",
		"--budget-sync", "100ms", "--reservation-ttl", "10m")
	adv := n.create(t, "/api/v1/advertisers",
		`{"name": "Foobar Fans", "domain": "fans.example.com"}`)
	camp := n.create(t, "/api/v1/campaigns", fmt.Sprintf(`{"advertiser_id": %d,
		"name": "one day's worth", "status": "active", "bid_price_micros": %d,
		"daily_budget_micros": %d,
		"targeting": {"domains": {"allow": ["foobar.com"]}}}`, adv, cpm, daily))
	n.create(t, "/api/v1/creatives", fmt.Sprintf(`{"campaign_id": %d, "format": "banner",
		"w": 300, "h": 250, "markup": "<a href=\"${CLICK_URL}\">Foobar</a>"}`, camp))

	req := readCorpus(t, "01_iab26_simple_banner.json")
	bids := 0
	if !within(time.Now(), 5*time.Second, func() bool {
		if n.bidCampaign(t, req) == camp {
			bids++
		}
		return bids > 0
	}) {
		t.Fatalf("no bid for campaign %d within 5 s of creating it", camp)
	}
	// Give any background budget work time to run before the budget is
	// spent down: a node that leased itself a slice would stop early.
	time.Sleep(500 * time.Millisecond)

	for bids < 2*wanted {
		got := n.bidCampaign(t, req)
		if got == 0 {
			break
		}
		if got != camp {
			t.Fatalf("bid for campaign %d, want %d", got, camp)
		}
		bids++
	}
	if bids != wanted {
		t.Errorf("campaign bid %d times before it stopped, want %d (its daily budget)",
			bids, wanted)
	}
	v := n.metric(t, `nordbid_nobid_reasons_total{reason="budget_exhausted"}`)
	if got, err := strconv.Atoi(v); err != nil || got < 1 {
		t.Errorf("budget_exhausted no-bids = %q, want at least 1", v)
	}
}
