// Package notice turns the win, billing, loss, impression and click
// notices of exchanges into spend and events. Every notice URL that nordbid
// hands out carries a token that names the bid and is signed with HMAC, so
// a notice cannot be forged, altered or replayed past its lifetime.
package notice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"sync"
	"time"
)

// Token names one bid. It travels in notice URLs.
type Token struct {
	// BidID is the bid's unique id (bid.id in the response).
	BidID string
	// ImpID is the id of the impression the bid is for.
	ImpID      string
	CampaignID int64
	CreativeID int64
	// Price is the bid price in micros per thousand impressions (CPM) of
	// Currency; a clearing price above it is refused.
	Price int64
	// Currency is the ISO 4217 code of Price and of the clearing price.
	Currency string
	// UserKey identifies the user for frequency capping; 0 when the bid
	// was made without a usable user id.
	UserKey uint64
	// Issued is when the bid was made, at millisecond precision.
	Issued time.Time
}

const (
	tokenVersion = 1
	macSize      = 16 // bytes of HMAC-SHA256 kept; 128 bits resist forgery
	maxIDLen     = 64
)

// Errors of Verify. They all mean the notice must not be charged.
var (
	ErrMalformed = errors.New("token malformed")
	ErrSignature = errors.New("token signature invalid")
	ErrExpired   = errors.New("token expired")
)

// Signer signs and verifies tokens with one secret key. It is safe for
// concurrent use.
type Signer struct {
	key  []byte
	ttl  time.Duration
	macs sync.Pool
}

// NewSigner returns a Signer for key. Tokens older than ttl fail Verify.
func NewSigner(key []byte, ttl time.Duration) *Signer {
	s := &Signer{key: append([]byte(nil), key...), ttl: ttl}
	s.macs.New = func() any { return &macState{mac: hmac.New(sha256.New, s.key)} }
	return s
}

// macState is a reusable HMAC with scratch space. Slices handed to the
// hash.Hash interface escape, so they live here rather than on the stack.
type macState struct {
	mac hash.Hash
	msg [tokenMax]byte
	out [sha256.Size]byte
}

// tokenMax bounds the binary form of a token.
const tokenMax = 2*maxIDLen + 64 + macSize

// Append appends the token for t, base64url-encoded without padding, to
// dst. It does not allocate when dst has room.
func (s *Signer) Append(dst []byte, t *Token) []byte {
	st := s.macs.Get().(*macState)
	defer s.macs.Put(st)
	b := st.msg[:0]
	b = append(b, tokenVersion)
	b = appendString(b, t.BidID)
	b = appendString(b, t.ImpID)
	b = binary.AppendUvarint(b, uint64(t.CampaignID))
	b = binary.AppendUvarint(b, uint64(t.CreativeID))
	b = binary.AppendUvarint(b, uint64(t.Price))
	b = appendString(b, t.Currency)
	b = binary.LittleEndian.AppendUint64(b, t.UserKey)
	b = binary.AppendUvarint(b, uint64(t.Issued.UnixMilli()))
	b = append(b, st.sum(b)...)
	return base64.RawURLEncoding.AppendEncode(dst, b)
}

// appendString writes a length-prefixed string, cut to maxIDLen bytes.
func appendString(b []byte, s string) []byte {
	if len(s) > maxIDLen {
		s = s[:maxIDLen]
	}
	b = append(b, byte(len(s)))
	return append(b, s...)
}

// sum returns the truncated MAC of msg, valid until st is reused.
func (st *macState) sum(msg []byte) []byte {
	st.mac.Reset()
	st.mac.Write(msg)
	return st.mac.Sum(st.out[:0])[:macSize]
}

// Verify decodes and checks a token at time now. It fails with
// ErrMalformed, ErrSignature or ErrExpired; with ErrExpired it returns the
// token too, genuine but too old (or too far ahead) to count.
func (s *Signer) Verify(text string, now time.Time) (Token, error) {
	var buf [tokenMax]byte
	if base64.RawURLEncoding.DecodedLen(len(text)) > len(buf) {
		return Token{}, ErrMalformed
	}
	n, err := base64.RawURLEncoding.Decode(buf[:], []byte(text))
	if err != nil || n <= macSize+1 {
		return Token{}, ErrMalformed
	}
	msg, mac := buf[:n-macSize], buf[n-macSize:n]
	st := s.macs.Get().(*macState)
	ok := hmac.Equal(st.sum(msg), mac)
	s.macs.Put(st)
	if !ok {
		return Token{}, ErrSignature
	}
	t, ok := parse(msg)
	if !ok {
		return Token{}, ErrMalformed
	}
	if age := now.Sub(t.Issued); age > s.ttl || age < -time.Minute {
		return t, ErrExpired
	}
	return t, nil
}

// parse reads the fields of a verified token message.
func parse(b []byte) (Token, bool) {
	var t Token
	r := reader{b: b}
	if r.byte() != tokenVersion {
		return t, false
	}
	t.BidID = r.string()
	t.ImpID = r.string()
	t.CampaignID = int64(r.uvarint())
	t.CreativeID = int64(r.uvarint())
	t.Price = int64(r.uvarint())
	t.Currency = r.string()
	t.UserKey = r.uint64()
	t.Issued = time.UnixMilli(int64(r.uvarint())).UTC()
	return t, !r.bad && len(r.b) == 0
}

// reader consumes a token message; bad records any short read.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) byte() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) string() string {
	n := int(r.byte())
	if len(r.b) < n {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}
