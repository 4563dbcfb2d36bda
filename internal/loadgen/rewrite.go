package loadgen

import (
	"encoding/json"
	"slices"
)

// A request body is varied by splicing new values into the original bytes
// rather than by decoding and re-encoding it: the exchange quirks that the
// corpus was collected for (key order, duplicate keys, odd number formats,
// CRLF line ends) reach the target untouched, and only the fields below
// change.

// field names a JSON value that the variation rewrites or inserts.
type field int

const (
	fieldID      field = iota // request id; rewritten per request
	fieldUserID               // user.id; rewritten per request
	fieldCountry              // device.geo.country
	fieldIP                   // device.ip
	fieldOS                   // device.os
	fieldIFA                  // device.ifa
	fieldUser                 // the user object
	fieldDevice               // the device object
	fieldGeo                  // the device.geo object
	numFields
)

// paths maps a JSON path to the field it holds. Only these paths are
// located; the rest of a request is skipped without being looked at.
var paths = map[string]field{
	"id":                 fieldID,
	"user":               fieldUser,
	"user.id":            fieldUserID,
	"device":             fieldDevice,
	"device.ip":          fieldIP,
	"device.os":          fieldOS,
	"device.ifa":         fieldIFA,
	"device.geo":         fieldGeo,
	"device.geo.country": fieldCountry,
}

// valueSpan is where a located value sits in the source: src[start:end] is the
// whole value including quotes or braces. kind is its first byte ('"', '{',
// '[', 'n', 't', 'f' or a digit); kind 0 means the key is absent.
type valueSpan struct {
	start, end int
	kind       byte
}

// locate finds the first occurrence of every path in paths within a JSON
// object. It reports false when src is not valid JSON or not an object, in
// which case the body is sent verbatim.
func locate(src []byte) (spans [numFields]valueSpan, root valueSpan, ok bool) {
	if !json.Valid(src) {
		return spans, root, false
	}
	s := scanner{src: src}
	s.space()
	if s.i >= len(src) || src[s.i] != '{' {
		return spans, root, false
	}
	root.start = s.i
	s.object("", &spans)
	root.end, root.kind = s.i, '{'
	return spans, root, true
}

// scanner walks JSON that json.Valid has already accepted, so it does not
// check syntax again.
type scanner struct {
	src []byte
	i   int
}

func (s *scanner) space() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// object reads the object at s.i whose path is prefix and records the
// located children; nested objects are entered only on a located path.
func (s *scanner) object(prefix string, spans *[numFields]valueSpan) {
	s.i++ // '{'
	for {
		s.space()
		if s.src[s.i] == '}' {
			s.i++
			return
		}
		if s.src[s.i] == ',' {
			s.i++
			s.space()
		}
		keyStart := s.i
		s.str()
		key := string(s.src[keyStart+1 : s.i-1])
		s.space()
		s.i++ // ':'
		s.space()
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		f, wanted := paths[path]
		start := s.i
		if wanted && s.src[s.i] == '{' && spans[f].kind == 0 {
			s.object(path, spans)
		} else {
			s.value()
		}
		if wanted && spans[f].kind == 0 {
			spans[f] = valueSpan{start: start, end: s.i, kind: s.src[start]}
		}
	}
}

// value skips one value of any kind.
func (s *scanner) value() {
	switch s.src[s.i] {
	case '"':
		s.str()
	case '{', '[':
		depth := 0
		for {
			switch s.src[s.i] {
			case '"':
				s.str()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return
			}
		}
	default:
		for s.i < len(s.src) {
			switch s.src[s.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return
			}
			s.i++
		}
	}
}

// str skips a string, escapes included.
func (s *scanner) str() {
	s.i++
	for s.src[s.i] != '"' {
		if s.src[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	s.i++
}

// part is one piece of an edit: literal text, or the value of a field.
type part struct {
	text  string
	field field // used when text is empty
}

// edit replaces src[at:end] with parts; at == end inserts.
type edit struct {
	at, end int
	parts   []part
}

// bodyTemplate is a corpus file prepared for variation: the source and the
// edits that splice fresh values into it.
type bodyTemplate struct {
	src   []byte
	edits []edit
	// verbatim reports a body that is not a JSON object and is sent as is.
	verbatim bool
}

// newBodyTemplate plans the edits for one request. A body that is not a JSON
// object gets no edits and is sent as it is.
func newBodyTemplate(src []byte) bodyTemplate {
	spans, root, ok := locate(src)
	if !ok {
		return bodyTemplate{src: src, verbatim: true}
	}
	var ins insertions
	var edits []edit
	replace := func(f field) bool {
		sp := spans[f]
		if sp.kind != '"' {
			return false
		}
		edits = append(edits, edit{at: sp.start, end: sp.end, parts: quoted(f)})
		return true
	}

	if !replace(fieldID) && spans[fieldID].kind == 0 {
		ins.add(root, `"id":`, quoted(fieldID))
	}
	if !replace(fieldUserID) && spans[fieldUserID].kind == 0 {
		switch spans[fieldUser].kind {
		case '{':
			ins.add(spans[fieldUser], `"id":`, quoted(fieldUserID))
		case 0:
			ins.add(root, `"user":{"id":`, quoted(fieldUserID), part{text: "}"})
		}
	}
	if !replace(fieldCountry) && spans[fieldCountry].kind == 0 {
		country := quoted(fieldCountry)
		switch {
		case spans[fieldGeo].kind == '{':
			ins.add(spans[fieldGeo], `"country":`, country)
		case spans[fieldGeo].kind == 0 && spans[fieldDevice].kind == '{':
			ins.add(spans[fieldDevice], `"geo":{"country":`, country, part{text: "}"})
		case spans[fieldDevice].kind == 0:
			ins.add(root, `"device":{"geo":{"country":`, country, part{text: "}}"})
		}
	}
	replace(fieldIP)
	replace(fieldOS)
	replace(fieldIFA)

	edits = append(edits, ins.edits(src)...)
	slices.SortFunc(edits, func(a, b edit) int { return a.at - b.at })
	return bodyTemplate{src: src, edits: edits}
}

// quoted is a field's value between quotes.
func quoted(f field) []part {
	return []part{{text: `"`}, {field: f}, {text: `"`}}
}

// insertions collects the members to insert at the start of each object,
// so that commas come out right when several go into the same object.
type insertions struct {
	objs    []valueSpan
	members [][]part
}

func (n *insertions) add(obj valueSpan, key string, value []part, tail ...part) {
	member := append([]part{{text: key}}, value...)
	member = append(member, tail...)
	for i, o := range n.objs {
		if o.start == obj.start {
			n.members[i] = append(append(n.members[i], part{text: ","}), member...)
			return
		}
	}
	n.objs = append(n.objs, obj)
	n.members = append(n.members, member)
}

func (n *insertions) edits(src []byte) []edit {
	out := make([]edit, 0, len(n.objs))
	for i, o := range n.objs {
		parts := n.members[i]
		if !emptyObject(src[o.start:o.end]) {
			parts = append(parts, part{text: ","})
		}
		at := o.start + 1
		out = append(out, edit{at: at, end: at, parts: parts})
	}
	return out
}

// emptyObject reports whether obj, a whole JSON object, has no members.
func emptyObject(obj []byte) bool {
	for _, c := range obj[1 : len(obj)-1] {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}

// values are the field values of one variant.
type values [numFields]string

// render appends the bodyTemplate with vals spliced in. It returns the offsets
// in out of the request id and the user id (both idWidth characters), or
// -1 where the body has none.
func (t *bodyTemplate) render(out []byte, vals *values) (_ []byte, idAt, userAt int) {
	idAt, userAt = -1, -1
	prev := 0
	for _, e := range t.edits {
		out = append(out, t.src[prev:e.at]...)
		for _, p := range e.parts {
			if p.text != "" {
				out = append(out, p.text...)
				continue
			}
			switch p.field {
			case fieldID:
				idAt = len(out)
			case fieldUserID:
				userAt = len(out)
			}
			out = append(out, vals[p.field]...)
		}
		prev = e.end
	}
	return append(out, t.src[prev:]...), idAt, userAt
}
