package telemetry

import (
	"strconv"
)

// ContentType is the media type of the exposition: the Prometheus text
// format, version 0.0.4.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// text builds an exposition in a buffer that the caller reuses, so that
// writing a scrape allocates nothing once the buffer has grown.
type text struct{ b []byte }

// header writes the HELP and TYPE lines of a family.
func (t *text) header(name, help, typ string) {
	t.b = append(t.b, "# HELP "...)
	t.b = append(t.b, name...)
	t.b = append(t.b, ' ')
	t.b = appendEscaped(t.b, help, false)
	t.b = append(t.b, "\n# TYPE "...)
	t.b = append(t.b, name...)
	t.b = append(t.b, ' ')
	t.b = append(t.b, typ...)
	t.b = append(t.b, '\n')
}

// labels writes {name="value",...}; nothing when names is empty.
func (t *text) labels(names, values []string) {
	if len(names) == 0 {
		return
	}
	t.b = append(t.b, '{')
	for i, n := range names {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.b = append(t.b, n...)
		t.b = append(t.b, `="`...)
		t.b = appendEscaped(t.b, values[i], true)
		t.b = append(t.b, '"')
	}
	t.b = append(t.b, '}')
}

// uint writes one sample with an integer value.
func (t *text) uint(name string, names, values []string, v uint64) {
	t.b = append(t.b, name...)
	t.labels(names, values)
	t.b = append(t.b, ' ')
	t.b = strconv.AppendUint(t.b, v, 10)
	t.b = append(t.b, '\n')
}

// float writes one sample without labels.
func (t *text) float(name string, v float64) {
	t.b = append(t.b, name...)
	t.b = append(t.b, ' ')
	t.b = appendFloat(t.b, v)
	t.b = append(t.b, '\n')
}

// histogram writes the samples of a histogram without labels. bounds are
// the finite upper bounds; cum holds the cumulative count of each, then
// the count of every observation.
func (t *text) histogram(name string, bounds []float64, cum []uint64, sum float64) {
	for i, n := range cum {
		t.b = append(t.b, name...)
		t.b = append(t.b, `_bucket{le="`...)
		if i < len(bounds) {
			t.b = appendFloat(t.b, bounds[i])
		} else {
			t.b = append(t.b, "+Inf"...)
		}
		t.b = append(t.b, `"} `...)
		t.b = strconv.AppendUint(t.b, n, 10)
		t.b = append(t.b, '\n')
	}
	t.b = append(t.b, name...)
	t.b = append(t.b, "_sum "...)
	t.b = appendFloat(t.b, sum)
	t.b = append(t.b, '\n')
	t.b = append(t.b, name...)
	t.b = append(t.b, "_count "...)
	t.b = strconv.AppendUint(t.b, cum[len(cum)-1], 10)
	t.b = append(t.b, '\n')
}

// appendFloat writes v as the text format reads it: shortest exact form,
// +Inf, -Inf or NaN.
func appendFloat(b []byte, v float64) []byte {
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// appendEscaped writes s with backslash and newline escaped, and the
// double quote too inside a label value.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}
