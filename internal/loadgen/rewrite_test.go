package loadgen

import (
	"encoding/json"
	"strings"
	"testing"
)

// testValues are distinct, recognisable values for every field.
var testValues = values{
	fieldID:      "1111111111111111",
	fieldUserID:  "2222222222222222",
	fieldCountry: "NOR",
	fieldIP:      "198.51.100.0",
	fieldOS:      "iOS",
	fieldIFA:     "ifa-x",
}

func TestBodyTemplateRender(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "replaces present fields",
			in: `{"id":"a","user":{"id":"u"},"device":{"ip":"1.2.3.4","os":"android",` +
				`"ifa":"x","geo":{"country":"USA"}}}`,
			want: `{"id":"1111111111111111","user":{"id":"2222222222222222"},"device":` +
				`{"ip":"198.51.100.0","os":"iOS","ifa":"ifa-x","geo":{"country":"NOR"}}}`,
		},
		{
			name: "inserts missing objects into the root",
			in:   `{"imp":[]}`,
			want: `{"id":"1111111111111111","user":{"id":"2222222222222222"},` +
				`"device":{"geo":{"country":"NOR"}},"imp":[]}`,
		},
		{
			name: "inserts into an empty root",
			in:   "{ }",
			want: `{"id":"1111111111111111","user":{"id":"2222222222222222"},` +
				`"device":{"geo":{"country":"NOR"}} }`,
		},
		{
			name: "inserts into existing objects",
			in:   `{"id":"a","user":{"yob":1},"device":{"geo":{}}}`,
			want: `{"id":"1111111111111111","user":{"id":"2222222222222222","yob":1},` +
				`"device":{"geo":{"country":"NOR"}}}`,
		},
		{
			name: "inserts geo into a device without one",
			in:   `{"id":"a","user":{"id":"u"},"device":{"ua":"x"}}`,
			want: `{"id":"1111111111111111","user":{"id":"2222222222222222"},` +
				`"device":{"geo":{"country":"NOR"},"ua":"x"}}`,
		},
		{
			name: "leaves explicit nulls and non-string values",
			in:   `{"id":7,"user":null,"device":{"ip":null,"geo":{"country":1}}}`,
			want: `{"id":7,"user":null,"device":{"ip":null,"geo":{"country":1}}}`,
		},
		{
			name: "keeps the first of duplicate keys and the rest of the bytes",
			in:   "{\r\n \"id\" : \"a\",\r\n \"id\":\"b\", \"x\":\"\\\"id\\\"\"}",
			want: "{\"user\":{\"id\":\"2222222222222222\"},\"device\":{\"geo\":" +
				"{\"country\":\"NOR\"}},\r\n \"id\" : \"1111111111111111\",\r\n " +
				"\"id\":\"b\", \"x\":\"\\\"id\\\"\"}",
		},
		{
			name: "ignores the same names at other depths",
			in:   `{"id":"a","imp":[{"id":"1"}],"site":{"id":"s"},"user":{"ext":{"id":"e"}}}`,
			want: `{"device":{"geo":{"country":"NOR"}},"id":"1111111111111111","imp":` +
				`[{"id":"1"}],"site":{"id":"s"},"user":{"id":"2222222222222222",` +
				`"ext":{"id":"e"}}}`,
		},
		{name: "sends a non-object verbatim", in: `"just a string"`, want: `"just a string"`},
		{name: "sends invalid json verbatim", in: `{"id":`, want: `{"id":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := newBodyTemplate([]byte(tt.in))
			got, idAt, userAt := tmpl.render(nil, &testValues)
			if string(got) != tt.want {
				t.Fatalf("render:\n got %s\nwant %s", got, tt.want)
			}
			checkPatchPoint(t, got, idAt, testValues[fieldID])
			checkPatchPoint(t, got, userAt, testValues[fieldUserID])
		})
	}
}

// checkPatchPoint checks that an offset returned by render points at the
// value written there, or is -1 when that value is absent.
func checkPatchPoint(t *testing.T, body []byte, at int, value string) {
	t.Helper()
	if at < 0 {
		if strings.Contains(string(body), value) {
			t.Errorf("offset -1, but %s is in the body", value)
		}
		return
	}
	if got := string(body[at : at+idWidth]); got != value {
		t.Errorf("body[%d:] = %q, want %q", at, got, value)
	}
}

func FuzzBodyTemplate(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"id":"x"}`, `{"user":{},"device":{"geo":{"country":"X"}}}`,
		`[1,2]`, `{"a":{"b":[{"c":"\"}"}]}}`, `null`, `{"device":{"geo":null}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tmpl := newBodyTemplate(in)
		out, idAt, userAt := tmpl.render(nil, &testValues)
		if tmpl.verbatim || len(tmpl.edits) == 0 {
			if string(out) != string(in) {
				t.Fatalf("verbatim body changed: %q -> %q", in, out)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("invalid output for %q: %q", in, out)
		}
		for _, at := range []int{idAt, userAt} {
			if at >= 0 && at+idWidth > len(out) {
				t.Fatalf("patch offset %d beyond %d bytes", at, len(out))
			}
		}
		if idAt >= 0 {
			var req struct{ ID string }
			if err := json.Unmarshal(out, &req); err != nil {
				t.Fatalf("decode %q: %v", out, err)
			}
		}
	})
}
