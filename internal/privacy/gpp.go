package privacy

import "strings"

// GPP section ids, from the IAB Tech Lab GPP section registry. Ids 3 (the
// header) and 4 (signal integrity) carry no consent and are not named.
const (
	sectionTCFEUv1 = 1  // EU TCF v1, retired
	sectionTCFEU   = 2  // EU TCF v2: the TC string as is
	sectionTCFCA   = 5  // Canadian TCF
	sectionUSP     = 6  // US privacy string, unencoded ("1YNN")
	sectionUSFirst = 7  // US national
	sectionUSLast  = 22 // last US state section known here (Tennessee)
)

// sectionSet is a set of GPP section ids. Ids 0 to 62 have their own bit;
// bit 63 stands for every id from 63 up.
type sectionSet uint64

const (
	usSections      sectionSet = 1<<(sectionUSLast+1) - 1<<sectionUSFirst
	unknownSections sectionSet = ^sectionSet(1<<(sectionUSLast+1)-1) |
		1<<sectionTCFEUv1 | 1<<sectionTCFCA
)

// add puts id in the set; ids below 0 are dropped.
func (s *sectionSet) add(id int) {
	switch {
	case id < 0:
	case id >= 63:
		*s |= 1 << 63
	default:
		*s |= 1 << id
	}
}

// has reports whether id (0 to 62) is in the set.
func (s sectionSet) has(id int) bool {
	return s&(1<<id) != 0
}

// sectionsOf returns the set of the ids in regs.gpp_sid.
func sectionsOf(ids []int) sectionSet {
	var s sectionSet
	for _, id := range ids {
		s.add(id)
	}
	return s
}

// Limits of the GPP header reader. A header listing more sections, or a
// Fibonacci code longer than its bound, is unreadable.
const (
	maxGPPHeaderChars = 64 // far more than any registered set of sections
	maxGPPSections    = 64
	maxFibonacciBits  = 24 // codes up to 46,367, far above any section id
	gppHeaderType     = 3
	gppVersion        = 1
)

// gppInfo is what the gate reads from a GPP string: the sections its
// header lists and the text of the two sections it evaluates. The texts
// alias the GPP string.
type gppInfo struct {
	present  bool // the string is not empty
	readable bool // the header was read
	listed   sectionSet
	tcf, usp string // sections 2 and 6, valid when hasTCF, hasUSP
	hasTCF   bool
	hasUSP   bool
}

// readGPP reads the header of a GPP string and locates sections 2 and 6.
// An unreadable header leaves readable false and nothing located.
func readGPP(s string) gppInfo {
	g := gppInfo{present: s != ""}
	if s == "" {
		return g
	}
	header, body, _ := strings.Cut(s, "~")

	var r bitReader
	if len(header) > maxGPPHeaderChars || !r.fill(header, maxGPPHeaderChars) {
		return g
	}
	typ, ok1 := r.read(6)
	version, ok2 := r.read(6)
	n, ok3 := r.read(12)
	if !ok1 || !ok2 || !ok3 || typ != gppHeaderType || version != gppVersion ||
		n > maxGPPSections {
		return g
	}

	// Section k of the header is field k of the body; ids only ascend.
	var listed sectionSet
	tcfAt, uspAt := -1, -1
	count, last := 0, 0
	for range n {
		isGroup, ok := r.read(1)
		offset, ok1 := r.fibonacci()
		if !ok || !ok1 {
			return g
		}
		start := last + offset
		end := start
		if isGroup == 1 {
			length, ok := r.fibonacci()
			if !ok {
				return g
			}
			end = start + length
		}
		if count+end-start+1 > maxGPPSections {
			return g
		}
		for id := start; id <= end; id++ {
			listed.add(id)
			switch id {
			case sectionTCFEU:
				tcfAt = count
			case sectionUSP:
				uspAt = count
			}
			count++
		}
		last = end
	}

	g.readable = true
	g.listed = listed
	g.tcf, g.hasTCF = field(body, tcfAt)
	g.usp, g.hasUSP = field(body, uspAt)
	return g
}

// reason judges the applicable GPP sections: "" when they allow personal
// bidding, else the contextual reason. sidGiven tells whether the request
// sent regs.gpp_sid, which makes an unreadable header harmless unless a
// section inside it is needed.
func (g *gppInfo) reason(applicable sectionSet, sidGiven bool) string {
	if g.present && !g.readable && !sidGiven {
		return ReasonGPPUnreadable
	}
	if applicable.has(sectionUSP) {
		if !g.hasUSP {
			return ReasonGPPUnreadable
		}
		if g.usp == "" {
			return ReasonUSPrivacyMalformed
		}
		if r := uspReason(g.usp); r != "" {
			return r
		}
	}
	// The opt-out fields of the US national and state sections are not
	// read: every request under a US state privacy law that arrives with
	// GPP is bid on contextually, even when the user opted out of nothing.
	if applicable&usSections != 0 {
		return ReasonGPPUSSection
	}
	if applicable&unknownSections != 0 {
		return ReasonGPPUnknownSection
	}
	return ""
}

// field returns the k-th '~'-separated field of s, counting from 0. ok is
// false when k is negative or s has fewer fields.
func field(s string, k int) (f string, ok bool) {
	if k < 0 {
		return "", false
	}
	for ; k > 0; k-- {
		i := strings.IndexByte(s, '~')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	f, _, _ = strings.Cut(s, "~")
	return f, true
}

// fibonacci reads one Fibonacci-coded integer (at least 1): bits weigh
// 1, 2, 3, 5, 8... in order and the code ends at the first "11".
func (r *bitReader) fibonacci() (int, bool) {
	weight, next := 1, 2
	v := 0
	var prev uint32
	for range maxFibonacciBits {
		bit, ok := r.read(1)
		if !ok {
			return 0, false
		}
		if bit == 1 && prev == 1 {
			return v, true
		}
		if bit == 1 {
			v += weight
		}
		prev = bit
		weight, next = next, weight+next
	}
	return 0, false
}
