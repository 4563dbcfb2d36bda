// Package demo seeds a store with fictional advertisers, campaigns and
// creatives for `nordbid serve --demo`: enough variety that the bidder
// answers most requests of the test corpus, plus optional synthetic
// campaigns that give benchmarks a realistically large index.
//
// Every name and domain is fictional and every URL points under
// ads.example.com, a domain reserved for documentation.
package demo

import (
	"context"
	"fmt"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// Options shapes the seed.
type Options struct {
	// Campaigns is the number of synthetic campaigns added beyond the
	// hand-made set, for benchmarks with a large index; 0 adds none.
	Campaigns int
	// Now anchors the flights: every campaign starts at the beginning of
	// the UTC day before Now and has no end. The zero value means
	// time.Now().
	Now time.Time
}

// ExchangeName is the exchange the demo configures.
const ExchangeName = "demo"

// Seed fills st with the demo data when it holds no campaign yet and
// reports whether it did; a store that already has campaigns is left
// untouched and Seed returns false. The check and the whole seed are one
// transaction (Store.Atomic): all or nothing, one commit instead of one per
// row (seconds instead of minutes for ten thousand campaigns on a busy
// disk), and of two nodes seeding one fleet store at once only one seeds.
func Seed(ctx context.Context, st store.Store, opt Options) (bool, error) {
	var seeded bool
	err := st.Atomic(ctx, func(st store.Store) error {
		var err error
		seeded, err = seed(ctx, st, opt)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("seed: %w", err)
	}
	return seeded, nil
}

// seed is Seed without the transaction.
func seed(ctx context.Context, st store.Store, opt Options) (bool, error) {
	snap, err := st.Snapshot(ctx)
	if err != nil {
		return false, err
	}
	if len(snap.Campaigns) > 0 {
		return false, nil
	}

	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	start := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)

	for _, r := range rates() {
		if err := st.PutRate(ctx, r); err != nil {
			return false, err
		}
	}
	if err := st.PutExchange(ctx, campaign.Exchange{Name: ExchangeName}); err != nil {
		return false, err
	}
	for _, a := range append(handMade(), synthetic(opt.Campaigns)...) {
		if err := a.create(ctx, st, start); err != nil {
			return false, err
		}
	}
	return true, nil
}

// advertiserSpec is an advertiser with its campaigns, before it has IDs.
type advertiserSpec struct {
	adv       campaign.Advertiser
	campaigns []campaignSpec
}

// campaignSpec is a campaign with its creatives, before it has IDs.
type campaignSpec struct {
	c         campaign.Campaign
	creatives []campaign.Creative
}

// create writes a with all its campaigns and creatives; start is the
// flight start of campaigns that leave theirs zero.
func (a advertiserSpec) create(ctx context.Context, st store.Store, start time.Time) error {
	adv, err := st.CreateAdvertiser(ctx, a.adv)
	if err != nil {
		return err
	}
	for _, cs := range a.campaigns {
		c := cs.c
		c.AdvertiserID = adv.ID
		if c.Start.IsZero() {
			c.Start = start
		}
		c, err := st.CreateCampaign(ctx, c)
		if err != nil {
			return err
		}
		for _, cr := range cs.creatives {
			cr.CampaignID = c.ID
			if _, err := st.CreateCreative(ctx, cr); err != nil {
				return err
			}
		}
	}
	return nil
}

// Budgets of the demo campaigns, in whole currency units: large enough that
// a long benchmark never exhausts them.
const (
	totalBudgetUnits = 1_000_000
	dailyBudgetUnits = 100_000
)

// micros converts whole currency units to micros.
func micros(units int64) int64 { return units * 1_000_000 }

// cpm turns a price in hundredths of a currency unit per thousand
// impressions into CPM micros: cpm(250) is 2.50.
func cpm(cents int64) int64 { return cents * 10_000 }

// line is a hand-made campaign with the demo's defaults: active, USD,
// large budgets, no frequency cap. A capped campaign bids only for users
// with an id it can count, and many exchange requests carry none.
func line(name string, cents int64, channels ...campaign.Channel) campaign.Campaign {
	return campaign.Campaign{
		Name:        name,
		Status:      campaign.StatusActive,
		TotalBudget: micros(totalBudgetUnits),
		DailyBudget: micros(dailyBudgetUnits),
		BidPrice:    cpm(cents),
		Targeting:   campaign.Targeting{Channels: channels},
	}
}

// withDeals makes c buy only through the given PMP deals.
func withDeals(c campaign.Campaign, deals ...string) campaign.Campaign {
	c.Targeting.Deals = deals
	return c
}

// inGBP prices c in pounds and counts its days in London.
func inGBP(c campaign.Campaign) campaign.Campaign {
	c.Currency = "GBP"
	c.TimeZone = "Europe/London"
	return c
}

func banners(b brand, sizes ...[2]int) []campaign.Creative {
	out := make([]campaign.Creative, len(sizes))
	for i, s := range sizes {
		out[i] = b.banner(s[0], s[1])
	}
	return out
}

// Common IAB display sizes, width by height.
var (
	mediumRectangle    = [2]int{300, 250}
	leaderboard        = [2]int{728, 90}
	halfPage           = [2]int{300, 600}
	wideSkyscraper     = [2]int{160, 600}
	mobileBanner       = [2]int{320, 50}
	billboard          = [2]int{970, 250}
	largeRectangle     = [2]int{336, 280}
	fullBanner         = [2]int{468, 60}
	mobileInterstitial = [2]int{320, 480}
)

// handMade is the curated demo set. Between them its campaigns fit the
// sizes, media types, durations, protocols, deals and floors of most of
// the test corpus; the comments name the corpus requests each one is for.
func handMade() []advertiserSpec {
	var (
		site = campaign.ChannelSite
		app  = campaign.ChannelApp
		dooh = campaign.ChannelDOOH
	)
	fjordline := brand{
		slug:       "fjordline",
		landing:    "https://fjordline.example.com/autumn",
		name:       "Fjordline Outfitters",
		headline:   "Gear for the long way round",
		pitch:      "Jackets, tents and boots tested on the coast.",
		categories: []string{"IAB22"},
	}
	brightwater := brand{
		slug:       "brightwater",
		landing:    "https://brightwater.example.net/savings",
		name:       "Brightwater Bank",
		headline:   "A savings account that pays you back",
		pitch:      "No fees, no fine print.",
		categories: []string{"IAB13"},
	}
	aurora := brand{
		slug:       "aurora-air",
		landing:    "https://aurora-air.example.com/winter-fares",
		name:       "Aurora Air",
		headline:   "Fly north for the lights",
		pitch:      "Winter fares to the Arctic.",
		categories: []string{"IAB20"},
	}
	tidewater := brand{
		slug:       "tidewater",
		landing:    "https://tidewater.example.net/premiere",
		name:       "Tidewater Streaming",
		headline:   "The series everyone talks about",
		pitch:      "New episodes every Friday.",
		categories: []string{"IAB1"},
	}
	kaffebar := brand{
		slug:       "kaffebar",
		landing:    "https://kaffebar.example.org/roastery",
		name:       "Kaffebar Roasters",
		headline:   "Your morning, roasted fresh",
		pitch:      "Single-origin coffee across London.",
		categories: []string{"IAB8"},
	}

	return []advertiserSpec{
		{adv: advertiser(fjordline, "fjordline.example.com"), campaigns: []campaignSpec{
			// Open display on any channel: the site and app banners of the
			// corpus (01, 02, 10, 15, 21, 22, 31-38, 40, 43, 44, 47, 49).
			spec(line("Fjordline — run of network display", 250), banners(fjordline,
				mediumRectangle, leaderboard, halfPage, wideSkyscraper, mobileBanner,
				billboard, largeRectangle, fullBanner)...),
			// Native on any channel, including requests without site or
			// app (12, 13, 18) and the EUR floor of 39.
			spec(line("Fjordline — native everywhere", 180), fjordline.native()),
		}},
		{adv: advertiser(brightwater, "brightwater.example.net"), campaigns: []campaignSpec{
			spec(line("Brightwater — mobile apps", 120, app), banners(brightwater,
				mobileBanner, mediumRectangle, leaderboard, mobileInterstitial, halfPage)...),
			// The private auction of 05 (floors 2.50 and 2.00) and the deal of 37.
			spec(withDeals(line("Brightwater — publisher direct deals", 300, site),
				"AB-Agency1-0001", "XY-Agency2-0001", "some-deal-id"),
				banners(brightwater, mediumRectangle, halfPage, leaderboard)...),
		}},
		{adv: advertiser(aurora, "aurora-air.example.com"), campaigns: []campaignSpec{
			// Open video anywhere: 04, 09/25 imp 3, 18, 28, 29, 30, 42, 48.
			spec(line("Aurora Air — online video", 800), aurora.video(15), aurora.video(30)),
			// The SpotX-style private deals of 09, 24 and 25 (floor up to 5.30).
			spec(withDeals(line("Aurora Air — video deals", 600, site),
				"1452f.eadb4.7aaa", "1452f.eadb4.f9bc"),
				aurora.video(15), aurora.video(30)),
		}},
		{adv: advertiser(tidewater, "tidewater.example.net"), campaigns: []campaignSpec{
			// A premium TV launch at 250.00 CPM, over the 200.00 floor of 26,
			// capped lower because each impression is expensive.
			spec(premiere(line("Tidewater — series premiere", 25_000)), tidewater.video(30)),
			spec(line("Tidewater — podcast audio", 400, app, site), tidewater.audio(30)),
			// The app network deal of 14, 16, 17 and 19, and "ww" of 18 and 20.
			spec(withDeals(line("Tidewater — app network deals", 150),
				"xch-wm-300x600-rgt", "ww"),
				tidewater.audio(120), tidewater.banner(300, 250), tidewater.native()),
		}},
		{adv: advertiser(kaffebar, "kaffebar.example.org"), campaigns: []campaignSpec{
			// The GBP DOOH deals of 06 (4.50) and 07 (V123, a 20 s spot).
			spec(withDeals(inGBP(line("Kaffebar — London screens, deals", 600, dooh)),
				"123", "333", "444", "V123"),
				kaffebar.banner(1080, 1920), kaffebar.video(20)),
			// Open DOOH: 06 above its 5.00 GBP floor, 27 and 28.
			spec(inGBP(line("Kaffebar — screens, open auction", 700, dooh)),
				kaffebar.banner(1080, 1920), kaffebar.banner(1920, 1080), kaffebar.video(15)),
		}},
	}
}

func spec(c campaign.Campaign, creatives ...campaign.Creative) campaignSpec {
	return campaignSpec{c: c, creatives: creatives}
}

func advertiser(b brand, domain string) campaign.Advertiser {
	return campaign.Advertiser{Name: b.name, Domain: domain, Status: campaign.StatusActive}
}

// premiere caps c at 3 impressions per user and day.
func premiere(c campaign.Campaign) campaign.Campaign {
	c.FreqCap = campaign.FreqCap{Count: 3, Window: 24 * time.Hour}
	return c
}
