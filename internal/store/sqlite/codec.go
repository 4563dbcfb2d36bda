package sqlite

import (
	"database/sql"
	"encoding/json"
	"time"
)

// encodeList writes a list field as a JSON array; an empty or nil list is
// "[]", so that rows edited by hand never need NULL checks.
func encodeList[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeList reads a list field written by encodeList or by hand. An empty
// array, an empty string and JSON null all read as nil, so that a stored
// empty list compares equal to the zero value it was written from.
func decodeList[T any](s string) ([]T, error) {
	// Most list columns are empty: skip the JSON decoder for them.
	if s == "" || s == "[]" {
		return nil, nil
	}
	var v []T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, nil
	}
	return v, nil
}

// listCodec gathers the encoding or decoding of many list fields and keeps
// the first error, so that a row's columns read as one flat list of calls.
type listCodec struct{ err error }

func (c *listCodec) set(err error) {
	if c.err == nil {
		c.err = err
	}
}

func encodeField[T any](c *listCodec, v []T) string {
	s, err := encodeList(v)
	c.set(err)
	return s
}

func decodeField[T any](c *listCodec, s string) []T {
	v, err := decodeList[T](s)
	c.set(err)
	return v
}

// encodeTime stores t as unix milliseconds; the zero time is NULL.
func encodeTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

// decodeTime reads a time stored by encodeTime, in UTC.
func decodeTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// nowMS is the store's clock for UpdatedAt, in unix milliseconds.
func nowMS() int64 {
	return time.Now().UnixMilli()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
