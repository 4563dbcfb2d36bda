// Package campaign holds nordbid's domain types: advertisers, the campaigns
// they run and the creatives those campaigns serve, with their targeting.
//
// These are plain values as the store keeps them. The bid path never reads
// them directly: the index package compiles them into a snapshot.
package campaign

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Status is the lifecycle state of an advertiser, campaign or creative.
type Status string

// Statuses. Only active entities bid.
const (
	StatusActive   Status = "active"
	StatusPaused   Status = "paused"
	StatusArchived Status = "archived"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	return s == StatusActive || s == StatusPaused || s == StatusArchived
}

// Advertiser is a buyer whose campaigns nordbid bids for.
type Advertiser struct {
	ID     int64
	Name   string
	Domain string // advertiser domain reported in bid.adomain, e.g. "example.com"
	Status Status
}

// Campaign is a line of spend with a budget, a price and targeting.
type Campaign struct {
	ID           int64
	AdvertiserID int64
	Name         string
	Status       Status

	// Start and End bound the flight. A zero End means open-ended.
	Start time.Time
	End   time.Time

	// TimeZone is the IANA zone in which days (daily budget) and
	// hour-of-week targeting are counted. Empty means UTC.
	TimeZone string

	// Currency is the ISO 4217 code of every amount of this campaign.
	// Empty means USD.
	Currency string

	// TotalBudget is the lifetime budget in micros; 0 means unlimited.
	TotalBudget int64
	// DailyBudget is the budget per local day in micros; 0 means unlimited.
	DailyBudget int64
	// BidPrice is the fixed bid in micros per thousand impressions (CPM).
	BidPrice int64

	// FreqCap limits impressions per user; the zero value means no cap.
	FreqCap FreqCap

	// Exchanges lists the exchange names this campaign bids on; empty
	// means every exchange.
	Exchanges []string

	Targeting Targeting

	// UpdatedAt is when the store last changed the campaign.
	UpdatedAt time.Time
}

// FreqCap allows at most Count impressions per user in any Window.
// A zero Count means no cap.
type FreqCap struct {
	Count  int
	Window time.Duration
}

// Channel is the kind of inventory: a web site, an app or a digital
// out-of-home screen.
type Channel string

// Channels, as the request carries site, app or dooh.
const (
	ChannelSite Channel = "site"
	ChannelApp  Channel = "app"
	ChannelDOOH Channel = "dooh"
)

// Targeting narrows the requests a campaign bids on. Every empty list means
// "no restriction" on that dimension.
type Targeting struct {
	// Countries are ISO 3166-1 alpha-3 codes, as OpenRTB geo.country.
	Countries []string
	// Regions are ISO 3166-2 subdivision codes without the country prefix,
	// as OpenRTB geo.region ("CA", "HNS").
	Regions []string
	// DeviceTypes are OpenRTB device type codes (list: Device Types).
	DeviceTypes []int
	// OS are operating system names, compared case-insensitively.
	OS []string
	// Domains allow or block site domains (and their subdomains).
	Domains ListRule
	// Bundles allow or block app bundles.
	Bundles ListRule
	// Publishers are publisher ids allowed; empty allows all.
	Publishers []string
	// BlockedCategories are IAB content categories of the site or app this
	// campaign must not appear on.
	BlockedCategories []string
	// Deals are the PMP deal ids this campaign buys. A campaign with deals
	// bids only through those deals; a campaign without deals bids only in
	// open auctions.
	Deals []string
	// Segments are user segment ids (user.data[].segment[].id); the user
	// must carry at least one.
	Segments []string
	// HoursOfWeek are the allowed hours counted from Monday 00:00 in the
	// campaign's time zone (0 to 167); empty allows all hours.
	HoursOfWeek []int
	// Channels are the allowed inventory channels.
	Channels []Channel
}

// ListRule is an allow list and a block list over names. A name matches an
// entry when it equals it or is a subdomain of it.
type ListRule struct {
	Allow []string
	Block []string
}

// Format is the media type of a creative.
type Format string

// Creative formats.
const (
	FormatBanner Format = "banner"
	FormatVideo  Format = "video"
	FormatAudio  Format = "audio"
	FormatNative Format = "native"
)

// Creative is an ad a campaign serves.
type Creative struct {
	ID         int64
	CampaignID int64
	Name       string
	Status     Status
	Format     Format

	// W and H are the size in pixels (banner, video, native main image);
	// zero for audio.
	W, H int

	// Mimes are the content types of the media (video, audio, banner).
	Mimes []string
	// Duration is the playing time of video or audio in seconds.
	Duration int
	// Protocols are OpenRTB video/audio protocol codes the creative's
	// markup (VAST version) satisfies.
	Protocols []int
	// NativeAssets names the native assets the creative supplies: "title",
	// "image", "icon", "description", "sponsored", "cta".
	NativeAssets []string

	// Markup is the ad markup template. It may carry the macros
	// ${AUCTION_ID}, ${AUCTION_BID_ID}, ${AUCTION_IMP_ID}, ${AUCTION_PRICE},
	// ${CLICK_URL} and ${IMP_URL}, filled when the bid is made (price at win).
	Markup string
	// ClickURL is the advertiser's landing page: a click notice, which the
	// markup reaches through ${CLICK_URL}, is recorded and redirected
	// there. Empty answers the click with JSON and sends the user nowhere.
	ClickURL string

	// Bundle is the store id of the app an app-install ad advertises
	// (OpenRTB bid.bundle, e.g. com.example.game or 123456789): reported
	// in the bid, and matched against a request's bapp. Empty for ads of
	// no app.
	Bundle string

	// ADomain is the advertiser domain reported in the bid; empty means the
	// advertiser's domain.
	ADomain []string
	// Categories are the IAB categories of the ad.
	Categories []string
	// Attributes are OpenRTB creative attribute codes.
	Attributes []int
}

// Validate reports every problem of c at once, or nil.
func (c *Campaign) Validate() error {
	var errs []string
	if c.Name == "" {
		errs = append(errs, "name: required")
	}
	if !c.Status.Valid() {
		errs = append(errs, fmt.Sprintf("status: unknown %q", c.Status))
	}
	if c.TotalBudget < 0 {
		errs = append(errs, "total_budget: negative")
	}
	if c.DailyBudget < 0 {
		errs = append(errs, "daily_budget: negative")
	}
	if c.BidPrice <= 0 {
		errs = append(errs, "bid_price: must be positive")
	}
	if c.FreqCap.Count < 0 || (c.FreqCap.Count > 0 && c.FreqCap.Window <= 0) {
		errs = append(errs, "freq_cap: count needs a positive window")
	}
	if !c.End.IsZero() && c.End.Before(c.Start) {
		errs = append(errs, "end: before start")
	}
	if _, err := c.Location(); err != nil {
		errs = append(errs, fmt.Sprintf("time_zone: unknown %q", c.TimeZone))
	}
	for _, h := range c.Targeting.HoursOfWeek {
		if h < 0 || h > 167 {
			errs = append(errs, fmt.Sprintf("hours_of_week: %d out of 0..167", h))
			break
		}
	}
	for _, ch := range c.Targeting.Channels {
		if ch != ChannelSite && ch != ChannelApp && ch != ChannelDOOH {
			errs = append(errs, fmt.Sprintf("channels: unknown %q", ch))
			break
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid campaign: %s", strings.Join(errs, "; "))
}

// Location returns the campaign's time zone.
func (c *Campaign) Location() (*time.Location, error) {
	if c.TimeZone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(c.TimeZone)
}

// Day returns the campaign-local date of t as "2006-01-02", the key of its
// daily budget.
func Day(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(time.DateOnly)
}

// HourOfWeek returns the hour of t counted from Monday 00:00 in loc.
func HourOfWeek(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	wd := (int(t.Weekday()) + 6) % 7
	return wd*24 + t.Hour()
}

// Validate reports every problem of c at once, or nil.
func (c *Creative) Validate() error {
	var errs []string
	if !c.Status.Valid() {
		errs = append(errs, fmt.Sprintf("status: unknown %q", c.Status))
	}
	switch c.Format {
	case FormatBanner:
		if c.W <= 0 || c.H <= 0 {
			errs = append(errs, "w, h: banner needs a size")
		}
	case FormatVideo, FormatAudio:
		if len(c.Mimes) == 0 {
			errs = append(errs, "mimes: required for video and audio")
		}
	case FormatNative:
	default:
		errs = append(errs, fmt.Sprintf("format: unknown %q", c.Format))
	}
	if c.Markup == "" {
		errs = append(errs, "markup: required")
	}
	if msg := CheckClickURL(c.ClickURL); msg != "" {
		errs = append(errs, "click_url: "+msg)
	}
	if msg := CheckBundle(c.Bundle); msg != "" {
		errs = append(errs, "bundle: "+msg)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("invalid creative: %s", strings.Join(errs, "; "))
}

// MaxBundle bounds the length of an app's store id.
const MaxBundle = 256

// CheckBundle returns what is wrong with b as an app's store id, or ""
// when it is fine or empty: at most MaxBundle bytes of printable ASCII
// without spaces.
func CheckBundle(b string) string {
	if len(b) > MaxBundle {
		return fmt.Sprintf("longer than %d bytes", MaxBundle)
	}
	if !visibleASCII(b) {
		return "must be printable ASCII without spaces"
	}
	return ""
}

// visibleASCII reports whether s holds only printable ASCII characters
// other than the space.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// MaxClickURL bounds the length of a creative's landing page URL.
const MaxClickURL = 2048

// CheckClickURL returns what is wrong with u as a landing page URL, or ""
// when it is fine or empty. A landing page is an absolute http or https
// URL with a host and a valid port, if any, of printable ASCII without
// spaces: it goes into the Location header of a redirect as it is. It
// carries no user name or password, which would let a URL like
// https://brand.example.com@elsewhere.example.net/ pass for the brand's.
func CheckClickURL(u string) string {
	if u == "" {
		return ""
	}
	if len(u) > MaxClickURL {
		return fmt.Sprintf("longer than %d bytes", MaxClickURL)
	}
	if !visibleASCII(u) {
		return "spaces, control and non-ASCII characters must be percent-encoded"
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Hostname() == "" {
		return "must be an absolute http or https URL"
	}
	if port := p.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "port must be from 1 to 65535"
		}
	}
	if p.User != nil {
		return "must not carry a user name or password"
	}
	return ""
}
