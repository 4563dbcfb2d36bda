package bidder

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/openrtb"
	"nordbid/internal/privacy"
	"nordbid/internal/store"
)

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

// fixture is a bidder over an in-memory snapshot.
type fixture struct {
	t    *testing.T
	snap store.Snapshot
	book *budget.Book
	caps *freqcap.Counter
	ix   *index.Index
	now  time.Time
	b    *Bidder
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, book: budget.NewBook(30 * time.Second), caps: freqcap.New(), now: t0}
	f.snap.Advertisers = []campaign.Advertiser{{ID: 1, Name: "Acme", Domain: "acme.example",
		Status: campaign.StatusActive}}
	f.snap.Rates = []campaign.Rate{{Currency: "EUR", PerUSD: 900_000},
		{Currency: "GBP", PerUSD: 800_000}}
	f.b = New(Options{
		Index:       func() *index.Index { return f.ix },
		Signer:      notice.NewSigner([]byte("test-key-0123456789"), time.Hour),
		Caps:        f.caps,
		Privacy:     privacy.Policy{},
		PublicURL:   "https://bid.test",
		Currency:    "USD",
		DefaultTMax: 100 * time.Millisecond,
		Margin:      10 * time.Millisecond,
		Now:         func() time.Time { return f.now },
	})
	return f
}

// add appends a campaign with one banner creative of 300x250.
func (f *fixture) add(c campaign.Campaign) {
	if c.Name == "" {
		c.Name = "c"
	}
	c.AdvertiserID, c.Status = 1, campaign.StatusActive
	f.snap.Campaigns = append(f.snap.Campaigns, c)
	f.snap.Creatives = append(f.snap.Creatives, campaign.Creative{
		ID: c.ID * 10, CampaignID: c.ID, Status: campaign.StatusActive,
		Format: campaign.FormatBanner, W: 300, H: 250,
		Markup: `<a href="${CLICK_URL}"><img src="x"></a><img src="${IMP_URL}">`,
	})
}

func (f *fixture) build() {
	f.t.Helper()
	ix, err := index.Build(&f.snap, 1, f.book, f.now)
	if err != nil {
		f.t.Fatalf("build index: %v", err)
	}
	f.ix = ix
}

// response is the part of a bid response the tests read.
type response struct {
	ID      string `json:"id"`
	Cur     string `json:"cur"`
	SeatBid []struct {
		Seat string `json:"seat"`
		Bid  []struct {
			ID     string  `json:"id"`
			ImpID  string  `json:"impid"`
			Price  float64 `json:"price"`
			AdM    string  `json:"adm"`
			BURL   string  `json:"burl"`
			CID    string  `json:"cid"`
			DealID string  `json:"dealid"`
		} `json:"bid"`
	} `json:"seatbid"`
}

func (f *fixture) bid(body string) (Answer, response) {
	f.t.Helper()
	ans := f.b.Bid(NewWork(), "", []byte(body), f.now)
	var r response
	if ans.Status == http.StatusOK {
		if err := json.Unmarshal(ans.Body, &r); err != nil {
			f.t.Fatalf("response is not JSON: %v\n%s", err, ans.Body)
		}
	}
	return ans, r
}

const banner = `{"id":"r1","imp":[{"id":"1","banner":{"w":300,"h":250},"bidfloor":0.5}],
	"site":{"domain":"news.example"},"user":{"id":"u1"}}`

func TestBidsBestPrice(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 2_000_000})
	f.add(campaign.Campaign{ID: 2, BidPrice: 3_000_000})
	f.add(campaign.Campaign{ID: 3, BidPrice: 1_000_000})
	f.build()
	ans, r := f.bid(banner)
	if ans.Status != http.StatusOK {
		t.Fatalf("status %d (%s), want 200", ans.Status, ans.Reason)
	}
	b := r.SeatBid[0].Bid[0]
	if b.CID != "2" || b.Price != 3 || r.Cur != "USD" || r.ID != "r1" {
		t.Errorf("got cid %s price %v cur %s id %s; want 2, 3, USD, r1",
			b.CID, b.Price, r.Cur, r.ID)
	}
	if !strings.Contains(b.BURL, "https://bid.test/notice/bill?t=") ||
		!strings.Contains(b.BURL, "${AUCTION_PRICE}") {
		t.Errorf("burl %q lacks the notice base or the price macro", b.BURL)
	}
	if strings.Contains(b.AdM, "${CLICK_URL}") || !strings.Contains(b.AdM, "/notice/click?t=") {
		t.Errorf("adm macros not filled: %q", b.AdM)
	}
}

func TestFloorAndCurrency(t *testing.T) {
	tests := []struct {
		name   string
		price  int64
		cur    string
		req    string
		status int
		want   float64
	}{
		{"below floor", 400_000, "", banner, http.StatusNoContent, 0},
		{"EUR floor converted", 1_000_000, "",
			`{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250},` +
				`"bidfloor":0.95,"bidfloorcur":"EUR"}]}`,
			http.StatusNoContent, 0},
		{"EUR floor met", 1_100_000, "",
			`{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250},` +
				`"bidfloor":0.95,"bidfloorcur":"EUR"}]}`,
			http.StatusOK, 1.1},
		{"GBP response", 1_000_000, "",
			`{"id":"r","cur":["GBP"],"imp":[{"id":"1","banner":{"w":300,"h":250}}]}`,
			http.StatusOK, 0.8},
		{"EUR campaign in USD", 900_000, "EUR",
			`{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250},"bidfloor":0.99}]}`,
			http.StatusOK, 1},
		{"unknown floor currency", 5_000_000, "",
			`{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250},` +
				`"bidfloor":1,"bidfloorcur":"XXX"}]}`,
			http.StatusNoContent, 0},
		{"default currency without a rate", 5_000_000, "",
			`{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`,
			http.StatusNoContent, 0},
		{"unknown response currency", 5_000_000, "",
			`{"id":"r","cur":["XXX"],"imp":[{"id":"1","banner":{"w":300,"h":250}}]}`,
			http.StatusNoContent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.name == "default currency without a rate" {
				f.b.opt.Currency = "XYZ"
			}
			f.add(campaign.Campaign{ID: 1, BidPrice: tt.price, Currency: tt.cur})
			f.build()
			ans, r := f.bid(tt.req)
			if ans.Status != tt.status {
				t.Fatalf("status %d (%s), want %d", ans.Status, ans.Reason, tt.status)
			}
			if tt.status == http.StatusOK && r.SeatBid[0].Bid[0].Price != tt.want {
				t.Errorf("price %v, want %v", r.SeatBid[0].Bid[0].Price, tt.want)
			}
		})
	}
}

func TestBudgetExhaustion(t *testing.T) {
	f := newFixture(t)
	// 2.00 CPM costs 2,000 micros an impression: a 10,000 budget is five.
	f.add(campaign.Campaign{ID: 1, BidPrice: 2_000_000, TotalBudget: 10_000})
	f.build()
	bids := 0
	for range 20 {
		if ans, _ := f.bid(banner); ans.Status == http.StatusOK {
			bids++
		} else if ans.Reason != "budget_exhausted" {
			t.Fatalf("no bid for %q, want budget_exhausted", ans.Reason)
		}
	}
	if bids != 5 {
		t.Fatalf("bids = %d, want 5 within a budget of five impressions", bids)
	}
	// Reservations lapse: after the TTL, spend decides alone.
	f.book.Account(1).Charge(6_000)
	f.now = f.now.Add(31 * time.Second)
	bids = 0
	for range 20 {
		if ans, _ := f.bid(banner); ans.Status == http.StatusOK {
			bids++
		}
	}
	if bids != 2 {
		t.Errorf("bids after 6,000 spent = %d, want 2", bids)
	}
}

func TestDailyBudget(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000, DailyBudget: 5_000, TotalBudget: 1 << 40})
	f.build()
	f.book.Sync(1, 100_000, 4_500)
	if ans, _ := f.bid(banner); ans.Status != http.StatusNoContent {
		t.Fatalf("status %d with 4,500 of 5,000 spent today and a 1,000 impression", ans.Status)
	}
	f.book.Sync(1, 100_000, 0)
	if ans, _ := f.bid(banner); ans.Status != http.StatusOK {
		t.Errorf("status %d on a fresh day", ans.Status)
	}
}

func TestFrequencyCap(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000,
		FreqCap: campaign.FreqCap{Count: 2, Window: time.Hour}})
	f.build()
	var u1 openrtb.BidRequest
	u1.User.ID = "u1"
	for i := range 2 {
		ans, _ := f.bid(banner)
		if ans.Status != http.StatusOK {
			t.Fatalf("bid %d: status %d (%s)", i, ans.Status, ans.Reason)
		}
		f.caps.Count(userKey(&u1), 1, time.Hour, f.now)
	}
	if ans, _ := f.bid(banner); ans.Reason != "frequency_cap" {
		t.Errorf("third request: status %d reason %q, want frequency_cap", ans.Status, ans.Reason)
	}
	other := strings.Replace(banner, `"u1"`, `"u2"`, 1)
	if ans, _ := f.bid(other); ans.Status != http.StatusOK {
		t.Errorf("another user: status %d", ans.Status)
	}
	anon := strings.Replace(banner, `,"user":{"id":"u1"}`, "", 1)
	if ans, _ := f.bid(anon); ans.Reason != "frequency_cap" {
		t.Errorf("capped campaign bid for an unknown user: %d %q", ans.Status, ans.Reason)
	}
}

func TestDealOnlyPrivateAuction(t *testing.T) {
	const pmp = `{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250},"bidfloor":0.1,
		"pmp":{"private_auction":%d,"deals":[{"id":"D1","bidfloor":2.5}]}}]}`
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 9_000_000})
	f.add(campaign.Campaign{ID: 2, BidPrice: 3_000_000,
		Targeting: campaign.Targeting{Deals: []string{"D1"}}})
	f.build()

	ans, r := f.bid(strings.Replace(pmp, "%d", "1", 1))
	if ans.Status != http.StatusOK {
		t.Fatalf("private auction: status %d (%s)", ans.Status, ans.Reason)
	}
	if b := r.SeatBid[0].Bid[0]; b.CID != "2" || b.DealID != "D1" {
		t.Errorf("private auction won by cid %s deal %q; want the deal campaign 2 on D1",
			b.CID, b.DealID)
	}
	_, r = f.bid(strings.Replace(pmp, "%d", "0", 1))
	if b := r.SeatBid[0].Bid[0]; b.CID != "1" {
		t.Errorf("open auction with a deal won by %s; want the higher open bid of 1", b.CID)
	}
	_, r = f.bid(banner)
	if b := r.SeatBid[0].Bid[0]; b.CID != "1" {
		t.Errorf("request without deals won by %s; deal campaigns must not bid there", b.CID)
	}
	f.snap.Campaigns[1].BidPrice = 2_000_000
	f.build()
	if ans, _ := f.bid(strings.Replace(pmp, "%d", "1", 1)); ans.Reason != "below_floor" {
		t.Errorf("deal bid under the deal floor: status %d reason %q", ans.Status, ans.Reason)
	}
}

func TestDeadline(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000, TotalBudget: 1_000})
	f.build()
	arrival := f.now
	// A request that arrived 95 ms ago with tmax 100 and a 10 ms margin is
	// already late.
	f.now = arrival.Add(95 * time.Millisecond)
	ans := f.b.Bid(NewWork(), "",
		[]byte(strings.Replace(banner, `"id":"r1"`, `"id":"r1","tmax":100`, 1)), arrival)
	if ans.Status != http.StatusNoContent || ans.Reason != "deadline" {
		t.Fatalf("late request: status %d reason %q, want 204 deadline", ans.Status, ans.Reason)
	}
	if got := f.book.Account(1).Reserved(f.now); got != 0 {
		t.Errorf("late request kept %d micros reserved", got)
	}
	// Without tmax the default applies: 85 ms in is still in time.
	f.now = arrival.Add(85 * time.Millisecond)
	if ans := f.b.Bid(NewWork(), "", []byte(banner), arrival); ans.Status != http.StatusOK {
		t.Errorf("request within the default tmax: status %d (%s)", ans.Status, ans.Reason)
	}
}

func TestTargeting(t *testing.T) {
	req := `{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250}}],
		"site":{"domain":"http://www.News.example/x","cat":["IAB12"],"publisher":{"id":"p9"}},
		"device":{"devicetype":2,"os":"Android","geo":{"country":"DEU","region":"BY"}},
		"bcat":["IAB7"],"badv":["bad.example"],"bapp":["com.blocked.game"]}`
	tests := []struct {
		name string
		t    campaign.Targeting
		cr   func(*campaign.Creative)
		ok   bool
	}{
		{"untargeted", campaign.Targeting{}, nil, true},
		{"country", campaign.Targeting{Countries: []string{"deu"}}, nil, true},
		{"other country", campaign.Targeting{Countries: []string{"FRA"}}, nil, false},
		{"region", campaign.Targeting{Regions: []string{"BY"}}, nil, true},
		{"device type", campaign.Targeting{DeviceTypes: []int{4, 5}}, nil, false},
		{"os", campaign.Targeting{OS: []string{"android"}}, nil, true},
		{"domain allow",
			campaign.Targeting{Domains: campaign.ListRule{Allow: []string{"news.example"}}},
			nil, true},
		{"parent domain blocked",
			campaign.Targeting{Domains: campaign.ListRule{Block: []string{"example"}}},
			nil, false},
		{"bundle allow on a site",
			campaign.Targeting{Bundles: campaign.ListRule{Allow: []string{"com.x"}}},
			nil, false},
		{"publisher", campaign.Targeting{Publishers: []string{"p9"}}, nil, true},
		{"blocked content category",
			campaign.Targeting{BlockedCategories: []string{"IAB12"}}, nil, false},
		{"app channel",
			campaign.Targeting{Channels: []campaign.Channel{campaign.ChannelApp}}, nil, false},
		{"site channel",
			campaign.Targeting{Channels: []campaign.Channel{campaign.ChannelSite}}, nil, true},
		{"segment without user data", campaign.Targeting{Segments: []string{"s1"}}, nil, false},
		{"hour of week", campaign.Targeting{HoursOfWeek: []int{4*24 + 12}}, nil, true},
		{"other hour", campaign.Targeting{HoursOfWeek: []int{0}}, nil, false},
		{"bcat subcategory", campaign.Targeting{},
			func(c *campaign.Creative) { c.Categories = []string{"IAB7-39"} }, false},
		{"badv", campaign.Targeting{},
			func(c *campaign.Creative) { c.ADomain = []string{"www.bad.example"} }, false},
		{"bapp, the creative's app", campaign.Targeting{},
			func(c *campaign.Creative) { c.Bundle = "COM.Blocked.Game" }, false},
		{"bapp, an app listed in adomain", campaign.Targeting{},
			func(c *campaign.Creative) { c.ADomain = []string{"com.blocked.game"} }, false},
		{"bapp, another app", campaign.Targeting{},
			func(c *campaign.Creative) { c.Bundle = "com.other.game" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000, Targeting: tt.t})
			if tt.cr != nil {
				tt.cr(&f.snap.Creatives[0])
			}
			f.build()
			ans, _ := f.bid(req)
			if got := ans.Status == http.StatusOK; got != tt.ok {
				t.Errorf("bid = %v (reason %q), want %v", got, ans.Reason, tt.ok)
			}
		})
	}
}

func TestRejectsAndSkips(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000})
	f.build()
	ans, _ := f.bid(`{"id":"r","imp":[{"id":"1","banner":{}},` +
		`{"id":"2","banner":{"w":300,"h":250}}]}`)
	if ans.Status != http.StatusOK {
		t.Errorf("one good imp of two: status %d", ans.Status)
	}
	for _, body := range []string{
		`{"id":"r","imp":[]}`, `not json`, `{"id":"r","imp":[{"id":"1"}]}`,
	} {
		ans, _ := f.bid(body)
		if ans.Status != http.StatusBadRequest || !json.Valid(ans.Body) ||
			!strings.HasPrefix(string(ans.Body), `{"error":`) {
			t.Errorf("%s: status %d body %s; want 400 with a JSON error",
				body, ans.Status, ans.Body)
		}
	}
}

func TestPrivacyContextual(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000,
		Targeting: campaign.Targeting{Segments: []string{"s1"}}})
	f.build()
	seg := `{"id":"r","imp":[{"id":"1","banner":{"w":300,"h":250}}],
		"user":{"id":"u","data":[{"segment":[{"id":"s1"}]}]}%s}`
	if ans, _ := f.bid(strings.Replace(seg, "%s", "", 1)); ans.Status != http.StatusOK {
		t.Fatalf("segment match: status %d (%s)", ans.Status, ans.Reason)
	}
	if ans, _ := f.bid(strings.Replace(seg, "%s",
		`,"regs":{"coppa":1}`, 1)); ans.Status == http.StatusOK {
		t.Error("segment campaign bid under COPPA")
	}
	if ans, _ := f.bid(strings.Replace(seg, "%s",
		`,"regs":{"gdpr":1}`, 1)); ans.Status == http.StatusOK {
		t.Error("bid under GDPR without consent")
	}
}

func TestKillSwitch(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000})
	f.snap.Settings.KillSwitch = true
	f.build()
	if ans, _ := f.bid(banner); ans.Status != http.StatusNoContent || ans.Reason != "kill_switch" {
		t.Errorf("killed: status %d reason %q, want 204 kill_switch", ans.Status, ans.Reason)
	}
	f.snap.Settings.KillSwitch = false
	f.build()
	if ans, _ := f.bid(banner); ans.Status != http.StatusOK {
		t.Errorf("revived: status %d (%s)", ans.Status, ans.Reason)
	}
}

// TestFlightEndsWithoutRebuild: a campaign stops bidding when its flight
// ends, with the index built while it was live.
func TestFlightEndsWithoutRebuild(t *testing.T) {
	f := newFixture(t)
	f.add(campaign.Campaign{ID: 1, BidPrice: 1_000_000, End: t0.Add(time.Hour)})
	f.build()
	if ans, _ := f.bid(banner); ans.Status != http.StatusOK {
		t.Fatalf("in flight: status %d (%s)", ans.Status, ans.Reason)
	}
	f.now = t0.Add(2 * time.Hour)
	if ans, _ := f.bid(banner); ans.Status != http.StatusNoContent {
		t.Errorf("after the flight: status %d, want 204", ans.Status)
	}
}
