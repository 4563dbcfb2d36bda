package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// errMalformed reports a response that does not parse as HTTP/1.x.
var errMalformed = errors.New("malformed http response")

// maxHeaderLines bounds the header section of one response, so that a
// broken server cannot keep a connection reading forever within its
// deadline.
const maxHeaderLines = 256

// maxChunk bounds one chunk size; larger ones are treated as malformed
// rather than risking an overflow.
const maxChunk = 1 << 40

// readResponse reads one response from br and discards its body. keep is
// false when the connection cannot carry another request: the server asked
// to close it, or the body ran to the end of the stream. Informational 1xx
// responses are skipped. It allocates nothing.
func readResponse(br *bufio.Reader) (status int, keep bool, err error) {
	for {
		status, keep, err = readOne(br)
		if err != nil {
			return status, false, err
		}
		if status >= 200 {
			return status, keep, nil
		}
	}
}

func readOne(br *bufio.Reader) (status int, keep bool, err error) {
	line, err := readLine(br)
	if err != nil {
		return 0, false, err
	}
	status, keep, ok := parseStatusLine(line)
	if !ok {
		return 0, false, errMalformed
	}

	length, chunked := int64(-1), false
	for n := 0; ; n++ {
		if n == maxHeaderLines {
			return status, false, errMalformed
		}
		line, err := readLine(br)
		if err != nil {
			return status, false, err
		}
		if len(line) == 0 {
			break
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		if !found {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			if length, ok = parseDecimal(value); !ok {
				return status, false, errMalformed
			}
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			chunked = containsFold(value, "chunked")
		case bytes.EqualFold(name, []byte("connection")):
			if containsFold(value, "close") {
				keep = false
			} else if containsFold(value, "keep-alive") {
				keep = true
			}
		}
	}

	switch {
	case status < 200 || status == 204 || status == 304:
		return status, keep, nil
	case chunked:
		return status, keep, skipChunked(br)
	case length >= 0:
		if _, err := br.Discard(int(length)); err != nil {
			return status, false, unexpected(err)
		}
		return status, keep, nil
	default:
		// No length: the body runs to the end of the stream.
		_, err := io.Copy(io.Discard, br)
		return status, false, err
	}
}

// parseStatusLine reads "HTTP/1.x NNN reason". HTTP/1.1 keeps the
// connection open by default, HTTP/1.0 closes it.
func parseStatusLine(line []byte) (status int, keep bool, ok bool) {
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return 0, false, false
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, false, false
		}
		status = status*10 + int(c-'0')
	}
	if len(line) > 12 && line[12] != ' ' {
		return 0, false, false
	}
	return status, line[7] == '1', status >= 100
}

// readLine returns one line without its line end. A line longer than the
// reader's buffer comes back empty-handed as a header that is skipped: the
// headers this client needs are all short.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err != nil {
			return nil, unexpected(err)
		}
		return []byte("x-skipped: long line"), nil
	}
	if err != nil {
		return nil, unexpected(err)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// unexpected turns a clean end of stream in the middle of a response into
// io.ErrUnexpectedEOF; a peer that closes between responses is the same
// failure for the request that was waiting.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// skipChunked discards a chunked body and its trailers.
func skipChunked(br *bufio.Reader) error {
	for {
		line, err := readLine(br)
		if err != nil {
			return err
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size, ok := parseHex(bytes.TrimSpace(line))
		if !ok {
			return errMalformed
		}
		if size == 0 {
			break
		}
		if _, err := br.Discard(int(size)); err != nil {
			return unexpected(err)
		}
		if line, err := readLine(br); err != nil || len(line) != 0 {
			return errors.Join(err, errMalformed)
		}
	}
	for n := 0; n < maxHeaderLines; n++ {
		line, err := readLine(br)
		if err != nil || len(line) == 0 {
			return err
		}
	}
	return errMalformed
}

func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
		if n > maxChunk {
			return 0, false
		}
	}
	return n, true
}

// containsFold reports whether the comma-separated header value v holds
// token, ignoring case.
func containsFold(v []byte, token string) bool {
	for len(v) > 0 {
		var item []byte
		item, v, _ = bytes.Cut(v, []byte(","))
		if bytes.EqualFold(bytes.TrimSpace(item), []byte(token)) {
			return true
		}
	}
	return false
}
