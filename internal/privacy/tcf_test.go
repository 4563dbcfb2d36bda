package privacy

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testVendor is the vendor id the tests ask about.
const testVendor = 77

// tcfFields are the core-string fields a test controls. The encoder
// writes every other field (special features, legitimate interest,
// PurposeOneTreatment, publisher restrictions) as zero.
type tcfFields struct {
	version           int // 0 means 2
	created, updated  int64
	cmpID, cmpVersion int
	consentScreen     int
	language          string // two letters, "EN"
	vendorListVersion int
	policyVersion     int
	serviceSpecific   bool
	publisherCC       string // two letters, "DE"
	purposes          []int  // consented purpose ids, 1 to 24
	vendors           []int  // consented vendor ids, ascending
	rangeEncoding     bool
	maxVendorID       int // 0 means the last of vendors
}

// bitString collects bits as '0' and '1' characters.
type bitString struct{ strings.Builder }

func (b *bitString) put(v int64, n int) {
	for i := n - 1; i >= 0; i-- {
		b.WriteByte('0' + byte(v>>i&1))
	}
}

func (b *bitString) flag(v bool) {
	if v {
		b.put(1, 1)
		return
	}
	b.put(0, 1)
}

func (b *bitString) letters(s string) {
	for i := range 2 {
		c := byte('A')
		if i < len(s) {
			c = s[i]
		}
		b.put(int64(c|0x20)-'a', 6)
	}
}

// base64url encodes the bits, zero-padded to whole characters.
func (b *bitString) base64url() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	bits := b.String()
	bits += strings.Repeat("0", (6-len(bits)%6)%6)
	var out strings.Builder
	for i := 0; i < len(bits); i += 6 {
		v, _ := strconv.ParseUint(bits[i:i+6], 2, 8)
		out.WriteByte(alphabet[v])
	}
	return out.String()
}

// encodeTCF builds a TCF core string from f, as a CMP would.
func encodeTCF(f tcfFields) string {
	var b bitString
	version := f.version
	if version == 0 {
		version = 2
	}
	b.put(int64(version), 6)
	b.put(f.created, 36)
	b.put(f.updated, 36)
	b.put(int64(f.cmpID), 12)
	b.put(int64(f.cmpVersion), 12)
	b.put(int64(f.consentScreen), 6)
	b.letters(f.language)
	b.put(int64(f.vendorListVersion), 12)
	b.put(int64(f.policyVersion), 6)
	b.flag(f.serviceSpecific)
	b.put(0, 1)  // UseNonStandardTexts
	b.put(0, 12) // SpecialFeatureOptIns
	var purposes int64
	for _, p := range f.purposes {
		purposes |= 1 << (24 - p)
	}
	b.put(purposes, 24)
	b.put(0, 24) // PurposesLITransparency
	b.put(0, 1)  // PurposeOneTreatment
	b.letters(f.publisherCC)
	encodeVendors(&b, f)
	b.put(0, 16) // legitimate interest: MaxVendorId 0
	b.put(0, 1)  // and a bit field of no bits
	b.put(0, 12) // NumPubRestrictions
	return b.base64url()
}

// encodeVendors writes the vendor consent section.
func encodeVendors(b *bitString, f tcfFields) {
	maxID := f.maxVendorID
	if maxID == 0 && len(f.vendors) > 0 {
		maxID = f.vendors[len(f.vendors)-1]
	}
	b.put(int64(maxID), 16)
	b.flag(f.rangeEncoding)
	if !f.rangeEncoding {
		for id := 1; id <= maxID; id++ {
			b.flag(slices.Contains(f.vendors, id))
		}
		return
	}

	// Runs of consecutive ids become one range entry.
	type entry struct{ start, end int }
	var entries []entry
	for _, id := range f.vendors {
		if n := len(entries); n > 0 && entries[n-1].end == id-1 {
			entries[n-1].end = id
			continue
		}
		entries = append(entries, entry{start: id, end: id})
	}
	b.put(int64(len(entries)), 12)
	for _, e := range entries {
		b.flag(e.start != e.end)
		b.put(int64(e.start), 16)
		if e.start != e.end {
			b.put(int64(e.end), 16)
		}
	}
}

// consentString returns a TCF string consenting to purposes and, by bit
// field, to vendors.
func consentString(purposes []int, vendors ...int) string {
	return encodeTCF(tcfFields{purposes: purposes, vendors: vendors})
}

// referenceTCF is a slow second reader used as an oracle: it spells the
// decoded bits out as text, so it shares no bit arithmetic with readTCF.
func referenceTCF(s string, vendor int) (tcfConsent, error) {
	core, _, _ := strings.Cut(s, ".")
	core = strings.TrimRight(core, "=")
	if core == "" {
		return tcfConsent{}, errTCFEmpty
	}
	limit := maxSegmentChars
	if vendor <= 0 {
		limit = 30
	}
	core = core[:min(limit, len(core))]

	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var bits strings.Builder
	for _, c := range []byte(core) {
		i := strings.IndexByte(alphabet, c)
		switch c {
		case '+':
			i = 62
		case '/':
			i = 63
		}
		if i < 0 {
			return tcfConsent{}, errTCFEncoding
		}
		bits.WriteString(strconv.FormatInt(int64(0x40|i), 2)[1:])
	}
	all := bits.String()
	field := func(at, n int) (int, bool) {
		if at+n > len(all) {
			return 0, false
		}
		v, _ := strconv.ParseUint(all[at:at+n], 2, 32)
		return int(v), true
	}

	version, ok := field(0, 6)
	if !ok {
		return tcfConsent{}, errTCFShort
	}
	if version != 2 {
		return tcfConsent{}, errTCFVersion
	}
	purposes, ok := field(152, 24)
	if !ok {
		return tcfConsent{}, errTCFShort
	}
	c := tcfConsent{purposes: uint32(purposes)}
	if vendor <= 0 {
		return c, nil
	}

	maxID, ok1 := field(213, 16)
	isRange, ok2 := field(229, 1)
	if !ok1 || !ok2 {
		return tcfConsent{}, errTCFShort
	}
	if vendor > maxID {
		return c, nil
	}
	if isRange == 0 {
		bit, ok := field(229+vendor, 1)
		if !ok {
			return tcfConsent{}, errTCFShort
		}
		c.vendor = bit == 1
		return c, nil
	}
	n, ok := field(230, 12)
	if !ok {
		return tcfConsent{}, errTCFShort
	}
	at := 242
	for range n {
		isGroup, ok1 := field(at, 1)
		start, ok2 := field(at+1, 16)
		at += 17
		end, ok3 := start, true
		if isGroup == 1 {
			end, ok3 = field(at, 16)
			at += 16
		}
		if !ok1 || !ok2 || !ok3 {
			return tcfConsent{}, errTCFShort
		}
		if start <= vendor && vendor <= end {
			c.vendor = true
			return c, nil
		}
	}
	return c, nil
}

func TestReadTCFPurposes(t *testing.T) {
	all := make([]int, 24)
	for i := range all {
		all[i] = i + 1
	}
	tests := []struct {
		name     string
		purposes []int
		want     uint32
	}{
		{name: "none", purposes: nil, want: 0},
		{name: "purpose 1 is the top bit", purposes: []int{1}, want: 1 << 23},
		{name: "purpose 24 is the low bit", purposes: []int{24}, want: 1},
		{name: "first four", purposes: []int{1, 2, 3, 4}, want: 0xf00000},
		{name: "all", purposes: all, want: 0xffffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readTCF(consentString(tt.purposes), 0)
			if err != nil {
				t.Fatalf("readTCF: %v", err)
			}
			if got.purposes != tt.want {
				t.Errorf("purposes = %06x, want %06x", got.purposes, tt.want)
			}
			for id := 1; id <= 24; id++ {
				if got, want := got.purpose(id), slices.Contains(tt.purposes, id); got != want {
					t.Errorf("purpose(%d) = %v, want %v", id, got, want)
				}
			}
		})
	}
}

func TestReadTCFVendors(t *testing.T) {
	p := []int{1, 2, 3, 4}
	// 20,000 vendor bits need more characters than the reader decodes.
	huge := tcfFields{purposes: p, vendors: []int{100, 15000}, maxVendorID: 20000}
	tests := []struct {
		name    string
		fields  tcfFields
		vendor  int
		want    bool
		wantErr error
	}{
		{name: "bit field hit", fields: tcfFields{purposes: p, vendors: []int{testVendor}},
			vendor: testVendor, want: true},
		{name: "bit field neighbours only", fields: tcfFields{purposes: p,
			vendors: []int{testVendor - 1, testVendor + 1}}, vendor: testVendor, want: false},
		{name: "bit field vendor 1", fields: tcfFields{purposes: p, vendors: []int{1, 9}},
			vendor: 1, want: true},
		{name: "bit field last id", fields: tcfFields{purposes: p, vendors: []int{1, 9}},
			vendor: 9, want: true},
		{name: "above max vendor id", fields: tcfFields{purposes: p, vendors: []int{5}},
			vendor: testVendor, want: false},
		{name: "no vendors at all", fields: tcfFields{purposes: p}, vendor: 1, want: false},
		{name: "range single entry", fields: tcfFields{purposes: p, rangeEncoding: true,
			vendors: []int{testVendor}}, vendor: testVendor, want: true},
		{name: "range group", fields: tcfFields{purposes: p, rangeEncoding: true,
			vendors: []int{3, 70, 71, 72, 73, 74, 75, 76, 77, 78, 500}},
			vendor: testVendor, want: true},
		{name: "range group end", fields: tcfFields{purposes: p, rangeEncoding: true,
			vendors: []int{75, 76, 77}}, vendor: testVendor, want: true},
		{name: "range miss", fields: tcfFields{purposes: p, rangeEncoding: true,
			vendors: []int{1, 2, 3, 100}}, vendor: testVendor, want: false},
		{name: "vendor inside the decoded prefix", fields: huge, vendor: 100, want: true},
		{name: "vendor beyond the decoded prefix", fields: huge, vendor: 15000,
			wantErr: errTCFShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readTCF(encodeTCF(tt.fields), tt.vendor)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("readTCF error = %v, want %v", err, tt.wantErr)
			}
			if got.vendor != tt.want {
				t.Errorf("vendor consent = %v, want %v", got.vendor, tt.want)
			}
		})
	}
}

func TestReadTCFErrors(t *testing.T) {
	valid := consentString([]int{1, 2, 3, 4}, testVendor)
	tests := []struct {
		name    string
		consent string
		vendor  int
		wantErr error
	}{
		{name: "empty", consent: "", wantErr: errTCFEmpty},
		{name: "only padding", consent: "==", wantErr: errTCFEmpty},
		{name: "empty core segment", consent: ".AAAA", wantErr: errTCFEmpty},
		{name: "not base64", consent: "not a consent string", wantErr: errTCFEncoding},
		{name: "padding inside", consent: "CP=A" + valid, wantErr: errTCFEncoding},
		{name: "one character", consent: "C", wantErr: errTCFShort},
		{name: "cut before purposes", consent: valid[:25], wantErr: errTCFShort},
		{name: "cut before vendors", consent: valid[:35], vendor: testVendor,
			wantErr: errTCFShort},
		{name: "version 1", consent: encodeTCF(tcfFields{version: 1}), wantErr: errTCFVersion},
		{name: "version 3", consent: encodeTCF(tcfFields{version: 3}), wantErr: errTCFVersion},
		{name: "a GPP header", consent: "DBABMA", wantErr: errTCFVersion},
		{name: "a GPP string", consent: "DBABMA~" + valid, wantErr: errTCFEncoding},
		{name: "bad character past purposes, no vendor check", consent: valid + "!"},
		{name: "bad character past purposes, vendor check", consent: valid + "!",
			vendor: testVendor, wantErr: errTCFEncoding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readTCF(tt.consent, tt.vendor)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("readTCF error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestReadTCFTolerance(t *testing.T) {
	all := make([]int, 24)
	for i := range all {
		all[i] = i + 1
	}
	// All 24 purposes set make '_' characters, so the standard alphabet
	// twin of the string differs from it.
	valid := encodeTCF(tcfFields{purposes: all, vendors: []int{testVendor}})
	std := strings.NewReplacer("-", "+", "_", "/").Replace(valid)
	if std == valid {
		t.Fatalf("test string %q has no '-' or '_'", valid)
	}
	want, err := readTCF(valid, testVendor)
	if err != nil || !want.vendor {
		t.Fatalf("readTCF(valid) = %+v, %v", want, err)
	}
	for _, s := range []string{valid + "=", valid + "==", std, valid + ".YAAAAAAA.QA"} {
		t.Run(s, func(t *testing.T) {
			got, err := readTCF(s, testVendor)
			if err != nil {
				t.Fatalf("readTCF: %v", err)
			}
			if got != want {
				t.Errorf("readTCF = %+v, want %+v", got, want)
			}
		})
	}
}

// TestReadTCFMatchesReference checks the reader against the slow oracle
// on strings from the encoder, including every prefix of each.
func TestReadTCFMatchesReference(t *testing.T) {
	strs := []string{
		consentString([]int{1, 2, 3, 4}, testVendor),
		consentString([]int{1, 2}, 1, 2, 3, testVendor+1),
		encodeTCF(tcfFields{purposes: []int{1, 2, 3, 4, 7}, rangeEncoding: true,
			vendors: []int{2, 3, 4, testVendor, 900, 901}}),
	}
	for _, s := range strs {
		for n := range len(s) + 1 {
			for _, vendor := range []int{0, 1, 4, testVendor, 901, 5000} {
				got, gotErr := readTCF(s[:n], vendor)
				want, wantErr := referenceTCF(s[:n], vendor)
				if got != want || !errors.Is(gotErr, wantErr) {
					t.Fatalf("readTCF(%q, %d) = %+v, %v; reference %+v, %v",
						s[:n], vendor, got, gotErr, want, wantErr)
				}
			}
		}
	}
}

func FuzzReadTCF(f *testing.F) {
	f.Add(consentString([]int{1, 2, 3, 4}, testVendor), testVendor)
	f.Add(encodeTCF(tcfFields{purposes: []int{1, 2}, rangeEncoding: true,
		vendors: []int{5, 6, 7, testVendor}}), testVendor)
	f.Add("CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA", 0)
	f.Add("CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA.QA==", 1)
	f.Add("gdpr-consent-string", testVendor)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, s string, vendor int) {
		got, gotErr := readTCF(s, vendor)
		want, wantErr := referenceTCF(s, vendor)
		if got != want || !errors.Is(gotErr, wantErr) {
			t.Fatalf("readTCF(%q, %d) = %+v, %v; reference %+v, %v",
				s, vendor, got, gotErr, want, wantErr)
		}
	})
}
