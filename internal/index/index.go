// Package index compiles the live campaigns of a store snapshot into an
// immutable structure that the bid path reads without locks.
//
// An Index is built in the background whenever the store changes and is
// swapped in atomically; requests in flight keep the Index they started
// with. Campaigns are ranked by bid price, highest first, and bit sets per
// format and per targeting value (country, device type, OS, domain,
// bundle, segment, channel) let the bidder narrow a request to the
// campaigns that can admit it and walk them best first, stopping at the
// first eligible one. Deal campaigns are listed per deal id.
package index

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// Index is one compiled, immutable view of the live campaigns.
type Index struct {
	// Version is the store version the index was built from.
	Version int64
	// Built is when the index was built.
	Built time.Time
	// Killed is true while the global kill switch stops all bidding.
	Killed bool

	campaigns []*Campaign
	byID      map[int64]*Campaign
	// known describes every campaign of the store, live or not, for
	// notices that arrive after a campaign stopped.
	known map[int64]Info
	// landing holds the landing page of every creative that has a valid
	// one, live or not: a user may click an ad after its campaign stopped.
	landing map[int64]string

	deals map[string][]*Creative // by deal id, every format

	rates     map[string]int64 // micros of the currency per USD
	exchanges map[string]campaign.Exchange

	pre prefilter
}

// Campaign is a compiled live campaign.
type Campaign struct {
	ID       int64
	Name     string
	Currency string
	// Price is the bid in micros per thousand impressions of Currency.
	Price int64
	// PriceUSD is Price in US dollars, used only to order candidates.
	PriceUSD int64
	// Start and End bound the flight in unix nanoseconds; End 0 is open.
	Start, End int64
	Loc        *time.Location
	Cap        campaign.FreqCap
	// Account holds the campaign's budget; never nil.
	Account *budget.Account
	// Rank orders campaigns by PriceUSD, highest first (0 is the best).
	Rank int

	Exchanges []string
	// Channels is a bit set of ChannelSite, ChannelApp, ChannelDOOH and
	// ChannelNone; 0 allows every channel.
	Channels    uint8
	Countries   []string
	Regions     []string
	DeviceTypes []int
	OS          []string
	Domains     campaign.ListRule
	Bundles     campaign.ListRule
	Publishers  []string
	BlockedCats []string
	Deals       []string
	Segments    []string
	// Hours is a bit set of allowed hours of the week; all zero allows all.
	Hours [3]uint64

	Creatives []*Creative
}

// Channel bits of Campaign.Channels and of a request.
const (
	ChannelSite uint8 = 1 << iota
	ChannelApp
	ChannelDOOH
	ChannelNone
)

// Creative is a compiled creative of a live campaign.
type Creative struct {
	ID        int64
	Campaign  *Campaign
	Format    campaign.Format
	W, H      int
	Mimes     []string
	Duration  int
	Protocols []int
	// Assets is a bit set of the native assets the creative supplies.
	Assets uint8
	Markup Template
	// Native is the markup of a native creative, taken apart; nil for
	// other formats.
	Native  *NativeMarkup
	ADomain []string
	// Bundle is the advertised app's store id; "" for ads of no app.
	Bundle string
	Cats   []string
	Attrs  []int
}

// Native asset bits of Creative.Assets.
const (
	AssetTitle uint8 = 1 << iota
	AssetImage
	AssetIcon
	AssetDescription
	AssetSponsored
	AssetCTA
)

var assetNames = map[string]uint8{
	"title": AssetTitle, "image": AssetImage, "icon": AssetIcon,
	"description": AssetDescription, "sponsored": AssetSponsored, "cta": AssetCTA,
}

func sizeKey(w, h int) uint64 { return uint64(uint32(w))<<32 | uint64(uint32(h)) }

// Build compiles the live campaigns of snap at time now. Campaigns whose
// flight has ended, that are not active, whose advertiser is not active or
// that have no active creative are left out. Every campaign gets its
// budget account from book.
func Build(snap *store.Snapshot, version int64, book *budget.Book, now time.Time) (*Index, error) {
	ix := &Index{
		Version:   version,
		Built:     now,
		Killed:    snap.Settings.KillSwitch,
		byID:      make(map[int64]*Campaign),
		known:     make(map[int64]Info, len(snap.Campaigns)),
		landing:   make(map[int64]string),
		deals:     make(map[string][]*Creative),
		rates:     make(map[string]int64, len(snap.Rates)+1),
		exchanges: make(map[string]campaign.Exchange, len(snap.Exchanges)),
	}
	ix.rates["USD"] = 1_000_000
	for _, r := range snap.Rates {
		if r.PerUSD > 0 {
			ix.rates[strings.ToUpper(r.Currency)] = r.PerUSD
		}
	}
	for _, e := range snap.Exchanges {
		ix.exchanges[e.Name] = e
	}
	live := make(map[int64]campaign.Advertiser)
	for _, a := range snap.Advertisers {
		if a.Status == campaign.StatusActive {
			live[a.ID] = a
		}
	}
	domains := make(map[int64]string)
	for i := range snap.Campaigns {
		c := &snap.Campaigns[i]
		ix.known[c.ID] = info(c)
		adv, ok := live[c.AdvertiserID]
		if c.Status != campaign.StatusActive || !ok || (!c.End.IsZero() && !now.Before(c.End)) {
			continue
		}
		cc, err := ix.compileCampaign(c, book)
		if err != nil {
			return nil, err
		}
		ix.byID[c.ID] = cc
		domains[c.ID] = adv.Domain
	}
	for i := range snap.Creatives {
		cr := &snap.Creatives[i]
		if cr.ClickURL != "" && campaign.CheckClickURL(cr.ClickURL) == "" {
			ix.landing[cr.ID] = cr.ClickURL
		}
		c := ix.byID[cr.CampaignID]
		if c == nil || cr.Status != campaign.StatusActive {
			continue
		}
		cc, err := compileCreative(cr, c, domains[c.ID])
		if err != nil {
			return nil, err
		}
		c.Creatives = append(c.Creatives, cc)
		for _, d := range c.Deals {
			ix.deals[d] = append(ix.deals[d], cc)
		}
	}
	for _, c := range ix.byID {
		if len(c.Creatives) > 0 {
			ix.campaigns = append(ix.campaigns, c)
		} else {
			delete(ix.byID, c.ID)
		}
	}
	ix.sort()
	ix.buildPrefilter()
	return ix, nil
}

func (ix *Index) compileCampaign(c *campaign.Campaign, book *budget.Book) (*Campaign, error) {
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("campaign %d: time zone: %w", c.ID, err)
	}
	cur := strings.ToUpper(c.Currency)
	if cur == "" {
		cur = "USD"
	}
	rate, ok := ix.rates[cur]
	if !ok {
		return nil, fmt.Errorf("campaign %d: no exchange rate for currency %q", c.ID, cur)
	}
	t := &c.Targeting
	cc := &Campaign{
		ID: c.ID, Name: c.Name, Currency: cur, Price: c.BidPrice,
		PriceUSD:  c.BidPrice * 1_000_000 / rate,
		Start:     c.Start.UnixNano(),
		Loc:       loc,
		Cap:       c.FreqCap,
		Account:   book.Account(c.ID),
		Exchanges: c.Exchanges, Countries: upper(t.Countries), Regions: upper(t.Regions),
		DeviceTypes: t.DeviceTypes, OS: t.OS,
		Domains: lowerRule(t.Domains), Bundles: lowerRule(t.Bundles),
		Publishers: t.Publishers, BlockedCats: t.BlockedCategories, Deals: t.Deals,
		Segments: t.Segments,
	}
	if c.Start.IsZero() {
		cc.Start = 0
	}
	if !c.End.IsZero() {
		cc.End = c.End.UnixNano()
	}
	cc.Account.SetLimits(c.TotalBudget, c.DailyBudget)
	for _, ch := range t.Channels {
		switch ch {
		case campaign.ChannelSite:
			cc.Channels |= ChannelSite
		case campaign.ChannelApp:
			cc.Channels |= ChannelApp
		case campaign.ChannelDOOH:
			cc.Channels |= ChannelDOOH
		}
	}
	for _, h := range t.HoursOfWeek {
		if h >= 0 && h < 168 {
			cc.Hours[h/64] |= 1 << (h % 64)
		}
	}
	return cc, nil
}

func compileCreative(cr *campaign.Creative, c *Campaign, advDomain string) (*Creative, error) {
	tpl, err := ParseTemplate(cr.Markup)
	if err != nil {
		return nil, fmt.Errorf("creative %d: markup: %w", cr.ID, err)
	}
	cc := &Creative{
		ID: cr.ID, Campaign: c, Format: cr.Format, W: cr.W, H: cr.H,
		Mimes: cr.Mimes, Duration: cr.Duration, Protocols: cr.Protocols,
		Markup: tpl, ADomain: cr.ADomain, Bundle: cr.Bundle, Cats: cr.Categories,
		Attrs: cr.Attributes,
	}
	if len(cc.ADomain) == 0 && advDomain != "" {
		cc.ADomain = []string{advDomain}
	}
	for _, a := range cr.NativeAssets {
		cc.Assets |= assetNames[strings.ToLower(a)]
	}
	if cr.Format == campaign.FormatNative {
		if cc.Native, err = parseNative(cr.Markup); err != nil {
			return nil, fmt.Errorf("creative %d: %w", cr.ID, err)
		}
		// What the markup holds is what the creative can supply.
		cc.Assets = 0
		for k := range cc.Native.Assets {
			cc.Assets |= k
		}
	}
	return cc, nil
}

// byPrice orders creatives by their campaign's price in USD, highest
// first, then by ids so that equal prices resolve the same way every time.
func byPrice(a, b *Creative) int {
	if c := cmp.Compare(b.Campaign.PriceUSD, a.Campaign.PriceUSD); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Campaign.ID, b.Campaign.ID); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func (ix *Index) sort() {
	for _, l := range ix.deals {
		slices.SortFunc(l, byPrice)
	}
	slices.SortFunc(ix.campaigns, func(a, b *Campaign) int { return cmp.Compare(a.ID, b.ID) })
}

// Deal returns the creatives of campaigns that buy the deal, best first.
func (ix *Index) Deal(id string) []*Creative { return ix.deals[id] }

// Info is what notices need to know of any campaign, live or not.
type Info struct {
	// Currency is the ISO 4217 code of the campaign's amounts.
	Currency string
	// Loc is the time zone of the campaign's days.
	Loc *time.Location
}

func info(c *campaign.Campaign) Info {
	in := Info{Currency: strings.ToUpper(c.Currency), Loc: time.UTC}
	if in.Currency == "" {
		in.Currency = "USD"
	}
	if loc, err := c.Location(); err == nil {
		in.Loc = loc
	}
	return in
}

// Info describes the campaign with the id, whatever its status.
func (ix *Index) Info(id int64) (Info, bool) {
	in, ok := ix.known[id]
	return in, ok
}

// ClickURL returns the landing page of the creative with the id, whatever
// its status, or "" when it has none.
func (ix *Index) ClickURL(creative int64) string { return ix.landing[creative] }

// Campaign returns the live campaign with the id, or nil.
func (ix *Index) Campaign(id int64) *Campaign { return ix.byID[id] }

// Campaigns returns the live campaigns ordered by id.
func (ix *Index) Campaigns() []*Campaign { return ix.campaigns }

// Rate returns the micros of a currency that one US dollar buys.
func (ix *Index) Rate(currency string) (int64, bool) {
	r, ok := ix.rates[currency]
	return r, ok
}

// Exchange returns the settings of an exchange and whether the store
// knows it; unknown exchanges get the zero settings.
func (ix *Index) Exchange(name string) (campaign.Exchange, bool) {
	e, ok := ix.exchanges[name]
	return e, ok
}

// Convert converts micros from one currency to another with the index's
// rates. It reports false when either currency is unknown.
func (ix *Index) Convert(micros int64, from, to string) (int64, bool) {
	if from == to {
		return micros, true
	}
	rf, ok1 := ix.rates[from]
	rt, ok2 := ix.rates[to]
	if !ok1 || !ok2 {
		return 0, false
	}
	// micros * rt / rf, split to stay inside int64 for large amounts.
	q, r := micros/rf, micros%rf
	return q*rt + r*rt/rf, true
}

func upper(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToUpper(s)
	}
	return out
}

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func lowerRule(r campaign.ListRule) campaign.ListRule {
	return campaign.ListRule{Allow: lower(r.Allow), Block: lower(r.Block)}
}
