package demo

import (
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// Snapshot returns the demo data as a store snapshot with ids assigned in
// order, without any store: for benchmarks of the index and the bidder
// with 10,000 or 100,000 campaigns, which would take a while to write.
func Snapshot(opt Options) *store.Snapshot {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	snap := &store.Snapshot{
		Rates:     rates(),
		Exchanges: []campaign.Exchange{{Name: ExchangeName}},
	}
	for _, a := range append(handMade(), synthetic(opt.Campaigns)...) {
		adv := a.adv
		adv.ID = int64(len(snap.Advertisers) + 1)
		snap.Advertisers = append(snap.Advertisers, adv)
		for _, cs := range a.campaigns {
			c := cs.c
			c.ID = int64(len(snap.Campaigns) + 1)
			c.AdvertiserID = adv.ID
			if c.Start.IsZero() {
				c.Start = start
			}
			snap.Campaigns = append(snap.Campaigns, c)
			for _, cr := range cs.creatives {
				cr.ID = int64(len(snap.Creatives) + 1)
				cr.CampaignID = c.ID
				snap.Creatives = append(snap.Creatives, cr)
			}
		}
	}
	return snap
}
