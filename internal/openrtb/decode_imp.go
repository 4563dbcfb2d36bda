package openrtb

import "slices"

// imp reads one impression.
func (d *Decoder) imp(m *Imp) {
	m.reset()
	if !d.object() {
		return
	}
	hasRwdd := false
	extRwdd, hasExtRwdd := 0, false
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			m.ID = d.str()
		case "banner":
			d.banner(&m.Banner)
		case "video":
			d.video(&m.Video)
		case "audio":
			d.audio(&m.Audio)
		case "native":
			d.native(&m.Native)
		case "pmp":
			d.pmp(&m.PMP)
		case "displaymanager":
			m.DisplayManager = d.str()
		case "instl":
			m.Instl = d.int()
		case "tagid":
			m.TagID = d.str()
		case "bidfloor":
			m.BidFloor, m.BadFloor = d.floor()
		case "bidfloorcur":
			m.BidFloorCur = d.str()
		case "secure":
			m.Secure = d.int()
		case "exp":
			m.Exp = d.int()
		case "rwdd":
			m.Rwdd, hasRwdd = d.intOK()
		case "qty":
			d.qty(&m.Qty)
		case "ext":
			extRwdd, hasExtRwdd = d.impExt()
		default:
			d.skip()
		}
	}
	if !hasRwdd && hasExtRwdd {
		m.Rwdd = extRwdd
	}
}

// impExt reads an impression's ext for the 2.5 rewarded flag: ext.rwdd,
// else Prebid's ext.prebid.is_rewarded_inventory.
func (d *Decoder) impExt() (int, bool) {
	if !d.object() {
		return 0, false
	}
	rwdd, hasRwdd := 0, false
	prebid, hasPrebid := 0, false
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "rwdd":
			rwdd, hasRwdd = d.intOK()
		case "prebid":
			prebid, hasPrebid = d.prebidRewarded()
		default:
			d.skip()
		}
	}
	if hasRwdd {
		return rwdd, true
	}
	return prebid, hasPrebid
}

// prebidRewarded reads imp.ext.prebid for is_rewarded_inventory.
func (d *Decoder) prebidRewarded() (int, bool) {
	if !d.object() {
		return 0, false
	}
	v, ok := 0, false
	for i := 0; d.field(i); i++ {
		if d.key == "is_rewarded_inventory" {
			v, ok = d.intOK()
		} else {
			d.skip()
		}
	}
	return v, ok
}

// qty reads an impression's multiplier.
func (d *Decoder) qty(q *Qty) {
	*q = Qty{}
	if !d.object() {
		return
	}
	q.Present = true
	for i := 0; d.field(i); i++ {
		if d.key == "multiplier" {
			q.Multiplier, _ = d.money()
		} else {
			d.skip()
		}
	}
}

// banner reads a banner object.
func (d *Decoder) banner(b *Banner) {
	b.reset()
	if !d.object() {
		return
	}
	b.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "w":
			b.W = d.int()
		case "h":
			b.H = d.int()
		case "format":
			b.Format = list(d, b.Format, (*Decoder).format)
		case "wmin":
			b.WMin = d.int()
		case "hmin":
			b.HMin = d.int()
		case "wmax":
			b.WMax = d.int()
		case "hmax":
			b.HMax = d.int()
		case "btype":
			b.BType = d.ints(b.BType)
		case "battr":
			b.BAttr = d.ints(b.BAttr)
		case "pos":
			b.Pos = d.int()
		case "mimes":
			b.Mimes = d.strs(b.Mimes)
		case "api":
			b.API = d.ints(b.API)
		default:
			d.skip()
		}
	}
}

// format reads one banner size.
func (d *Decoder) format(f *Format) {
	*f = Format{}
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "w":
			f.W = d.int()
		case "h":
			f.H = d.int()
		case "wratio":
			f.WRatio = d.int()
		case "hratio":
			f.HRatio = d.int()
		case "wmin":
			f.WMin = d.int()
		default:
			d.skip()
		}
	}
}

// video reads a video object.
func (d *Decoder) video(v *Video) {
	v.reset()
	if !d.object() {
		return
	}
	v.Present = true
	v.BoxingAllowed = 1
	d.protocol = d.protocol[:0]
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "mimes":
			v.Mimes = d.strs(v.Mimes)
		case "minduration":
			v.MinDuration = d.int()
		case "maxduration":
			v.MaxDuration = d.int()
		case "protocols":
			v.Protocols = d.ints(v.Protocols)
		case "protocol":
			d.protocol = d.ints(d.protocol)
		case "w":
			v.W = d.int()
		case "h":
			v.H = d.int()
		case "startdelay":
			v.StartDelay = d.int()
		case "placement":
			v.Placement = d.int()
		case "plcmt":
			v.Plcmt = d.int()
		case "linearity":
			v.Linearity = d.int()
		case "skip":
			v.Skip = d.int()
		case "battr":
			v.BAttr = d.ints(v.BAttr)
		case "api":
			v.API = d.ints(v.API)
		case "podid":
			v.PodID = d.str()
		case "podseq":
			v.PodSeq = d.int()
		case "slotinpod":
			v.SlotInPod = d.int()
		case "maxbitrate":
			v.MaxBitrate = d.int()
		case "boxingallowed":
			if b, ok := d.intOK(); ok {
				v.BoxingAllowed = b
			} else {
				v.BoxingAllowed = 1
			}
		default:
			d.skip()
		}
	}
	for _, p := range d.protocol {
		if !slices.Contains(v.Protocols, p) {
			v.Protocols = append(v.Protocols, p)
		}
	}
}

// audio reads an audio object.
func (d *Decoder) audio(a *Audio) {
	a.reset()
	if !d.object() {
		return
	}
	a.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "mimes":
			a.Mimes = d.strs(a.Mimes)
		case "minduration":
			a.MinDuration = d.int()
		case "maxduration":
			a.MaxDuration = d.int()
		case "protocols":
			a.Protocols = d.ints(a.Protocols)
		case "startdelay":
			a.StartDelay = d.int()
		case "battr":
			a.BAttr = d.ints(a.BAttr)
		case "api":
			a.API = d.ints(a.API)
		case "feed":
			a.Feed = d.int()
		default:
			d.skip()
		}
	}
}

// pmp reads a private marketplace object.
func (d *Decoder) pmp(p *PMP) {
	p.reset()
	if !d.object() {
		return
	}
	p.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "private_auction":
			p.PrivateAuction = d.int()
		case "deals":
			p.Deals = list(d, p.Deals, (*Decoder).deal)
		default:
			d.skip()
		}
	}
}

// deal reads one deal.
func (d *Decoder) deal(x *Deal) {
	x.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			x.ID = d.str()
		case "bidfloor":
			x.BidFloor, x.BadFloor = d.floor()
		case "bidfloorcur":
			x.BidFloorCur = d.str()
		case "at":
			x.AT = d.int()
		case "wseat":
			x.WSeat = d.strs(x.WSeat)
		case "wadomain":
			x.WADomain = d.strs(x.WADomain)
		default:
			d.skip()
		}
	}
}
