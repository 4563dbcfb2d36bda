// Package storetest is the contract every store.Store adapter must keep.
// An adapter's own test calls Run with a function that opens a fresh,
// empty, migrated store; the same sub-tests then run against it, so that
// the embedded and the fleet store behave alike.
package storetest

import (
	"context"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// Run runs the contract sub-tests. open is called once per sub-test and
// must return a new, empty, migrated store; it owns the store's lifetime
// and should close it with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"CreateUnknownParent", testCreateUnknownParent},
		{"UpdateCampaign", testUpdateCampaign},
		{"UpdateCampaignNotFound", testUpdateCampaignNotFound},
		{"PutReplaces", testPutReplaces},
		{"Version", testVersion},
		{"ChargeIdempotent", testChargeIdempotent},
		{"ChargeConcurrent", testChargeConcurrent},
		{"RecordNoticeIdempotent", testRecordNoticeIdempotent},
		{"SpendByDay", testSpendByDay},
		{"Atomic", testAtomic},
	}
	tests = append(tests, adminTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// The day keys and instants the ledger tests charge on.
const (
	day1 = "2025-03-01"
	day2 = "2025-03-02"
	day3 = "2025-03-03"
)

var chargeAt = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is one advertiser with one minimal campaign, enough for the
// ledger tests and for children of the entity tests.
type fixture struct {
	adv  campaign.Advertiser
	camp campaign.Campaign
}

// newFixture creates an advertiser and a campaign with only the required
// fields set.
func newFixture(t *testing.T, st store.Store) fixture {
	t.Helper()
	ctx := t.Context()
	adv, err := st.CreateAdvertiser(ctx, campaign.Advertiser{
		Name: "Fixture Co", Domain: "fixture.example.com", Status: campaign.StatusActive,
	})
	if err != nil {
		t.Fatalf("CreateAdvertiser: %v", err)
	}
	camp, err := st.CreateCampaign(ctx, minimalCampaign(adv.ID))
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	return fixture{adv: adv, camp: camp}
}

// minimalCampaign has every optional field at its zero value.
func minimalCampaign(advertiserID int64) campaign.Campaign {
	return campaign.Campaign{
		AdvertiserID: advertiserID,
		Name:         "minimal",
		Status:       campaign.StatusActive,
		BidPrice:     1_500_000,
	}
}

// fullCampaign sets every field of a campaign to a non-zero value, with
// times in a zone other than UTC.
func fullCampaign(advertiserID int64) campaign.Campaign {
	cet := time.FixedZone("CET", 3600)
	return campaign.Campaign{
		AdvertiserID: advertiserID,
		Name:         "full — every field",
		Status:       campaign.StatusPaused,
		Start:        time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, cet),
		End:          time.Date(2025, 12, 31, 23, 59, 59, 999_000_000, cet),
		TimeZone:     "Europe/Oslo",
		Currency:     "NOK",
		TotalBudget:  1_000_000_000_000,
		DailyBudget:  25_000_000_000,
		BidPrice:     12_345_678,
		FreqCap:      campaign.FreqCap{Count: 3, Window: 36 * time.Hour},
		Exchanges:    []string{"demo", "other"},
		Targeting: campaign.Targeting{
			Countries:         []string{"NOR", "SWE"},
			Regions:           []string{"03", "AB"},
			DeviceTypes:       []int{1, 4, 5},
			OS:                []string{"iOS", "Android"},
			Domains:           campaign.ListRule{Allow: []string{"news.example.com"}},
			Bundles:           campaign.ListRule{Block: []string{"com.example.game"}},
			Publishers:        []string{"pub-1", "pub-2"},
			BlockedCategories: []string{"IAB25", "IAB26"},
			Deals:             []string{"deal-a", "deal-b"},
			Segments:          []string{"seg-1"},
			HoursOfWeek:       []int{0, 1, 2, 167},
			Channels:          []campaign.Channel{campaign.ChannelSite, campaign.ChannelApp},
		},
	}
}

// fullCreatives sets every field of a creative, once per format, plus one
// with every optional field at its zero value.
func fullCreatives(campaignID int64) []campaign.Creative {
	return []campaign.Creative{
		{
			CampaignID: campaignID, Name: "banner", Status: campaign.StatusActive,
			Format: campaign.FormatBanner, W: 300, H: 250,
			Mimes:      []string{"text/html"},
			Markup:     `<a href="${CLICK_URL}"><img src="x.png"></a>`,
			ClickURL:   "https://fixture.example.com/spring?utm_source=nordbid",
			Bundle:     "com.example.fixture",
			ADomain:    []string{"fixture.example.com"},
			Categories: []string{"IAB22"},
			Attributes: []int{3, 16},
		},
		{
			CampaignID: campaignID, Name: "video", Status: campaign.StatusPaused,
			Format: campaign.FormatVideo, W: 1920, H: 1080,
			Mimes: []string{"video/mp4", "video/webm"}, Duration: 30,
			Protocols: []int{2, 3, 7}, Markup: "<VAST version=\"3.0\"></VAST>",
		},
		{
			CampaignID: campaignID, Name: "native", Status: campaign.StatusArchived,
			Format: campaign.FormatNative, W: 1200, H: 627,
			NativeAssets: []string{"title", "image", "icon", "description", "sponsored", "cta"},
			Markup:       `{"ver":"1.2"}`,
		},
		{
			CampaignID: campaignID, Status: campaign.StatusActive,
			Format: campaign.FormatAudio, Mimes: []string{"audio/mpeg"}, Markup: "a",
		},
	}
}

// charge is a charge of the fixture's campaign.
func charge(f fixture, bidID, day string, price int64) store.Charge {
	return store.Charge{
		BidID: bidID, CampaignID: f.camp.ID, CreativeID: 7,
		Price: price, Day: day, At: chargeAt,
	}
}

// mustCharge charges c and fails the test unless the result is want.
func mustCharge(ctx context.Context, t *testing.T, st store.Store, c store.Charge, want bool) {
	t.Helper()
	got, err := st.Charge(ctx, c)
	if err != nil {
		t.Fatalf("Charge(%s): %v", c.BidID, err)
	}
	if got != want {
		t.Fatalf("Charge(%s) = %v, want %v", c.BidID, got, want)
	}
}

// spendOf returns the spend of campaign id, failing the test on error.
func spendOf(t *testing.T, st store.Store, id int64, days ...string) (store.Spend, bool) {
	t.Helper()
	all, err := st.Spend(t.Context(), days)
	if err != nil {
		t.Fatalf("Spend: %v", err)
	}
	for _, s := range all {
		if s.CampaignID == id {
			return s, true
		}
	}
	return store.Spend{}, false
}

// snapshot reads a snapshot, failing the test on error.
func snapshot(t *testing.T, st store.Store) *store.Snapshot {
	t.Helper()
	s, err := st.Snapshot(t.Context())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return s
}
