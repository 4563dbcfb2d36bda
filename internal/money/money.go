// Package money converts prices between decimal text and int64 micros.
//
// Every amount in nordbid is an int64 count of micros of a currency unit:
// 1.25 USD is 1_250_000 micros. Prices never pass through float64, so a
// price read from a bid request or a notice URL is exact to six decimals.
package money

import "strconv"

// Scale is the number of micros in one currency unit.
const Scale = 1_000_000

// maxUnits bounds the integer part so that units*Scale fits in an int64
// with room to add the fraction.
const maxUnits = 9_000_000_000_000

// Parse reads a decimal price such as "1.25", "-0.5", "3" or "2.5e-1" into
// micros. Digits past the sixth decimal are truncated toward zero. It
// reports false for anything that is not a finite decimal number or that
// does not fit in int64 micros.
func Parse(s []byte) (int64, bool) { return parse(s, false) }

// ParseUp is Parse rounding a positive price up to whole micros instead,
// for a floor: a bid at the floor it returns is not below the floor. One
// case stays short: with a positive exponent, digits past the sixth
// decimal are cut before the exponent applies, so "1.00000019e2" reads as
// 100.000001, not 100.000019.
func ParseUp(s []byte) (int64, bool) { return parse(s, true) }

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
	var units, frac int64
	var fracDigits, digits int
	// cut: a non-zero digit was dropped.
	cut := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		units = units*10 + int64(s[i]-'0')
		digits++
		if units > maxUnits {
			return 0, false
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
			if fracDigits < 6 {
				frac = frac*10 + int64(s[i]-'0')
				fracDigits++
			} else if s[i] != '0' {
				cut = true
			}
		}
	}
	if digits == 0 {
		return 0, false
	}
	for n := fracDigits; n < 6; n++ {
		frac *= 10
	}
	v := units*Scale + frac
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		exp, err := strconv.Atoi(string(s[i+1:]))
		if err != nil {
			return 0, false
		}
		var ok, shiftCut bool
		if v, shiftCut, ok = shift(v, exp); !ok {
			return 0, false
		}
		cut = cut || shiftCut
		i = len(s)
	}
	if i != len(s) {
		return 0, false
	}
	if neg {
		return -v, true
	}
	if up && cut {
		v++
	}
	return v, true
}

// shift multiplies v by 10^exp, truncating toward zero for negative exp;
// cut reports that non-zero digits were dropped.
func shift(v int64, exp int) (_ int64, cut, ok bool) {
	for ; exp > 0; exp-- {
		if v > (1<<63-1)/10 {
			return 0, false, false
		}
		v *= 10
	}
	for ; exp < 0 && v != 0; exp++ {
		cut = cut || v%10 != 0
		v /= 10
	}
	return v, cut, true
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
