package loadgen

import (
	"math/rand/v2"
	"strconv"
)

// The distributions below are a plausible synthetic mix for a European
// bidder that also buys US traffic, not measured market data. What matters
// for a benchmark is that targeting sees many countries with a skew, and
// that frequency caps see a heavy-tailed user population, as they do in
// production.

// weighted is a value with its relative weight.
type weighted struct {
	value  string
	weight int
}

// countries are ISO-3166-1 alpha-3 codes, as OpenRTB's geo.country uses.
var countries = []weighted{
	{"USA", 30}, {"DEU", 10}, {"GBR", 10}, {"FRA", 8}, {"NOR", 6},
	{"SWE", 6}, {"DNK", 4}, {"FIN", 3}, {"NLD", 3}, {"ESP", 3},
	{"ITA", 3}, {"POL", 2}, {"CAN", 2}, {"BRA", 2}, {"IND", 2},
	{"JPN", 2}, {"AUS", 2}, {"AUT", 1}, {"CHE", 1}, {"MEX", 1},
}

// operatingSystems are device.os values, spelled as exchanges send them.
var operatingSystems = []weighted{
	{"Android", 52}, {"iOS", 33}, {"Windows", 9}, {"macOS", 4}, {"Linux", 2},
}

// pick draws from a weighted table.
func pick(r *rand.Rand, table []weighted) string {
	total := 0
	for _, w := range table {
		total += w.weight
	}
	n := r.IntN(total)
	for _, w := range table {
		if n < w.weight {
			return w.value
		}
		n -= w.weight
	}
	return table[len(table)-1].value
}

// idWidth is the fixed width of the request and user ids that are
// rewritten in place for every request.
const idWidth = 16

// putHex writes v as idWidth lowercase hex digits into dst.
func putHex(dst []byte, v uint64) {
	const digits = "0123456789abcdef"
	for i := idWidth - 1; i >= 0; i-- {
		dst[i] = digits[v&0xf]
		v >>= 4
	}
}

// hexID is v as an idWidth-character string.
func hexID(v uint64) string {
	var b [idWidth]byte
	putHex(b[:], v)
	return string(b[:])
}

// mix scrambles a counter into an id that looks random but is stable for
// the same input (splitmix64's finaliser).
func mix(v uint64) uint64 {
	v += 0x9e3779b97f4a7c15
	v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9
	v = (v ^ (v >> 27)) * 0x94d049bb133111eb
	return v ^ (v >> 31)
}

// users draws user ids from a Zipf distribution: a few users are seen
// very often and most rarely, as frequency caps meet them in production.
type users struct {
	zipf *rand.Zipf
	salt uint64
}

// userPopulation is the number of distinct user ids.
const userPopulation = 1_000_000

func newUsers(r *rand.Rand, salt uint64) users {
	// s = 1.1 with v = 1000 gives the 1,000 most frequent users 13% of the
	// requests, the top 10,000 43% and the top 100,000 74%.
	return users{zipf: rand.NewZipf(r, 1.1, 1000, userPopulation-1), salt: salt}
}

// next is a user id as a number; putHex renders it.
func (u users) next() uint64 { return mix(u.zipf.Uint64() ^ u.salt) }

// ipv4 draws a public-looking address with its last octet zeroed, as
// exchanges truncate addresses before sending them to bidders.
func ipv4(r *rand.Rand) string {
	for {
		a := 1 + r.IntN(223)
		b := r.IntN(256)
		if reserved(a, b) {
			continue
		}
		return strconv.Itoa(a) + "." + strconv.Itoa(b) + "." +
			strconv.Itoa(r.IntN(256)) + ".0"
	}
}

// reserved reports the private, loopback and shared ranges among a.b/16.
func reserved(a, b int) bool {
	switch a {
	case 10, 127:
		return true
	case 100:
		return b >= 64 && b < 128
	case 169:
		return b == 254
	case 172:
		return b >= 16 && b < 32
	case 192:
		return b == 168
	}
	return false
}

// ifa draws a random advertising id in the UUID form that devices use.
func ifa(r *rand.Rand) string {
	const digits = "0123456789abcdef"
	b := []byte("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx")
	for i, c := range b {
		switch c {
		case 'x':
			b[i] = digits[r.IntN(16)]
		case 'y':
			b[i] = digits[8+r.IntN(4)]
		}
	}
	return string(b)
}
