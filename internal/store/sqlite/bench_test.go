package sqlite

import (
	"fmt"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// BenchmarkCharge measures one durable charge: a ledger insert, a day
// total update and a synced commit. The disk's sync latency dominates.
func BenchmarkCharge(b *testing.B) {
	db := openMigrated(b)
	at := time.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c := store.Charge{BidID: fmt.Sprintf("bench-%d", i), CampaignID: int64(i % 100),
			CreativeID: 1, Price: 1_500, Day: "2025-06-01", At: at}
		if _, err := db.Charge(b.Context(), c); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSnapshot reads 1,000 campaigns with two creatives each, the size
// of a small deployment; the index rebuild pays this on every change.
func BenchmarkSnapshot(b *testing.B) {
	ctx := b.Context()
	db := openMigrated(b)
	adv, err := db.CreateAdvertiser(ctx,
		campaign.Advertiser{Name: "b", Status: campaign.StatusActive})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		c := campaign.Campaign{
			AdvertiserID: adv.ID, Name: fmt.Sprintf("c%d", i), Status: campaign.StatusActive,
			BidPrice: 1_000_000, Exchanges: []string{"demo"},
			Targeting: campaign.Targeting{
				Countries: []string{"USA", "CAN"}, DeviceTypes: []int{1, 2},
				Channels: []campaign.Channel{campaign.ChannelSite},
			},
		}
		if c, err = db.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		for _, size := range [][2]int{{300, 250}, {728, 90}} {
			_, err := db.CreateCreative(ctx, campaign.Creative{
				CampaignID: c.ID, Status: campaign.StatusActive, Format: campaign.FormatBanner,
				W: size[0], H: size[1], Markup: "<a href=\"${CLICK_URL}\"></a>",
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := db.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Campaigns) != 1000 || len(s.Creatives) != 2000 {
			b.Fatalf("snapshot has %d campaigns, %d creatives", len(s.Campaigns), len(s.Creatives))
		}
	}
}
