package openrtb

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds how deeply objects and arrays may nest. Skipping an
// unknown value recurses once per level, so without a bound a hostile body
// of nested brackets could exhaust the goroutine stack. Real bid requests
// nest fewer than ten levels.
const maxDepth = 64

// Syntax error messages. They are constants so that reporting an error in
// an embedded native request, which is then thrown away, costs nothing.
const (
	msgEOF        = "unexpected end of input"
	msgChar       = "invalid character"
	msgKey        = "expected string key"
	msgColon      = "expected colon after key"
	msgObjectNext = "expected comma or closing brace"
	msgArrayNext  = "expected comma or closing bracket"
	msgEscape     = "invalid escape"
	msgControl    = "control character in string"
	msgNumber     = "invalid number"
	msgLiteral    = "invalid literal"
	msgTooDeep    = "nesting too deep"
	msgTopLevel   = "top level is not an object"
	msgTrailing   = "trailing data after top-level value"
)

// scanner walks one JSON text. It checks the whole grammar even where the
// decoder ignores values, so that every syntax error is reported.
//
// After the first error the scanner jumps to the end of its input, so every
// loop sees the end and stops; only the first error is kept.
type scanner struct {
	buf   []byte
	pos   int
	depth int

	errMsg string // first error; "" while none
	errPos int    // byte offset of the first error

	// key is the object key that field last read. It points into the
	// body, or into scratch when the key had escapes.
	key string

	scratch []byte // unescaped strings; strings returned may point into it
}

// fail records the first error at offset at and stops the scan.
func (s *scanner) fail(at int, msg string) {
	if s.errMsg == "" {
		s.errMsg, s.errPos = msg, at
	}
	s.pos = len(s.buf)
}

// failHere records msg at the current position, or the end of input when
// the scan ran out of bytes.
func (s *scanner) failHere(msg string) {
	if s.pos >= len(s.buf) {
		msg = msgEOF
	}
	s.fail(s.pos, msg)
}

// peek skips whitespace and returns the next byte without consuming it,
// or 0 at the end of input.
func (s *scanner) peek() byte {
	buf, i := s.buf, s.pos
	for ; i < len(buf); i++ {
		// Every byte above the space is a token; test that first.
		if c := buf[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			s.pos = i
			return c
		}
	}
	s.pos = i
	return 0
}

// object enters the object that starts at the next value. When that value
// is not an object it is skipped and object reports false: a field of the
// wrong kind is absent, never an error.
func (s *scanner) object() bool {
	if s.peek() != '{' {
		s.skip()
		return false
	}
	return s.enter()
}

// array is object for arrays.
func (s *scanner) array() bool {
	if s.peek() != '[' {
		s.skip()
		return false
	}
	return s.enter()
}

// enter consumes an opening bracket, keeping the nesting bound.
func (s *scanner) enter() bool {
	if s.depth >= maxDepth {
		s.failHere(msgTooDeep)
		return false
	}
	s.depth++
	s.pos++
	return true
}

// field moves to the i-th key of the current object (counting from 0),
// stores it in key and leaves the scanner at its value. It reports false
// at the closing brace or on error.
func (s *scanner) field(i int) bool {
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

// elem moves to the i-th element of the current array, reporting false at
// the closing bracket or on error.
func (s *scanner) elem(i int) bool {
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

// skip consumes one value of any kind.
func (s *scanner) skip() {
	switch c := s.peek(); {
	case c == '{':
		if s.enter() {
			for i := 0; s.field(i); i++ {
				s.skip()
			}
		}
	case c == '[':
		if s.enter() {
			for i := 0; s.elem(i); i++ {
				s.skip()
			}
		}
	case c == '"':
		s.scanString()
	case c == 't' || c == 'f' || c == 'n':
		s.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		s.number()
	default:
		s.failHere(msgChar)
	}
}

// literal consumes true, false or null and returns its first byte, or 0 on
// error.
func (s *scanner) literal() byte {
	rest := s.buf[s.pos:]
	var word string
	switch rest[0] {
	case 't':
		word = "true"
	case 'f':
		word = "false"
	default:
		word = "null"
	}
	if len(rest) < len(word) || string(rest[:len(word)]) != word {
		s.failHere(msgLiteral)
		return 0
	}
	s.pos += len(word)
	return word[0]
}

// number consumes a JSON number and returns its text.
func (s *scanner) number() []byte {
	n := numberLen(s.buf[s.pos:])
	if n == 0 {
		s.failHere(msgNumber)
		return nil
	}
	start := s.pos
	s.pos += n
	return s.buf[start:s.pos]
}

// numberLen returns the length of the JSON number at the start of b, or 0
// when b does not start with one. A number must end where its grammar
// ends: "1." and "1e" are not numbers.
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return 0
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return 0
		}
		i = j
	}
	return i
}

// digits returns the index of the first non-digit of b at or after i.
func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// scanString consumes the string at the scanner's position (which holds
// the opening quote) and returns its raw content between the quotes, and
// whether that content has escapes. Bytes that are not valid UTF-8 are
// accepted as they are: exchanges send them, and encoding/json's Valid
// accepts them too.
func (s *scanner) scanString() (raw []byte, escaped bool) {
	buf := s.buf
	i := s.pos + 1
	for i < len(buf) {
		// Most string bytes need no attention: pass them 8 at a time,
		// then jump to the first byte that does.
		if i+8 <= len(buf) {
			m := special8(binary.LittleEndian.Uint64(buf[i:]))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) / 8
		}
		c := buf[i]
		switch {
		case c == '"':
			raw = buf[s.pos+1 : i]
			s.pos = i + 1
			return raw, escaped
		case c == '\\':
			escaped = true
			n := escapeLen(buf[i:])
			if n == 0 {
				s.fail(i, msgEscape)
				return nil, false
			}
			i += n
		case c < 0x20:
			s.fail(i, msgControl)
			return nil, false
		default:
			i++
		}
	}
	s.fail(len(buf), msgEOF)
	return nil, false
}

// Word-at-a-time constants: ones has 0x01 in every byte, highs 0x80.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special8 marks with 0x80 the bytes of x, read little-endian, that may
// be a quote, a backslash or a control character. It uses the classic
// zero-byte test, (v - ones) &^ v & highs, whose false marks can only
// follow a true one: the lowest mark is always exact.
func special8(x uint64) uint64 {
	q := x ^ (ones * '"')
	b := x ^ (ones * '\\')
	low := (x - ones*0x20) &^ x // bytes below 0x20
	return ((q-ones)&^q | (b-ones)&^b | low) & highs
}

// escapeLen returns the length of the escape sequence at the start of b
// (which starts with a backslash), or 0 when it is not a valid one.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(b) < 6 {
			return 0
		}
		for _, c := range b[2:6] {
			if hexVal(c) < 0 {
				return 0
			}
		}
		return 6
	}
	return 0
}

// hexVal returns the value of a hex digit, or -1.
func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// text consumes a string and returns its value as a string that points
// into the body, or into scratch when the JSON text had escapes.
func (s *scanner) text() string {
	return view(s.textBytes())
}

// textBytes is text returning bytes.
func (s *scanner) textBytes() []byte {
	raw, escaped := s.scanString()
	if !escaped {
		return raw
	}
	return s.unescape(raw)
}

// unescape appends the decoded form of raw, whose escapes scanString has
// checked, to scratch and returns that part of scratch. A lone UTF-16
// surrogate becomes U+FFFD, as in encoding/json.
func (s *scanner) unescape(raw []byte) []byte {
	start := len(s.scratch)
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			s.scratch = append(s.scratch, c)
			i++
			continue
		}
		switch raw[i+1] {
		case 'b':
			s.scratch = append(s.scratch, '\b')
		case 'f':
			s.scratch = append(s.scratch, '\f')
		case 'n':
			s.scratch = append(s.scratch, '\n')
		case 'r':
			s.scratch = append(s.scratch, '\r')
		case 't':
			s.scratch = append(s.scratch, '\t')
		case 'u':
			r, n := decodeU(raw[i:])
			s.scratch = utf8.AppendRune(s.scratch, r)
			i += n
			continue
		default: // '"', '\\', '/'
			s.scratch = append(s.scratch, raw[i+1])
		}
		i += 2
	}
	return s.scratch[start:]
}

// decodeU decodes the \uXXXX escape at the start of b, joining a UTF-16
// surrogate pair, and returns the rune and the bytes used.
func decodeU(b []byte) (rune, int) {
	r := hex4(b[2:6])
	if r < 0xD800 || r > 0xDFFF {
		return r, 6
	}
	if r <= 0xDBFF && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		lo := hex4(b[8:12])
		if lo >= 0xDC00 && lo <= 0xDFFF {
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
		}
	}
	return utf8.RuneError, 6
}

// hex4 reads four hex digits already checked by escapeLen.
func hex4(b []byte) rune {
	return hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3])
}

// view returns b as a string sharing b's memory, without copying. The
// string is valid only while b is unchanged.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
