package openrtb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// corpusDir is the shared test corpus, a sibling of the repository.
const corpusDir = "../../../shared/corpus"

// corpusFile is one file of the shared corpus.
type corpusFile struct {
	name string
	body []byte
}

// corpusFiles reads every file of a corpus folder except its notes. It
// fails the test when the folder is missing or empty: a missing corpus
// must not pass silently.
func corpusFiles(tb testing.TB, sub string) []corpusFile {
	tb.Helper()
	dir := filepath.Join(corpusDir, sub)
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("read corpus: %v", err)
	}
	var files []corpusFile
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatalf("read corpus: %v", err)
		}
		files = append(files, corpusFile{name: e.Name(), body: body})
	}
	if len(files) == 0 {
		tb.Fatalf("corpus folder %s is empty", dir)
	}
	return files
}

// corpusRequest reads the request file whose name starts with prefix.
func corpusRequest(tb testing.TB, prefix string) []byte {
	tb.Helper()
	for _, f := range corpusFiles(tb, "requests") {
		if strings.HasPrefix(f.name, prefix) {
			return f.body
		}
	}
	tb.Fatalf("no corpus request %s*", prefix)
	return nil
}

// decodeFresh decodes body with a new Decoder into a new request.
func decodeFresh(tb testing.TB, body []byte) *BidRequest {
	tb.Helper()
	var d Decoder
	req := new(BidRequest)
	if err := d.Decode(body, req); err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	return req
}

// dump prints a request in full. Unlike reflect.DeepEqual it shows a nil
// and an empty slice alike, so a fresh and a reused request compare equal.
func dump(r *BidRequest) string {
	return fmt.Sprintf("%+v", *r)
}

func TestDecodeCorpusRequests(t *testing.T) {
	for _, f := range corpusFiles(t, "requests") {
		t.Run(f.name, func(t *testing.T) {
			var d Decoder
			var req BidRequest
			if err := d.Decode(f.body, &req); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if req.ID == "" || len(req.Imp) == 0 {
				t.Errorf("got id %q and %d imps, want both", req.ID, len(req.Imp))
			}
		})
	}
}

// TestDecodeReuse decodes every request into a Decoder and a BidRequest
// that last held the largest corpus request, and expects exactly what a
// fresh decode gives: resetting must leave nothing behind.
func TestDecodeReuse(t *testing.T) {
	big := corpusRequest(t, "14_")
	var d Decoder
	var req BidRequest
	for _, f := range corpusFiles(t, "requests") {
		t.Run(f.name, func(t *testing.T) {
			if err := d.Decode(big, &req); err != nil {
				t.Fatalf("Decode big: %v", err)
			}
			if err := d.Decode(f.body, &req); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got, want := dump(&req), dump(decodeFresh(t, f.body)); got != want {
				t.Errorf("reused decode differs from fresh:\ngot  %s\nwant %s", got, want)
			}
		})
	}
}

func TestDecodeCorpusQuirks(t *testing.T) {
	tests := []struct {
		name string
		file string
		got  func(r *BidRequest) any
		want any
	}{
		{"23 yob as string", "23_", func(r *BidRequest) any { return r.User.Yob }, 1984},
		{"24 boxingallowed true", "24_",
			func(r *BidRequest) any { return r.Imp[0].Video.BoxingAllowed }, 1},
		{"26 boxingallowed false", "26_",
			func(r *BidRequest) any { return r.Imp[0].Video.BoxingAllowed }, 0},
		{"24 privacypolicy true", "24_",
			func(r *BidRequest) any { return r.Site.PrivacyPolicy }, 1},
		{"24 protocol array folded", "24_",
			func(r *BidRequest) any { return r.Imp[0].Video.Protocols }, []int{2, 3}},
		{"25 protocol arrays folded", "25_", func(r *BidRequest) any {
			return [][]int{r.Imp[0].Video.Protocols, r.Imp[1].Video.Protocols,
				r.Imp[2].Video.Protocols}
		}, [][]int{{2, 3}, {2, 3}, {2, 3}}},
		{"26 protocol array folded", "26_",
			func(r *BidRequest) any { return r.Imp[0].Video.Protocols }, []int{2, 3}},
		{"12 protocol int merged with protocols", "12_",
			func(r *BidRequest) any { return r.Imp[1].Video.Protocols }, []int{2, 3}},
		{"12 duplicate companionad decodes", "12_", func(r *BidRequest) any {
			v := r.Imp[1].Video
			return []any{v.Present, v.Mimes, v.MaxDuration, v.API}
		}, []any{true, []string{"video/vp9"}, 60, []int{2}}},
		{"12 native string without assets", "12_", func(r *BidRequest) any {
			n := r.Imp[2].Native
			return []any{n.Present, n.Unreadable, len(n.Assets)}
		}, []any{true, false, 0}},
		{"13 native object without wrapper", "13_", func(r *BidRequest) any {
			n := r.Imp[2].Native
			return []any{n.Present, n.Unreadable, len(n.Assets), n.Ver}
		}, []any{true, false, 0, "1.0"}},
		{"14 native object with wrapper", "14_", func(r *BidRequest) any {
			return r.Imp[2].Native.Assets
		}, []NativeAsset{
			{ID: 1, Title: NativeTitle{Present: true, Len: 1}},
			{ID: 2, Img: NativeImage{Present: true, Type: 1, W: 1, H: 2, WMin: 2, HMin: 3}},
			{ID: 3, Video: NativeVideo{Present: true}},
			{ID: 4, Data: NativeData{Present: true, Type: 1, Len: 1}},
		}},
		{"18 native object with wrapper", "18_", func(r *BidRequest) any {
			return r.Imp[0].Native.Assets
		}, []NativeAsset{{
			ID:    9,
			Title: NativeTitle{Present: true, Len: 20},
			Img:   NativeImage{Present: true},
			Data:  NativeData{Present: true, Type: 5},
			Video: NativeVideo{Present: true},
		}}},
		{"18 all four media", "18_", func(r *BidRequest) any {
			m := r.Imp[0]
			return []bool{m.Banner.Present, m.Video.Present, m.Audio.Present, m.Native.Present}
		}, []bool{true, true, true, true}},
		{"17 native string with wrapper", "17_", func(r *BidRequest) any {
			n := r.Imp[0].Native
			return []any{n.Unreadable, len(n.Assets), n.Ver}
		}, []any{false, 0, "1.2"}},
		{"39 native string assets", "39_", func(r *BidRequest) any {
			n := r.Imp[0].Native
			return []any{n.Unreadable, len(n.Assets), n.Assets[0], n.Assets[3]}
		}, []any{false, 6,
			NativeAsset{ID: 1, Required: 1, Title: NativeTitle{Present: true, Len: 25}},
			NativeAsset{ID: 4, Required: 1,
				Img: NativeImage{Present: true, Type: 3, WMin: 1200, HMin: 627}},
		}},
		{"08 native string not JSON", "08_", func(r *BidRequest) any {
			n := r.Imp[0].Native
			return []any{n.Present, n.Unreadable, len(n.Assets), r.Imp[0].Problem()}
		}, []any{true, true, 0, ProblemNativeUnreadable}},
		{"11 native string prose", "11_", func(r *BidRequest) any {
			n := r.Imp[0].Native
			return []any{n.Unreadable, n.API, n.BAttr}
		}, []any{true, []int{3}, []int{13, 14}}},
		{"11 wseat and bseat", "11_", func(r *BidRequest) any {
			return [][]string{r.WSeat, r.BSeat}
		}, [][]string{{"771", "772"}, {"800", "773"}}},
		{"42 explicit nulls", "42_", func(r *BidRequest) any {
			m := r.Imp[0]
			return []any{m.Banner.Present, m.Native.Present, m.Video.Present,
				m.Video.Plcmt, m.BidFloor, r.Regs.GDPR}
		}, []any{false, false, true, 1, int64(1_000_000), 1}},
		{"43 imp ext array", "43_", func(r *BidRequest) any {
			m := r.Imp[0]
			return []any{m.Banner.W, m.Banner.H, m.TagID, m.Rwdd, r.User.Consent}
		}, []any{320, 50, "", 0, "consent-string"}},
		{"44 imp ext string", "44_",
			func(r *BidRequest) any { return r.Imp[0].Banner.Format },
			[]Format{{W: 300, H: 250}}},
		{"34 regs ext folded", "34_", func(r *BidRequest) any {
			return []any{r.Regs.GDPR, r.Regs.USPrivacy}
		}, []any{1, "1YYY"}},
		{"34 user ext folded", "34_", func(r *BidRequest) any {
			return []any{r.User.Consent, r.User.EIDs}
		}, []any{"some-consent-string", []EID{{Source: "source",
			UIDs: []UID{{ID: "1", AType: 1}, {ID: "1", AType: 1}}}}}},
		{"34 source ext schain folded", "34_",
			func(r *BidRequest) any { return r.Source.SChain },
			SChain{Present: true, Complete: 1, Ver: "2.0", Nodes: []SChainNode{
				{ASI: "whatever.com", SID: "1234", HP: 1, RID: "123-456-7890"}}}},
		{"34 is_rewarded_inventory folded", "34_",
			func(r *BidRequest) any { return r.Imp[0].Rwdd }, 1},
		{"34 2.6 fields", "34_", func(r *BidRequest) any {
			return []any{r.CatTax, r.Site.InventoryPartnerDomain}
		}, []any{20, "any-domain"}},
		{"33 us_privacy in both places", "33_", func(r *BidRequest) any {
			return []any{r.Regs.USPrivacy, r.Regs.GPPSID, r.Regs.GDPR}
		}, []any{"1YYY", []int{6}, -1}},
		{"15 user eids", "15_", func(r *BidRequest) any { return r.User.EIDs }, []EID{
			{Source: "source-1", UIDs: []UID{{ID: ""}, {ID: "id-a"}}},
			{Source: "source-2", UIDs: []UID{{ID: "id-b"}}},
			{Source: "source-3", UIDs: []UID{{ID: ""}, {ID: ""}}},
		}},
		{"35 source schain", "35_", func(r *BidRequest) any { return r.Source }, Source{
			Present: true, FD: 1, TID: "abc123", PChain: "tag_placement",
			SChain: SChain{Present: true, Complete: 1, Ver: "ver",
				Nodes: []SChainNode{{ASI: "asi", SID: "sid", RID: "rid"}}},
		}},
		{"06 GBP floors in micros", "06_", func(r *BidRequest) any {
			m := r.Imp[0]
			return []any{m.BidFloor, m.BidFloorCur, m.PMP.Deals[0].BidFloor,
				m.PMP.Deals[1].BidFloor, m.Qty.Multiplier, r.Cur}
		}, []any{int64(5_000_000), "GBP", int64(4_500_000), int64(3_000_000),
			int64(14_200_000), []string{"GBP"}}},
		{"07 GBP floor 4.8", "07_", func(r *BidRequest) any {
			return []int64{r.Imp[0].BidFloor, r.Imp[0].PMP.Deals[0].BidFloor}
		}, []int64{4_800_000, 4_500_000}},
		{"06 dooh", "06_", func(r *BidRequest) any { return r.DOOH }, DOOH{
			Present: true, ID: "15790", Name: "This", Domain: "global.com",
			Publisher: Publisher{Present: true, ID: "G1", Name: "Global"},
		}},
		{"19 ext.dooh folded", "19_", func(r *BidRequest) any {
			return []any{r.DOOH.Present, r.DOOH.ID, r.DOOH.Name, r.Site.Present, r.App.Present}
		}, []any{true, "1234567893-1", "dummyname", false, false}},
		{"40 RUB floor", "40_", func(r *BidRequest) any {
			return []any{r.Imp[0].BidFloor, r.Cur}
		}, []any{int64(10_000_000), []string{"RUB"}}},
		{"29 pod fields", "29_", func(r *BidRequest) any {
			v := r.Imp[1].Video
			return []any{v.PodID, v.PodSeq, v.SlotInPod}
		}, []any{"1", 1, -1}},
		{"30 rwdd", "30_", func(r *BidRequest) any { return r.Imp[0].Rwdd }, 1},
		{"36 out-of-range geo kept", "36_", func(r *BidRequest) any {
			return []float64{r.Device.Geo.Lat, r.Device.Geo.Lon}
		}, []float64{123.456, 678.9}},
		{"09 negative startdelay", "09_",
			func(r *BidRequest) any { return r.Imp[2].Video.StartDelay }, -2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := decodeFresh(t, corpusRequest(t, tt.file))
			if got := tt.got(req); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeCorpusInvalid(t *testing.T) {
	// Offsets of the .txt files agree with Python's json module (see
	// NOTES.md); the .json files are well formed.
	tests := map[string]struct {
		syntaxAt int    // offset of the SyntaxError; -1 when none
		msg      string // message of the SyntaxError; "" when not checked
		field    string // field of the ValidationError; "" when none
	}{
		"i01": {syntaxAt: 0},
		"i02": {syntaxAt: 412},
		"i03": {syntaxAt: 907},
		"i04": {syntaxAt: 1298},
		"i05": {syntaxAt: 2526},
		"i06": {syntaxAt: 0},
		"i07": {syntaxAt: 0, msg: msgTopLevel},
		"i08": {syntaxAt: 0, msg: msgTopLevel},
		"i09": {syntaxAt: -1, field: "regs.gdpr"},
		"i10": {syntaxAt: -1},
		"i11": {syntaxAt: -1, field: "tmax"},
		"i12": {syntaxAt: -1, field: "imp[1].id"},
		"i13": {syntaxAt: -1, field: "imp"},
		"i14": {syntaxAt: -1, field: "imp[0].banner"},
		"i15": {syntaxAt: -1, field: "app"},
		"i16": {syntaxAt: 614},
		"i17": {syntaxAt: -1, field: "id"},
	}
	for _, f := range corpusFiles(t, "invalid") {
		t.Run(f.name, func(t *testing.T) {
			want, ok := tests[f.name[:3]]
			if !ok {
				t.Fatalf("no expectation for %s", f.name)
			}
			var d Decoder
			var req BidRequest
			err := d.Decode(f.body, &req)
			var se *SyntaxError
			if want.syntaxAt >= 0 || strings.HasSuffix(f.name, ".txt") {
				if !errors.As(err, &se) {
					t.Fatalf("got error %v, want a SyntaxError", err)
				}
				if se.Offset != want.syntaxAt {
					t.Errorf("got offset %d, want %d (%v)", se.Offset, want.syntaxAt, err)
				}
				if want.msg != "" && se.Msg != want.msg {
					t.Errorf("got message %q, want %q", se.Msg, want.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			err = Validate(&req)
			if want.field == "" {
				if err != nil {
					t.Errorf("Validate: got %v, want nil", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate: got %v, want a ValidationError", err)
			}
			if ve.Field != want.field {
				t.Errorf("got field %q (%v), want %q", ve.Field, err, want.field)
			}
		})
	}
}

// TestDecodeConsentNumber pins what i10 decodes to: a number sent as
// user.ext.consent becomes its text, which the privacy layer then treats
// as unreadable consent.
func TestDecodeConsentNumber(t *testing.T) {
	var body []byte
	for _, f := range corpusFiles(t, "invalid") {
		if strings.HasPrefix(f.name, "i10_") {
			body = f.body
		}
	}
	if body == nil {
		t.Fatal("corpus file i10 missing")
	}
	req := decodeFresh(t, body)
	got, want := []any{req.User.Consent, req.Regs.GDPR}, []any{"1", 1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
