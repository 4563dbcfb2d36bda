package openrtb

// native reads a native object and parses its native request.
func (d *Decoder) native(n *Native) {
	n.reset()
	if !d.object() {
		return
	}
	n.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "request":
			d.nativeRequest(n)
		case "ver":
			n.Ver = d.str()
		case "api":
			n.API = d.ints(n.API)
		case "battr":
			n.BAttr = d.ints(n.BAttr)
		default:
			d.skip()
		}
	}
}

// nativeRequest reads native.request. The spec sends it as a string whose
// content is JSON; many exchanges send the object itself. Either may wrap
// the request in a root {"native": ...} object. Anything else that is not
// null marks the native offer Unreadable.
func (d *Decoder) nativeRequest(n *Native) {
	n.Assets, n.Unreadable = n.Assets[:0], false
	switch d.peek() {
	case '{':
		d.nativeBody(n)
	case '"':
		content := d.textBytes()
		if d.errMsg == "" {
			d.nativeEmbedded(n, content)
		}
	case 'n':
		d.skip()
	default:
		d.skip()
		n.Unreadable = true
	}
}

// nativeEmbedded parses the content of a native.request string. A syntax
// error there is not an error of the bid request: it marks n Unreadable.
func (d *Decoder) nativeEmbedded(n *Native, content []byte) {
	buf, pos, depth := d.buf, d.pos, d.depth
	d.buf, d.pos = content, 0
	if d.peek() != '{' {
		d.failHere(msgTopLevel)
	} else {
		d.nativeBody(n)
		if d.peek(); d.pos != len(d.buf) {
			d.failHere(msgTrailing)
		}
	}
	if d.errMsg != "" {
		n.Assets, n.Unreadable = n.Assets[:0], true
		d.errMsg, d.errPos = "", 0
	}
	d.buf, d.pos, d.depth = buf, pos, depth
}

// nativeBody reads a native request object, unwrapping a root "native"
// object.
func (d *Decoder) nativeBody(n *Native) {
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "native":
			d.nativeBody(n)
		case "assets":
			n.Assets = list(d, n.Assets, (*Decoder).asset)
		default:
			d.skip()
		}
	}
}

// asset reads one native asset.
func (d *Decoder) asset(a *NativeAsset) {
	*a = NativeAsset{}
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			a.ID = d.int()
		case "required":
			a.Required = d.int()
		case "title":
			d.nativeTitle(&a.Title)
		case "img":
			d.nativeImage(&a.Img)
		case "data":
			d.nativeData(&a.Data)
		case "video":
			a.Video = NativeVideo{Present: d.object()}
			if a.Video.Present {
				d.skipFields()
			}
		default:
			d.skip()
		}
	}
}

// nativeTitle reads a title asset.
func (d *Decoder) nativeTitle(t *NativeTitle) {
	*t = NativeTitle{}
	if !d.object() {
		return
	}
	t.Present = true
	for i := 0; d.field(i); i++ {
		if d.key == "len" {
			t.Len = d.int()
		} else {
			d.skip()
		}
	}
}

// nativeImage reads an image asset.
func (d *Decoder) nativeImage(m *NativeImage) {
	*m = NativeImage{}
	if !d.object() {
		return
	}
	m.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "type":
			m.Type = d.int()
		case "w":
			m.W = d.int()
		case "h":
			m.H = d.int()
		case "wmin":
			m.WMin = d.int()
		case "hmin":
			m.HMin = d.int()
		default:
			d.skip()
		}
	}
}

// nativeData reads a data asset.
func (d *Decoder) nativeData(x *NativeData) {
	*x = NativeData{}
	if !d.object() {
		return
	}
	x.Present = true
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "type":
			x.Type = d.int()
		case "len":
			x.Len = d.int()
		default:
			d.skip()
		}
	}
}
