package bidder

import (
	"strings"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/index"
	"nordbid/internal/openrtb"
)

// Stages of the eligibility check, in the order a candidate passes them.
// When an impression gets no bid, the reason is the stage at which the
// candidate that came furthest stopped.
const (
	stageNoCandidate = iota
	stageTargeting
	stageFreqCap
	stageFit
	stageBlocked
	stageFloor
	stageCurrency
	stageBudget
	stageCount
)

var stageReasons = [stageCount]string{
	"no_matching_creative", "targeting", "frequency_cap", "creative_mismatch",
	"blocked_by_request", "below_floor", "unknown_currency", "budget_exhausted",
}

// Reasons lists every no-bid reason the bidder reports, for metrics.
func Reasons() []string {
	r := append([]string(nil), stageReasons[:]...)
	return append(r, "no_media", "banner_no_size", "native_unreadable", "not_ready", "kill_switch",
		"seat_blocked", "deadline", "no_eligible_imp", "invalid_json", "invalid_request",
		"coppa", "gdpr_no_consent", "gdpr_no_purposes", "gdpr_no_vendor", "other")
}

// reasonRank orders reasons by how close to a bid they came.
func reasonRank(r string) int {
	for i, s := range stageReasons {
		if s == r {
			return i + 1
		}
	}
	return 0
}

// requestContext is what every candidate of a request is checked against,
// read once from the request.
type requestContext struct {
	req      *openrtb.BidRequest
	exchange string
	seat     string
	channel  uint8
	country  string
	region   string
	devType  int
	os       string
	domain   string
	bundle   string
	pub      string
	cats     [4][]string
	personal bool
	userKey  uint64
	hourNow  time.Time
	nanos    int64
	// set holds the campaigns the prefilter admits; it lives in Work.
	set index.Bitset
}

func newRequestContext(req *openrtb.BidRequest, exchange string, personal bool,
	now time.Time) requestContext {
	rc := requestContext{req: req, exchange: exchange, personal: personal, hourNow: now,
		nanos: now.UnixNano()}
	switch {
	case req.Site.Present:
		rc.channel = index.ChannelSite
		rc.domain = hostOf(req.Site.Domain)
		if rc.domain == "" {
			rc.domain = hostOf(req.Site.Page)
		}
		rc.pub = req.Site.Publisher.ID
		rc.cats = [4][]string{req.Site.Cat, req.Site.SectionCat, req.Site.PageCat,
			req.Site.Content.Cat}
	case req.App.Present:
		rc.channel = index.ChannelApp
		rc.bundle = req.App.Bundle
		rc.domain = hostOf(req.App.Domain)
		rc.pub = req.App.Publisher.ID
		rc.cats = [4][]string{req.App.Cat, req.App.SectionCat, req.App.PageCat,
			req.App.Content.Cat}
	case req.DOOH.Present:
		rc.channel = index.ChannelDOOH
		rc.domain = hostOf(req.DOOH.Domain)
		rc.pub = req.DOOH.Publisher.ID
	default:
		rc.channel = index.ChannelNone
	}
	if d := &req.Device; d.Present {
		rc.devType = d.DeviceType
		rc.os = d.OS
		if d.Geo.Present {
			rc.country = d.Geo.Country
			rc.region = d.Geo.Region
		}
	}
	if personal {
		rc.userKey = userKey(req)
	}
	return rc
}

// userKey hashes the first usable user id (user.id, user.buyeruid, then
// device.ifa) with FNV-1a; 0 means none.
func userKey(req *openrtb.BidRequest) uint64 {
	id := req.User.ID
	if id == "" {
		id = req.User.BuyerUID
	}
	if id == "" && req.Device.IFA != "" && strings.Trim(req.Device.IFA, "0-") != "" {
		id = req.Device.IFA
	}
	if id == "" {
		return 0
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// hostOf returns the host of a domain or URL: scheme, "www.", port and
// path removed.
func hostOf(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/:?#"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 4 && strings.EqualFold(s[:4], "www.") {
		s = s[4:]
	}
	return s
}

// targets reports whether a campaign's targeting admits the request.
func (rc *requestContext) targets(c *index.Campaign) bool {
	if rc.nanos < c.Start || (c.End != 0 && rc.nanos >= c.End) {
		return false
	}
	if c.Channels != 0 && c.Channels&rc.channel == 0 {
		return false
	}
	if len(c.Exchanges) > 0 && !contains(c.Exchanges, rc.exchange) {
		return false
	}
	if len(c.Countries) > 0 && !containsFold(c.Countries, rc.country) {
		return false
	}
	if len(c.Regions) > 0 && !containsFold(c.Regions, rc.region) {
		return false
	}
	if len(c.DeviceTypes) > 0 && !containsInt(c.DeviceTypes, rc.devType) {
		return false
	}
	if len(c.OS) > 0 && !containsFold(c.OS, rc.os) {
		return false
	}
	if !listAllows(c.Domains, rc.domain, true) || !listAllows(c.Bundles, rc.bundle, false) {
		return false
	}
	if len(c.Publishers) > 0 && !contains(c.Publishers, rc.pub) {
		return false
	}
	for _, cats := range rc.cats {
		if anyCategory(c.BlockedCats, cats) {
			return false
		}
	}
	if c.Hours != [3]uint64{} {
		h := campaign.HourOfWeek(rc.hourNow, c.Loc)
		if c.Hours[h/64]&(1<<(h%64)) == 0 {
			return false
		}
	}
	return len(c.Segments) == 0 || (rc.personal && rc.hasSegment(c.Segments))
}

func (rc *requestContext) hasSegment(want []string) bool {
	for i := range rc.req.User.Data {
		for j := range rc.req.User.Data[i].Segment {
			if contains(want, rc.req.User.Data[i].Segment[j].ID) {
				return true
			}
		}
	}
	return false
}

// listAllows applies an allow and a block list to a name, as domains
// (subdomains match) or as exact names. An empty name fails a non-empty
// allow list.
func listAllows(r campaign.ListRule, name string, domains bool) bool {
	eq := func(entry string) bool {
		if domains {
			return matchDomain(name, entry)
		}
		return strings.EqualFold(name, entry)
	}
	for _, b := range r.Block {
		if name != "" && eq(b) {
			return false
		}
	}
	if len(r.Allow) == 0 {
		return true
	}
	for _, a := range r.Allow {
		if name != "" && eq(a) {
			return true
		}
	}
	return false
}

// matchDomain reports whether host is domain or one of its subdomains.
func matchDomain(host, domain string) bool {
	if len(host) < len(domain) {
		return false
	}
	if len(host) == len(domain) {
		return strings.EqualFold(host, domain)
	}
	return host[len(host)-len(domain)-1] == '.' &&
		strings.EqualFold(host[len(host)-len(domain):], domain)
}

// matchCategory reports whether cat is the category block or one of its
// subcategories ("IAB7-39" is within "IAB7").
func matchCategory(cat, block string) bool {
	if len(cat) < len(block) || !strings.EqualFold(cat[:len(block)], block) {
		return false
	}
	return len(cat) == len(block) || cat[len(block)] == '-'
}

// anyCategory reports whether any of cats falls within any of blocks.
func anyCategory(blocks, cats []string) bool {
	for _, b := range blocks {
		for _, c := range cats {
			if matchCategory(c, b) {
				return true
			}
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
