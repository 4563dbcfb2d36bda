package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"

	// Its inflater reuses its Huffman tables across bodies; the standard
	// library's allocates new ones for most gzipped bid requests.
	"github.com/klauspost/compress/gzip"
)

// bodyError is a request body the server refuses, with its status.
type bodyError struct {
	status int
	msg    string
}

func (e *bodyError) Error() string { return e.msg }

// bodyReader decompresses request bodies into a reusable buffer under a
// size limit.
type bodyReader struct {
	src   bytes.Reader
	plain bytes.Buffer
	gz    *gzip.Reader
	// lim bounds a read; kept here, a limit costs no allocation.
	lim io.LimitedReader
}

var (
	encGzip     = []byte("gzip")
	encIdentity = []byte("identity")
)

// decode returns the body as the bidder reads it: raw for no encoding,
// decompressed for gzip, at most maxPlain bytes. The slice is valid until
// the next call.
func (br *bodyReader) decode(enc, raw []byte, maxPlain int64) ([]byte, error) {
	enc = bytes.TrimSpace(enc)
	switch {
	case len(enc) == 0 || bytes.EqualFold(enc, encIdentity):
		return raw, nil
	case !bytes.EqualFold(enc, encGzip):
		return nil, &bodyError{http.StatusUnsupportedMediaType,
			"Content-Encoding: unsupported " + quote(string(enc)) + " (use gzip or none)"}
	}
	br.src.Reset(raw)
	var err error
	if br.gz == nil {
		br.gz, err = gzip.NewReader(&br.src)
	} else {
		err = br.gz.Reset(&br.src)
	}
	if err != nil {
		return nil, &bodyError{http.StatusBadRequest, "body: not valid gzip"}
	}
	br.plain.Reset()
	br.lim = io.LimitedReader{R: br.gz, N: maxPlain + 1}
	n, err := br.plain.ReadFrom(&br.lim)
	br.lim.R = nil
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
		what + ": larger than the limit of " + strconv.FormatInt(limit, 10) + " bytes"}
}

// quote quotes client text for an error message, cut and made printable.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c > 0x7e {
			c = '?'
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}
