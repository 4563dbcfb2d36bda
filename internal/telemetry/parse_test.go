package telemetry

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Names as the text format defines them, written apart from validName so
// that the parser does not trust the code under test.
var (
	metricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// family is one metric family of a parsed exposition.
type family struct {
	help, typ string
	samples   []sample
}

// sample is one sample line.
type sample struct {
	name   string
	labels map[string]string
	value  float64
	raw    string // the value as written
}

// parseStrict reads a text format exposition and fails the test on any
// line that is not valid: a sample before its family's HELP and TYPE, a
// HELP or TYPE given twice, a family split in two, a bad name, label or
// value.
func parseStrict(t *testing.T, expo string) map[string]*family {
	t.Helper()
	fams := map[string]*family{}
	var cur string
	for i, line := range strings.Split(strings.TrimSuffix(expo, "\n"), "\n") {
		if err := parseLine(fams, &cur, line); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
	}
	for name, f := range fams {
		if f.help == "" || f.typ == "" {
			t.Errorf("family %s: HELP %q, TYPE %q; want both", name, f.help, f.typ)
		}
	}
	return fams
}

func parseLine(fams map[string]*family, cur *string, line string) error {
	if rest, ok := strings.CutPrefix(line, "# "); ok {
		kw, rest, _ := strings.Cut(rest, " ")
		name, text, ok := strings.Cut(rest, " ")
		if !ok || !metricName.MatchString(name) || text == "" {
			return fmt.Errorf("bad %s line", kw)
		}
		f := fams[name]
		if f == nil {
			f = &family{}
			fams[name] = f
		} else if *cur != name {
			return fmt.Errorf("family %s given twice", name)
		}
		*cur = name
		switch kw {
		case "HELP":
			if f.help != "" {
				return fmt.Errorf("second HELP")
			}
			f.help = text
		case "TYPE":
			if f.typ != "" {
				return fmt.Errorf("second TYPE")
			}
			if text != "counter" && text != "gauge" && text != "histogram" {
				return fmt.Errorf("unknown type %q", text)
			}
			f.typ = text
		default:
			return fmt.Errorf("unknown comment")
		}
		return nil
	}

	s, err := parseSample(line)
	if err != nil {
		return err
	}
	f := fams[*cur]
	if f == nil || f.typ == "" || f.help == "" {
		return fmt.Errorf("sample before HELP and TYPE")
	}
	base := s.name
	if f.typ == "histogram" {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(s.name, suffix); ok {
				base = b
				break
			}
		}
	}
	if base != *cur {
		return fmt.Errorf("sample of %s inside family %s", s.name, *cur)
	}
	f.samples = append(f.samples, s)
	return nil
}

// parseSample reads `name{label="value",...} value`.
func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	end := strings.IndexAny(line, "{ ")
	if end <= 0 || !metricName.MatchString(line[:end]) {
		return s, fmt.Errorf("bad metric name")
	}
	s.name, line = line[:end], line[end:]
	if line[0] == '{' {
		var err error
		if line, err = parseLabels(line[1:], s.labels); err != nil {
			return s, err
		}
	}
	raw, ok := strings.CutPrefix(line, " ")
	if !ok || raw == "" || strings.Contains(raw, " ") {
		return s, fmt.Errorf("want one space and a value")
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return s, fmt.Errorf("bad value: %w", err)
	}
	s.value, s.raw = v, raw
	return s, nil
}

// parseLabels reads label pairs up to the closing brace into into, and
// returns what follows the brace.
func parseLabels(line string, into map[string]string) (string, error) {
	for {
		name, rest, ok := strings.Cut(line, `="`)
		if !ok || !labelName.MatchString(name) {
			return "", fmt.Errorf("bad label name %q", name)
		}
		var v strings.Builder
		i := 0
		for ; i < len(rest) && rest[i] != '"'; i++ {
			c := rest[i]
			if c == '\n' {
				return "", fmt.Errorf("raw newline in label value")
			}
			if c != '\\' {
				v.WriteByte(c)
				continue
			}
			i++
			if i == len(rest) {
				return "", fmt.Errorf("backslash at end")
			}
			switch rest[i] {
			case '\\':
				v.WriteByte('\\')
			case '"':
				v.WriteByte('"')
			case 'n':
				v.WriteByte('\n')
			default:
				return "", fmt.Errorf("unknown escape \\%c", rest[i])
			}
		}
		if i == len(rest) {
			return "", fmt.Errorf("unterminated label value")
		}
		if _, dup := into[name]; dup {
			return "", fmt.Errorf("label %s twice", name)
		}
		into[name] = v.String()
		rest = rest[i+1:]
		switch {
		case strings.HasPrefix(rest, "}"):
			return rest[1:], nil
		case strings.HasPrefix(rest, ","):
			line = rest[1:]
		default:
			return "", fmt.Errorf("want , or } after a label")
		}
	}
}

// find returns the sample of a family with exactly the given labels.
func (f *family) find(name string, labels ...string) (sample, bool) {
	for _, s := range f.samples {
		if s.name != name || len(s.labels) != len(labels)/2 {
			continue
		}
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if v, ok := s.labels[labels[i]]; !ok || v != labels[i+1] {
				match = false
			}
		}
		if match {
			return s, true
		}
	}
	return sample{}, false
}
