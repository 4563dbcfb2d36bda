package privacy

import (
	"errors"
	"strings"
)

// Errors of the TCF reader. They are fixed values so that a failed read
// allocates nothing; Decide maps all of them to ReasonGDPRNoConsent.
var (
	errTCFEmpty    = errors.New("tcf: empty consent string")
	errTCFEncoding = errors.New("tcf: invalid base64url character")
	errTCFShort    = errors.New("tcf: consent string too short")
	errTCFVersion  = errors.New("tcf: version is not 2")
)

// Bit offsets in the TCF v2 core string, from the IAB Tech Lab "Consent
// string and vendor list formats v2" document. Bit 0 is the most
// significant bit of the first decoded byte.
const (
	tcfVersionBits = 6   // Version, first field
	tcfPurposesAt  = 152 // PurposesConsent, 24 bits, purpose 1 first
	tcfPurposeBits = 24
	tcfMaxVendorAt = 213 // MaxVendorId, 16 bits, then IsRangeEncoding
	tcfVendorIDBit = 16
	tcfNumEntries  = 12 // NumEntries of the range encoding
)

// tcfPurposeChars is how many base64 characters hold every field up to
// PurposesConsent (176 bits), all that is needed without a vendor check.
const tcfPurposeChars = (tcfPurposesAt + tcfPurposeBits + 5) / 6

// maxSegmentChars bounds how much of one TCF segment is decoded. The
// vendor consent section is at most as long as a bit field up to
// MaxVendorId, and the Global Vendor List holds far fewer than the ~12,000
// ids that 2048 characters cover.
const maxSegmentChars = 2048

// tcfConsent is what the gate reads from a TCF v2 core string.
type tcfConsent struct {
	// purposes is PurposesConsent as sent: purpose 1 in bit 23, purpose 24
	// in bit 0.
	purposes uint32
	// vendor is the consent bit of the vendor asked for; false when no
	// vendor was asked for.
	vendor bool
}

// purpose reports consent for purpose id (1 to 24).
func (c tcfConsent) purpose(id int) bool {
	return c.purposes>>(tcfPurposeBits-id)&1 == 1
}

// readTCF reads the purpose consents of a TCF v2 consent string and, when
// vendor is above 0, that vendor's consent bit.
func readTCF(s string, vendor int) (tcfConsent, error) {
	core, _, _ := strings.Cut(s, ".")
	core = strings.TrimRight(core, "=")
	if core == "" {
		return tcfConsent{}, errTCFEmpty
	}

	limit := maxSegmentChars
	if vendor <= 0 {
		limit = tcfPurposeChars
	}
	var r bitReader
	if !r.fill(core, limit) {
		return tcfConsent{}, errTCFEncoding
	}

	version, ok := r.read(tcfVersionBits)
	if !ok {
		return tcfConsent{}, errTCFShort
	}
	if version != 2 {
		return tcfConsent{}, errTCFVersion
	}
	r.pos = tcfPurposesAt
	purposes, ok := r.read(tcfPurposeBits)
	if !ok {
		return tcfConsent{}, errTCFShort
	}

	c := tcfConsent{purposes: purposes}
	if vendor <= 0 {
		return c, nil
	}
	c.vendor, ok = r.vendorConsent(vendor)
	if !ok {
		return tcfConsent{}, errTCFShort
	}
	return c, nil
}

// vendorConsent reads the vendor consent section of a core string for one
// vendor id (above 0). ok is false when the section is cut short before
// the answer is known.
func (r *bitReader) vendorConsent(vendor int) (consent, ok bool) {
	r.pos = tcfMaxVendorAt
	maxID, ok1 := r.read(tcfVendorIDBit)
	isRange, ok2 := r.read(1)
	if !ok1 || !ok2 {
		return false, false
	}
	if vendor > int(maxID) {
		return false, true
	}

	if isRange == 0 {
		// Bit field: vendor id 1 is the first bit.
		r.pos += vendor - 1
		bit, ok := r.read(1)
		return bit == 1, ok
	}

	n, ok := r.read(tcfNumEntries)
	if !ok {
		return false, false
	}
	for range n {
		isGroup, ok1 := r.read(1)
		start, ok2 := r.read(tcfVendorIDBit)
		end, ok3 := start, true
		if isGroup == 1 {
			end, ok3 = r.read(tcfVendorIDBit)
		}
		if !ok1 || !ok2 || !ok3 {
			return false, false
		}
		if int(start) <= vendor && vendor <= int(end) {
			return true, true
		}
	}
	return false, true
}

// bitReader reads big-endian bit fields straight from base64url text,
// six bits a character: no decoded copy, so nothing large on the stack of
// the goroutine that serves the bid request.
type bitReader struct {
	s     string // validated text
	nbits int    // bits in s
	pos   int    // next bit to read
}

// invalidSextet marks a byte outside the base64 alphabets in sextets.
const invalidSextet = 0xff

// sextets maps a base64url character (or its standard-alphabet twin '+'
// or '/') to its 6-bit value.
var sextets = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = invalidSextet
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = byte(i)
	}
	t['+'], t['/'] = 62, 63
	return t
}()

// fill takes the first limit characters of s (fewer when s is shorter)
// and rewinds the reader. It reports false on a character outside the
// alphabet.
func (r *bitReader) fill(s string, limit int) bool {
	limit = min(limit, len(s))
	for i := range limit {
		if sextets[s[i]] == invalidSextet {
			return false
		}
	}
	r.s, r.nbits, r.pos = s[:limit], 6*limit, 0
	return true
}

// read returns the next n bits (n at most 32) as an unsigned integer. It
// reports false, consuming nothing, when fewer than n bits remain.
func (r *bitReader) read(n int) (uint32, bool) {
	if n < 0 || n > 32 || r.pos < 0 || r.pos+n > r.nbits {
		return 0, false
	}
	var v uint32
	for n > 0 {
		off := r.pos % 6
		take := min(6-off, n)
		b := uint32(sextets[r.s[r.pos/6]]) >> (6 - off - take)
		v = v<<take | b&(1<<take-1)
		r.pos += take
		n -= take
	}
	return v, true
}
