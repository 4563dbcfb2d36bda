package openrtb

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds how deeply objects and arrays may nest. Reading a native
// request recurses once per "native" wrapper, so without a bound a hostile
// body could exhaust the goroutine stack. Real bid requests nest fewer
// than ten levels.
const maxDepth = 64

// skip keeps one bit per open level in a uint64; this line fails to
// compile when maxDepth outgrows it.
const _ = uint64(64 - maxDepth)

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

// failAt records msg at offset i as failHere does.
func (s *scanner) failAt(i int, msg string) {
	s.pos = i
	s.failHere(msg)
}

// space returns the offset of the first byte at or after i that is not
// whitespace, or len(buf).
func space(buf []byte, i int) int {
	for ; i < len(buf); i++ {
		// Every byte above the space is a token; test that first.
		if c := buf[i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return i
		}
	}
	return i
}

// peek skips whitespace and returns the next byte without consuming it,
// or 0 at the end of input.
func (s *scanner) peek() byte {
	i := space(s.buf, s.pos)
	s.pos = i
	if i < len(s.buf) {
		return s.buf[i]
	}
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

// field moves to the n-th key of the current object (counting from 0),
// stores it in key and leaves the scanner at its value. It reports false
// at the closing brace or on error. It works on a local offset and stores
// the scanner's position once: this runs for every key of the request.
func (s *scanner) field(n int) bool {
	buf := s.buf
	i := space(buf, s.pos)
	if i < len(buf) && buf[i] == '}' {
		s.pos = i + 1
		s.depth--
		return false
	}
	if n > 0 {
		if i >= len(buf) || buf[i] != ',' {
			s.failAt(i, msgObjectNext)
			return false
		}
		i = space(buf, i+1)
	}
	if i >= len(buf) || buf[i] != '"' {
		s.failAt(i, msgKey)
		return false
	}
	// Most keys are short and plain: look for the closing quote in the
	// first word before calling stringEnd.
	end, escaped := -1, false
	if i+9 <= len(buf) {
		m := special8(binary.LittleEndian.Uint64(buf[i+1:]))
		if j := i + 1 + bits.TrailingZeros64(m)>>3; j < len(buf) && buf[j] == '"' {
			end = j + 1
		}
	}
	if end < 0 {
		if end, escaped = s.stringEnd(i); end < 0 {
			s.key = ""
			return false
		}
	}
	if escaped {
		s.key = view(s.unescape(buf[i+1 : end-1]))
	} else {
		s.key = view(buf[i+1 : end-1])
	}
	if i = space(buf, end); i >= len(buf) || buf[i] != ':' {
		s.failAt(i, msgColon)
		return false
	}
	s.pos = i + 1
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

// skip consumes one value of any kind. It walks nested objects and arrays
// in one loop instead of through field, elem and a call per value: a value
// the decoder ignores needs neither its keys nor its nesting on the call
// stack. It reports every error that those would, at the same offset.
//
// The loop keeps the kinds of the containers it has opened in a bit stack,
// the innermost in bit 0; maxDepth keeps it within 64 bits. The scanner's
// depth does not change, as every container opened here closes here.
func (s *scanner) skip() {
	buf, i := s.buf, s.pos
	var objects uint64 // bit k set: the container k levels out is an object
	open := 0          // containers opened and not yet closed
	key := false       // whether a key and a colon come before the value
	for {
		i = space(buf, i)
		if key {
			if i >= len(buf) || buf[i] != '"' {
				s.failAt(i, msgKey)
				return
			}
			if i, _ = s.stringEnd(i); i < 0 {
				return
			}
			if i = space(buf, i); i >= len(buf) || buf[i] != ':' {
				s.failAt(i, msgColon)
				return
			}
			i = space(buf, i+1)
		}
		if i >= len(buf) {
			s.failAt(i, msgEOF)
			return
		}

		// Consume one value, or open a container that is not empty and
		// go on with its first member.
		switch c := buf[i]; {
		case c == '{' || c == '[':
			if s.depth+open >= maxDepth {
				s.failAt(i, msgTooDeep)
				return
			}
			closer := byte(']')
			if c == '{' {
				closer = '}'
			}
			if i = space(buf, i+1); i >= len(buf) || buf[i] != closer {
				open++
				objects <<= 1
				if c == '{' {
					objects |= 1
				}
				key = c == '{'
				continue
			}
			i++
		case c == '"':
			if i, _ = s.stringEnd(i); i < 0 {
				return
			}
		case c == 't' || c == 'f' || c == 'n':
			s.pos = i
			if s.literal() == 0 {
				return
			}
			i = s.pos
		case c == '-' || (c >= '0' && c <= '9'):
			n := numberLen(buf[i:])
			if n == 0 {
				s.failAt(i, msgNumber)
				return
			}
			i += n
		default:
			s.failAt(i, msgChar)
			return
		}

		// A value ended at i: close the containers that end after it,
		// then step over the comma before the next member.
		for {
			if open == 0 {
				s.pos = i
				return
			}
			closer, msg := byte(']'), msgArrayNext
			if objects&1 != 0 {
				closer, msg = '}', msgObjectNext
			}
			if i = space(buf, i); i < len(buf) && buf[i] == closer {
				i++
				open--
				objects >>= 1
				continue
			}
			if i >= len(buf) || buf[i] != ',' {
				s.failAt(i, msg)
				return
			}
			i++
			key = objects&1 != 0
			break
		}
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

// stringEnd checks the string whose opening quote is at offset i and
// returns the offset just past its closing quote, and whether it has
// escapes. On a malformed string it records the error and returns -1.
// Bytes that are not valid UTF-8 are accepted as they are: exchanges send
// them, and encoding/json's Valid accepts them too.
func (s *scanner) stringEnd(i int) (end int, escaped bool) {
	buf := s.buf
	for i++; i < len(buf); {
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
			return i + 1, escaped
		case c == '\\':
			escaped = true
			n := escapeLen(buf[i:])
			if n == 0 {
				s.fail(i, msgEscape)
				return -1, false
			}
			i += n
		case c < 0x20:
			s.fail(i, msgControl)
			return -1, false
		default:
			i++
		}
	}
	s.fail(len(buf), msgEOF)
	return -1, false
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
	start := s.pos
	end, escaped := s.stringEnd(start)
	if end < 0 {
		return nil
	}
	s.pos = end
	raw := s.buf[start+1 : end-1]
	if !escaped {
		return raw
	}
	return s.unescape(raw)
}

// unescape appends the decoded form of raw, whose escapes stringEnd has
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
