package index

import (
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func snapshot() *store.Snapshot {
	active := campaign.StatusActive
	banner := func(id, camp int64, w, h int) campaign.Creative {
		return campaign.Creative{ID: id, CampaignID: camp, Status: active,
			Format: campaign.FormatBanner, W: w, H: h, Markup: "<b>${AUCTION_ID}</b>"}
	}
	return &store.Snapshot{
		Advertisers: []campaign.Advertiser{
			{ID: 1, Status: active, Domain: "a.example"},
			{ID: 2, Status: campaign.StatusPaused},
		},
		Campaigns: []campaign.Campaign{
			{ID: 1, AdvertiserID: 1, Status: active, BidPrice: 1_000_000},
			{ID: 2, AdvertiserID: 1, Status: active, BidPrice: 3_000_000},
			{ID: 3, AdvertiserID: 1, Status: campaign.StatusPaused, BidPrice: 9_000_000},
			{ID: 4, AdvertiserID: 2, Status: active, BidPrice: 9_000_000},
			{ID: 5, AdvertiserID: 1, Status: active, BidPrice: 9_000_000, End: t0},
			{ID: 6, AdvertiserID: 1, Status: active, BidPrice: 2_000_000, Currency: "EUR",
				Targeting: campaign.Targeting{Deals: []string{"D"}}},
			{ID: 7, AdvertiserID: 1, Status: active, BidPrice: 9_000_000},
		},
		Creatives: []campaign.Creative{
			banner(10, 1, 300, 250), banner(20, 2, 300, 250), banner(21, 2, 728, 90),
			banner(30, 3, 300, 250), banner(40, 4, 300, 250), banner(50, 5, 300, 250),
			banner(60, 6, 300, 250),
			{ID: 70, CampaignID: 7, Status: campaign.StatusPaused, Format: campaign.FormatBanner,
				W: 300, H: 250, Markup: "x"},
		},
		Rates: []campaign.Rate{{Currency: "EUR", PerUSD: 500_000}},
	}
}

func TestBuildKeepsOnlyLive(t *testing.T) {
	ix, err := Build(snapshot(), 7, budget.NewBook(time.Minute), t0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range ix.Campaigns() {
		ids = append(ids, c.ID)
	}
	// 3 is paused, 4's advertiser is paused, 5's flight ended, 7 has no
	// active creative.
	if want := []int64{1, 2, 6}; !equal(ids, want) {
		t.Errorf("live campaigns %v, want %v", ids, want)
	}
	var got []*Creative
	set := ix.SizeSet(300, 250)
	for r := set.Next(0); r >= 0; r = set.Next(r + 1) {
		got = append(got, ix.Ranked(r).Creatives[0])
	}
	if len(got) != 2 || got[0].Campaign.ID != 2 || got[1].Campaign.ID != 1 {
		t.Errorf("300x250 open campaigns not best-first: %v", creativeIDs(got))
	}
	if d := ix.Deal("D"); len(d) != 1 || d[0].ID != 60 {
		t.Errorf("deal list %v, want [60]", creativeIDs(d))
	}
	if c := ix.Campaign(6); c.PriceUSD != 4_000_000 {
		t.Errorf("EUR 2.00 at 0.5 EUR/USD = %d USD micros, want 4000000", c.PriceUSD)
	}
	if got[0].ADomain[0] != "a.example" {
		t.Errorf("adomain defaults to the advertiser's: %v", got[0].ADomain)
	}
	if in, ok := ix.Info(3); !ok || in.Currency != "USD" {
		t.Errorf("paused campaign unknown to notices: %v %v", in, ok)
	}
}

func TestClickURLOfEveryCreative(t *testing.T) {
	snap := snapshot()
	landing := map[int64]string{
		10: "https://a.example/spring",   // live
		30: "https://a.example/paused",   // of a paused campaign
		70: "https://a.example/inactive", // a paused creative
		20: "https://a.example/\r\nX: y", // written past the API's check
		21: "javascript:alert(1)",
	}
	for i := range snap.Creatives {
		snap.Creatives[i].ClickURL = landing[snap.Creatives[i].ID]
	}
	ix, err := Build(snap, 1, budget.NewBook(time.Minute), t0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{10: landing[10], 30: landing[30], 70: landing[70],
		20: "", 21: "", 40: "", 999: ""}
	for id, w := range want {
		if got := ix.ClickURL(id); got != w {
			t.Errorf("ClickURL(%d) = %q, want %q", id, got, w)
		}
	}
}

func TestBuildRejectsUnknownCurrency(t *testing.T) {
	s := snapshot()
	s.Campaigns[0].Currency = "ZZZ"
	if _, err := Build(s, 1, budget.NewBook(time.Minute), t0); err == nil {
		t.Error("campaign in a currency without a rate was accepted")
	}
}

func TestConvert(t *testing.T) {
	ix, _ := Build(snapshot(), 1, budget.NewBook(time.Minute), t0)
	tests := []struct {
		v        int64
		from, to string
		want     int64
		ok       bool
	}{
		{1_000_000, "USD", "EUR", 500_000, true},
		{500_000, "EUR", "USD", 1_000_000, true},
		{7, "EUR", "EUR", 7, true},
		{1, "USD", "XXX", 0, false},
		{1 << 50, "EUR", "USD", 1 << 51, true},
	}
	for _, tt := range tests {
		got, ok := ix.Convert(tt.v, tt.from, tt.to)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Convert(%d, %s, %s) = %d, %v; want %d, %v",
				tt.v, tt.from, tt.to, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseTemplate(t *testing.T) {
	tpl, err := ParseTemplate(`<a href="${CLICK_URL}">${AUCTION_PRICE}</a>${IMP_URL}`)
	if err != nil {
		t.Fatal(err)
	}
	want := Template{{Text: `<a href="`}, {Macro: MacroClickURL},
		{Text: `">${AUCTION_PRICE}</a>`}, {Macro: MacroImpURL}}
	if len(tpl) != len(want) {
		t.Fatalf("got %+v, want %+v", tpl, want)
	}
	for i := range want {
		if tpl[i] != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, tpl[i], want[i])
		}
	}
	if _, err := ParseTemplate("x ${OPEN"); err == nil {
		t.Error("unterminated macro accepted")
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func creativeIDs(l []*Creative) []int64 {
	var ids []int64
	for _, c := range l {
		ids = append(ids, c.ID)
	}
	return ids
}
