package openrtb

// user reads a user object, folding in the 2.5 user.ext.consent and
// user.ext.eids.
func (d *Decoder) user(u *User) {
	u.reset()
	d.extEIDs = d.extEIDs[:0]
	if !d.object() {
		return
	}
	u.Present = true
	var extConsent string
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			u.ID = d.str()
		case "buyeruid":
			u.BuyerUID = d.str()
		case "yob":
			u.Yob = d.int()
		case "gender":
			u.Gender = d.str()
		case "keywords":
			u.Keywords = d.str()
		case "consent":
			u.Consent = d.str()
		case "data":
			u.Data = list(d, u.Data, (*Decoder).data)
		case "eids":
			u.EIDs = list(d, u.EIDs, (*Decoder).eid)
		case "ext":
			extConsent = d.userExt()
		default:
			d.skip()
		}
	}
	if u.Consent == "" {
		u.Consent = extConsent
	}
	if len(u.EIDs) == 0 && len(d.extEIDs) > 0 {
		u.EIDs, d.extEIDs = d.extEIDs, u.EIDs
	}
}

// userExt reads user.ext: it returns the consent string and leaves the
// eids in d.extEIDs.
func (d *Decoder) userExt() string {
	d.extEIDs = d.extEIDs[:0]
	if !d.object() {
		return ""
	}
	var consent string
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "consent":
			consent = d.str()
		case "eids":
			d.extEIDs = list(d, d.extEIDs, (*Decoder).eid)
		default:
			d.skip()
		}
	}
	return consent
}

// data reads one data provider's segments.
func (d *Decoder) data(x *Data) {
	x.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			x.ID = d.str()
		case "name":
			x.Name = d.str()
		case "segment":
			x.Segment = list(d, x.Segment, (*Decoder).segment)
		default:
			d.skip()
		}
	}
}

// segment reads one segment.
func (d *Decoder) segment(s *Segment) {
	*s = Segment{}
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			s.ID = d.str()
		case "name":
			s.Name = d.str()
		case "value":
			s.Value = d.str()
		default:
			d.skip()
		}
	}
}

// eid reads one extended identifier source.
func (d *Decoder) eid(e *EID) {
	e.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "source":
			e.Source = d.str()
		case "uids":
			e.UIDs = list(d, e.UIDs, (*Decoder).uid)
		default:
			d.skip()
		}
	}
}

// uid reads one user id.
func (d *Decoder) uid(u *UID) {
	*u = UID{}
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			u.ID = d.str()
		case "atype":
			u.AType = d.int()
		default:
			d.skip()
		}
	}
}

// regsExt holds the 2.5 ext locations of regs' scalar fields.
type regsExt struct {
	gdpr      int // -1 when absent
	usPrivacy string
	gpp       string
}

// regs reads a regs object, folding in the 2.5 regs.ext fields.
func (d *Decoder) regs(r *Regs) {
	r.reset()
	d.extGPPSID = d.extGPPSID[:0]
	if !d.object() {
		return
	}
	r.Present = true
	ext := regsExt{gdpr: -1}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "coppa":
			r.COPPA = d.int()
		case "gdpr":
			r.GDPR = d.gdpr()
		case "us_privacy":
			r.USPrivacy = d.str()
		case "gpp":
			r.GPP = d.str()
		case "gpp_sid":
			r.GPPSID = d.ints(r.GPPSID)
		case "ext":
			ext = d.regsExt()
		default:
			d.skip()
		}
	}
	if r.GDPR == -1 {
		r.GDPR = ext.gdpr
	}
	if r.USPrivacy == "" {
		r.USPrivacy = ext.usPrivacy
	}
	if r.GPP == "" {
		r.GPP = ext.gpp
	}
	if len(r.GPPSID) == 0 && len(d.extGPPSID) > 0 {
		r.GPPSID, d.extGPPSID = d.extGPPSID, r.GPPSID
	}
}

// gdpr reads a GDPR flag, -1 when absent.
func (d *Decoder) gdpr() int {
	if v, ok := d.intOK(); ok {
		return v
	}
	return -1
}

// regsExt reads regs.ext, leaving gpp_sid in d.extGPPSID.
func (d *Decoder) regsExt() regsExt {
	ext := regsExt{gdpr: -1}
	d.extGPPSID = d.extGPPSID[:0]
	if !d.object() {
		return ext
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "gdpr":
			ext.gdpr = d.gdpr()
		case "us_privacy":
			ext.usPrivacy = d.str()
		case "gpp":
			ext.gpp = d.str()
		case "gpp_sid":
			d.extGPPSID = d.ints(d.extGPPSID)
		default:
			d.skip()
		}
	}
	return ext
}

// source reads a source object, folding in the 2.5 source.ext.schain.
func (d *Decoder) source(s *Source) {
	s.reset()
	d.extSChain.reset()
	if !d.object() {
		return
	}
	s.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "fd":
			s.FD = d.int()
		case "tid":
			s.TID = d.str()
		case "pchain":
			s.PChain = d.str()
		case "schain":
			d.schain(&s.SChain)
		case "ext":
			d.sourceExt()
		default:
			d.skip()
		}
	}
	if !s.SChain.Present && d.extSChain.Present {
		s.SChain, d.extSChain = d.extSChain, s.SChain
	}
}

// sourceExt reads source.ext, leaving the schain in d.extSChain.
func (d *Decoder) sourceExt() {
	d.extSChain.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		if d.key == "schain" {
			d.schain(&d.extSChain)
		} else {
			d.skip()
		}
	}
}

// schain reads a supply chain object.
func (d *Decoder) schain(c *SChain) {
	c.reset()
	if !d.object() {
		return
	}
	c.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "complete":
			c.Complete = d.int()
		case "ver":
			c.Ver = d.str()
		case "nodes":
			c.Nodes = list(d, c.Nodes, (*Decoder).node)
		default:
			d.skip()
		}
	}
}

// node reads one supply chain node.
func (d *Decoder) node(n *SChainNode) {
	*n = SChainNode{}
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "asi":
			n.ASI = d.str()
		case "sid":
			n.SID = d.str()
		case "hp":
			n.HP = d.int()
		case "rid":
			n.RID = d.str()
		default:
			d.skip()
		}
	}
}
