package money

import (
	"math/big"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1.25", 1_250_000, true},
		{"0", 0, true},
		{"3", 3_000_000, true},
		{"0.000001", 1, true},
		{"0.0000019", 1, true},
		{"-0.5", -500_000, true},
		{"+2", 2_000_000, true},
		{".5", 500_000, true},
		{"5.", 5_000_000, true},
		{"2.5e-1", 250_000, true},
		{"1E2", 100_000_000, true},
		{"0.065445", 65_445, true},
		{"", 0, false},
		{"-", 0, false},
		{".", 0, false},
		{"1.2.3", 0, false},
		{"abc", 0, false},
		{"1,5", 0, false},
		{"1e", 0, false},
		{"NaN", 0, false},
		{"99999999999999999999", 0, false},
		{"1e400", 0, false},
		{"1.00000019e2", 100_000_019, true},
		{"1.000000019e2", 100_000_001, true},
		{"90000000000000e-2", 900_000_000_000 * Scale, true},
		{"9000000000000.999999", 9_000_000_000_000_999_999, true},
		{"9000000000001", 0, false},
		{"9.1e12", 0, false},
		{"1e-19", 0, true},
		{"0e9000000000000000", 0, true},
		{"0e-9000000000000000", 0, true},
		{"5e+2", 500 * Scale, true},
		{"1e+", 0, false},
		{"1e2.5", 0, false},
		{"1e99999999999999999999999", 0, false},
		{"1000000000000000000000e-20", 10 * Scale, true},
		{"12345678901234567890e-10", 1_234_567_890_123_456, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseString(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseString(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseUp(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2.5", 2_500_000, true},
		{"2.5000001", 2_500_001, true},
		{"2.50000000", 2_500_000, true},
		{"0.0000001", 1, true},
		{"0.8734521234", 873_453, true},
		{"25000001e-7", 2_500_001, true},
		{"2500000e-6", 2_500_000, true},
		{"1.00000019e2", 100_000_019, true},
		{"1.000000019e2", 100_000_002, true},
		{"3e-7", 1, true},
		{"0e9000000000000000", 0, true},
		{"9000000000000.999999", 9_000_000_000_000_999_999, true},
		{"9000000000000.9999991", 0, false},
		{"-0.0000019", -1, true},
		{"abc", 0, false},
		{"1e400", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseUp([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseUp(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAppendRoundTrip(t *testing.T) {
	for _, v := range []int64{0, 1, 10, 1_000_000, 1_250_000, 65_445, -500_000, 123_456_789} {
		s := Format(v)
		got, ok := ParseString(s)
		if !ok || got != v {
			t.Errorf("round trip %d -> %q -> %d, %v", v, s, got, ok)
		}
	}
	if got := Format(1_250_000); got != "1.25" {
		t.Errorf("Format(1250000) = %q; want 1.25", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1.25", "-0.5", "2e3", "0.0000001", "x", "1.000000019e2",
		"0e99999999999", "90000000000000e-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseString(s)
		if !ok {
			return
		}
		back, ok := ParseString(Format(v))
		if !ok || back != v {
			t.Fatalf("%q parsed to %d, formatted back to %d", s, v, back)
		}
		// Rounding up moves a positive price by at most one micro.
		// ParseUp refuses only a number it would round past the limit.
		up, upOK := ParseUp([]byte(s))
		if !upOK && v != maxMicros || upOK && (up < v || up > v+1 || v < 0 && up != v) {
			t.Fatalf("%q: ParseUp %d, %v against Parse %d", s, up, upOK, v)
		}
		want, cut, checked := exact(s)
		if !checked {
			return
		}
		wantUp := want
		if cut && !strings.HasPrefix(s, "-") {
			wantUp++
		}
		if v != want || upOK && up != wantUp {
			t.Fatalf("%q: Parse %d, ParseUp %d; math/big reads %d, %d", s, v, up, want, wantUp)
		}
	})
}

// exact reads s with math/big: micros truncated toward zero, and whether
// that cut a non-zero part. checked is false where math/big does not read
// s, or would take too long over its exponent.
func exact(s string) (micros int64, cut, checked bool) {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e < -400 || e > 400 {
			return 0, false, false
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false, false
	}
	r.Mul(r, big.NewRat(Scale, 1))
	q, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if !q.IsInt64() {
		return 0, false, false
	}
	return q.Int64(), rem.Sign() != 0, true
}
