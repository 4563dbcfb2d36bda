package openrtb

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode checks Decode against encoding/json on arbitrary input:
// Decode never panics; it fails on every input that json.Valid rejects;
// it accepts every JSON object that nests no deeper than its limit; the
// top-level id it reads agrees with encoding/json's; a reused Decoder and
// BidRequest give exactly what fresh ones give; and a reused Checker
// judges the request as Validate does.
func FuzzDecode(f *testing.F) {
	for _, sub := range []string{"requests", "invalid", "responses"} {
		for _, c := range corpusFiles(f, sub) {
			f.Add(c.body)
		}
	}
	// Edges the corpus lacks: the nesting limit, embedded native
	// requests, escapes, bytes that are not UTF-8, a NUL byte.
	for _, s := range []string{
		`{"x":` + strings.Repeat("[", 63) + strings.Repeat("]", 63) + `}`,
		`{"x":` + strings.Repeat("[", 64) + strings.Repeat("]", 64) + `}`,
		`{"imp":[{"native":{"request":"{\"native\":{\"assets\":[{\"id\":1}]}}"}}]}`,
		`{"imp":[{"native":{"request":"{\"assets\":[{\"id\":\"\\u0031\"}]} ,"}}]}`,
		`{"id":"\ud83d\ude00\ud800\u00e9\"\\\/\b\f\n\r\t","t\u006dax":"1e2"}`,
		"{\"id\":\"\xff\xfe\",\"cur\":[\"\xc3\"]}",
		"{\"id\":\"a\"}\x00",
	} {
		f.Add([]byte(s))
	}
	big := corpusRequest(f, "14_")

	f.Fuzz(func(t *testing.T, data []byte) {
		var d Decoder
		var req BidRequest
		if err := d.Decode(big, &req); err != nil {
			t.Fatalf("Decode big: %v", err)
		}
		err := d.Decode(data, &req)

		valid := json.Valid(data)
		isObject := valid && bytes.TrimLeft(data, " \t\r\n")[0] == '{'
		var se *SyntaxError
		switch {
		case !valid && err == nil:
			t.Fatal("Decode accepted input that json.Valid rejects")
		case isObject && err != nil && !(errors.As(err, &se) && se.Msg == msgTooDeep):
			t.Fatalf("Decode rejected a JSON object: %v", err)
		case valid && !isObject && err == nil:
			t.Fatal("Decode accepted a top level that is not an object")
		}
		if err != nil {
			return
		}

		checkID(t, data, req.ID)
		checkChecker(t, &req)
		first := dump(&req)
		if err := d.Decode(data, &req); err != nil {
			t.Fatalf("second Decode: %v", err)
		}
		if second := dump(&req); second != first {
			t.Fatalf("second decode differs:\n%s\n%s", first, second)
		}
		if fresh := dump(decodeFresh(t, data)); fresh != first {
			t.Fatalf("fresh decode differs from reused:\n%s\n%s", fresh, first)
		}
	})
}

// checkID compares the decoded top-level id with encoding/json's reading
// when the id is a JSON string. encoding/json turns bytes that are not
// UTF-8 into U+FFFD while Decode keeps them, so only UTF-8 ids compare.
func checkID(t *testing.T, data []byte, got string) {
	t.Helper()
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return // nesting beyond encoding/json's own limit
	}
	want, ok := top["id"].(string)
	if ok && utf8.ValidString(got) && got != want {
		t.Fatalf("got id %q, encoding/json reads %q", got, want)
	}
}

// checkChecker compares Validate's verdict on req with that of a Checker
// whose text still holds an earlier rejection.
func checkChecker(t *testing.T, req *BidRequest) {
	t.Helper()
	var c Checker
	if c.Check(&BidRequest{ID: "r", Imp: []Imp{{ID: "1"}, {ID: "1"}}}) {
		t.Fatal("Check passed duplicate impression ids")
	}
	err := Validate(req)
	ok := c.Check(req)
	switch {
	case ok != (err == nil):
		t.Fatalf("Check %v, Validate %v", ok, err)
	case !ok && c.Err.Error() != err.Error():
		t.Fatalf("Check refused with %q, Validate with %q", c.Err.Error(), err.Error())
	}
}
