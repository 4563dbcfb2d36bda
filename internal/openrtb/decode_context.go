package openrtb

// site reads a site object.
func (d *Decoder) site(s *Site) {
	s.reset()
	if !d.object() {
		return
	}
	s.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			s.ID = d.str()
		case "name":
			s.Name = d.str()
		case "domain":
			s.Domain = d.str()
		case "cat":
			s.Cat = d.strs(s.Cat)
		case "sectioncat":
			s.SectionCat = d.strs(s.SectionCat)
		case "pagecat":
			s.PageCat = d.strs(s.PageCat)
		case "page":
			s.Page = d.str()
		case "ref":
			s.Ref = d.str()
		case "keywords":
			s.Keywords = d.str()
		case "mobile":
			s.Mobile = d.int()
		case "privacypolicy":
			s.PrivacyPolicy = d.int()
		case "publisher":
			d.publisher(&s.Publisher)
		case "content":
			d.content(&s.Content)
		case "inventorypartnerdomain":
			s.InventoryPartnerDomain = d.str()
		default:
			d.skip()
		}
	}
}

// app reads an app object.
func (d *Decoder) app(a *App) {
	a.reset()
	if !d.object() {
		return
	}
	a.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			a.ID = d.str()
		case "name":
			a.Name = d.str()
		case "bundle":
			a.Bundle = d.str()
		case "domain":
			a.Domain = d.str()
		case "storeurl":
			a.StoreURL = d.str()
		case "cat":
			a.Cat = d.strs(a.Cat)
		case "sectioncat":
			a.SectionCat = d.strs(a.SectionCat)
		case "pagecat":
			a.PageCat = d.strs(a.PageCat)
		case "ver":
			a.Ver = d.str()
		case "privacypolicy":
			a.PrivacyPolicy = d.int()
		case "paid":
			a.Paid = d.int()
		case "publisher":
			d.publisher(&a.Publisher)
		case "content":
			d.content(&a.Content)
		default:
			d.skip()
		}
	}
}

// dooh reads a dooh object.
func (d *Decoder) dooh(o *DOOH) {
	o.reset()
	if !d.object() {
		return
	}
	o.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			o.ID = d.str()
		case "name":
			o.Name = d.str()
		case "venuetype":
			o.VenueType = d.strs(o.VenueType)
		case "venuetypetax":
			o.VenueTypeTax = d.int()
		case "publisher":
			d.publisher(&o.Publisher)
		case "domain":
			o.Domain = d.str()
		default:
			d.skip()
		}
	}
}

// publisher reads a publisher object.
func (d *Decoder) publisher(p *Publisher) {
	p.reset()
	if !d.object() {
		return
	}
	p.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			p.ID = d.str()
		case "name":
			p.Name = d.str()
		case "cat":
			p.Cat = d.strs(p.Cat)
		case "domain":
			p.Domain = d.str()
		default:
			d.skip()
		}
	}
}

// content reads a content object.
func (d *Decoder) content(c *Content) {
	c.reset()
	if !d.object() {
		return
	}
	c.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			c.ID = d.str()
		case "title":
			c.Title = d.str()
		case "cat":
			c.Cat = d.strs(c.Cat)
		case "language":
			c.Language = d.str()
		case "livestream":
			c.Livestream = d.int()
		default:
			d.skip()
		}
	}
}

// device reads a device object.
func (d *Decoder) device(v *Device) {
	*v = Device{}
	if !d.object() {
		return
	}
	v.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "ua":
			v.UA = d.str()
		case "ip":
			v.IP = d.str()
		case "ipv6":
			v.IPv6 = d.str()
		case "geo":
			d.geo(&v.Geo)
		case "dnt":
			v.DNT = d.int()
		case "lmt":
			v.LMT = d.int()
		case "devicetype":
			v.DeviceType = d.int()
		case "make":
			v.Make = d.str()
		case "model":
			v.Model = d.str()
		case "os":
			v.OS = d.str()
		case "osv":
			v.OSV = d.str()
		case "js":
			v.JS = d.int()
		case "language":
			v.Language = d.str()
		case "carrier":
			v.Carrier = d.str()
		case "connectiontype":
			v.ConnectionType = d.int()
		case "ifa":
			v.IFA = d.str()
		case "w":
			v.W = d.int()
		case "h":
			v.H = d.int()
		default:
			d.skip()
		}
	}
}

// geo reads a geo object.
func (d *Decoder) geo(g *Geo) {
	*g = Geo{}
	if !d.object() {
		return
	}
	g.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "lat":
			g.Lat = d.float()
		case "lon":
			g.Lon = d.float()
		case "type":
			g.Type = d.int()
		case "country":
			g.Country = d.str()
		case "region":
			g.Region = d.str()
		case "metro":
			g.Metro = d.str()
		case "city":
			g.City = d.str()
		case "zip":
			g.ZIP = d.str()
		case "utcoffset":
			g.UTCOffset = d.int()
		default:
			d.skip()
		}
	}
}
