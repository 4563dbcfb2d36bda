package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
)

// maxBody bounds an admin request body; the largest entity, a creative
// with its markup, is far smaller.
const maxBody = 1 << 20

// readObject reads r's body as one JSON object of raw fields.
func readObject(r *http.Request) (map[string]json.RawMessage, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "read body: "+err.Error())
	}
	if len(b) > maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body larger than 1 MiB")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
		return nil, errorf(http.StatusBadRequest, "body must be one JSON object")
	}
	return obj, nil
}

// apply decodes each field of obj into the field of *dst (a wire struct)
// with the same JSON name, and returns the problem of every field that is
// unknown, read-only or of the wrong shape. Nested objects reject unknown
// fields too. A JSON null resets the field to its zero value. On any
// problem, the caller must discard dst.
func apply(dst any, obj map[string]json.RawMessage, readOnly map[string]string) map[string]string {
	v := reflect.ValueOf(dst).Elem()
	byName := jsonFields(v.Type())
	problems := map[string]string{}
	for name, raw := range obj {
		if why, ok := readOnly[name]; ok {
			problems[name] = why
			continue
		}
		idx, ok := byName[name]
		if !ok {
			problems[name] = "unknown field"
			continue
		}
		f := v.Field(idx)
		if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			f.SetZero()
			continue
		}
		p := reflect.New(f.Type())
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(p.Interface()); err != nil {
			problems[name] = decodeProblem(err)
			continue
		}
		f.Set(p.Elem())
	}
	return problems
}

// merge adds to problems every entry of more whose field has no problem
// yet: a field that failed to decode is reported as such, not as the
// validation failure of the value it was left at.
func merge(problems, more map[string]string) map[string]string {
	for k, v := range more {
		if _, ok := problems[k]; !ok {
			problems[k] = v
		}
	}
	return problems
}

// jsonFields maps the JSON names of t's fields to their indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}

// decodeProblem words a decoding error for the client without Go type
// names.
func decodeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s: wrong type, got %s", te.Field, te.Value)
		}
		return "wrong type, got " + te.Value
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: "); ok {
		return msg
	}
	return "invalid value"
}
