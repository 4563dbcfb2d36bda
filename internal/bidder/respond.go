package bidder

import (
	"strconv"
	"time"
	"unsafe"

	"nordbid/internal/campaign"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/openrtb"
)

// Work is the scratch space of one request: decoder, decoded request,
// response and buffers. It is reused across requests by one goroutine at a
// time, so that steady-state bidding does not allocate.
type Work struct {
	dec        openrtb.Decoder
	check      openrtb.Checker
	req        openrtb.BidRequest
	resp       openrtb.BidResponse
	wins       []win
	impReasons []string
	rc         requestContext
	search     search
	// reqSet, impSet, tmpSet and segSet are scratch bit sets of the
	// prefilter; key is scratch for case-folded lookup keys.
	reqSet, impSet, tmpSet, segSet index.Bitset
	key                            []byte
	// arena holds the text of the response's strings (ids, URLs, markup).
	arena []byte
	out   []byte
	tok   notice.Token
	label string
}

// NewWork returns scratch space for one concurrent caller.
func NewWork() *Work {
	return &Work{arena: make([]byte, 0, 32<<10), out: make([]byte, 0, 16<<10),
		key: make([]byte, 0, 256)}
}

func (w *Work) reset() {
	w.wins = w.wins[:0]
	w.impReasons = w.impReasons[:0]
	w.arena = w.arena[:0]
	w.out = w.out[:0]
}

// str returns the arena bytes from start as a string. The string shares
// the arena's memory: if the arena grows later its old array stays alive
// for as long as such strings refer to it.
func (w *Work) str(start int) string {
	if start == len(w.arena) {
		return ""
	}
	return unsafe.String(&w.arena[start], len(w.arena)-start)
}

// mtype maps a creative format to the OpenRTB 2.6 bid.mtype.
var mtype = map[campaign.Format]int{
	campaign.FormatBanner: 1, campaign.FormatVideo: 2,
	campaign.FormatAudio: 3, campaign.FormatNative: 4,
}

// respond builds and encodes the response for the wins in w.
func (b *Bidder) respond(w *Work, ix *index.Index, req *openrtb.BidRequest, seat, cur string,
	user uint64, arrival time.Time) {
	r := &w.resp
	r.Reset()
	r.ID = req.ID
	r.BidID = b.newID(w)
	r.Cur = cur
	// Keep the previous request's seat and bid slices to reuse their arrays.
	if cap(r.SeatBid) == 0 {
		r.SeatBid = make([]openrtb.SeatBid, 1)
	}
	r.SeatBid = r.SeatBid[:1]
	sb := &r.SeatBid[0]
	sb.Seat = seat
	sb.Bid = sb.Bid[:0]
	for i := range w.wins {
		wn := &w.wins[i]
		cr := wn.creative
		price, _ := ix.Convert(cr.Campaign.Price, cr.Campaign.Currency, cur)
		bidID := b.newID(w)

		w.tok = notice.Token{BidID: bidID, ImpID: wn.imp.ID, CampaignID: cr.Campaign.ID,
			CreativeID: cr.ID, Price: price, Currency: cur, UserKey: user, Issued: arrival}
		start := len(w.arena)
		w.arena = b.opt.Signer.Append(w.arena, &w.tok)
		tok := w.str(start)

		bid := openrtb.Bid{
			ID: bidID, ImpID: wn.imp.ID, Price: price,
			NURL:    b.url(w, "win", tok, "&p=${AUCTION_PRICE}"),
			BURL:    b.url(w, "bill", tok, "&p=${AUCTION_PRICE}"),
			LURL:    b.url(w, "loss", tok, "&p=${AUCTION_PRICE}&r=${AUCTION_LOSS}"),
			ADomain: cr.ADomain, Bundle: cr.Bundle, CrID: itoa(w, cr.ID),
			CID: itoa(w, cr.Campaign.ID),
			Cat: cr.Cats, Attr: cr.Attrs, DealID: wn.deal, MType: mtype[cr.Format],
		}
		if cr.Format == campaign.FormatBanner {
			bid.W, bid.H = cr.W, cr.H
		}
		bid.AdM = b.markup(w, cr, wn.imp, req.ID, r.BidID, tok)
		sb.Bid = append(sb.Bid, bid)
	}
	w.out = openrtb.AppendResponse(w.out[:0], r)
}

// newID returns a new bid id: the process prefix and a sequence number.
func (b *Bidder) newID(w *Work) string {
	start := len(w.arena)
	w.arena = append(w.arena, b.prefix[:]...)
	n := b.seq.Add(1)
	var hex [12]byte
	for i := len(hex) - 1; i >= 0; i-- {
		hex[i] = "0123456789abcdef"[n&15]
		n >>= 4
	}
	w.arena = append(w.arena, hex[:]...)
	return w.str(start)
}

func itoa(w *Work, v int64) string {
	start := len(w.arena)
	w.arena = strconv.AppendInt(w.arena, v, 10)
	return w.str(start)
}

// url builds a notice URL for a token.
func (b *Bidder) url(w *Work, kind, tok, tail string) string {
	start := len(w.arena)
	w.arena = b.appendURL(w.arena, kind, tok)
	w.arena = append(w.arena, tail...)
	return w.str(start)
}

func (b *Bidder) appendURL(dst []byte, kind, tok string) []byte {
	dst = append(dst, b.opt.PublicURL...)
	dst = append(dst, "/notice/"...)
	dst = append(dst, kind...)
	dst = append(dst, "?t="...)
	return append(dst, tok...)
}

// markup fills a creative's template; a native creative's response is
// assembled for the request's asset ids.
func (b *Bidder) markup(w *Work, cr *index.Creative, imp *openrtb.Imp, auctionID, respID,
	tok string) string {
	start := len(w.arena)
	if cr.Native == nil {
		b.fill(w, cr.Markup, auctionID, respID, imp.ID, tok)
		return w.str(start)
	}
	w.arena = append(w.arena, `{"ver":"1.2","assets":[`...)
	first := true
	for i := range imp.Native.Assets {
		a := &imp.Native.Assets[i]
		member, ok := cr.Native.Assets[assetKind(a)]
		if !ok {
			continue
		}
		if !first {
			w.arena = append(w.arena, ',')
		}
		first = false
		w.arena = append(w.arena, `{"id":`...)
		w.arena = strconv.AppendInt(w.arena, int64(a.ID), 10)
		w.arena = append(w.arena, ',')
		w.arena = append(w.arena, member...)
		w.arena = append(w.arena, '}')
	}
	w.arena = append(w.arena, ']')
	b.fill(w, cr.Native.Tail, auctionID, respID, imp.ID, tok)
	w.arena = append(w.arena, '}')
	return w.str(start)
}

// fill appends a template with its macros filled to the arena.
func (b *Bidder) fill(w *Work, t index.Template, auctionID, respID, impID, tok string) {
	for _, p := range t {
		switch p.Macro {
		case index.MacroNone:
			w.arena = append(w.arena, p.Text...)
		case index.MacroAuctionID:
			w.arena = append(w.arena, auctionID...)
		case index.MacroBidID:
			w.arena = append(w.arena, respID...)
		case index.MacroImpID:
			w.arena = append(w.arena, impID...)
		case index.MacroClickURL:
			w.arena = b.appendURL(w.arena, "click", tok)
		case index.MacroImpURL:
			w.arena = b.appendURL(w.arena, "imp", tok)
		}
	}
}

// appendJSONString appends s as a JSON string with quotes.
func appendJSONString(dst []byte, s string) []byte {
	return append(appendJSONText(append(dst, '"'), s), '"')
}

// appendJSONText appends s escaped for a JSON string, without quotes.
func appendJSONText(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
