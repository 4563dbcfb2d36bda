package loadgen

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	const next = "HTTP/1.1 204 No Content\r\n\r\n"
	tests := []struct {
		name       string
		in         string
		wantStatus int
		wantKeep   bool
		wantErr    error
		// wantNext reports that a second response follows and must parse,
		// proving the first body was consumed exactly.
		wantNext bool
	}{
		{name: "no content", in: next + next, wantStatus: 204, wantKeep: true, wantNext: true},
		{
			name:       "content length",
			in:         "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + next,
			wantStatus: 200, wantKeep: true, wantNext: true,
		},
		{
			name: "chunked with extension and trailer",
			in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5;x=y\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-T: 1\r\n\r\n" + next,
			wantStatus: 200, wantKeep: true, wantNext: true,
		},
		{
			name:       "header names ignore case, bare LF line ends",
			in:         "HTTP/1.1 200 OK\ncontent-LENGTH: 2\n\nok" + next,
			wantStatus: 200, wantKeep: true, wantNext: true,
		},
		{
			name: "server closes",
			in: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n" +
				"Content-Length: 0\r\n\r\n",
			wantStatus: 400,
		},
		{
			name:       "http/1.0 closes by default",
			in:         "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
			wantStatus: 200,
		},
		{
			name:       "http/1.0 keep-alive",
			in:         "HTTP/1.0 204 No Content\r\nConnection: Keep-Alive\r\n\r\n" + next,
			wantStatus: 204, wantKeep: true, wantNext: true,
		},
		{
			name: "informational response skipped",
			in: "HTTP/1.1 100 Continue\r\n\r\n" +
				"HTTP/1.1 503 Unavailable\r\nContent-Length: 1\r\n\r\nx",
			wantStatus: 503, wantKeep: true,
		},
		{
			name:       "body to end of stream",
			in:         "HTTP/1.1 200 OK\r\n\r\nsome body",
			wantStatus: 200,
		},
		{
			name: "long header line skipped",
			in: "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", 3*readBufferSize) +
				"\r\nContent-Length: 0\r\n\r\n" + next,
			wantStatus: 200, wantKeep: true, wantNext: true,
		},
		{name: "not http", in: "SSH-2.0-OpenSSH\r\n\r\n", wantErr: errMalformed},
		{name: "bad status", in: "HTTP/1.1 2x0 OK\r\n\r\n", wantErr: errMalformed},
		{
			name:    "bad length",
			in:      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
			wantErr: errMalformed, wantStatus: 200,
		},
		{
			name:    "bad chunk size",
			in:      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
			wantErr: errMalformed, wantStatus: 200,
		},
		{name: "closed before answering", in: "", wantErr: io.ErrUnexpectedEOF},
		{
			name:    "short body",
			in:      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
			wantErr: io.ErrUnexpectedEOF, wantStatus: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), readBufferSize)
			status, keep, err := readResponse(br)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if status != tt.wantStatus || keep != tt.wantKeep {
				t.Errorf("status %d keep %v, want %d %v", status, keep, tt.wantStatus, tt.wantKeep)
			}
			if !tt.wantNext {
				return
			}
			if status, _, err := readResponse(br); err != nil || status != 204 {
				t.Errorf("next response: status %d err %v, want 204", status, err)
			}
		})
	}
}

func TestReadResponseAllocs(t *testing.T) {
	const resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
		"Content-Length: 11\r\n\r\n{\"id\":\"1\"}\n"
	r := strings.NewReader("")
	br := bufio.NewReaderSize(r, readBufferSize)
	got := testing.AllocsPerRun(100, func() {
		r.Reset(resp)
		br.Reset(r)
		if _, _, err := readResponse(br); err != nil {
			t.Fatal(err)
		}
	})
	if got != 0 {
		t.Errorf("readResponse allocates %v times per call, want 0", got)
	}
}

func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
		"HTTP/1.0 100 Continue\r\n\r\nHTTP/1.1 500 x\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := strings.NewReader(string(in))
		status, _, err := readResponse(bufio.NewReaderSize(r, 64))
		if err == nil && (status < 200 || status > 999) {
			t.Errorf("status %d accepted without error", status)
		}
	})
}
