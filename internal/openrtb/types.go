package openrtb

// BidRequest is an OpenRTB bid request, reduced to what a bidder reads.
type BidRequest struct {
	// ID identifies the request; required, "" when absent.
	ID string
	// Imp lists the impressions offered; required to be non-empty.
	Imp []Imp
	// Site describes the website, when the ad is shown on one.
	Site Site
	// App describes the application, when the ad is shown in one.
	App App
	// DOOH describes the digital out-of-home screen, when there is one.
	DOOH DOOH
	// Device describes the user's device.
	Device Device
	// User describes the user of the device.
	User User
	// Regs carries the regulations and consent signals that apply.
	Regs Regs
	// Source describes the supply chain of the request.
	Source Source
	// Test is 1 when no bid will be billed; 0 for live traffic.
	Test int
	// AT is the auction type as sent: 1 first price, 2 second price plus.
	// It is 0 when absent, which the bidder treats as 2.
	AT int
	// TMax is the time the exchange allows for the answer, in
	// milliseconds as sent; 0 when absent.
	TMax int
	// WSeat lists the buyer seats allowed to bid; empty allows all.
	WSeat []string
	// BSeat lists the buyer seats blocked from bidding.
	BSeat []string
	// AllImps is 1 when Imp holds every impression of the page or
	// context; 0 when unknown.
	AllImps int
	// Cur lists the currencies accepted for bids (ISO 4217); empty
	// means the exchange's default, USD in practice.
	Cur []string
	// WLang lists the allowed creative languages (ISO 639-1); empty
	// allows all.
	WLang []string
	// BCat lists blocked advertiser categories in the taxonomy CatTax.
	BCat []string
	// CatTax names the taxonomy of BCat; 0 when absent (IAB 1.0).
	CatTax int
	// BAdv lists blocked advertiser domains.
	BAdv []string
	// BApp lists blocked application bundles or store ids.
	BApp []string
}

// reset empties r for a new decode, keeping its slices' storage.
func (r *BidRequest) reset() {
	*r = BidRequest{
		Imp:    r.Imp[:0],
		Site:   r.Site,
		App:    r.App,
		DOOH:   r.DOOH,
		User:   r.User,
		Regs:   r.Regs,
		Source: r.Source,
		WSeat:  r.WSeat[:0],
		BSeat:  r.BSeat[:0],
		Cur:    r.Cur[:0],
		WLang:  r.WLang[:0],
		BCat:   r.BCat[:0],
		BAdv:   r.BAdv[:0],
		BApp:   r.BApp[:0],
	}
	r.Site.reset()
	r.App.reset()
	r.DOOH.reset()
	r.User.reset()
	r.Regs.reset()
	r.Source.reset()
}

// Imp is one impression offered for sale.
type Imp struct {
	// ID identifies the impression within the request; required.
	ID string
	// Banner offers display ads; Present is false when not offered.
	Banner Banner
	// Video offers video ads; Present is false when not offered.
	Video Video
	// Audio offers audio ads; Present is false when not offered.
	Audio Audio
	// Native offers native ads; Present is false when not offered.
	Native Native
	// PMP lists the private deals that apply to this impression.
	PMP PMP
	// DisplayManager names the ad rendering SDK or player.
	DisplayManager string
	// Instl is 1 for an interstitial or full-screen placement.
	Instl int
	// TagID identifies the placement for the exchange.
	TagID string
	// BidFloor is the minimum bid in micros of BidFloorCur per thousand
	// impressions (CPM), rounded up to a whole micro; 0 when absent.
	BidFloor int64
	// BadFloor is set when bidfloor is present but not a price in range.
	BadFloor bool
	// BidFloorCur is the ISO 4217 currency of BidFloor; "" when absent,
	// which means USD.
	BidFloorCur string
	// Secure is 1 when the creative must use HTTPS only; 0 when absent.
	Secure int
	// Exp is the advised number of seconds between auction and
	// impression; 0 when absent.
	Exp int
	// Rwdd is 1 when the user is rewarded for viewing the ad.
	Rwdd int
	// Qty is the impression multiplier of out-of-home screens.
	Qty Qty
}

// reset empties m for a new decode, keeping its slices' storage.
func (m *Imp) reset() {
	*m = Imp{
		Banner: m.Banner,
		Video:  m.Video,
		Audio:  m.Audio,
		Native: m.Native,
		PMP:    m.PMP,
	}
	m.Banner.reset()
	m.Video.reset()
	m.Audio.reset()
	m.Native.reset()
	m.PMP.reset()
}

// Qty says how many people one impression reaches, for out-of-home
// screens seen by many at once.
type Qty struct {
	// Present is true when the request carried a qty object.
	Present bool
	// Multiplier is the audience count of one impression in micros
	// (14.2 is 14_200_000); 0 when absent.
	Multiplier int64
}

// PMP is a private marketplace: the deals that apply to an impression.
type PMP struct {
	// Present is true when the request carried a pmp object.
	Present bool
	// PrivateAuction is 1 when only the listed deals may bid.
	PrivateAuction int
	// Deals lists the deals.
	Deals []Deal
}

// reset empties p, keeping its slices' storage.
func (p *PMP) reset() {
	*p = PMP{Deals: p.Deals[:0]}
}

// Deal is one direct deal between buyer and seller.
type Deal struct {
	// ID identifies the deal; it is echoed in the bid's DealID.
	ID string
	// BidFloor is the deal's minimum bid in micros of BidFloorCur per
	// thousand impressions, rounded up to a whole micro; 0 when absent.
	BidFloor int64
	// BadFloor is set when bidfloor is present but not a price in range.
	BadFloor bool
	// BidFloorCur is the currency of BidFloor; "" means USD.
	BidFloorCur string
	// AT overrides the request's auction type for this deal; 0 when
	// absent.
	AT int
	// WSeat lists the buyer seats allowed on this deal; empty allows all.
	WSeat []string
	// WADomain lists the advertiser domains allowed on this deal.
	WADomain []string
}

// reset empties d, keeping its slices' storage.
func (d *Deal) reset() {
	*d = Deal{WSeat: d.WSeat[:0], WADomain: d.WADomain[:0]}
}
