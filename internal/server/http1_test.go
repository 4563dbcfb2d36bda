package server

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testMaxBody is the body limit of the parsers under test: room for every
// request of the shared corpus, small enough for the fuzzer to cross.
const testMaxBody = 32 << 10

// Heads that many cases share. HTTP/1.1 requires one Host field, so every
// HTTP/1.1 request meant to be valid carries one.
const (
	getRoot  = "GET / HTTP/1.1\r\nHost: x\r\n"
	postB    = "POST /b HTTP/1.1\r\nHost: x\r\n"
	chunkedB = postB + "Transfer-Encoding: chunked\r\n\r\n"
)

// parsed is what a test compares of a request, copied out of the buffers
// the request points into.
type parsed struct {
	method, path, query, encoding, body string
	close, keepAlive, expect, http10    bool
}

func viewRequest(r *request) parsed {
	return parsed{
		method: string(r.method), path: string(r.path), query: string(r.query),
		encoding: string(r.encoding), body: string(r.body),
		close: r.close, keepAlive: r.keepAlive, expect: r.expect, http10: r.http10,
	}
}

// posted is the request "POST /b" with body.
func posted(body string) parsed { return parsed{method: "POST", path: "/b", body: body} }

// sameHTTPError compares errors by value; a want without a message matches
// any error of its status, for messages built from the configured limit.
func sameHTTPError(got, want *httpError) bool {
	if got == nil || want == nil {
		return got == want
	}
	if want.msg == "" {
		return got.status == want.status && got.msg != ""
	}
	return *got == *want
}

// errTooLarge stands for the 413 answer of a body over the limit.
var errTooLarge = &httpError{status: http.StatusRequestEntityTooLarge}

// sizeLine returns the size line of a one-byte chunk, n bytes long without
// its line end, padded with an extension.
func sizeLine(n int) string { return "1;" + strings.Repeat("e", n-2) }

// chunkedBody returns a chunked body that carries "a" and holds exactly
// framing bytes that are not data (10 at least): an extension and trailer
// lines of 1,000 bytes make up the count.
func chunkedBody(framing int) string {
	const fixed = len("1\r\n" + "\r\n" + "0\r\n" + "\r\n")
	lines, ext := (framing-fixed)/1000, (framing-fixed)%1000
	size := "1"
	if ext > 0 {
		size += ";" + strings.Repeat("e", ext-1)
	}
	trailer := strings.Repeat("X: "+strings.Repeat("t", 995)+"\r\n", lines)
	return size + "\r\na\r\n0\r\n" + trailer + "\r\n"
}

func TestParse(t *testing.T) {
	const all = -1 // the request takes the whole input
	get := parsed{method: "GET", path: "/"}
	get10 := parsed{method: "GET", path: "/", close: true, http10: true}
	tests := []struct {
		name    string
		in      string
		maxBody int64 // 0: testMaxBody
		n       int
		head    bool
		err     *httpError
		want    parsed
	}{
		{name: "post with content length",
			in: "POST /openrtb2/bid?ex=a&b=1 HTTP/1.1\r\nHost: x\r\n" +
				"Content-Length: 5\r\n\r\nhello",
			n: all, head: true,
			want: parsed{method: "POST", path: "/openrtb2/bid", query: "ex=a&b=1",
				body: "hello"}},
		{name: "get without body", in: "GET /status HTTP/1.1\r\nHost: x\r\n\r\n",
			n: all, head: true, want: parsed{method: "GET", path: "/status"}},
		{name: "empty query", in: "GET /a? HTTP/1.1\r\nHost: x\r\n\r\n",
			n: all, head: true, want: parsed{method: "GET", path: "/a"}},
		{name: "leading empty lines", in: "\r\n\r\n" + getRoot + "\r\n",
			n: all, head: true, want: get},
		{name: "leading bare line feeds", in: "\n\n" + getRoot + "\r\n",
			n: all, head: true, want: get},
		{name: "bare line feeds", in: "POST /b HTTP/1.1\nHost: x\nContent-Length: 3\n\nabc",
			n: all, head: true, want: posted("abc")},
		{name: "mixed line ends", in: "POST /b HTTP/1.1\r\nHost: x\nContent-Length: 3\n\r\nabc",
			n: all, head: true, want: posted("abc")},
		{name: "header names ignore case",
			in: postB + "cOnTeNt-LeNgTh: 3\r\nCONTENT-ENCODING: gzip\r\n\r\nabc",
			n:  all, head: true,
			want: parsed{method: "POST", path: "/b", encoding: "gzip", body: "abc"}},
		{name: "content encoding trimmed",
			in: postB + "Content-Encoding: \t gzip \t\r\nContent-Length: 0\r\n\r\n",
			n:  all, head: true, want: parsed{method: "POST", path: "/b", encoding: "gzip"}},
		{name: "value without space", in: postB + "Content-Length:3\r\n\r\nabc",
			n: all, head: true, want: posted("abc")},

		// Host.
		{name: "HTTP/1.1 without host", in: "GET / HTTP/1.1\r\n\r\n", err: errHost},
		{name: "HTTP/1.1 without host before a body",
			in: "POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", err: errHost},
		{name: "HTTP/1.1 with a field named like host",
			in: "GET / HTTP/1.1\r\nHostname: x\r\nX-Host: x\r\n\r\n", err: errHost},
		{name: "host twice", in: getRoot + "Host: x\r\n\r\n", err: errHost},
		{name: "host twice in other cases",
			in: "GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n", err: errHost},
		{name: "host name in any case", in: "GET / HTTP/1.1\r\nhOsT: x\r\n\r\n",
			n: all, head: true, want: get},
		{name: "empty host", in: "GET / HTTP/1.1\r\nHost:\r\n\r\n",
			n: all, head: true, want: get},
		{name: "absolute form without host", in: "GET http://x/ HTTP/1.1\r\n\r\n",
			err: errHost},
		{name: "HTTP/1.0 without host", in: "GET / HTTP/1.0\r\n\r\n",
			n: all, head: true, want: get10},
		{name: "HTTP/1.0 with host", in: "GET / HTTP/1.0\r\nHost: x\r\n\r\n",
			n: all, head: true, want: get10},
		{name: "HTTP/1.0 host twice", in: "GET / HTTP/1.0\r\nHost: x\r\nHost: x\r\n\r\n",
			err: errHost},

		// Content-Length.
		{name: "content length zero", in: postB + "Content-Length: 0\r\n\r\n",
			n: all, head: true, want: posted("")},
		{name: "content length with blanks", in: postB + "Content-Length: \t 3 \t\r\n\r\nabc",
			n: all, head: true, want: posted("abc")},
		{name: "content length leading zeros", in: postB + "Content-Length: 003\r\n\r\nabc",
			n: all, head: true, want: posted("abc")},
		{name: "content length not digits", in: postB + "Content-Length: 3a\r\n\r\nabc",
			err: errLength},
		{name: "content length negative", in: postB + "Content-Length: -3\r\n\r\nabc",
			err: errLength},
		{name: "content length plus sign", in: postB + "Content-Length: +3\r\n\r\nabc",
			err: errLength},
		{name: "content length empty", in: postB + "Content-Length: \r\n\r\nabc",
			err: errLength},
		{name: "content length list", in: postB + "Content-Length: 3, 3\r\n\r\nabc",
			err: errLength},
		{name: "content length twice with different values",
			in:  postB + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
			err: errLength},
		{name: "content length twice with the same value",
			in: postB + "Content-Length: 3\r\ncontent-length: 3\r\n\r\nabc",
			n:  all, head: true, want: posted("abc")},
		{name: "content length twice with the same number",
			in: postB + "Content-Length: 3\r\nContent-Length: 03\r\n\r\nabc",
			n:  all, head: true, want: posted("abc")},
		{name: "content length over the limit before the body",
			in:      postB + "Content-Length: 11\r\n\r\n",
			maxBody: 10, head: true, err: errTooLarge},
		{name: "content length at the limit",
			in:      postB + "Content-Length: 10\r\n\r\n0123456789",
			maxBody: 10, n: all, head: true, want: posted("0123456789")},
		{name: "body still coming", in: postB + "Content-Length: 5\r\n\r\nhel",
			head: true, want: posted("")},
		{name: "expect continue before the body",
			in:   postB + "Expect: 100-Continue\r\nContent-Length: 5\r\n\r\n",
			head: true, want: parsed{method: "POST", path: "/b", expect: true}},
		{name: "expect something else",
			in: postB + "Expect: 200-ok\r\nContent-Length: 0\r\n\r\n",
			n:  all, head: true, want: posted("")},

		// Transfer-Encoding.
		{name: "chunked body across chunks",
			in: chunkedB + "5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n",
			n:  all, head: true, want: posted("hello world")},
		{name: "chunk extensions ignored",
			in: chunkedB + "5;name=value\r\nhello\r\n6 ; a=b;c\r\n world\r\n0;end\r\n\r\n",
			n:  all, head: true, want: posted("hello world")},
		{name: "trailer fields skipped",
			in: chunkedB + "5\r\nhello\r\n0\r\nX-Sum: 1\r\nContent-Length: 9\r\n\r\n",
			n:  all, head: true, want: posted("hello")},
		{name: "chunk sizes in hex of either case",
			in: postB + "transfer-ENCODING: Chunked\r\n\r\n" +
				"a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n",
			n: all, head: true, want: posted("0123456789abcdefghij")},
		{name: "chunked with bare line feeds",
			in: "POST /b HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\n5\nhello\n0\n\n",
			n:  all, head: true, want: posted("hello")},
		{name: "chunked without its last line", in: chunkedB + "5\r\nhello\r\n0\r\n",
			head: true, want: posted("")},
		{name: "chunk data still coming", in: chunkedB + "5\r\nhel",
			head: true, want: posted("")},
		{name: "chunk size not hex", in: chunkedB + "zz\r\n", head: true, err: errChunked},
		{name: "chunk size empty", in: chunkedB + "\r\nhello\r\n", head: true, err: errChunked},
		{name: "chunk size negative", in: chunkedB + "-5\r\nhello\r\n",
			head: true, err: errChunked},
		{name: "chunk data without line end", in: chunkedB + "5\r\nhelloXY0\r\n\r\n",
			head: true, err: errChunked},
		{name: "chunked over the limit", in: chunkedB + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
			maxBody: 8, head: true, err: errTooLarge},
		{name: "chunk over the limit before its data", in: chunkedB + "9\r\n",
			maxBody: 8, head: true, err: errTooLarge},
		{name: "chunked at the limit", in: chunkedB + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n",
			maxBody: 10, n: all, head: true, want: posted("helloworld")},
		{name: "transfer encoding gzip", in: postB + "Transfer-Encoding: gzip\r\n\r\n",
			err: errTransfer},
		{name: "transfer encoding list",
			in: postB + "Transfer-Encoding: gzip, chunked\r\n\r\n", err: errTransfer},
		{name: "chunked in HTTP/1.0",
			in:  "POST /b HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
			err: errChunked10},
		{name: "chunked twice",
			in: postB + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"0\r\n\r\n",
			err: errTransfer},
		{name: "content length then chunked",
			in:  postB + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			err: errBothFramings},
		{name: "chunked then content length",
			in:  postB + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
			err: errBothFramings},

		// The framing of a chunked body: size lines, extensions, trailer.
		{name: "chunk size line at the limit",
			in: chunkedB + sizeLine(maxChunkLine) + "\r\na\r\n0\r\n\r\n",
			n:  all, head: true, want: posted("a")},
		{name: "chunk size line over the limit",
			in:   chunkedB + sizeLine(maxChunkLine+1) + "\r\na\r\n0\r\n\r\n",
			head: true, err: errChunked},
		{name: "chunk size line at the limit still coming",
			in: chunkedB + sizeLine(maxChunkLine), head: true, want: posted("")},
		{name: "chunk size line at the limit before its line feed",
			in: chunkedB + sizeLine(maxChunkLine) + "\r", head: true, want: posted("")},
		{name: "chunk size line over the limit still coming",
			in: chunkedB + sizeLine(maxChunkLine+1), head: true, err: errChunked},
		{name: "last chunk's size line over the limit",
			in:   chunkedB + "0;" + strings.Repeat("e", maxChunkLine) + "\r\n\r\n",
			head: true, err: errChunked},
		{name: "extensions within the framing limit",
			in: chunkedB + strings.Repeat(sizeLine(1000)+"\r\na\r\n", 16) + "0\r\n\r\n",
			n:  all, head: true, want: posted(strings.Repeat("a", 16))},
		{name: "extensions over the framing limit",
			in:   chunkedB + strings.Repeat(sizeLine(1000)+"\r\na\r\n", 17) + "0\r\n\r\n",
			head: true, err: errFraming},
		{name: "extensions over the framing limit still coming",
			in:   chunkedB + strings.Repeat(sizeLine(1000)+"\r\na\r\n", 17),
			head: true, err: errFraming},
		{name: "framing at the limit", in: chunkedB + chunkedBody(maxChunkFraming),
			n: all, head: true, want: posted("a")},
		{name: "framing one byte over the limit",
			in:   chunkedB + chunkedBody(maxChunkFraming+1),
			head: true, err: errFraming},
		{name: "framing over the limit", in: chunkedB + chunkedBody(maxChunkFraming+3),
			head: true, err: errFraming},
		{name: "framing over the limit, trailer still coming",
			in:   strings.TrimSuffix(chunkedB+chunkedBody(maxChunkFraming+3), "\r\n"),
			head: true, err: errFraming},
		{name: "long trailer",
			in:   chunkedB + "0\r\n" + strings.Repeat("X-T: 1\r\n", 15000) + "\r\n",
			head: true, err: errFraming},
		{name: "long trailer still coming",
			in:   chunkedB + "0\r\n" + strings.Repeat("X-T: 1\r\n", 15000),
			head: true, err: errFraming},
		{name: "long trailer line still coming",
			in:   chunkedB + "0\r\nX-T: " + strings.Repeat("t", maxChunkFraming),
			head: true, err: errFraming},

		// Request line.
		{name: "request line without spaces", in: "GET\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "request line without version", in: "GET /\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "empty method", in: " / HTTP/1.1\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "two spaces after method", in: "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "method not a token", in: "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "control character in method", in: "GE\x00T / HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "non-ASCII method", in: "G\xc3\x89T / HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "method of token characters",
			in: "m-S.0!#$%&'*+^_`|~9 / HTTP/1.1\r\nHost: x\r\n\r\n",
			n:  all, head: true, want: parsed{method: "m-S.0!#$%&'*+^_`|~9", path: "/"}},
		{name: "HTTP/2.0", in: "GET / HTTP/2.0\r\nHost: x\r\n\r\n", err: errVersion},
		{name: "HTTP/1.2", in: "GET / HTTP/1.2\r\nHost: x\r\n\r\n", err: errVersion},
		{name: "garbage protocol", in: "GET / FTP/1.1\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "protocol in lower case", in: "GET / http/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "control character in target", in: "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "delete in target", in: "GET /a\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "tab in target", in: "GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "space in target", in: "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "request line still coming", in: "GET / HTTP/1.1"},

		// Targets: origin form or absolute form, nothing else.
		{name: "asterisk target", in: "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "target neither path nor absolute", in: "GET host/x HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "query without path", in: "GET ?a=1 HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "scheme not at the start", in: "GET x:/a://b/c HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "scheme after a prefix", in: "GET xhttp://h/c HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "other scheme", in: "GET ftp://h/c HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "scheme without slashes", in: "GET http:/h/c HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "authority form", in: "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n",
			err: errMalformed},
		{name: "absolute form",
			in: "POST http://host/openrtb2/bid?x=1 HTTP/1.1\r\nHost: host\r\n" +
				"Content-Length: 2\r\n\r\nok",
			n: all, head: true,
			want: parsed{method: "POST", path: "/openrtb2/bid", query: "x=1", body: "ok"}},
		{name: "absolute form without path", in: "GET http://host HTTP/1.1\r\nHost: x\r\n\r\n",
			n: all, head: true, want: get},
		{name: "absolute form with https and a port",
			in: "GET https://host:8443/a/b HTTP/1.1\r\nHost: x\r\n\r\n",
			n:  all, head: true, want: parsed{method: "GET", path: "/a/b"}},
		{name: "scheme in any case", in: "GET HtTpS://Host/A?B HTTP/1.1\r\nHost: x\r\n\r\n",
			n: all, head: true, want: parsed{method: "GET", path: "/A", query: "B"}},
		{name: "query without path in absolute form",
			in: "GET http://h?u=1 HTTP/1.1\r\nHost: x\r\n\r\n",
			n:  all, head: true, want: parsed{method: "GET", path: "/", query: "u=1"}},
		{name: "path in the query of absolute form",
			in: "GET http://h?u=/openrtb2/bid HTTP/1.1\r\nHost: x\r\n\r\n",
			n:  all, head: true,
			want: parsed{method: "GET", path: "/", query: "u=/openrtb2/bid"}},
		{name: "absolute form without a host", in: "GET http:///p HTTP/1.1\r\nHost: x\r\n\r\n",
			err: errMalformed},
		{name: "absolute form with nothing after the scheme",
			in: "GET http:// HTTP/1.1\r\nHost: x\r\n\r\n", err: errMalformed},
		{name: "empty query in absolute form",
			in: "GET http://h/p? HTTP/1.1\r\nHost: x\r\n\r\n",
			n:  all, head: true, want: parsed{method: "GET", path: "/p"}},

		// Header lines.
		{name: "header line still coming", in: "GET / HTTP/1.1\r\nHost: x"},
		{name: "header without colon", in: getRoot + "X y\r\n\r\n", err: errMalformed},
		{name: "space before colon", in: postB + "Content-Length : 3\r\n\r\nabc",
			err: errMalformed},
		{name: "tab before colon", in: getRoot + "X\t: y\r\n\r\n", err: errMalformed},
		{name: "empty header name", in: getRoot + ": x\r\n\r\n", err: errMalformed},
		{name: "header name not a token", in: getRoot + "X(y): 1\r\n\r\n", err: errMalformed},
		{name: "space in header name", in: getRoot + "X Y: 1\r\n\r\n", err: errMalformed},
		{name: "non-ASCII header name", in: getRoot + "X\xc3\xa9: 1\r\n\r\n", err: errMalformed},
		{name: "header name of token characters",
			in: getRoot + "a-Z.0!#$%&'*+^_`|~9: v\r\n\r\n", n: all, head: true, want: get},
		{name: "folded line", in: getRoot + "X: a\r\n b\r\n\r\n", err: errMalformed},
		{name: "folded line with a tab", in: getRoot + "X: a\r\n\tb\r\n\r\n", err: errMalformed},
		{name: "folded first field", in: "GET / HTTP/1.1\r\n Host: x\r\n\r\n",
			err: errMalformed},
		{name: "folded content length", in: postB + "Content-Length: 3\r\n 0\r\n\r\nabc",
			err: errMalformed},
		{name: "line of blanks", in: getRoot + " \t\r\n\r\n", err: errMalformed},
		{name: "NUL in a value", in: getRoot + "X: a\x00b\r\n\r\n", err: errMalformed},
		{name: "CR in a value", in: getRoot + "X: a\rb\r\n\r\n", err: errMalformed},
		{name: "CR before the line end", in: getRoot + "X: a\r\r\n\r\n", err: errMalformed},
		{name: "delete in a value", in: getRoot + "X: a\x7f\r\n\r\n", err: errMalformed},
		{name: "control character in the host", in: "GET / HTTP/1.1\r\nHost: x\x01\r\n\r\n",
			err: errMalformed},
		{name: "escape in content encoding",
			in:  postB + "Content-Encoding: gz\x1bip\r\nContent-Length: 0\r\n\r\n",
			err: errMalformed},
		{name: "tab and non-ASCII in a value",
			in: getRoot + "X: a\tcaf\xc3\xa9 \xff\r\n\r\n", n: all, head: true, want: get},

		// Connection.
		{name: "HTTP/1.0 keep-alive", in: "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
			n: all, head: true,
			want: parsed{method: "GET", path: "/", keepAlive: true, http10: true}},
		{name: "HTTP/1.0 close wins in a list",
			in: "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
			n:  all, head: true, want: get10},
		{name: "HTTP/1.0 close wins over a later keep-alive",
			in: "GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
			n:  all, head: true, want: get10},
		{name: "HTTP/1.0 close wins over an earlier keep-alive",
			in: "GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
			n:  all, head: true, want: get10},
		{name: "HTTP/1.1 connection close", in: getRoot + "Connection: close\r\n\r\n",
			n: all, head: true, want: parsed{method: "GET", path: "/", close: true}},
		{name: "close in a list", in: getRoot + "connection: foo, Close\r\n\r\n",
			n: all, head: true, want: parsed{method: "GET", path: "/", close: true}},
		{name: "HTTP/1.1 close wins over a later keep-alive",
			in: getRoot + "Connection: close\r\nConnection: keep-alive\r\n\r\n",
			n:  all, head: true, want: parsed{method: "GET", path: "/", close: true}},
		{name: "close inside other tokens", in: getRoot + "Connection: closed, x-close\r\n\r\n",
			n: all, head: true, want: get},
		{name: "HTTP/1.1 keep-alive is the default",
			in: getRoot + "Connection: keep-alive\r\n\r\n", n: all, head: true, want: get},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parser{maxBody: cmp.Or(tt.maxBody, testMaxBody)}
			var r request
			n, head, err := p.parse([]byte(tt.in), &r)
			wantN := tt.n
			if wantN == all {
				wantN = len(tt.in)
			}
			if n != wantN || head != tt.head || !sameHTTPError(err, tt.err) {
				t.Fatalf("got n %d, head %t, err %v; want n %d, head %t, err %v",
					n, head, err, wantN, tt.head, tt.err)
			}
			// A client's mistake is never answered 5xx.
			if err != nil && (err.status < 400 || err.status > 499) {
				t.Errorf("status %d, want 4xx", err.status)
			}
			if err != nil || !head {
				return
			}
			if got := viewRequest(&r); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseBackToBack(t *testing.T) {
	reqs := []struct {
		in   string
		want parsed
	}{
		{"POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
			parsed{method: "POST", path: "/openrtb2/bid", body: "abc"}},
		{"GET /status HTTP/1.1\r\nHost: x\r\n\r\n", parsed{method: "GET", path: "/status"}},
		{"POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
			"3\r\nxyz\r\n0\r\n\r\n",
			parsed{method: "POST", path: "/c", body: "xyz"}},
		// Empty lines between requests belong to the one they precede.
		{"\r\nPOST /d?q=1 HTTP/1.1\nHost: x\nContent-Length: 2\n\nok",
			parsed{method: "POST", path: "/d", query: "q=1", body: "ok"}},
		{"GET /e HTTP/1.0\r\n\r\n", parsed{method: "GET", path: "/e", close: true, http10: true}},
	}
	var buf []byte
	for _, rq := range reqs {
		buf = append(buf, rq.in...)
	}
	p := parser{maxBody: testMaxBody}
	var r request
	for i, rq := range reqs {
		n, _, err := p.parse(buf, &r)
		if n != len(rq.in) || err != nil {
			t.Fatalf("request %d: got n %d, err %v; want n %d", i, n, err, len(rq.in))
		}
		if got := viewRequest(&r); got != rq.want {
			t.Errorf("request %d: got %+v, want %+v", i, got, rq.want)
		}
		buf = buf[n:]
	}
	if n, head, err := p.parse(buf, &r); n != 0 || head || err != nil {
		t.Errorf("empty input: got n %d, head %t, err %v", n, head, err)
	}
}

// headLen returns the length of the head of request s, leading empty lines
// included.
func headLen(t *testing.T, s string) int {
	t.Helper()
	i := len(s) - len(strings.TrimLeft(s, "\r\n"))
	for {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			t.Fatalf("no end of head in %q", s)
		}
		line := strings.TrimSuffix(s[i:i+j], "\r")
		i += j + 1
		if line == "" {
			return i
		}
	}
}

// TestParseIncompleteRequests feeds requests cut at every byte: until the
// whole request is there, parse waits for more, without an error, and it
// reports the head complete from its last byte on.
func TestParseIncompleteRequests(t *testing.T) {
	tests := []struct{ name, in string }{
		{name: "content length",
			in: "POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world"},
		{name: "chunked", in: chunkedB + "5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n"},
		{name: "no body", in: "GET /status HTTP/1.1\r\nHost: x\r\n\r\n"},
		{name: "HTTP/1.0 with bare line feeds",
			in: "\n\r\nPOST /b HTTP/1.0\nContent-Length: 2\n\nok"},
		{name: "expect", in: postB + "Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok"},
		{name: "chunk size line at the limit",
			in: chunkedB + sizeLine(maxChunkLine) + "\r\na\r\n0\r\n\r\n"},
		{name: "chunk size line at the limit with bare line feeds",
			in: chunkedB + sizeLine(maxChunkLine) + "\na\n0\n\n"},
		{name: "chunked framing at the limit", in: chunkedB + chunkedBody(maxChunkFraming)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := headLen(t, tt.in)
			p := parser{maxBody: testMaxBody}
			var r request
			for i := range len(tt.in) {
				n, head, err := p.parse([]byte(tt.in[:i]), &r)
				if n != 0 || err != nil || head != (i >= end) {
					t.Fatalf("first %d bytes: got n %d, head %t, err %v; head ends at %d",
						i, n, head, err, end)
				}
			}
			if n, _, err := p.parse([]byte(tt.in), &r); n != len(tt.in) || err != nil {
				t.Fatalf("whole request: got n %d, err %v; want n %d", n, err, len(tt.in))
			}
		})
	}
}

func TestParseHeadLimit(t *testing.T) {
	// headOf returns a GET request whose head is exactly size bytes.
	headOf := func(size int) string {
		const start, end = getRoot + "X: ", "\r\n\r\n"
		return start + strings.Repeat("a", size-len(start)-len(end)) + end
	}
	const bigHead = postB + "Content-Length: 10000\r\n\r\n"
	empty := strings.Repeat("\r\n", 100)
	tests := []struct {
		name string
		in   string
		n    int
		err  *httpError
	}{
		{name: "head at the limit", in: headOf(maxHead), n: maxHead},
		{name: "head over the limit", in: headOf(maxHead + 1), err: errHead},
		{name: "incomplete head at the limit", in: headOf(maxHead + 10)[:maxHead]},
		{name: "incomplete head over the limit", in: headOf(maxHead + 10)[:maxHead+1],
			err: errHead},
		{name: "request line over the limit", in: "GET /" + strings.Repeat("a", maxHead),
			err: errHead},
		{name: "whole request line over the limit",
			in: "GET /" + strings.Repeat("a", maxHead) + " HTTP/1.1\r\n", err: errHead},
		{name: "many short fields",
			in: getRoot + strings.Repeat("X: y\r\n", maxHead/6) + "\r\n", err: errHead},
		{name: "leading empty lines counted, at the limit",
			in: empty + headOf(maxHead-len(empty)), n: maxHead},
		{name: "leading empty lines counted, over the limit",
			in: empty + headOf(maxHead-len(empty)+1), err: errHead},
		{name: "empty lines at the limit", in: strings.Repeat("\r\n", maxHead/2)},
		{name: "empty lines over the limit", in: strings.Repeat("\r\n", maxHead/2) + "\r",
			err: errHead},
		{name: "flood of empty lines", in: strings.Repeat("\r\n", 100<<10), err: errHead},
		{name: "flood of line feeds", in: strings.Repeat("\n", 200<<10), err: errHead},
		{name: "flood of carriage returns", in: strings.Repeat("\r", 200<<10), err: errHead},
		{name: "request after a flood of empty lines",
			in:  strings.Repeat("\r\n", maxHead) + getRoot + "\r\n",
			err: errHead},
		{name: "body not counted", in: bigHead + strings.Repeat("b", 10000),
			n: len(bigHead) + 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parser{maxBody: testMaxBody}
			var r request
			n, _, err := p.parse([]byte(tt.in), &r)
			if n != tt.n || !sameHTTPError(err, tt.err) {
				t.Errorf("got n %d, err %v; want n %d, err %v", n, err, tt.n, tt.err)
			}
		})
	}
}

func TestResponseAppendTo(t *testing.T) {
	const date = "Tue, 03 Feb 2026 10:00:00 GMT"
	notAllowed := response{allow: http.MethodPost, close: true}
	notAllowed.error(http.StatusMethodNotAllowed, "method: bid requests are POSTed")
	tests := []struct {
		name  string
		res   response
		close bool
		// header holds every header checked; "" means absent.
		header map[string]string
		body   string
	}{
		{name: "bid",
			res: response{status: http.StatusOK, ctype: typeJSON, body: []byte(`{"id":"r1"}`),
				version: true},
			header: map[string]string{"Content-Type": "application/json",
				"Content-Length": "11", "X-Openrtb-Version": "2.6"},
			body: `{"id":"r1"}`},
		{name: "no bid",
			res: response{status: http.StatusNoContent, reason: []byte("no_campaign"),
				version: true, body: []byte("never sent")},
			header: map[string]string{"X-Nobid-Reason": "no_campaign",
				"X-Openrtb-Version": "2.6"}},
		{name: "method not allowed", res: notAllowed, close: true,
			header: map[string]string{"Content-Type": "application/json",
				"Content-Length": "43", "Allow": "POST"},
			body: `{"error":"method: bid requests are POSTed"}`},
		{name: "pixel to an HTTP/1.0 client",
			res: response{status: http.StatusOK, ctype: typeGIF, body: []byte("GIF89a"),
				noStore: true, keepAlive: true},
			header: map[string]string{"Content-Type": "image/gif", "Content-Length": "6",
				"Cache-Control": "no-store", "Connection": "keep-alive"},
			body: "GIF89a"},
		{name: "empty", res: response{status: http.StatusOK},
			header: map[string]string{"Content-Length": "0"}},
	}
	checked := []string{"Content-Type", "Content-Length", "X-Openrtb-Version",
		"X-Nobid-Reason", "Allow", "Cache-Control", "Connection"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.res.appendTo([]byte("before"), []byte(date))
			rest, ok := bytes.CutPrefix(out, []byte("before"))
			if !ok {
				t.Fatalf("appendTo lost what dst held: %q", out)
			}
			src := bytes.NewReader(rest)
			br := bufio.NewReader(src)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("read %q: %v", rest, err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatalf("read body of %q: %v", rest, err)
			}
			wantStatus := strconv.Itoa(tt.res.status) + " " + http.StatusText(tt.res.status)
			if resp.Proto != "HTTP/1.1" || resp.Status != wantStatus {
				t.Errorf("got %s %s, want HTTP/1.1 %s", resp.Proto, resp.Status, wantStatus)
			}
			if got := resp.Header.Values("Date"); len(got) != 1 || got[0] != date {
				t.Errorf("Date: got %q, want %q", got, date)
			}
			for _, name := range checked {
				var want []string
				if v := tt.header[name]; v != "" {
					want = []string{v}
				}
				if got := resp.Header.Values(name); strings.Join(got, "|") !=
					strings.Join(want, "|") {
					t.Errorf("%s: got %q, want %q", name, got, want)
				}
			}
			// net/http takes "Connection: close" out of the header into Close.
			if resp.Close != tt.close {
				t.Errorf("close: got %t, want %t", resp.Close, tt.close)
			}
			if string(body) != tt.body {
				t.Errorf("body: got %q, want %q", body, tt.body)
			}
			if left := br.Buffered() + src.Len(); left != 0 {
				t.Errorf("%d bytes after the answer in %q", left, rest)
			}
		})
	}
}

// fuzzSeeds are requests, valid and invalid, that the fuzzer starts from
// besides the shared corpus; some sit next to a limit for it to cross.
var fuzzSeeds = []string{
	"GET /status HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /openrtb2/bid?x=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n" +
		"Content-Encoding: gzip\r\n\r\nok",
	chunkedB + "5;e=1\r\nhello\r\n0\r\nT: 1\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + getRoot + "Connection: close\r\n\r\n",
	getRoot + "Connection: keep-alive\r\nConnection: close\r\n\r\n",
	"GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n",
	"GET http://host/p?q=1 HTTP/1.1\r\nHost: host\r\n\r\n",
	"GET HTTPS://h?u=/openrtb2/bid HTTP/1.1\r\nHost: h\r\n\r\n",
	"GET x:/a://b/c HTTP/1.1\r\nHost: x\r\n\r\n",
	chunkedB + sizeLine(maxChunkLine-1) + "\r\na\r\n0\r\n\r\n",
	chunkedB + chunkedBody(maxChunkFraming),
	"POST http://host/openrtb2/bid HTTP/1.1\r\nHost: host\r\nExpect: 100-continue\r\n" +
		"Content-Length: 1\r\n\r\nx",
	"\r\nPOST /b HTTP/1.1\nHost: x\nContent-Length: 3\n\nabc",
	postB + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
	postB + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	postB + "Content-Length: 99999999\r\n\r\n",
	chunkedB + "fffff\r\n",
	postB + "Transfer-Encoding: gzip\r\n\r\n",
	"GET / HTTP/1.0\r\nHost: x\r\n\r\n",
	"GET / HTTP/1.1\r\n\r\n",
	getRoot + "Host: y\r\n\r\n",
	getRoot + "X: a\r\n b\r\n\r\n",
	getRoot + "X-(y): \x01\r\n\r\n",
	"G(T / HTTP/2.0\r\nHost: x\r\n\r\n",
	"GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
	getRoot + "Host\r\n\r\n",
}

func FuzzParse(f *testing.F) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "requests")
	files, err := os.ReadDir(dir)
	if err != nil {
		f.Fatalf("corpus of requests: %v", err)
	}
	seeded := 0
	for _, e := range files {
		if e.IsDir() {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		head := "POST /openrtb2/bid HTTP/1.1\r\nHost: bidder\r\n" +
			"Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) +
			"\r\n\r\n"
		f.Add(append([]byte(head), body...))
		seeded++
	}
	if seeded == 0 {
		f.Fatalf("no requests in %s", dir)
	}
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkParse)
}

// checkParse holds what parse must do with any input.
func checkParse(t *testing.T, b []byte) {
	p := parser{maxBody: testMaxBody}
	var r request
	n, head, err := p.parse(b, &r)
	if err != nil {
		if n != 0 {
			t.Fatalf("n %d with error %v", n, err)
		}
		// A client's mistake is never answered 5xx.
		if s := err.status; s < 400 || s > 499 {
			t.Fatalf("status %d of %q", s, err.msg)
		}
		if err.msg == "" {
			t.Fatalf("status %d without a message", err.status)
		}
	}
	if n < 0 || n > len(b) {
		t.Fatalf("n %d of %d bytes", n, len(b))
	}
	if n > 0 && len(r.body) > testMaxBody {
		t.Fatalf("body of %d bytes over the limit of %d", len(r.body), testMaxBody)
	}
	// Copy the request out before the parser's scratch is reused.
	got := viewRequest(&r)

	n2, head2, err2 := p.parse(b, &r)
	if n2 != n || head2 != head || !sameHTTPError(err2, err) {
		t.Fatalf("again: got n %d, head %t, err %v; first n %d, head %t, err %v",
			n2, head2, err2, n, head, err)
	}
	if n == 0 {
		return
	}
	// The head, empty lines before it included, and the framing of a
	// chunked body (all it holds besides the data) stay within their limits.
	end := headLen(t, string(b[:n]))
	if end > maxHead {
		t.Fatalf("head of %d bytes accepted", end)
	}
	if framing := n - end - len(got.body); framing > maxChunkFraming {
		t.Fatalf("body with %d bytes of framing accepted", framing)
	}
	checkSplits(t, b[:n])
	checkNetHTTP(t, b[:n], got)
}

// checkSplits checks that a complete request is read the same however its
// bytes arrive: alone it is complete, and its prefixes are incomplete, never
// an error. Long requests are cut only next to line ends, where the parser
// decides most.
func checkSplits(t *testing.T, req []byte) {
	p := parser{maxBody: testMaxBody}
	var r request
	if n, _, err := p.parse(req, &r); n != len(req) || err != nil {
		t.Fatalf("request alone: got n %d, err %v; want n %d", n, err, len(req))
	}
	for i := range len(req) {
		if len(req) > 512 && req[i] != '\n' && (i == 0 || req[i-1] != '\n') {
			continue
		}
		if n, _, err := p.parse(req[:i], &r); n != 0 || err != nil {
			t.Fatalf("first %d of %d bytes: got n %d, err %v", i, len(req), n, err)
		}
	}
}

// checkNetHTTP reads a request parse accepted with net/http's ReadRequest
// and compares the two. Both must take the same bytes (the framing), and
// agree on method, body, path, query, Content-Encoding, protocol version and
// whether the connection closes. ReadRequest leaves the rule on Host fields
// to net/http's server, so they are counted here.
//
// scanHead lists the inputs left out on purpose. Two more are left out when
// ReadRequest fails on the target (a *url.Error): an absolute-form target,
// whose authority our parser skips unread, and a path with a malformed
// %-escape, which our parser keeps undecoded for the router to compare as is.
func checkNetHTTP(t *testing.T, req []byte, got parsed) {
	// Our parser skips empty lines before the request; ReadRequest does not.
	req = bytes.TrimLeft(req, "\r\n")
	hosts, skip := scanHead(req)
	if hosts > 1 || hosts == 0 && !got.http10 {
		t.Fatalf("parse accepted %q with %d Host fields", req, hosts)
	}
	if skip {
		return
	}
	src := bytes.NewReader(req)
	br := bufio.NewReader(src)
	hr, err := http.ReadRequest(br)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			target := requestTarget(req)
			if _, e := url.PathUnescape(got.path); e != nil || !strings.HasPrefix(target, "/") {
				return
			}
		}
		t.Fatalf("parse accepted %q, net/http: %v", req, err)
	}
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		t.Fatalf("parse accepted %q, net/http reading the body: %v", req, err)
	}
	if left := br.Buffered() + src.Len(); left != 0 {
		t.Fatalf("parse took %d bytes of %q, net/http %d", len(req), req, len(req)-left)
	}
	if got.method != hr.Method || got.body != string(body) {
		t.Fatalf("%q: got %q with body %q, net/http %q with body %q",
			req, got.method, got.body, hr.Method, body)
	}
	wantPath := cmp.Or(hr.URL.Path, "/")
	if p, err := url.PathUnescape(got.path); err != nil || p != wantPath ||
		got.query != hr.URL.RawQuery {
		t.Fatalf("%q: got path %q query %q, net/http %q and %q",
			req, got.path, got.query, wantPath, hr.URL.RawQuery)
	}
	var wantEncoding string
	if v := hr.Header.Values("Content-Encoding"); len(v) > 0 {
		wantEncoding = v[len(v)-1]
	}
	if got.encoding != wantEncoding {
		t.Fatalf("%q: got encoding %q, net/http %q", req, got.encoding, wantEncoding)
	}
	if got.http10 != (hr.ProtoMinor == 0) {
		t.Fatalf("%q: got HTTP/1.0 %t, net/http HTTP/1.%d", req, got.http10, hr.ProtoMinor)
	}
	wantKeepAlive := hr.ProtoMinor == 0 && !hr.Close
	if got.close != hr.Close || got.keepAlive != wantKeepAlive {
		t.Fatalf("%q: got close %t keep-alive %t, net/http close %t keep-alive %t",
			req, got.close, got.keepAlive, hr.Close, wantKeepAlive)
	}
}

// requestTarget returns the target of the request line of req.
func requestTarget(req []byte) string {
	line, _, _ := bytes.Cut(req, []byte("\n"))
	_, rest, _ := bytes.Cut(line, []byte(" "))
	if i := bytes.LastIndexByte(rest, ' '); i >= 0 {
		rest = rest[:i]
	}
	return string(rest)
}

// scanHead reads the fields of req, a request parse accepted, with a
// scanner of its own. It counts the Host fields, and reports whether the
// head holds something that the comparison with net/http leaves out:
//   - a Transfer-Encoding field. Chunked bodies are checked by the table
//     tests and by checkSplits. net/http's reader differs from ours on
//     purpose: it refuses a bare LF or a stray CR in chunk lines, bounds the
//     framing in proportion to the data rather than in total, reads the
//     trailer as fields where our parser skips it, and ignores
//     Transfer-Encoding in HTTP/1.0;
//   - Content-Length fields with equal numbers written differently, such as
//     "5" and "05": our parser compares the numbers, net/http the text.
func scanHead(req []byte) (hosts int, skip bool) {
	var length []byte
	// parse accepted req, so its head ends with an empty line.
	_, rest, _ := bytes.Cut(req, []byte("\n"))
	for {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			return hosts, skip
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.Trim(value, " \t")
		switch strings.ToLower(string(name)) {
		case "host":
			hosts++
		case "transfer-encoding":
			skip = true
		case "content-length":
			if length != nil && !bytes.Equal(length, value) {
				skip = true
			}
			length = value
		}
	}
}
