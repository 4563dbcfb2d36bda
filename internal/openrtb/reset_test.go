package openrtb

import (
	"reflect"
	"testing"
)

// fill sets every field reachable from v to a non-zero value; slices get
// two filled elements.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i))
		}
		v.Set(s)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(7)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i))
		}
	default:
		panic("fill: unhandled kind " + v.Kind().String())
	}
}

// resetTo are fields whose empty value is not the zero value, by type
// and field name.
var resetTo = map[string]int64{
	"Regs.GDPR": -1, // absent
}

// leftovers lists the fields under v that a reset left set: anything
// but the zero value (or the resetTo value), where slices count as reset
// when empty.
func leftovers(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if want, ok := resetTo[v.Type().Name()+"."+f.Name]; ok {
				if v.Field(i).Int() != want {
					*out = append(*out, path+"."+f.Name)
				}
				continue
			}
			leftovers(v.Field(i), path+"."+f.Name, out)
		}
	case reflect.Slice:
		if v.Len() != 0 {
			*out = append(*out, path)
		}
	default:
		if !v.IsZero() {
			*out = append(*out, path)
		}
	}
}

// TestResetClearsEveryField fills every field of each type that is
// reset for reuse, resets it, and requires every field empty: a field
// added to a type and forgotten in its reset would carry one request's
// values into the next.
func TestResetClearsEveryField(t *testing.T) {
	for _, v := range []interface{ reset() }{
		&BidRequest{}, &Imp{}, &Site{}, &App{}, &DOOH{}, &Publisher{}, &Content{},
		&Banner{}, &Video{}, &Audio{}, &Native{}, &PMP{}, &Deal{}, &User{}, &Data{},
		&EID{}, &Regs{}, &Source{}, &SChain{},
	} {
		rv := reflect.ValueOf(v).Elem()
		fill(rv)
		v.reset()
		var left []string
		leftovers(rv, rv.Type().Name(), &left)
		if len(left) > 0 {
			t.Errorf("%s.reset leaves %v", rv.Type().Name(), left)
		}
	}
}
