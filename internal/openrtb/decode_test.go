package openrtb

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// decodeString decodes a request given as text, failing the test on error.
func decodeString(t *testing.T, body string) *BidRequest {
	t.Helper()
	return decodeFresh(t, []byte(body))
}

func TestDecodeScalars(t *testing.T) {
	tmax := func(r *BidRequest) any { return r.TMax }
	gdpr := func(r *BidRequest) any { return r.Regs.GDPR }
	sid := func(r *BidRequest) any { return r.Regs.GPPSID }
	id := func(r *BidRequest) any { return r.ID }
	cur := func(r *BidRequest) any { return r.Cur }
	floor := func(r *BidRequest) any { return r.Imp[0].BidFloor }
	lat := func(r *BidRequest) any { return r.Device.Geo.Lat }
	tests := []struct {
		name string
		body string
		got  func(*BidRequest) any
		want any
	}{
		{"int", `{"tmax":120}`, tmax, 120},
		{"int negative", `{"tmax":-3}`, tmax, -3},
		{"int fraction truncated", `{"tmax":120.9}`, tmax, 120},
		{"int negative fraction", `{"tmax":-1.5}`, tmax, -1},
		{"int exponent", `{"tmax":1e3}`, tmax, 1000},
		{"int string", `{"tmax":"300"}`, tmax, 300},
		{"int fractional string", `{"tmax":"12.7"}`, tmax, 12},
		{"int escaped string", `{"tmax":"\u0031\u0032"}`, tmax, 12},
		{"int true", `{"tmax":true}`, tmax, 1},
		{"int false", `{"tmax":false}`, tmax, 0},
		{"int null", `{"tmax":null}`, tmax, 0},
		{"int object", `{"tmax":{"a":1}}`, tmax, 0},
		{"int array", `{"tmax":[1]}`, tmax, 0},
		{"int text", `{"tmax":"soon"}`, tmax, 0},
		{"int too large", `{"tmax":1e300}`, tmax, 0},
		{"gdpr absent", `{"regs":{}}`, gdpr, -1},
		{"gdpr no regs", `{}`, gdpr, -1},
		{"gdpr null", `{"regs":{"gdpr":null}}`, gdpr, -1},
		{"gdpr string", `{"regs":{"gdpr":"1"}}`, gdpr, 1},
		{"gdpr zero", `{"regs":{"gdpr":0}}`, gdpr, 0},
		{"gdpr object", `{"regs":{"gdpr":{}}}`, gdpr, -1},
		{"ints single value", `{"regs":{"gpp_sid":6}}`, sid, []int{6}},
		{"ints mixed", `{"regs":{"gpp_sid":[6,"7",true,null,{},[8],2.5,"x"]}}`,
			sid, []int{6, 7, 1, 2}},
		{"ints text", `{"regs":{"gpp_sid":"x"}}`, sid, []int(nil)},
		{"string number", `{"id":123}`, id, "123"},
		{"string number text kept", `{"id":-1.50e3}`, id, "-1.50e3"},
		{"string true", `{"id":true}`, id, "true"},
		{"string false", `{"id":false}`, id, "false"},
		{"string null", `{"id":null}`, id, ""},
		{"string object", `{"id":{"a":"b"}}`, id, ""},
		{"string array", `{"id":["a"]}`, id, ""},
		{"string escapes", `{"id":"a\"b\\c\/d\u00e9\n\t\r\b\f"}`, id,
			"a\"b\\c/d\u00e9\n\t\r\b\f"},
		{"string surrogate pair", `{"id":"\ud83d\ude00"}`, id, "\U0001F600"},
		{"string lone surrogate", `{"id":"\ud800x\udc00"}`, id, "\uFFFDx\uFFFD"},
		{"string invalid utf-8 kept", "{\"id\":\"a\xff\xfeb\"}", id, "a\xff\xfeb"},
		{"strings single", `{"cur":"EUR"}`, cur, []string{"EUR"}},
		{"strings mixed", `{"cur":["USD",1,null,{},"",false]}`, cur,
			[]string{"USD", "1", "", "false"}},
		{"strings object", `{"cur":{"a":"USD"}}`, cur, []string(nil)},
		{"money", `{"imp":[{"bidfloor":1.25}]}`, floor, int64(1_250_000)},
		{"money string", `{"imp":[{"bidfloor":"0.5"}]}`, floor, int64(500_000)},
		{"money smallest", `{"imp":[{"bidfloor":0.000001}]}`, floor, int64(1)},
		{"floor rounded up", `{"imp":[{"bidfloor":1.0000011}]}`, floor, int64(1_000_002)},
		{"money exponent", `{"imp":[{"bidfloor":2e-1}]}`, floor, int64(200_000)},
		{"money bool", `{"imp":[{"bidfloor":true}]}`, floor, int64(0)},
		{"money text", `{"imp":[{"bidfloor":"cheap"}]}`, floor, int64(0)},
		{"float", `{"device":{"geo":{"lat":51.5}}}`, lat, 51.5},
		{"float string", `{"device":{"geo":{"lat":"-0.25"}}}`, lat, -0.25},
		{"float text", `{"device":{"geo":{"lat":"north"}}}`, lat, 0.0},
		{"float out of range", `{"device":{"geo":{"lat":1e400}}}`, lat, 0.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(decodeString(t, tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeStructure(t *testing.T) {
	tests := []struct {
		name string
		body string
		got  func(*BidRequest) any
		want any
	}{
		{"object as array is absent", `{"site":[]}`,
			func(r *BidRequest) any { return r.Site.Present }, false},
		{"object as string is absent", `{"site":"x"}`,
			func(r *BidRequest) any { return r.Site.Present }, false},
		{"object null is absent", `{"app":null}`,
			func(r *BidRequest) any { return r.App.Present }, false},
		{"empty object is present", `{"app":{}}`,
			func(r *BidRequest) any { return r.App.Present }, true},
		{"duplicate scalar last wins", `{"tmax":1,"tmax":2}`,
			func(r *BidRequest) any { return r.TMax }, 2},
		{"duplicate object last wins", `{"site":{"id":"a"},"site":null}`,
			func(r *BidRequest) any { return r.Site }, Site{}},
		{"duplicate array last wins", `{"imp":[{"id":"1"},{"id":"2"}],"imp":[{"id":"3"}]}`,
			func(r *BidRequest) any { return []any{len(r.Imp), r.Imp[0].ID} },
			[]any{1, "3"}},
		{"non-object list elements dropped", `{"imp":[1,{"id":"a"},null,"x",{"id":"b"}]}`,
			func(r *BidRequest) any { return []string{r.Imp[0].ID, r.Imp[1].ID} },
			[]string{"a", "b"}},
		{"list as object is empty", `{"imp":{"id":"a"}}`,
			func(r *BidRequest) any { return len(r.Imp) }, 0},
		{"escaped key", `{"t\u006dax":5}`,
			func(r *BidRequest) any { return r.TMax }, 5},
		{"unknown nested skipped", `{"x":{"y":[1,{"z":[true,null,"s\"]"]}]},"tmax":7}`,
			func(r *BidRequest) any { return r.TMax }, 7},
		{"whitespace everywhere", " \t\r\n{ \"tmax\" :\n 9 , \"id\" : \"a\" } \n",
			func(r *BidRequest) any { return []any{r.TMax, r.ID} }, []any{9, "a"}},
		{"protocol int alone", `{"imp":[{"video":{"protocol":3}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Video.Protocols }, []int{3}},
		{"protocol merged without repeats",
			`{"imp":[{"video":{"protocol":[3,5],"protocols":[2,3]}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Video.Protocols }, []int{2, 3, 5}},
		{"boxingallowed absent", `{"imp":[{"video":{}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Video.BoxingAllowed }, 1},
		{"boxingallowed null", `{"imp":[{"video":{"boxingallowed":null}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Video.BoxingAllowed }, 1},
		{"boxingallowed zero", `{"imp":[{"video":{"boxingallowed":0}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Video.BoxingAllowed }, 0},
		{"qty multiplier", `{"imp":[{"qty":{"multiplier":"2.5"}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Qty },
			Qty{Present: true, Multiplier: 2_500_000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(decodeString(t, tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeNativeRequest(t *testing.T) {
	type result struct {
		Unreadable bool
		Assets     int
	}
	tests := []struct {
		name    string
		request string // JSON value of native.request
		want    result
	}{
		{"string", `"{\"assets\":[{\"id\":1},{\"id\":2}]}"`, result{false, 2}},
		{"string with wrapper", `"{\"native\":{\"assets\":[{\"id\":1}]}}"`, result{false, 1}},
		{"string with inner escapes", `"{\"assets\":[{\"id\":\"\\u0037\",\"title\":{}}]}"`,
			result{false, 1}},
		{"object", `{"assets":[{"id":1}]}`, result{false, 1}},
		{"object with wrapper", `{"native":{"assets":[{"id":1},{"id":2}]}}`, result{false, 2}},
		{"object without assets", `{"ver":"1.2"}`, result{false, 0}},
		{"null", `null`, result{false, 0}},
		{"string prose", `"see the spec"`, result{true, 0}},
		{"empty string", `""`, result{true, 0}},
		{"string broken JSON", `"{\"assets\":[{\"id\":1}"`, result{true, 0}},
		{"string trailing garbage", `"{\"assets\":[{\"id\":1}]} x"`, result{true, 0}},
		{"string not an object", `"[1]"`, result{true, 0}},
		{"number", `12`, result{true, 0}},
		{"array", `[{"assets":[]}]`, result{true, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"id":"r","imp":[{"id":"1","native":{"request":` + tt.request +
				`,"ver":"1.2"}}],"tmax":5}`
			req := decodeString(t, body)
			n := req.Imp[0].Native
			got := result{n.Unreadable, len(n.Assets)}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			// The outer scan must resume intact after the embedded one.
			if n.Ver != "1.2" || req.TMax != 5 {
				t.Errorf("got ver %q tmax %d after request, want 1.2 and 5", n.Ver, req.TMax)
			}
		})
	}
}

func TestDecodeExtFolding(t *testing.T) {
	tests := []struct {
		name string
		body string
		got  func(*BidRequest) any
		want any
	}{
		{"us_privacy 2.6 wins", `{"regs":{"us_privacy":"1YNN","ext":{"us_privacy":"1YYY"}}}`,
			func(r *BidRequest) any { return r.Regs.USPrivacy }, "1YNN"},
		{"us_privacy 2.6 wins ext first",
			`{"regs":{"ext":{"us_privacy":"1YYY"},"us_privacy":"1YNN"}}`,
			func(r *BidRequest) any { return r.Regs.USPrivacy }, "1YNN"},
		{"gdpr 2.6 zero wins", `{"regs":{"ext":{"gdpr":1},"gdpr":0}}`,
			func(r *BidRequest) any { return r.Regs.GDPR }, 0},
		{"gdpr 2.6 null uses ext", `{"regs":{"ext":{"gdpr":1},"gdpr":null}}`,
			func(r *BidRequest) any { return r.Regs.GDPR }, 1},
		{"gpp from ext", `{"regs":{"ext":{"gpp":"DBA","gpp_sid":[2,6]}}}`,
			func(r *BidRequest) any { return []any{r.Regs.GPP, r.Regs.GPPSID} },
			[]any{"DBA", []int{2, 6}}},
		{"gpp_sid 2.6 wins", `{"regs":{"gpp_sid":[7],"ext":{"gpp_sid":[2,6]}}}`,
			func(r *BidRequest) any { return r.Regs.GPPSID }, []int{7}},
		{"consent 2.6 wins", `{"user":{"ext":{"consent":"old"},"consent":"new"}}`,
			func(r *BidRequest) any { return r.User.Consent }, "new"},
		{"eids 2.6 wins", `{"user":{"eids":[{"source":"a"}],"ext":{"eids":[{"source":"b"}]}}}`,
			func(r *BidRequest) any { return r.User.EIDs }, []EID{{Source: "a"}}},
		{"eids from ext",
			`{"user":{"ext":{"eids":[{"source":"b","uids":[{"id":"x","atype":3}]}]}}}`,
			func(r *BidRequest) any { return r.User.EIDs },
			[]EID{{Source: "b", UIDs: []UID{{ID: "x", AType: 3}}}}},
		{"schain 2.6 wins", `{"source":{"ext":{"schain":{"ver":"old"}},"schain":{"ver":"new"}}}`,
			func(r *BidRequest) any { return r.Source.SChain.Ver }, "new"},
		{"rwdd 2.6 zero wins", `{"imp":[{"rwdd":0,"ext":{"rwdd":1}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Rwdd }, 0},
		{"rwdd ext before prebid",
			`{"imp":[{"ext":{"prebid":{"is_rewarded_inventory":0},"rwdd":1}}]}`,
			func(r *BidRequest) any { return r.Imp[0].Rwdd }, 1},
		{"dooh 2.6 wins", `{"ext":{"dooh":{"id":"old"}},"dooh":{"id":"new"}}`,
			func(r *BidRequest) any { return r.DOOH.ID }, "new"},
		{"dooh from ext", `{"ext":{"dooh":{"id":"x","name":"n"}}}`,
			func(r *BidRequest) any { return []any{r.DOOH.Present, r.DOOH.ID, r.DOOH.Name} },
			[]any{true, "x", "n"}},
		{"later ext replaces earlier", `{"user":{"ext":{"consent":"a"},"ext":{}}}`,
			func(r *BidRequest) any { return r.User.Consent }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(decodeString(t, tt.body)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeSyntaxErrors(t *testing.T) {
	deep := `{"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`
	tests := []struct {
		name   string
		body   string
		offset int
		msg    string
	}{
		{"empty", ``, 0, msgEOF},
		{"blank", "  \n", 3, msgEOF},
		{"null", `null`, 0, msgTopLevel},
		{"string", `"malformed"`, 0, msgTopLevel},
		{"array", `[{}]`, 0, msgTopLevel},
		{"byte order mark", "\xef\xbb\xbf{}", 0, msgTopLevel},
		{"trailing data", `{"a":1}x`, 7, msgTrailing},
		{"two objects", `{} {}`, 3, msgTrailing},
		{"truncated", `{"a":1`, 6, msgEOF},
		{"truncated string", `{"a":"b`, 7, msgEOF},
		{"missing colon", `{"a" 1}`, 5, msgColon},
		{"bare key", `{a:1}`, 1, msgKey},
		{"trailing comma", `{"a":1,}`, 7, msgKey},
		{"array trailing comma", `{"a":[1,]}`, 8, msgChar},
		{"missing comma", `{"a":1 "b":2}`, 7, msgObjectNext},
		{"array missing comma", `{"a":[1 2]}`, 8, msgArrayNext},
		{"leading zero", `{"a":01}`, 6, msgObjectNext},
		{"bad fraction", `{"a":1.}`, 5, msgNumber},
		{"bad exponent", `{"a":1e+}`, 5, msgNumber},
		{"lone minus", `{"a":-}`, 5, msgNumber},
		{"plus sign", `{"a":+1}`, 5, msgChar},
		{"bad literal", `{"a":tru}`, 5, msgLiteral},
		{"bad escape", `{"a":"\x"}`, 6, msgEscape},
		{"short unicode escape", `{"a":"\u12"}`, 6, msgEscape},
		{"control character", "{\"a\":\"b\nc\"}", 7, msgControl},
		{"comment", "{// c\n}", 1, msgKey},
		{"too deep", deep, 68, msgTooDeep},
		{"error in known field", `{"imp":[{"id":"1",}]}`, 18, msgKey},
		{"error in native object", `{"imp":[{"native":{"request":{"a":}}}]}`, 34, msgChar},
		{"error in native string is kept", `{"imp":[{"native":{"request":"x\"}}]}`, 37, msgEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			var req BidRequest
			err := d.Decode([]byte(tt.body), &req)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("got %v, want a SyntaxError", err)
			}
			if got, want := *se, (SyntaxError{Offset: tt.offset, Msg: tt.msg}); got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	// The top-level object is one level, so 63 nested arrays reach the
	// limit of 64 exactly.
	ok := `{"x":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `,"tmax":1}`
	if got := decodeString(t, ok).TMax; got != 1 {
		t.Errorf("got tmax %d, want 1", got)
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	err := &SyntaxError{Offset: 12, Msg: msgEscape}
	if got, want := err.Error(), "json syntax error at byte 12: invalid escape"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestDecodeAllocs asserts the zero-allocation promise for banner
// requests: with a warm Decoder and BidRequest, decoding allocates
// nothing.
func TestDecodeAllocs(t *testing.T) {
	var d Decoder
	var req BidRequest
	n := 0
	for _, f := range corpusFiles(t, "requests") {
		if err := d.Decode(f.body, &req); err != nil {
			t.Fatalf("%s: Decode: %v", f.name, err)
		}
		if !bannerOnly(&req) {
			continue
		}
		n++
		t.Run(f.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				if err := d.Decode(f.body, &req); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("got %v allocations per decode, want 0", allocs)
			}
		})
	}
	if n < 20 {
		t.Errorf("got %d banner-only requests in the corpus, want at least 20", n)
	}
}

// bannerOnly reports whether every impression of r offers a banner and
// nothing else.
func bannerOnly(r *BidRequest) bool {
	for i := range r.Imp {
		m := &r.Imp[i]
		if !m.Banner.Present || m.Video.Present || m.Audio.Present || m.Native.Present {
			return false
		}
	}
	return len(r.Imp) > 0
}
