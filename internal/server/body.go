package server

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"
)

// bodyError is a request body the server refuses, with its status.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// bodyReader reads request bodies into reusable buffers under the size
// limits, decompressing gzip.
type bodyReader struct {
	raw   bytes.Buffer
	plain bytes.Buffer
	gz    *gzip.Reader
}

// read returns the request body, decompressed. The slice is valid until
// the next call. maxWire bounds the body as sent, maxPlain the body after
// decompression.
func (br *bodyReader) read(r *http.Request, maxWire, maxPlain int64) ([]byte, error) {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc != "" && enc != "identity" && enc != "gzip" {
		return nil, &bodyError{http.StatusUnsupportedMediaType,
			"Content-Encoding: unsupported " + quote(enc) + " (use gzip or none)"}
	}
	if r.ContentLength > maxWire {
		return nil, tooLarge(maxWire, "body")
	}
	br.raw.Reset()
	n, err := br.raw.ReadFrom(io.LimitReader(r.Body, maxWire+1))
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, "body: read failed"}
	}
	if n > maxWire {
		return nil, tooLarge(maxWire, "body")
	}
	if enc != "gzip" {
		return br.raw.Bytes(), nil
	}
	return br.gunzip(maxPlain)
}

func (br *bodyReader) gunzip(maxPlain int64) ([]byte, error) {
	var err error
	if br.gz == nil {
		br.gz, err = gzip.NewReader(&br.raw)
	} else {
		err = br.gz.Reset(&br.raw)
	}
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, "body: not valid gzip"}
	}
	br.plain.Reset()
	n, err := br.plain.ReadFrom(io.LimitReader(br.gz, maxPlain+1))
	if n > maxPlain {
		return nil, tooLarge(maxPlain, "decompressed body")
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &bodyError{http.StatusBadRequest, "body: not valid gzip"}
	}
	return br.plain.Bytes(), nil
}

func tooLarge(limit int64, what string) error {
	return &bodyError{http.StatusRequestEntityTooLarge,
		what + ": larger than the limit of " + itoa(limit) + " bytes"}
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r > 0x7e {
			return '?'
		}
		return r
	}, s) + `"`
}
