package openrtb

import (
	"strconv"

	"nordbid/internal/money"
)

// The readers below each consume one value of any kind. They carry the
// tolerance for exchange quirks: a value of an unexpected kind leaves the
// field absent instead of failing the request, and each kind of quirk is
// handled here once for every field of that type.

// str reads a string field: a string, a number (its literal text) or a
// boolean ("true", "false"). Null, objects and arrays leave it absent ("").
func (s *scanner) str() string {
	v, _ := s.strOK()
	return v
}

// strOK is str that also reports whether a value was present.
func (s *scanner) strOK() (string, bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.text(), true
	case c == '-' || (c >= '0' && c <= '9'):
		return view(s.number()), true
	case c == 't' || c == 'f' || c == 'n':
		switch s.literal() {
		case 't':
			return "true", true
		case 'f':
			return "false", true
		}
		return "", false
	}
	s.skip()
	return "", false
}

// int reads an integer field, 0 when absent.
func (s *scanner) int() int {
	v, _ := s.intOK()
	return v
}

// intOK reads an integer field: an integer, a fractional number
// (truncated toward zero), a numeric string such as "1984", or a boolean
// (1 or 0). Null, other strings, objects and arrays leave it absent.
func (s *scanner) intOK() (int, bool) {
	switch c := s.peek(); {
	case c == '"':
		return parseInt(s.textBytes())
	case c == '-' || (c >= '0' && c <= '9'):
		return parseInt(s.number())
	case c == 't' || c == 'f' || c == 'n':
		switch s.literal() {
		case 't':
			return 1, true
		case 'f':
			return 0, true
		}
		return 0, false
	}
	s.skip()
	return 0, false
}

// parseInt reads decimal text as an integer. Plain integers of up to 18
// digits take the fast path; other forms ("2.5", "1e3") go through
// money.Parse, which truncates toward zero, and so are limited to about
// ±9e12. Text that is not a number, or does not fit, reports false.
func parseInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	i := 0
	if neg {
		i = 1
	}
	if n := len(b) - i; n > 0 && n <= 18 && digits(b, i) == len(b) {
		v := 0
		for _, c := range b[i:] {
			v = v*10 + int(c-'0')
		}
		if neg {
			v = -v
		}
		return v, true
	}
	micros, ok := money.Parse(b)
	if !ok {
		return 0, false
	}
	return int(micros / money.Scale), true
}

// numeric returns the bytes of a number or of a string, for the readers
// of numeric fields; any other value is skipped and reports false.
func (s *scanner) numeric() ([]byte, bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.textBytes(), true
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number(), true
	}
	s.skip()
	return nil, false
}

// floor reads a bid floor into micros, rounded up to a whole micro so
// that a bid at the floor is not below it: a number or a numeric string.
// null and "" leave it absent; anything else that is not a price in range,
// a negative number included, reports bad.
func (s *scanner) floor() (micros int64, bad bool) {
	if s.peek() == 'n' {
		s.skip()
		return 0, false
	}
	b, ok := s.numeric()
	if !ok {
		return 0, true
	}
	if len(b) == 0 {
		return 0, false
	}
	micros, ok = money.ParseUp(b)
	return micros, !ok || micros < 0
}

// money reads a price field into micros: a number or a numeric string.
// Anything else leaves it absent.
func (s *scanner) money() (int64, bool) {
	b, ok := s.numeric()
	if !ok {
		return 0, false
	}
	return money.Parse(b)
}

// float reads a coordinate: a number or a numeric string, 0 when absent.
func (s *scanner) float() float64 {
	var b []byte
	switch c := s.peek(); {
	case c == '"':
		b = s.textBytes()
		if len(b) == 0 || numberLen(b) != len(b) {
			return 0 // checked first: a ParseFloat error would allocate
		}
	case c == '-' || (c >= '0' && c <= '9'):
		b = s.number()
	default:
		s.skip()
		return 0
	}
	f, err := strconv.ParseFloat(view(b), 64)
	if err != nil {
		return 0
	}
	return f
}

// ints reads an integer-array field into dst, reusing its storage: an
// array of values as intOK reads them (unreadable ones are dropped) or a
// single such value.
func (s *scanner) ints(dst []int) []int {
	dst = dst[:0]
	if s.peek() != '[' {
		if v, ok := s.intOK(); ok {
			dst = append(dst, v)
		}
		return dst
	}
	if s.enter() {
		for i := 0; s.elem(i); i++ {
			if v, ok := s.intOK(); ok {
				dst = append(dst, v)
			}
		}
	}
	return dst
}

// strs reads a string-array field into dst, reusing its storage: an array
// of values as strOK reads them (absent ones are dropped) or a single one.
func (s *scanner) strs(dst []string) []string {
	dst = dst[:0]
	if s.peek() != '[' {
		if v, ok := s.strOK(); ok {
			dst = append(dst, v)
		}
		return dst
	}
	if s.enter() {
		for i := 0; s.elem(i); i++ {
			if v, ok := s.strOK(); ok {
				dst = append(dst, v)
			}
		}
	}
	return dst
}
