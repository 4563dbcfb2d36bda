package server

import (
	"bytes"
	"net/http"
	"strconv"
)

// maxHead is the longest request line and header block accepted.
const maxHead = 8 << 10

// request is one HTTP/1.1 request read from a connection. Its slices point
// into the connection's input (the body of a chunked request into the
// parser's scratch) and are valid until the next request is parsed.
type request struct {
	method, path, query []byte
	// encoding is the Content-Encoding header.
	encoding []byte
	body     []byte
	// close: the client asked to close the connection after the answer,
	// or spoke HTTP/1.0 without asking to keep it.
	close bool
	// expect: the client waits for "100 Continue" before sending the body.
	expect bool
	// keepAlive: an HTTP/1.0 client asked to keep the connection, which
	// the answer must confirm.
	keepAlive bool
	http10    bool
}

// httpError is a request the server refuses before it reaches a handler;
// the connection is closed after the answer.
type httpError struct {
	status int
	msg    string
}

var (
	errHead = &httpError{http.StatusRequestHeaderFieldsTooLarge,
		"headers: request line and headers larger than " + strconv.Itoa(maxHead) + " bytes"}
	errMalformed = &httpError{http.StatusBadRequest, "request: malformed HTTP"}
	errLength    = &httpError{http.StatusBadRequest, "Content-Length: not a byte count"}
	errChunked   = &httpError{http.StatusBadRequest, "body: malformed chunked encoding"}
	errFraming   = &httpError{http.StatusBadRequest,
		"body: chunked framing over " + strconv.Itoa(maxChunkFraming) +
			" bytes beyond the data (send larger chunks)"}
	errTransfer = &httpError{http.StatusBadRequest,
		"Transfer-Encoding: only chunked, given once, is supported"}
	errBothFramings = &httpError{http.StatusBadRequest,
		"body: Content-Length and Transfer-Encoding given together"}
	errChunked10 = &httpError{http.StatusBadRequest,
		"Transfer-Encoding: chunked is not HTTP/1.0"}
	errVersion = &httpError{http.StatusBadRequest,
		"request: only HTTP/1.0 and HTTP/1.1 are served"}
	errHost = &httpError{http.StatusBadRequest, "Host: missing or repeated"}
)

// maxChunkLine bounds a chunk's size line with its extensions, and
// maxChunkFraming all of a chunked body's bytes that are not data.
const (
	maxChunkLine    = 1 << 10
	maxChunkFraming = 16 << 10
)

// parser reads requests from a connection's bytes.
type parser struct {
	// maxBody limits a body as sent, in bytes.
	maxBody int64
	// chunks holds the body of a chunked request, joined.
	chunks []byte
}

// parse reads one request from the start of b. It returns the bytes the
// request took, or 0 when b holds only part of it; head reports that the
// head of a partial request is complete (the body is still coming).
func (p *parser) parse(b []byte, r *request) (n int, head bool, err *httpError) {
	// Robust servers ignore empty lines before a request line; they count
	// towards the head's limit.
	for len(b) > n && n <= maxHead && (b[n] == '\r' || b[n] == '\n') {
		n++
	}
	if n > maxHead {
		return 0, false, errHead
	}
	*r = request{}
	line, next, ok := nextLine(b, n)
	if !ok {
		if len(b) > maxHead {
			return 0, false, errHead
		}
		return 0, false, nil
	}
	if e := r.requestLine(line); e != nil {
		return 0, false, e
	}
	length, chunked := int64(-1), false
	hosts, sawClose := 0, false
	for {
		line, next, ok = nextLine(b, next)
		if !ok {
			if len(b) > maxHead {
				return 0, false, errHead
			}
			return 0, false, nil
		}
		if next > maxHead {
			return 0, false, errHead
		}
		if len(line) == 0 {
			break
		}
		// A line starting with white space would continue the previous
		// field (obsolete line folding), which HTTP/1.1 servers refuse.
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !isToken(line[:colon]) {
			return 0, false, errMalformed
		}
		name, value := line[:colon], bytes.Trim(line[colon+1:], " \t")
		if !isFieldValue(value) {
			return 0, false, errMalformed
		}
		switch {
		case equalFold(name, "host"):
			hosts++
		case equalFold(name, "content-length"):
			v, ok := parseLength(value)
			if !ok || (length >= 0 && v != length) {
				return 0, false, errLength
			}
			length = v
		case equalFold(name, "transfer-encoding"):
			if !equalFold(value, "chunked") || chunked {
				return 0, false, errTransfer
			}
			chunked = true
		case equalFold(name, "content-encoding"):
			r.encoding = value
		case equalFold(name, "connection"):
			if containsToken(value, "close") {
				r.close, r.keepAlive, sawClose = true, false, true
			} else if containsToken(value, "keep-alive") && r.http10 && !sawClose {
				r.close, r.keepAlive = false, true
			}
		case equalFold(name, "expect"):
			// HTTP/1.0 has no interim answers: the expectation is ignored.
			r.expect = equalFold(value, "100-continue") && !r.http10
		}
	}
	// HTTP/1.1 requires exactly one Host; HTTP/1.0 at most one.
	if hosts > 1 || hosts == 0 && !r.http10 {
		return 0, false, errHost
	}
	// Both framings at once, or chunks where HTTP/1.0 knows none, is how
	// requests are smuggled past proxies.
	if chunked && length >= 0 {
		return 0, false, errBothFramings
	}
	if chunked && r.http10 {
		return 0, false, errChunked10
	}
	switch {
	case chunked:
		used, e := p.dechunk(b[next:])
		if e != nil || used == 0 {
			return 0, true, e
		}
		r.body = p.chunks
		return next + used, true, nil
	case length > p.maxBody:
		return 0, true, tooLargeHTTP(p.maxBody)
	case length > 0:
		if int64(len(b)-next) < length {
			return 0, true, nil
		}
		r.body = b[next : next+int(length)]
		return next + int(length), true, nil
	}
	return next, true, nil
}

// requestLine reads "METHOD target HTTP/1.x"; HTTP/1.0 closes by default.
func (r *request) requestLine(line []byte) *httpError {
	sp := bytes.IndexByte(line, ' ')
	if sp <= 0 {
		return errMalformed
	}
	r.method, line = line[:sp], line[sp+1:]
	if !isToken(r.method) {
		return errMalformed
	}
	sp = bytes.LastIndexByte(line, ' ')
	if sp <= 0 {
		return errMalformed
	}
	target, proto := line[:sp], line[sp+1:]
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.close, r.http10 = true, true
	default:
		if bytes.HasPrefix(proto, []byte("HTTP/")) {
			return errVersion
		}
		return errMalformed
	}
	for _, c := range target {
		if c <= ' ' || c == 0x7f {
			return errMalformed
		}
	}
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		target, r.query = target[:q], target[q+1:]
	}
	if len(target) > 0 && target[0] == '/' {
		r.path = target
		return nil
	}
	// Absolute form, as sent to proxies: http://authority/path; the path
	// is what routes.
	rest, ok := cutScheme(target)
	if !ok {
		return errMalformed
	}
	host := rest
	if i := bytes.IndexByte(rest, '/'); i >= 0 {
		host, r.path = rest[:i], rest[i:]
	} else {
		r.path = slash
	}
	if len(host) == 0 {
		return errMalformed // an http URI needs a host
	}
	return nil
}

var slash = []byte("/")

// cutScheme returns what follows "http://" or "https://" in t.
func cutScheme(t []byte) ([]byte, bool) {
	for _, scheme := range [...]string{"http://", "https://"} {
		if len(t) >= len(scheme) && equalFold(t[:len(scheme)], scheme) {
			return t[len(scheme):], true
		}
	}
	return nil, false
}

// tchar marks the characters of an HTTP token (method, field name).
var tchar = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

func isToken(b []byte) bool {
	for _, c := range b {
		if !tchar[c] {
			return false
		}
	}
	return len(b) > 0
}

// isFieldValue reports whether b holds no control character but tab.
func isFieldValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// dechunk joins a chunked body into p.chunks. It returns the bytes the body
// and its trailer took, or 0 while they are incomplete.
func (p *parser) dechunk(b []byte) (int, *httpError) {
	p.chunks = p.chunks[:0]
	next := 0
	for {
		// Framing beyond the data (size lines, extensions, trailers) is
		// bounded, so that a client cannot make the server buffer it
		// without end.
		if next-len(p.chunks) > maxChunkFraming {
			return 0, errFraming
		}
		line, after, ok := nextLine(b, next)
		if !ok || len(line) > maxChunkLine {
			// A CR waiting for its LF is not part of the line.
			if len(bytes.TrimSuffix(b[next:], []byte("\r"))) > maxChunkLine {
				return 0, errChunked
			}
			return 0, nil
		}
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i] // chunk extensions carry nothing for us
		}
		size, ok := parseHex(bytes.TrimRight(line, " \t"))
		if !ok {
			return 0, errChunked
		}
		if int64(len(p.chunks))+size > p.maxBody {
			return 0, tooLargeHTTP(p.maxBody)
		}
		if size == 0 {
			// Trailer fields up to an empty line; their content is ignored.
			for {
				line, after, ok = nextLine(b, after)
				if !ok {
					if len(bytes.TrimSuffix(b, []byte("\r")))-len(p.chunks) > maxChunkFraming {
						return 0, errFraming
					}
					return 0, nil
				}
				if after-len(p.chunks) > maxChunkFraming {
					return 0, errFraming
				}
				if len(line) == 0 {
					return after, nil
				}
			}
		}
		end := after + int(size)
		if len(b) < end+2 {
			return 0, nil
		}
		if b[end] == '\r' {
			end++
		}
		if b[end] != '\n' {
			return 0, errChunked
		}
		p.chunks = append(p.chunks, b[after:after+int(size)]...)
		next = end + 1
	}
}

func tooLargeHTTP(limit int64) *httpError {
	be := tooLarge(limit, "body").(*bodyError)
	return &httpError{be.status, be.msg}
}

// nextLine returns the line of b starting at i, without its line end (CRLF,
// or a bare LF as lenient servers accept), and where the next one starts.
func nextLine(b []byte, i int) (line []byte, next int, ok bool) {
	j := bytes.IndexByte(b[i:], '\n')
	if j < 0 {
		return nil, i, false
	}
	line = b[i : i+j]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, i + j + 1, true
}

// parseLength reads a Content-Length value: decimal digits only.
func parseLength(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// parseHex reads a chunk size.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | int64(c)
	}
	return v, true
}

// equalFold compares ASCII b with lower-case s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// containsToken reports whether the comma-separated list v holds token t.
func containsToken(v []byte, t string) bool {
	for len(v) > 0 {
		var item []byte
		if i := bytes.IndexByte(v, ','); i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			item, v = v, nil
		}
		if equalFold(bytes.Trim(item, " \t"), t) {
			return true
		}
	}
	return false
}

// response is the answer to one request, written by appendTo.
type response struct {
	status int
	// ctype is the Content-Type of a non-empty body.
	ctype []byte
	body  []byte
	// allow lists the methods of a 405 answer; location is the target of
	// a redirect, a URL without spaces or control characters.
	allow, location string
	// reason is the X-Nobid-Reason of a no-bid; version adds
	// X-Openrtb-Version to bid answers.
	reason  []byte
	version bool
	noStore bool
	// close ends the connection after this answer; keepAlive confirms an
	// HTTP/1.0 client's keep-alive; head answers a HEAD request: the
	// headers of the answer without its body.
	close, keepAlive, head bool
}

func (r *response) reset() { *r = response{} }

func (r *response) json(status int, body []byte) {
	r.status, r.ctype, r.body = status, typeJSON, body
}

// error answers with a JSON body {"error": msg}.
func (r *response) error(status int, msg string) { r.json(status, errorBody(msg)) }

// appendTo appends the answer, head and body, to dst.
func (r *response) appendTo(dst, date []byte) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(r.status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(r.status)...)
	dst = append(dst, "\r\nDate: "...)
	dst = append(dst, date...)
	if len(r.ctype) > 0 {
		dst = append(dst, "\r\nContent-Type: "...)
		dst = append(dst, r.ctype...)
	}
	if r.status != http.StatusNoContent {
		dst = append(dst, "\r\nContent-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(r.body)), 10)
	}
	if r.version {
		dst = append(dst, "\r\nX-Openrtb-Version: 2.6"...)
	}
	if len(r.reason) > 0 {
		dst = append(dst, "\r\nX-Nobid-Reason: "...)
		dst = append(dst, r.reason...)
	}
	if r.allow != "" {
		dst = append(dst, "\r\nAllow: "...)
		dst = append(dst, r.allow...)
	}
	if r.location != "" {
		dst = append(dst, "\r\nLocation: "...)
		dst = append(dst, r.location...)
	}
	if r.noStore {
		dst = append(dst, "\r\nCache-Control: no-store"...)
	}
	if r.close {
		dst = append(dst, "\r\nConnection: close"...)
	} else if r.keepAlive {
		dst = append(dst, "\r\nConnection: keep-alive"...)
	}
	dst = append(dst, "\r\n\r\n"...)
	if r.status != http.StatusNoContent && !r.head {
		dst = append(dst, r.body...)
	}
	return dst
}
