package openrtb

// Site describes a website showing the ad. At most one of Site, App and
// DOOH is present in a valid request.
type Site struct {
	// Present is true when the request carried a site object.
	Present bool
	// ID identifies the site for the exchange.
	ID string
	// Name is the site's name.
	Name string
	// Domain is the site's domain, e.g. "example.com".
	Domain string
	// Cat, SectionCat and PageCat list the content categories of the
	// site, of the section and of the page.
	Cat, SectionCat, PageCat []string
	// Page is the URL of the page showing the ad.
	Page string
	// Ref is the referrer URL of the page.
	Ref string
	// Keywords is a comma-separated list of keywords.
	Keywords string
	// Mobile is 1 when the page is laid out for mobile devices.
	Mobile int
	// PrivacyPolicy is 1 when the site has a privacy policy.
	PrivacyPolicy int
	// Publisher describes the site's publisher.
	Publisher Publisher
	// Content describes the content shown beside the ad.
	Content Content
	// InventoryPartnerDomain is the domain whose ads.txt lists the seller
	// when the inventory is shared with a partner.
	InventoryPartnerDomain string
}

// reset empties s, keeping its slices' storage.
func (s *Site) reset() {
	*s = Site{
		Cat:        s.Cat[:0],
		SectionCat: s.SectionCat[:0],
		PageCat:    s.PageCat[:0],
		Publisher:  s.Publisher,
		Content:    s.Content,
	}
	s.Publisher.reset()
	s.Content.reset()
}

// App describes an application showing the ad.
type App struct {
	// Present is true when the request carried an app object.
	Present bool
	// ID identifies the app for the exchange.
	ID string
	// Name is the app's name.
	Name string
	// Bundle is the store id or bundle name, e.g. "com.example.game".
	Bundle string
	// Domain is the app's domain.
	Domain string
	// StoreURL is the app's page in its store.
	StoreURL string
	// Cat, SectionCat and PageCat list content categories.
	Cat, SectionCat, PageCat []string
	// Ver is the app's version.
	Ver string
	// PrivacyPolicy is 1 when the app has a privacy policy.
	PrivacyPolicy int
	// Paid is 1 for a paid app, 0 for a free one or when absent.
	Paid int
	// Publisher describes the app's publisher.
	Publisher Publisher
	// Content describes the content shown beside the ad.
	Content Content
}

// reset empties a, keeping its slices' storage.
func (a *App) reset() {
	*a = App{
		Cat:        a.Cat[:0],
		SectionCat: a.SectionCat[:0],
		PageCat:    a.PageCat[:0],
		Publisher:  a.Publisher,
		Content:    a.Content,
	}
	a.Publisher.reset()
	a.Content.reset()
}

// DOOH describes a digital out-of-home screen showing the ad.
type DOOH struct {
	// Present is true when the request carried a dooh object (or, from
	// OpenRTB 2.5 senders, an ext.dooh object).
	Present bool
	// ID identifies the screen or network for the exchange.
	ID string
	// Name is the screen's or network's name.
	Name string
	// VenueType lists the venue types, in the taxonomy VenueTypeTax.
	VenueType []string
	// VenueTypeTax names the venue taxonomy; 0 when absent.
	VenueTypeTax int
	// Publisher describes the screen's owner.
	Publisher Publisher
	// Domain is the owner's domain.
	Domain string
}

// reset empties o, keeping its slices' storage.
func (o *DOOH) reset() {
	*o = DOOH{VenueType: o.VenueType[:0], Publisher: o.Publisher}
	o.Publisher.reset()
}

// Publisher describes the seller of the inventory.
type Publisher struct {
	// Present is true when the request carried a publisher object.
	Present bool
	// ID identifies the publisher for the exchange.
	ID string
	// Name is the publisher's name.
	Name string
	// Cat lists the publisher's content categories.
	Cat []string
	// Domain is the publisher's domain.
	Domain string
}

// reset empties p, keeping its slices' storage.
func (p *Publisher) reset() {
	*p = Publisher{Cat: p.Cat[:0]}
}

// Content describes the content beside which the ad appears.
type Content struct {
	// Present is true when the request carried a content object.
	Present bool
	// ID identifies the content.
	ID string
	// Title is the content's title.
	Title string
	// Cat lists the content's categories.
	Cat []string
	// Language is the content's language (ISO 639-1).
	Language string
	// Livestream is 1 for live content, 0 for on demand or unknown.
	Livestream int
}

// reset empties c, keeping its slices' storage.
func (c *Content) reset() {
	*c = Content{Cat: c.Cat[:0]}
}

// Device describes the device showing the ad.
type Device struct {
	// Present is true when the request carried a device object.
	Present bool
	// UA is the browser's user agent string.
	UA string
	// IP is the device's IPv4 address as text.
	IP string
	// IPv6 is the device's IPv6 address as text.
	IPv6 string
	// Geo is the device's location.
	Geo Geo
	// DNT is 1 when the browser sends "do not track".
	DNT int
	// LMT is 1 when the user limits ad tracking.
	LMT int
	// DeviceType is the kind of device (list "Device Types"); 0 when
	// absent.
	DeviceType int
	// Make, Model, OS and OSV describe the hardware and system.
	Make, Model, OS, OSV string
	// JS is 1 when JavaScript is supported.
	JS int
	// Language is the browser's language (ISO 639-1).
	Language string
	// Carrier is the mobile carrier or ISP.
	Carrier string
	// ConnectionType is the network kind (list "Connection Types"); 0
	// when unknown.
	ConnectionType int
	// IFA is the advertising identifier; "" when absent or withheld.
	IFA string
	// W and H are the screen size in physical pixels; 0 when absent.
	W, H int
}

// Geo is a location.
type Geo struct {
	// Present is true when the request carried a geo object.
	Present bool
	// Lat and Lon are in degrees; 0 when absent. They are not checked
	// against their ranges: exchanges send impossible values.
	Lat, Lon float64
	// Type says where the location came from: 1 GPS, 2 IP address, 3
	// user provided; 0 when absent.
	Type int
	// Country is the ISO 3166-1 alpha-3 code, e.g. "USA".
	Country string
	// Region is the ISO 3166-2 region code.
	Region string
	// Metro is the metro (DMA) code.
	Metro string
	// City is the city name.
	City string
	// ZIP is the postal code.
	ZIP string
	// UTCOffset is the local time's offset from UTC in minutes.
	UTCOffset int
}
