package openrtb

import (
	"strings"
	"testing"
)

// refSkip is the plain recursive skip that scanner.skip must agree with:
// one call per value, through refField and refElem.
func refSkip(s *scanner) {
	switch c := s.peek(); {
	case c == '{':
		if s.enter() {
			for i := 0; refField(s, i); i++ {
				refSkip(s)
			}
		}
	case c == '[':
		if s.enter() {
			for i := 0; refElem(s, i); i++ {
				refSkip(s)
			}
		}
	case c == '"':
		s.text()
	case c == 't' || c == 'f' || c == 'n':
		s.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	default:
		s.failHere(msgChar)
	}
}

// refField moves to the i-th key of an object as refSkip needs it.
func refField(s *scanner, i int) bool {
	c := s.peek()
	if c == '}' {
		s.pos++
		s.depth--
		return false
	}
	if i > 0 {
		if c != ',' {
			s.failHere(msgObjectNext)
			return false
		}
		s.pos++
		c = s.peek()
	}
	if c != '"' {
		s.failHere(msgKey)
		return false
	}
	s.key = s.text()
	if s.peek() != ':' {
		s.failHere(msgColon)
		return false
	}
	s.pos++
	return true
}

// refElem moves to the i-th element of an array as refSkip needs it.
func refElem(s *scanner, i int) bool {
	c := s.peek()
	if c == ']' {
		s.pos++
		s.depth--
		return false
	}
	if i > 0 {
		if c != ',' {
			s.failHere(msgArrayNext)
			return false
		}
		s.pos++
		c = s.peek()
	}
	if c == 0 {
		s.failHere(msgChar)
		return false
	}
	return true
}

// checkSkip skips the value at the start of data with both skips, the
// scanner already depth levels deep, and fails when they end at another
// offset or report another error.
func checkSkip(t *testing.T, data []byte, depth int) {
	t.Helper()
	got := scanner{buf: data, depth: depth}
	got.skip()
	want := scanner{buf: data, depth: depth}
	refSkip(&want)
	if got.pos != want.pos || got.errMsg != want.errMsg || got.errPos != want.errPos {
		t.Fatalf("skip of %q at depth %d: got pos %d, error %q at %d; want pos %d, error %q at %d",
			data, depth, got.pos, got.errMsg, got.errPos, want.pos, want.errMsg, want.errPos)
	}
	if want.errMsg == "" && got.depth != depth {
		t.Fatalf("skip of %q: got depth %d after it, want %d", data, got.depth, depth)
	}
}

func TestSkipMatchesRecursive(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, s := range []string{
		``, ` `, `x`, "\x00", `1`, `-`, `01`, `1.`, `1e+`, `-0.5e-3 `, `tru`, `true`, `nul`,
		`""`, `"a\"b\\"`, `"\u12"`, `"\u00e9"`, "\"a\x01\"", `"abc`, `"\x"`,
		`{}`, `[]`, `{ }`, `[ ]`, `{`, `[`, `{"a"}`, `{"a":}`, `{"a" 1}`, `{"a":1,}`,
		`{,}`, `[,]`, `[1,]`, `[1 2]`, `{"a":1 "b":2}`, `{a:1}`, `{"a":[{"b":{}}],"c":[[]]}`,
		`[{"a":"\uD83D\uDE00"},[true,false,null],-1,"x"]`, `{"a":1}}`, `[1]]`, `{"a":{"b":1}`,
		`{"a":[1}`, `[{"a":1]`, `{"a\\":1}`, `{"\q":1}`, "{\"a\":1\x00}",
		deep(1), deep(20), deep(63), deep(64), deep(65), `{"a":` + deep(63) + `}`,
	} {
		for _, depth := range []int{0, 1, 40, maxDepth - 1, maxDepth} {
			checkSkip(t, []byte(s), depth)
		}
	}
}

// TestSkipMatchesRecursiveCorpus compares the skips on the corpus, valid
// and invalid, on its files cut short and on its files with one byte
// replaced by a byte that matters to the grammar.
func TestSkipMatchesRecursiveCorpus(t *testing.T) {
	files := append(corpusFiles(t, "requests"), corpusFiles(t, "invalid")...)
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			checkSkip(t, f.body, 1)

			// Every cut of small files, a few hundred of large ones.
			step := max(1, len(f.body)/512)
			for n := 0; n < len(f.body); n += step {
				checkSkip(t, f.body[:n], 1)
			}

			step = max(1, len(f.body)/256)
			mutated := make([]byte, len(f.body))
			for k := 0; k < len(f.body); k += step {
				for _, b := range []byte("{}[],:\"\\ x0-\x01") {
					copy(mutated, f.body)
					mutated[k] = b
					checkSkip(t, mutated, 1)
				}
			}
		})
	}
}

// FuzzSkip compares the skips on arbitrary input and nesting depth.
func FuzzSkip(f *testing.F) {
	for _, sub := range []string{"requests", "invalid"} {
		for _, c := range corpusFiles(f, sub) {
			f.Add(c.body, uint8(1))
		}
	}
	f.Add([]byte(`{"a":[1,{"b":"\u00e9"}],"c":true}`), uint8(62))
	f.Fuzz(func(t *testing.T, data []byte, depth uint8) {
		checkSkip(t, data, int(depth)%(maxDepth+1))
	})
}
