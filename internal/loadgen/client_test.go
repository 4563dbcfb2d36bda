package loadgen

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewEndpoint(t *testing.T) {
	tests := []struct {
		url      string
		wantAddr string
		wantLine string
		ok       bool
	}{
		{"http://127.0.0.1:8080/openrtb2/bid", "127.0.0.1:8080",
			"POST /openrtb2/bid HTTP/1.1", true},
		{"http://localhost/x?y=1", "localhost:80", "POST /x?y=1 HTTP/1.1", true},
		{"http://[::1]:9/", "[::1]:9", "POST / HTTP/1.1", true},
		{"http://127.0.0.1:9", "127.0.0.1:9", "POST / HTTP/1.1", true},
		{url: "https://127.0.0.1/"},
		{url: "127.0.0.1:8080"},
		{url: "http:///nohost"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			ep, err := newEndpoint(tt.url, false)
			if !tt.ok {
				if err == nil {
					t.Errorf("accepted %q", tt.url)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.addr != tt.wantAddr || !strings.HasPrefix(string(ep.head), tt.wantLine+"\r\n") {
				t.Errorf("addr %q head %q, want %q and %q",
					ep.addr, ep.head, tt.wantAddr, tt.wantLine)
			}
		})
	}
}

// received is what the test server saw of one request.
type received struct {
	id, user string
	gzipped  bool
	err      error
}

// echoServer decodes every request body, gzip or not, and reports its ids.
func echoServer(t *testing.T, got chan<- received) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rd io.Reader = r.Body
		gz := r.Header.Get("Content-Encoding") == "gzip"
		if gz {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				got <- received{err: err}
				return
			}
			rd = zr
		}
		var req variedFields
		err := json.NewDecoder(rd).Decode(&req)
		got <- received{id: req.ID, user: req.User.ID, gzipped: gz, err: err}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRoundTripPatchesIDs(t *testing.T) {
	got := make(chan received, 1)
	srv := echoServer(t, got)
	for _, gz := range []bool{false, true} {
		c := loadShared(t, CorpusOptions{Variants: 50, Gzip: gz, Seed: 3})
		ep, err := newEndpoint(srv.URL+"/openrtb2/bid", gz)
		if err != nil {
			t.Fatal(err)
		}
		cn, err := dial(context.Background(), ep, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		// Every body over one keep-alive connection: a wrong
		// Content-Length or a patch in the wrong place breaks the stream
		// or the JSON.
		for i := range c.bodies {
			status, keep, err := cn.roundTrip(ep, &c.bodies[i], 0x1000+uint64(i), 0xbeef,
				time.Now().Add(5*time.Second))
			if err != nil || status != 204 || !keep {
				t.Fatalf("gzip %v body %d: status %d keep %v err %v", gz, i, status, keep, err)
			}
			r := <-got
			if r.err != nil || r.gzipped != gz {
				t.Fatalf("gzip %v body %d: server saw gzip %v err %v", gz, i, r.gzipped, r.err)
			}
			if !gz && (r.id != hexID(0x1000+uint64(i)) || r.user != hexID(0xbeef)) {
				t.Errorf("body %d: ids %q %q", i, r.id, r.user)
			}
		}
		cn.close()
	}
}

func TestRoundTripTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	ep, _ := newEndpoint("http://"+ln.Addr().String()+"/", false)
	cn, err := dial(context.Background(), ep, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer cn.close()
	server := <-accepted
	defer server.Close()
	go io.Copy(io.Discard, bufio.NewReader(server))

	c := loadShared(t, CorpusOptions{Variants: 1, Seed: 4})
	_, _, err = cn.roundTrip(ep, &c.bodies[0], 1, 1, time.Now().Add(50*time.Millisecond))
	if !isTimeout(err) {
		t.Errorf("err %v, want a timeout", err)
	}
}

func TestSinkAnswers(t *testing.T) {
	s := startSink(t)
	tests := []struct {
		req  string
		want string
	}{
		{"POST /bid HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody", "HTTP/1.1 204"},
		{"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200"},
		{"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "HTTP/1.1 400"},
		{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 400"},
	}
	for _, tt := range tests {
		t.Run(tt.req[:12], func(t *testing.T) {
			c, err := net.Dial("tcp", s.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			// Twice over one connection when the first keeps it open.
			for range 2 {
				if _, err := io.WriteString(c, tt.req); err != nil {
					t.Fatal(err)
				}
				status, keep, err := readResponse(bufio.NewReader(c))
				if err != nil {
					t.Fatal(err)
				}
				if got := "HTTP/1.1 " + strconv.Itoa(status); got != tt.want {
					t.Errorf("answer %q, want %q", got, tt.want)
				}
				if !keep {
					break
				}
			}
		})
	}
}
