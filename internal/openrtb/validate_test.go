package openrtb

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// manyImps returns the JSON of n banner impressions with ids "0" to
// "n-1", then one more with id dup.
func manyImps(n int, dup string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`{"id":"` + strconv.Itoa(i) + `","banner":{"w":1,"h":1}},`)
	}
	b.WriteString(`{"id":"` + dup + `","banner":{"w":1,"h":1}}`)
	return b.String()
}

func TestValidate(t *testing.T) {
	const banner = `"banner":{"w":300,"h":250}`
	tests := []struct {
		name string
		body string
		want string // the error's text; "" when valid
	}{
		{"valid", `{"id":"r","imp":[{"id":"1",` + banner + `}]}`, ""},
		{"missing id", `{"imp":[{"id":"1",` + banner + `}]}`, "id: required"},
		{"negative tmax", `{"id":"r","tmax":-2,"imp":[{"id":"1",` + banner + `}]}`,
			"tmax: negative: -2"},
		{"zero tmax", `{"id":"r","tmax":0,"imp":[{"id":"1",` + banner + `}]}`, ""},
		{"no imp", `{"id":"r"}`, "imp: at least one required"},
		{"empty imp", `{"id":"r","imp":[]}`, "imp: at least one required"},
		{"imp without id", `{"id":"r","imp":[{"id":"1",` + banner + `},{` + banner + `}]}`,
			"imp[1].id: required"},
		{"duplicate imp id", `{"id":"r","imp":[{"id":"1",` + banner + `},{"id":"1",` +
			banner + `}]}`, `imp[1].id: duplicate "1"`},
		{"duplicate among many imps", `{"id":"r","imp":[` + manyImps(40, "17") + `]}`,
			`imp[40].id: duplicate "17"`},
		{"floor of text", `{"id":"r","imp":[{"id":"1","bidfloor":"cheap",` + banner + `}]}`,
			"imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"floor of bool", `{"id":"r","imp":[{"id":"1","bidfloor":true,` + banner + `}]}`,
			"imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"floor beyond int64 micros", `{"id":"r","imp":[{"id":"1","bidfloor":1e999999,` +
			banner + `}]}`, "imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"floor of long digits", `{"id":"r","imp":[{"id":"1",` +
			`"bidfloor":"99999999999999999999999",` + banner + `}]}`,
			"imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"deal floor of text", `{"id":"r","imp":[{"id":"1",` + banner +
			`,"pmp":{"deals":[{"id":"a","bidfloor":1},{"id":"b","bidfloor":"x"}]}}]}`,
			"imp[0].pmp.deals[1].bidfloor: not a price (a number from 0 to 9e12)"},
		{"floor of zero with a huge exponent", `{"id":"r","imp":[{"id":"1",` +
			`"bidfloor":0e9000000000000000,` + banner + `}]}`, ""},
		{"floor of one with a huge exponent", `{"id":"r","imp":[{"id":"1",` +
			`"bidfloor":1e9000000000000000,` + banner + `}]}`,
			"imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"negative floor", `{"id":"r","imp":[{"id":"1","bidfloor":-1,` + banner + `}]}`,
			"imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"negative floor as text", `{"id":"r","imp":[{"id":"1","bidfloor":"-0.5",` + banner +
			`}]}`, "imp[0].bidfloor: not a price (a number from 0 to 9e12)"},
		{"floor rounding up to zero", `{"id":"r","imp":[{"id":"1","bidfloor":-0.0000001,` +
			banner + `}]}`, ""},
		{"null floor", `{"id":"r","imp":[{"id":"1","bidfloor":null,` + banner + `}]}`, ""},
		{"empty floor", `{"id":"r","imp":[{"id":"1","bidfloor":"",` + banner + `}]}`, ""},
		{"many distinct imps", `{"id":"r","imp":[` + manyImps(40, "x") + `]}`, ""},
		{"site and app", `{"id":"r","site":{},"app":{},"imp":[{"id":"1",` + banner + `}]}`,
			"app: not allowed with site"},
		{"app and dooh", `{"id":"r","app":{},"dooh":{},"imp":[{"id":"1",` + banner + `}]}`,
			"dooh: not allowed with app"},
		{"dooh alone", `{"id":"r","dooh":{},"imp":[{"id":"1",` + banner + `}]}`, ""},
		{"gdpr 2", `{"id":"r","regs":{"gdpr":2},"imp":[{"id":"1",` + banner + `}]}`,
			"regs.gdpr: not 0 or 1: 2"},
		{"gdpr 2 in ext", `{"id":"r","regs":{"ext":{"gdpr":2}},"imp":[{"id":"1",` +
			banner + `}]}`, "regs.gdpr: not 0 or 1: 2"},
		{"gdpr 0", `{"id":"r","regs":{"gdpr":0},"imp":[{"id":"1",` + banner + `}]}`, ""},
		{"only imp has no media", `{"id":"r","imp":[{"id":"1"}]}`,
			"imp[0]: no impression can be bid on: no_media"},
		{"only imp banner without size", `{"id":"r","imp":[{"id":"1","banner":{}}]}`,
			"imp[0].banner: no impression can be bid on: banner_no_size"},
		{"only imp native unreadable is a no-bid, not a rejection",
			`{"id":"r","imp":[{"id":"1","native":{"request":"prose"}}]}`, ""},
		{"one bad imp of two is skipped, not rejected",
			`{"id":"r","imp":[{"id":"1","banner":{}},{"id":"2",` + banner + `}]}`, ""},
	}
	// One Checker goes through all the cases, as a bidder's does.
	var c Checker
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := decodeString(t, tt.body)
			err := Validate(req)
			ok := c.Check(req)
			if tt.want == "" {
				if err != nil || !ok {
					t.Errorf("got %v (Check %v, %v), want nil", err, ok, c.Err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a ValidationError", err)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := c.Err.Error(); ok || got != tt.want {
				t.Errorf("Check: got %v, %q; want false, %q", ok, got, tt.want)
			}
			if len(req.Imp) > smallImpCount {
				return // the duplicate check makes a map
			}
			allocs := testing.AllocsPerRun(20, func() { c.Check(req) })
			if allocs != 0 {
				t.Errorf("Check allocates %v times per rejection once warm, want 0", allocs)
			}
			if got := c.Err.Error(); got != tt.want {
				t.Errorf("Check again: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestImpProblem(t *testing.T) {
	tests := []struct {
		name string
		imp  string
		want string
	}{
		{"banner w h", `{"banner":{"w":300,"h":250}}`, ""},
		{"banner format", `{"banner":{"format":[{"w":0,"h":0},{"w":320,"h":50}]}}`, ""},
		{"banner ratio format", `{"banner":{"format":[{"wratio":16,"hratio":9,"wmin":300}]}}`, ""},
		{"banner width only", `{"banner":{"w":300}}`, ProblemBannerNoSize},
		{"banner empty format", `{"banner":{"format":[{}]}}`, ProblemBannerNoSize},
		{"banner without size beside video", `{"banner":{},"video":{}}`, ""},
		{"banner without size beside native", `{"banner":{},"native":{"request":{}}}`, ""},
		{"banner without size beside bad native",
			`{"banner":{},"native":{"request":"x"}}`, ProblemBannerNoSize},
		{"video", `{"video":{"mimes":["video/mp4"]}}`, ""},
		{"audio", `{"audio":{}}`, ""},
		{"native", `{"native":{"request":"{}"}}`, ""},
		{"native unreadable", `{"native":{"request":"x"}}`, ProblemNativeUnreadable},
		{"native unreadable beside audio", `{"native":{"request":"x"},"audio":{}}`, ""},
		{"no media", `{"id":"1"}`, ProblemNoMedia},
		{"null media", `{"banner":null,"native":null}`, ProblemNoMedia},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := decodeString(t, `{"imp":[`+tt.imp+`]}`)
			if got := req.Imp[0].Problem(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestValidateAllocs asserts that validating a good request allocates
// nothing.
func TestValidateAllocs(t *testing.T) {
	req := decodeFresh(t, corpusRequest(t, "09_"))
	allocs := testing.AllocsPerRun(100, func() {
		if err := Validate(req); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
}
