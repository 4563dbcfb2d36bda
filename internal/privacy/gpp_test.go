package privacy

import (
	"strings"
	"testing"
)

// putFibonacci writes v (at least 1) as a Fibonacci code: greedy from the
// largest weight, then the closing 1.
func (b *bitString) putFibonacci(v int) {
	weights := []int{1, 2}
	for weights[len(weights)-1] <= v {
		weights = append(weights, weights[len(weights)-1]+weights[len(weights)-2])
	}
	code := make([]byte, len(weights))
	for i := range code {
		code[i] = '0'
	}
	last := 0
	for i := len(weights) - 1; i >= 0 && v > 0; i-- {
		if weights[i] <= v {
			v -= weights[i]
			code[i] = '1'
			last = max(last, i)
		}
	}
	b.WriteString(string(code[:last+1]))
	b.WriteByte('1')
}

// encodeGPPHeader builds a GPP header listing ids (ascending); runs of
// consecutive ids become one group.
func encodeGPPHeader(ids []int) string {
	type run struct{ start, end int }
	var runs []run
	for _, id := range ids {
		if n := len(runs); n > 0 && runs[n-1].end == id-1 {
			runs[n-1].end = id
			continue
		}
		runs = append(runs, run{start: id, end: id})
	}

	var b bitString
	b.put(3, 6) // header type
	b.put(1, 6) // GPP version
	b.put(int64(len(runs)), 12)
	last := 0
	for _, r := range runs {
		b.flag(r.start != r.end)
		b.putFibonacci(r.start - last)
		if r.start != r.end {
			b.putFibonacci(r.end - r.start)
		}
		last = r.end
	}
	return b.base64url()
}

// gppString joins a header for ids with the section texts.
func gppString(ids []int, sections ...string) string {
	return strings.Join(append([]string{encodeGPPHeader(ids)}, sections...), "~")
}

// TestEncodeGPPHeader pins the test encoder to the header examples of the
// GPP consent string specification.
func TestEncodeGPPHeader(t *testing.T) {
	tests := []struct {
		ids  []int
		want string
	}{
		{ids: []int{2}, want: "DBABM"},
		{ids: []int{2, 6}, want: "DBACNY"},
		{ids: []int{5, 6}, want: "DBABjw"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := encodeGPPHeader(tt.ids); got != tt.want {
				t.Errorf("encodeGPPHeader(%v) = %q, want %q", tt.ids, got, tt.want)
			}
		})
	}
}

func TestReadGPP(t *testing.T) {
	tcf := consentString([]int{1, 2, 3, 4})
	tests := []struct {
		name string
		gpp  string
		want gppInfo
	}{
		{name: "empty", gpp: "", want: gppInfo{}},
		{name: "spec example with trailing zero character",
			gpp: "DBACNYA~" + tcf + "~1YNN",
			want: gppInfo{present: true, readable: true, listed: 1<<2 | 1<<6,
				tcf: tcf, hasTCF: true, usp: "1YNN", hasUSP: true}},
		{name: "group of sections", gpp: gppString([]int{5, 6}, "x", "1NYN"),
			want: gppInfo{present: true, readable: true, listed: 1<<5 | 1<<6,
				usp: "1NYN", hasUSP: true}},
		{name: "US sections", gpp: gppString([]int{7, 8, 9, 10}, "a", "b", "c", "d"),
			want: gppInfo{present: true, readable: true, listed: 0xf << 7}},
		{name: "high id", gpp: gppString([]int{6, 70}, "1---", "z"),
			want: gppInfo{present: true, readable: true, listed: 1<<6 | 1<<63,
				usp: "1---", hasUSP: true}},
		{name: "section text missing", gpp: gppString([]int{2, 6}, tcf),
			want: gppInfo{present: true, readable: true, listed: 1<<2 | 1<<6,
				tcf: tcf, hasTCF: true}},
		{name: "header only", gpp: encodeGPPHeader([]int{6}),
			want: gppInfo{present: true, readable: true, listed: 1 << 6, hasUSP: true}},
		{name: "TCF section keeps its segments", gpp: gppString([]int{2}, tcf+".QA"),
			want: gppInfo{present: true, readable: true, listed: 1 << 2,
				tcf: tcf + ".QA", hasTCF: true}},
		{name: "not a header", gpp: "header~1YNN", want: gppInfo{present: true}},
		{name: "TCF string instead of GPP", gpp: tcf, want: gppInfo{present: true}},
		{name: "cut header", gpp: "DBAC~" + tcf, want: gppInfo{present: true}},
		{name: "bad character", gpp: "DB!CNYA~x", want: gppInfo{present: true}},
		{name: "too long header", gpp: "DBAB" + strings.Repeat("A", 80) + "~x",
			want: gppInfo{present: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := readGPP(tt.gpp); got != tt.want {
				t.Errorf("readGPP(%q) =\n%+v, want\n%+v", tt.gpp, got, tt.want)
			}
		})
	}
}

func TestFibonacci(t *testing.T) {
	for v := 1; v < 2000; v++ {
		var b bitString
		b.putFibonacci(v)
		b.put(5, 3) // trailing bits the reader must leave alone
		var r bitReader
		if !r.fill(b.base64url(), 64) {
			t.Fatalf("fill failed for %d", v)
		}
		got, ok := r.fibonacci()
		if !ok || got != v {
			t.Fatalf("fibonacci() = %d, %v, want %d", got, ok, v)
		}
		if rest, _ := r.read(3); rest != 5 {
			t.Fatalf("after %d: next bits = %b, want 101", v, rest)
		}
	}
}

func TestFibonacciTooLong(t *testing.T) {
	var r bitReader
	// 60 zero bits never close a code.
	if !r.fill("AAAAAAAAAA", 64) {
		t.Fatal("fill failed")
	}
	if got, ok := r.fibonacci(); ok {
		t.Errorf("fibonacci() = %d, true, want failure", got)
	}
}

func TestSectionsOf(t *testing.T) {
	tests := []struct {
		name string
		ids  []int
		want sectionSet
	}{
		{name: "none", ids: nil, want: 0},
		{name: "negative dropped", ids: []int{-1, 2}, want: 1 << 2},
		{name: "zero kept", ids: []int{0}, want: 1},
		{name: "62 is its own bit", ids: []int{62}, want: 1 << 62},
		{name: "63 and up share a bit", ids: []int{63, 1000}, want: 1 << 63},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sectionsOf(tt.ids); got != tt.want {
				t.Errorf("sectionsOf(%v) = %x, want %x", tt.ids, got, tt.want)
			}
		})
	}
}
