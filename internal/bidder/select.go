package bidder

import (
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/index"
	"nordbid/internal/money"
	"nordbid/internal/openrtb"
)

// win is the chosen creative of one impression.
type win struct {
	imp      *openrtb.Imp
	creative *index.Creative
	deal     string
	// cost is the budget reserved: one impression at the bid price, in
	// micros of the campaign's currency.
	cost int64
}

// best finds the highest-priced eligible creative for an impression. It
// returns the winner, or a zero win and the no-bid reason.
func (b *Bidder) best(w *Work, ix *index.Index, rc *requestContext, imp *openrtb.Imp,
	now time.Time) (win, string) {
	s := &w.search
	*s = search{b: b, ix: ix, rc: rc, imp: imp, now: now}
	for i := range imp.PMP.Deals {
		d := &imp.PMP.Deals[i]
		s.scan(ix.Deal(d.ID), d)
	}
	if imp.PMP.PrivateAuction != 1 {
		s.open(w.impSet)
	}
	if s.win.creative == nil {
		return win{}, stageReasons[s.stage]
	}
	return s.win, ""
}

// open searches the open auction: the campaigns with a creative in one of
// the impression's formats, narrowed by the request's prefilter set, in
// rank order, so the first eligible one is the best.
func (s *search) open(set index.Bitset) {
	set.Clear()
	imp, ix := s.imp, s.ix
	if bn := &imp.Banner; bn.Present {
		orSize(set, ix, bn.W, bn.H)
		for j := range bn.Format {
			orSize(set, ix, bn.Format[j].W, bn.Format[j].H)
		}
	}
	if imp.Video.Present {
		set.Or(ix.VideoSet())
	}
	if imp.Audio.Present {
		set.Or(ix.AudioSet())
	}
	if imp.Native.Present {
		set.Or(ix.NativeSet())
	}
	if set.Empty() {
		return
	}
	s.reached(stageTargeting)
	set.And(s.rc.set)
	for r := set.Next(0); r >= 0; r = set.Next(r + 1) {
		c := ix.Ranked(r)
		if w := s.win.creative; w != nil && !betterCampaign(c, w.Campaign) {
			return
		}
		for _, cr := range c.Creatives {
			if cost, ok := s.eligible(cr, nil); ok {
				s.win = win{imp: imp, creative: cr, cost: cost}
				return
			}
		}
	}
}

func orSize(set index.Bitset, ix *index.Index, w, h int) {
	if w > 0 && h > 0 {
		if s := ix.SizeSet(w, h); s != nil {
			set.Or(s)
		}
	}
}

// search walks candidates, keeping the best eligible creative and the
// furthest stage any candidate reached.
type search struct {
	b     *Bidder
	ix    *index.Index
	rc    *requestContext
	imp   *openrtb.Imp
	now   time.Time
	win   win
	stage int
}

func (s *search) reached(stage int) {
	if stage > s.stage {
		s.stage = stage
	}
}

// scan checks a price-ordered list of deal creatives and stops at its
// first eligible creative, or as soon as the list cannot beat the best
// found so far.
func (s *search) scan(list []*index.Creative, deal *openrtb.Deal) {
	for _, cr := range list {
		if w := s.win.creative; w != nil && !better(cr, w) {
			return
		}
		if cost, ok := s.eligible(cr, deal); ok {
			s.win = win{imp: s.imp, creative: cr, cost: cost}
			if deal != nil {
				s.win.deal = deal.ID
			}
			return
		}
	}
}

// betterCampaign reports whether a outranks b.
func betterCampaign(a, b *index.Campaign) bool { return a.Rank < b.Rank }

// better reports whether a outranks b, as index lists are ordered.
func better(a, b *index.Creative) bool {
	if a.Campaign.PriceUSD != b.Campaign.PriceUSD {
		return a.Campaign.PriceUSD > b.Campaign.PriceUSD
	}
	if a.Campaign.ID != b.Campaign.ID {
		return a.Campaign.ID < b.Campaign.ID
	}
	return a.ID < b.ID
}

// eligible runs every check on one candidate and returns the budget one
// impression would cost.
func (s *search) eligible(cr *index.Creative, deal *openrtb.Deal) (int64, bool) {
	c := cr.Campaign
	s.reached(stageTargeting)
	if !s.rc.targets(c) {
		return 0, false
	}
	s.reached(stageFreqCap)
	if c.Cap.Count > 0 && (s.rc.userKey == 0 ||
		!s.b.opt.Caps.Allow(s.rc.userKey, c.ID, c.Cap.Count, c.Cap.Window, s.now)) {
		return 0, false
	}
	s.reached(stageFit)
	if !fits(cr, s.imp) {
		return 0, false
	}
	s.reached(stageBlocked)
	if blocked(cr, s.rc.req, s.imp, deal) ||
		(deal != nil && len(deal.WSeat) > 0 && !contains(deal.WSeat, s.rc.seat)) {
		return 0, false
	}
	s.reached(stageFloor)
	floor, floorCur := s.imp.BidFloor, s.imp.BidFloorCur
	if deal != nil && deal.BidFloor > 0 {
		floor, floorCur = deal.BidFloor, deal.BidFloorCur
	}
	if floorCur == "" {
		floorCur = "USD"
	}
	price, ok := s.ix.Convert(c.Price, c.Currency, floorCur)
	if !ok {
		s.reached(stageCurrency)
		return 0, false
	}
	if price < floor {
		return 0, false
	}
	s.reached(stageBudget)
	cost := money.PerImpression(c.Price)
	if !c.Account.Allows(cost, s.now) {
		return 0, false
	}
	return cost, true
}

// fits reports whether a creative's format suits the impression.
func fits(cr *index.Creative, imp *openrtb.Imp) bool {
	switch cr.Format {
	case campaign.FormatBanner:
		bn := &imp.Banner
		if !bn.Present {
			return false
		}
		if bn.W == cr.W && bn.H == cr.H {
			return true
		}
		for i := range bn.Format {
			if bn.Format[i].W == cr.W && bn.Format[i].H == cr.H {
				return true
			}
		}
		return false
	case campaign.FormatVideo:
		v := &imp.Video
		return v.Present && media(cr, v.Mimes, v.MinDuration, v.MaxDuration, v.Protocols)
	case campaign.FormatAudio:
		a := &imp.Audio
		return a.Present && media(cr, a.Mimes, a.MinDuration, a.MaxDuration, a.Protocols)
	case campaign.FormatNative:
		return imp.Native.Present && !imp.Native.Unreadable && nativeFits(cr, &imp.Native)
	}
	return false
}

// media checks mime, duration and protocol of video and audio.
func media(cr *index.Creative, mimes []string, minDur, maxDur int, protocols []int) bool {
	if len(mimes) > 0 && !anyFold(mimes, cr.Mimes) {
		return false
	}
	if (minDur > 0 && cr.Duration < minDur) || (maxDur > 0 && cr.Duration > maxDur) {
		return false
	}
	if len(protocols) > 0 && len(cr.Protocols) > 0 {
		for _, p := range protocols {
			if containsInt(cr.Protocols, p) {
				return true
			}
		}
		return false
	}
	return true
}

func anyFold(a, b []string) bool {
	for _, x := range a {
		if containsFold(b, x) {
			return true
		}
	}
	return false
}

// Native 1.2 image asset types and data asset types nordbid can supply.
const (
	imgIcon = 1
	imgMain = 3

	dataSponsored = 1
	dataDesc      = 2
	dataCTA       = 12
)

// nativeFits reports whether the creative supplies every required asset.
func nativeFits(cr *index.Creative, n *openrtb.Native) bool {
	for i := range n.Assets {
		a := &n.Assets[i]
		if a.Required != 1 {
			continue
		}
		if k := assetKind(a); k == 0 || cr.Assets&k == 0 {
			return false
		}
	}
	return true
}

// assetKind maps a requested native asset to the index's asset bit; 0 for
// a kind nordbid cannot supply.
func assetKind(a *openrtb.NativeAsset) uint8 {
	switch {
	case a.Title.Present:
		return index.AssetTitle
	case a.Img.Present && a.Img.Type == imgIcon:
		return index.AssetIcon
	case a.Img.Present:
		return index.AssetImage
	case a.Data.Present && a.Data.Type == dataSponsored:
		return index.AssetSponsored
	case a.Data.Present && a.Data.Type == dataDesc:
		return index.AssetDescription
	case a.Data.Present && a.Data.Type == dataCTA:
		return index.AssetCTA
	}
	return 0
}

// blocked applies the request's and the deal's blocks to a creative.
func blocked(cr *index.Creative, req *openrtb.BidRequest, imp *openrtb.Imp,
	deal *openrtb.Deal) bool {
	if anyCategory(req.BCat, cr.Cats) {
		return true
	}
	for _, d := range cr.ADomain {
		for _, b := range req.BAdv {
			if matchDomain(hostOf(d), hostOf(b)) {
				return true
			}
		}
		// Some advertisers list their app's bundle as a domain.
		if containsFold(req.BApp, d) {
			return true
		}
	}
	if cr.Bundle != "" && containsFold(req.BApp, cr.Bundle) {
		return true
	}
	var battr []int
	switch cr.Format {
	case campaign.FormatBanner:
		battr = imp.Banner.BAttr
	case campaign.FormatVideo:
		battr = imp.Video.BAttr
	case campaign.FormatAudio:
		battr = imp.Audio.BAttr
	case campaign.FormatNative:
		battr = imp.Native.BAttr
	}
	for _, a := range cr.Attrs {
		if containsInt(battr, a) {
			return true
		}
	}
	if deal != nil && len(deal.WADomain) > 0 {
		for _, d := range cr.ADomain {
			if containsFold(deal.WADomain, d) {
				return false
			}
		}
		return true
	}
	return false
}
