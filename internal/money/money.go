// Package money converts prices between decimal text and int64 micros.
//
// Every amount in nordbid is an int64 count of micros of a currency unit:
// 1.25 USD is 1_250_000 micros. Prices never pass through float64, so a
// price read from a bid request or a notice URL is exact to six decimals.
package money

import "strconv"

// Scale is the number of micros in one currency unit.
const Scale = 1_000_000

// maxMicros is the largest amount read: an integer part of at most
// 9e12 units (the fraction on top still fits in int64).
const maxMicros = 9_000_000_000_000*Scale + Scale - 1

// Parse reads a decimal price such as "1.25", "-0.5", "3" or "2.5e-1" into
// micros. Digits past the sixth decimal are truncated toward zero. It
// reports false for anything that is not a finite decimal number or whose
// integer part is above 9e12.
func Parse(s []byte) (int64, bool) { return parse(s, false) }

// ParseUp is Parse rounding a positive price up to whole micros instead,
// for a floor: a bid at the floor it returns is not below the floor.
func ParseUp(s []byte) (int64, bool) { return parse(s, true) }

// parse reads s as m x 10^p micros, m its significant digits, and scales
// m once at the end, so that the exponent applies to every digit read and
// costs no more for "0e999999999" than for "0".
func parse(s []byte, up bool) (int64, bool) {
	if len(s) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	switch s[0] {
	case '-':
		neg = true
		i++
	case '+':
		i++
	}
	var m int64
	p := 6
	digits := 0
	// cut: a non-zero digit was dropped.
	cut := false
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
		if m <= mRoom {
			m = m*10 + int64(s[i]-'0')
			continue
		}
		// m is full: the digit only scales it, and a negative exponent
		// may still bring the number into range.
		p++
		cut = cut || s[i] != '0'
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && isDigit(s[i]); i++ {
			digits++
			switch {
			case m <= mRoom:
				m = m*10 + int64(s[i]-'0')
				p--
			case s[i] != '0':
				cut = true
			}
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		exp, ok := exponent(s[i+1:])
		if !ok {
			return 0, false
		}
		p += exp
		i = len(s)
	}
	if i != len(s) {
		return 0, false
	}
	v, scaleCut, ok := scale(m, p)
	if !ok {
		return 0, false
	}
	cut = cut || scaleCut
	if neg {
		return -v, true
	}
	if up && cut {
		if v == maxMicros {
			return 0, false
		}
		v++
	}
	return v, true
}

// mRoom is the largest significand that takes one more digit without
// overflowing int64.
const mRoom = (1<<63 - 1 - 9) / 10

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// expLimit bounds the exponent read: beyond it any non-zero significand
// over- or underflows, and the digits of s cannot move p back that far
// without s being gigabytes long.
const expLimit = 1 << 30

// exponent reads the signed decimal exponent after the 'e', clamped to
// ±expLimit.
func exponent(s []byte) (int, bool) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	e := 0
	for _, c := range s {
		if !isDigit(c) {
			return 0, false
		}
		if e < expLimit/10 {
			e = e*10 + int(c-'0')
		} else {
			e = expLimit
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// scale returns m x 10^p, truncated toward zero for negative p; cut
// reports that non-zero digits were dropped, ok that the result is at
// most maxMicros.
func scale(m int64, p int) (_ int64, cut, ok bool) {
	if m == 0 {
		return 0, false, true
	}
	for ; p > 0; p-- {
		if m > maxMicros/10 {
			return 0, false, false
		}
		m *= 10
	}
	if p < -18 {
		return 0, true, true
	}
	if p < 0 {
		d := int64(1)
		for ; p < 0; p++ {
			d *= 10
		}
		cut = m%d != 0
		m /= d
	}
	return m, cut, m <= maxMicros
}

// ParseString is Parse for a string.
func ParseString(s string) (int64, bool) {
	return Parse([]byte(s))
}

// Append appends micros as a decimal with up to six fraction digits and no
// trailing zeros ("1.25", "3", "0.000001") to dst.
func Append(dst []byte, micros int64) []byte {
	if micros < 0 {
		dst = append(dst, '-')
		if micros == -1<<63 {
			return append(dst, "9223372036854.775808"...)
		}
		micros = -micros
	}
	dst = strconv.AppendInt(dst, micros/Scale, 10)
	frac := micros % Scale
	if frac == 0 {
		return dst
	}
	var buf [7]byte
	buf[0] = '.'
	for i := 6; i >= 1; i-- {
		buf[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 7
	for buf[n-1] == '0' {
		n--
	}
	return append(dst, buf[:n]...)
}

// Format returns micros as decimal text, as Append writes it.
func Format(micros int64) string {
	return string(Append(nil, micros))
}

// PerImpression converts a CPM price (micros per thousand impressions) to
// the micros one impression costs, rounding down.
func PerImpression(cpm int64) int64 {
	return cpm / 1000
}
