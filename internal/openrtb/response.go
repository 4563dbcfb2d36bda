package openrtb

import (
	"strconv"
	"unicode/utf8"

	"nordbid/internal/money"
)

// BidResponse is an OpenRTB bid response. Build it with AddSeat and
// AddBid to reuse its storage from one response to the next.
type BidResponse struct {
	// ID echoes the request's id.
	ID string
	// BidID is the bidder's id for this response, for logging; "" omits
	// it.
	BidID string
	// Cur is the ISO 4217 currency of every price; "" omits it, which
	// means USD.
	Cur string
	// SeatBid lists the bids, grouped by buyer seat.
	SeatBid []SeatBid
	// NBR is the no-bid reason code (list "No-Bid Reason Codes"); 0 omits
	// it.
	NBR int
}

// SeatBid is the bids of one buyer seat.
type SeatBid struct {
	// Seat identifies the buyer seat; "" omits it.
	Seat string
	// Bid lists the seat's bids.
	Bid []Bid
}

// Bid is one offer to buy one impression. Empty fields are omitted from
// the encoded response, except Price.
type Bid struct {
	// ID is the bidder's id for the bid.
	ID string
	// ImpID is the id of the impression bid on.
	ImpID string
	// Price is the bid in micros of the response currency per thousand
	// impressions (CPM).
	Price int64
	// AdM is the ad markup, served when the bid wins.
	AdM string
	// NURL is the win notice URL.
	NURL string
	// BURL is the billing notice URL.
	BURL string
	// LURL is the loss notice URL.
	LURL string
	// ADomain lists the advertiser's domains.
	ADomain []string
	// Bundle is the store id of the advertised app; "" omits it.
	Bundle string
	// CrID identifies the creative.
	CrID string
	// CID identifies the campaign.
	CID string
	// Cat lists the creative's content categories.
	Cat []string
	// Attr lists the creative's attributes (list "Creative Attributes").
	Attr []int
	// W and H are the creative's size in device-independent pixels; 0
	// omits them.
	W, H int
	// DealID is the id of the deal the bid is for; "" for the open
	// auction.
	DealID string
	// MType is the markup type: 1 banner, 2 video, 3 audio, 4 native; 0
	// omits it.
	MType int
}

// Reset empties r for reuse. It keeps the storage of SeatBid and of each
// seat's Bid, but drops every reference they held, so that a response
// does not keep old markup alive.
func (r *BidResponse) Reset() {
	seats := r.SeatBid[:cap(r.SeatBid)]
	for i := range seats {
		bids := seats[i].Bid[:cap(seats[i].Bid)]
		clear(bids)
		seats[i] = SeatBid{Bid: bids[:0]}
	}
	*r = BidResponse{SeatBid: seats[:0]}
}

// AddSeat appends a seat to r, reusing storage kept by Reset, and returns
// it.
func (r *BidResponse) AddSeat(seat string) *SeatBid {
	if len(r.SeatBid) < cap(r.SeatBid) {
		r.SeatBid = r.SeatBid[:len(r.SeatBid)+1]
	} else {
		r.SeatBid = append(r.SeatBid, SeatBid{})
	}
	s := &r.SeatBid[len(r.SeatBid)-1]
	*s = SeatBid{Seat: seat, Bid: s.Bid[:0]}
	return s
}

// AddBid appends an empty bid to s, reusing storage kept by Reset, and
// returns it.
func (s *SeatBid) AddBid() *Bid {
	if len(s.Bid) < cap(s.Bid) {
		s.Bid = s.Bid[:len(s.Bid)+1]
	} else {
		s.Bid = append(s.Bid, Bid{})
	}
	b := &s.Bid[len(s.Bid)-1]
	*b = Bid{}
	return b
}

// AppendResponse appends r as compact JSON to dst and returns the
// extended buffer. Empty fields are omitted. Strings are escaped for JSON
// only, not for HTML, because markup travels in adm; U+2028 and U+2029
// are escaped for JavaScript consumers, and bytes that are not UTF-8
// become U+FFFD. It allocates nothing when dst has room.
func AppendResponse(dst []byte, r *BidResponse) []byte {
	dst = append(dst, '{')
	o := obj{dst: dst}
	o.str("id", r.ID)
	if len(r.SeatBid) > 0 {
		o.key("seatbid")
		o.dst = append(o.dst, '[')
		for i := range r.SeatBid {
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			o.dst = appendSeatBid(o.dst, &r.SeatBid[i])
		}
		o.dst = append(o.dst, ']')
	}
	o.str("bidid", r.BidID)
	o.str("cur", r.Cur)
	o.int("nbr", r.NBR)
	return append(o.dst, '}')
}

// appendSeatBid appends one seat as a JSON object.
func appendSeatBid(dst []byte, s *SeatBid) []byte {
	dst = append(dst, '{')
	o := obj{dst: dst}
	if len(s.Bid) > 0 {
		o.key("bid")
		o.dst = append(o.dst, '[')
		for i := range s.Bid {
			if i > 0 {
				o.dst = append(o.dst, ',')
			}
			o.dst = appendBid(o.dst, &s.Bid[i])
		}
		o.dst = append(o.dst, ']')
	}
	o.str("seat", s.Seat)
	return append(o.dst, '}')
}

// appendBid appends one bid as a JSON object.
func appendBid(dst []byte, b *Bid) []byte {
	dst = append(dst, '{')
	o := obj{dst: dst}
	o.str("id", b.ID)
	o.str("impid", b.ImpID)
	o.key("price")
	o.dst = money.Append(o.dst, b.Price)
	o.str("adm", b.AdM)
	o.str("nurl", b.NURL)
	o.str("burl", b.BURL)
	o.str("lurl", b.LURL)
	o.strs("adomain", b.ADomain)
	o.str("bundle", b.Bundle)
	o.str("crid", b.CrID)
	o.str("cid", b.CID)
	o.strs("cat", b.Cat)
	o.ints("attr", b.Attr)
	o.int("w", b.W)
	o.int("h", b.H)
	o.str("dealid", b.DealID)
	o.int("mtype", b.MType)
	return append(o.dst, '}')
}

// obj writes the members of one JSON object, placing the commas.
type obj struct {
	dst  []byte
	more bool // a member was written
}

// key writes a member's key and colon.
func (o *obj) key(k string) {
	if o.more {
		o.dst = append(o.dst, ',')
	}
	o.more = true
	o.dst = append(o.dst, '"')
	o.dst = append(o.dst, k...)
	o.dst = append(o.dst, '"', ':')
}

// str writes a string member unless v is empty.
func (o *obj) str(k, v string) {
	if v != "" {
		o.key(k)
		o.dst = appendString(o.dst, v)
	}
}

// int writes an integer member unless v is 0.
func (o *obj) int(k string, v int) {
	if v != 0 {
		o.key(k)
		o.dst = strconv.AppendInt(o.dst, int64(v), 10)
	}
}

// strs writes a string-array member unless vs is empty.
func (o *obj) strs(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	o.key(k)
	o.dst = append(o.dst, '[')
	for i, v := range vs {
		if i > 0 {
			o.dst = append(o.dst, ',')
		}
		o.dst = appendString(o.dst, v)
	}
	o.dst = append(o.dst, ']')
}

// ints writes an integer-array member unless vs is empty.
func (o *obj) ints(k string, vs []int) {
	if len(vs) == 0 {
		return
	}
	o.key(k)
	o.dst = append(o.dst, '[')
	for i, v := range vs {
		if i > 0 {
			o.dst = append(o.dst, ',')
		}
		o.dst = strconv.AppendInt(o.dst, int64(v), 10)
	}
	o.dst = append(o.dst, ']')
}

// hexDigits spells the \u00XX escapes of control characters.
const hexDigits = "0123456789abcdef"

// appendString appends s as a quoted JSON string. Runs of bytes that need
// no escape are copied at once.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		// Markup is mostly plain ASCII: pass it 8 bytes at a time.
		if i+8 <= len(s) {
			if x := load8(s, i); special8(x)|x&highs == 0 {
				i += 8
				continue
			}
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xF])
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// load8 reads the 8 bytes of s at i as a little-endian word; the compiler
// turns it into one load.
func load8(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// appendEscape appends the escape of an ASCII byte that JSON forbids raw
// in a string.
func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
