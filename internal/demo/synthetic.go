package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"nordbid/internal/campaign"
)

// campaignsPerAdvertiser groups synthetic campaigns under shared
// advertisers, as real accounts run many lines each.
const campaignsPerAdvertiser = 100

// Pools the synthetic campaigns draw from.
var (
	syntheticCountries = []string{
		"USA", "CAN", "MEX", "BRA", "ARG", "GBR", "IRL", "FRA", "DEU", "NLD",
		"BEL", "ESP", "ITA", "POL", "SWE", "NOR", "DNK", "FIN", "JPN", "KOR",
		"IND", "AUS", "NZL", "ZAF",
	}
	syntheticStates     = []string{"CA", "NY", "TX", "FL", "WA", "IL", "MA", "CO"}
	syntheticOS         = []string{"iOS", "Android", "Windows", "macOS", "Linux"}
	syntheticDevices    = []int{1, 2, 3, 4, 5, 6, 7}
	syntheticCategories = []string{"IAB2", "IAB3", "IAB5", "IAB9", "IAB17", "IAB19", "IAB22"}
	// Sizes repeat by how common they are on real inventory.
	syntheticSizes = [][2]int{
		mediumRectangle, mediumRectangle, mediumRectangle, mediumRectangle,
		leaderboard, leaderboard, leaderboard, mobileBanner, mobileBanner, mobileBanner,
		halfPage, halfPage, wideSkyscraper, billboard, largeRectangle, fullBanner,
		mobileInterstitial, {320, 100}, {300, 50}, {970, 90}, {250, 250},
	}
)

// businessHours are Monday to Friday, 09:00 to 17:00, as hours of the week.
var businessHours = func() []int {
	var h []int
	for day := range 5 {
		for hour := 9; hour < 17; hour++ {
			h = append(h, day*24+hour)
		}
	}
	return h
}()

// synthetic generates n campaigns for benchmarks. The generator has a fixed
// seed, so every run builds the same data. Most campaigns are narrowly
// targeted (countries plus one more dimension such as a domain, an app,
// a segment or office hours), so that they load the index like real
// competition without all matching the same request.
func synthetic(n int) []advertiserSpec {
	r := rand.New(rand.NewPCG(0x6e6f7264, 0x62696421))
	var out []advertiserSpec
	var b brand
	for i := range n {
		if i%campaignsPerAdvertiser == 0 {
			k := len(out) + 1
			b = brand{
				slug:       fmt.Sprintf("synth-%03d", k),
				name:       fmt.Sprintf("Synthetic Advertiser %03d", k),
				headline:   "A synthetic offer",
				pitch:      "Generated for load tests.",
				landing:    fmt.Sprintf("https://synth-%03d.example.net/", k),
				categories: []string{pick(r, syntheticCategories)},
			}
			out = append(out, advertiserSpec{
				adv: advertiser(b, fmt.Sprintf("synth-%03d.example.net", k)),
			})
		}
		a := &out[len(out)-1]
		a.campaigns = append(a.campaigns, syntheticCampaign(r, i, b))
	}
	return out
}

// syntheticCampaign draws campaign number i of the synthetic set.
func syntheticCampaign(r *rand.Rand, i int, b brand) campaignSpec {
	c := line(fmt.Sprintf("%s — line %05d", b.name, i+1), int64(20+r.IntN(581)))
	c.FreqCap = campaign.FreqCap{Count: 5 + r.IntN(16), Window: 24 * time.Hour}
	if r.IntN(20) == 0 {
		c.Status = campaign.StatusPaused
	}
	switch r.IntN(20) {
	case 0:
		c.Currency = "EUR"
	case 1:
		c.Currency = "GBP"
	}

	t := &c.Targeting
	t.Countries = pickN(r, syntheticCountries, 1+r.IntN(3))
	switch ch := r.IntN(20); {
	case ch < 11:
		t.Channels = []campaign.Channel{campaign.ChannelSite}
	case ch < 18:
		t.Channels = []campaign.Channel{campaign.ChannelApp}
	}
	if r.IntN(5) < 3 {
		t.DeviceTypes = pickN(r, syntheticDevices, 1+r.IntN(2))
	}
	// One narrowing dimension for four campaigns in five; the rest are
	// broad within their countries.
	switch r.IntN(10) {
	case 0, 1:
		if len(t.Channels) == 0 || t.Channels[0] == campaign.ChannelSite {
			t.Domains.Allow = []string{fmt.Sprintf("site%03d.example.com", r.IntN(500))}
		} else {
			t.Bundles.Allow = []string{fmt.Sprintf("com.example.app%03d", r.IntN(500))}
		}
	case 2, 3:
		t.Segments = []string{fmt.Sprintf("seg-%d", r.IntN(200))}
	case 4:
		t.OS = []string{pick(r, syntheticOS)}
	case 5:
		t.Countries = []string{"USA"}
		t.Regions = pickN(r, syntheticStates, 1+r.IntN(2))
	case 6:
		t.HoursOfWeek = businessHours
	case 7:
		t.Publishers = []string{fmt.Sprintf("pub-%d", r.IntN(100))}
	}

	var creatives []campaign.Creative
	if r.IntN(6) == 0 {
		creatives = append(creatives, b.video(15*(1+r.IntN(2))))
	} else {
		for _, size := range pickN(r, syntheticSizes, 1+r.IntN(3)) {
			creatives = append(creatives, b.banner(size[0], size[1]))
		}
	}
	return spec(c, creatives...)
}

func pick[T any](r *rand.Rand, from []T) T {
	return from[r.IntN(len(from))]
}

// pickN draws up to n distinct values of from in random order; a pool
// that repeats values to weight them may yield fewer than n.
func pickN[T comparable](r *rand.Rand, from []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range r.Perm(len(from)) {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, from[i]) {
			out = append(out, from[i])
		}
	}
	return out
}
