package openrtb

import "strconv"

// Decoder decodes bid requests. It keeps buffers between calls so that,
// once warm, decoding allocates nothing. The zero value is ready to use.
// A Decoder is not safe for concurrent use: give each goroutine its own,
// or keep them in a sync.Pool together with their BidRequest.
type Decoder struct {
	scanner

	// Values read from OpenRTB 2.5 ext locations wait here until their
	// object ends, then move into the request when the 2.6 field is
	// absent. Moving swaps storage, so both sides stay reusable.
	extDOOH   DOOH
	extEIDs   []EID
	extGPPSID []int
	extSChain SChain

	// protocol holds a video's deprecated "protocol" values until they
	// are merged into Protocols.
	protocol []int
}

// SyntaxError reports a body that is not a JSON object.
type SyntaxError struct {
	// Offset is the byte offset in the body where the error was found.
	Offset int
	// Msg says what was wrong, in lowercase words.
	Msg string
}

// Error implements error.
func (e *SyntaxError) Error() string {
	return "json syntax error at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Decode resets req and decodes the bid request in body into it.
//
// Decoding is tolerant: unknown fields are skipped, and a field whose
// value has an unexpected kind is left absent (see the package comment).
// It fails only when body is not one well-formed JSON object, or nests
// deeper than 64 levels, and then returns a *SyntaxError; req then holds
// partial results that must not be used. Decode does not validate the
// request: call Validate for that.
//
// The strings of req point into body and into d (see the package comment):
// req is valid only while body is unchanged and until d decodes again.
func (d *Decoder) Decode(body []byte, req *BidRequest) error {
	req.reset()
	d.scanner = scanner{buf: body, scratch: d.scratch[:0]}
	if d.peek() != '{' {
		d.failHere(msgTopLevel)
	} else {
		d.request(req)
		if d.peek(); d.pos != len(d.buf) {
			d.failHere(msgTrailing)
		}
	}
	d.buf, d.key = nil, "" // do not keep the body alive through d
	if d.errMsg != "" {
		return &SyntaxError{Offset: d.errPos, Msg: d.errMsg}
	}
	return nil
}

// request reads the top-level object.
func (d *Decoder) request(r *BidRequest) {
	d.extDOOH.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		switch d.key {
		case "id":
			r.ID = d.str()
		case "imp":
			r.Imp = list(d, r.Imp, (*Decoder).imp)
		case "site":
			d.site(&r.Site)
		case "app":
			d.app(&r.App)
		case "dooh":
			d.dooh(&r.DOOH)
		case "device":
			d.device(&r.Device)
		case "user":
			d.user(&r.User)
		case "regs":
			d.regs(&r.Regs)
		case "source":
			d.source(&r.Source)
		case "test":
			r.Test = d.int()
		case "at":
			r.AT = d.int()
		case "tmax":
			r.TMax = d.int()
		case "wseat":
			r.WSeat = d.strs(r.WSeat)
		case "bseat":
			r.BSeat = d.strs(r.BSeat)
		case "allimps":
			r.AllImps = d.int()
		case "cur":
			r.Cur = d.strs(r.Cur)
		case "wlang":
			r.WLang = d.strs(r.WLang)
		case "bcat":
			r.BCat = d.strs(r.BCat)
		case "cattax":
			r.CatTax = d.int()
		case "badv":
			r.BAdv = d.strs(r.BAdv)
		case "bapp":
			r.BApp = d.strs(r.BApp)
		case "ext":
			d.requestExt()
		default:
			d.skip()
		}
	}
	if !r.DOOH.Present && d.extDOOH.Present {
		r.DOOH, d.extDOOH = d.extDOOH, r.DOOH
	}
}

// requestExt reads the request's ext for the 2.5 location of dooh.
func (d *Decoder) requestExt() {
	d.extDOOH.reset()
	if !d.object() {
		return
	}
	for i := 0; d.field(i); i++ {
		if d.key == "dooh" {
			d.dooh(&d.extDOOH)
		} else {
			d.skip()
		}
	}
}

// list reads an array of objects into dst, reusing its elements and their
// own slices; read decodes one element and must reset it first. Elements
// that are not objects are dropped; a value that is not an array leaves
// the list empty.
func list[T any](d *Decoder, dst []T, read func(*Decoder, *T)) []T {
	dst = dst[:0]
	if !d.array() {
		return dst
	}
	for i := 0; d.elem(i); i++ {
		if d.peek() != '{' {
			d.skip()
			continue
		}
		if len(dst) < cap(dst) {
			dst = dst[:len(dst)+1]
		} else {
			var zero T
			dst = append(dst, zero)
		}
		read(d, &dst[len(dst)-1])
	}
	return dst
}

// skipFields consumes the rest of the current object, for objects whose
// presence alone matters.
func (d *Decoder) skipFields() {
	for i := 0; d.field(i); i++ {
		d.skip()
	}
}
