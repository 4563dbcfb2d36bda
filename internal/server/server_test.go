//go:build linux

package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

const banner = `{"id":"r1","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`

// testServer is a Server listening on loopback port 0.
type testServer struct{ URL, Admin string }

func newTestServer(t *testing.T) *testServer {
	t.Helper()
	return serveTest(t, buildServer(t, testSnapshot(), 1024, 4096))
}

// testSnapshot is one active campaign with one 300x250 banner.
func testSnapshot() *store.Snapshot {
	return &store.Snapshot{
		Advertisers: []campaign.Advertiser{{ID: 1, Status: campaign.StatusActive}},
		Campaigns: []campaign.Campaign{{ID: 1, AdvertiserID: 1, Status: campaign.StatusActive,
			BidPrice: 1_000_000}},
		Creatives: []campaign.Creative{{ID: 1, CampaignID: 1, Status: campaign.StatusActive,
			Format: campaign.FormatBanner, W: 300, H: 250, Markup: "<b>ad</b>"}},
	}
}

// serveTest runs s on loopback port 0 until the test ends.
func serveTest(t *testing.T, s *Server) *testServer {
	t.Helper()
	bidLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, bidLn, adminLn, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return &testServer{URL: "http://" + bidLn.Addr().String(),
		Admin: "http://" + adminLn.Addr().String()}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestBidEndpointErrors(t *testing.T) {
	ts := newTestServer(t)
	big := `{"id":"r1","pad":"` + strings.Repeat("x", 2000) +
		`","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`
	bomb := `{"id":"r1","pad":"` + strings.Repeat("x", 10000) +
		`","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`
	tests := []struct {
		name   string
		method string
		path   string
		enc    string
		body   []byte
		status int
	}{
		{"bid", "POST", "/openrtb2/bid", "", []byte(banner), 200},
		{"exchange path", "POST", "/openrtb2/bid/demo", "", []byte(banner), 200},
		{"gzip", "POST", "/openrtb2/bid", "gzip", gz(t, banner), 200},
		{"gzip upper case", "POST", "/openrtb2/bid", "GZIP", gz(t, banner), 200},
		{"wrong method", "GET", "/openrtb2/bid", "", nil, 405},
		{"not json", "POST", "/openrtb2/bid", "", []byte("hello"), 400},
		{"too large", "POST", "/openrtb2/bid", "", []byte(big), 413},
		{"gzip bomb", "POST", "/openrtb2/bid", "gzip", gz(t, bomb), 413},
		{"bad gzip", "POST", "/openrtb2/bid", "gzip", []byte("not gzip"), 400},
		{"unknown encoding", "POST", "/openrtb2/bid", "br", []byte(banner), 415},
		{"unknown path", "POST", "/openrtb2/other", "", []byte(banner), 404},
		{"unknown notice", "GET", "/notice/nope", "", nil, 404},
		{"notice without token", "GET", "/notice/bill", "", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, ts.URL+tt.path, bytes.NewReader(tt.body))
			if tt.enc != "" {
				req.Header.Set("Content-Encoding", tt.enc)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, body)
			}
			if tt.status >= 400 {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
					t.Errorf("error body %q is not {\"error\": ...}", body)
				}
			}
		})
	}
}

func TestHealthAndReady(t *testing.T) {
	ts := newTestServer(t)
	for _, p := range []string{ts.URL + "/health", ts.URL + "/ready", ts.Admin + "/health",
		ts.Admin + "/ready", ts.Admin + "/metrics"} {
		resp, err := http.Get(p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestChunkedBodyOverLimit(t *testing.T) {
	ts := newTestServer(t)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(`{"id":"r1","pad":"`))
		pw.Write(bytes.Repeat([]byte("x"), 4000))
		pw.Write([]byte(`"}`))
		pw.Close()
	}()
	resp, err := http.Post(ts.URL+"/openrtb2/bid", "application/json", pr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !json.Valid(body) {
		t.Errorf("chunked oversize body: %d %s, want 413 with a JSON error", resp.StatusCode, body)
	}
}

func TestMalformedHTTP(t *testing.T) {
	ts := newTestServer(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, _ := io.ReadAll(conn)
	if !bytes.HasPrefix(reply, []byte("HTTP/1.1 400")) ||
		!bytes.Contains(reply, []byte(`{"error":`)) {
		t.Errorf("malformed request answered %q, want 400 with a JSON error", reply)
	}
}

func TestUnknownExchangeCountsAsOther(t *testing.T) {
	ts := newTestServer(t)
	for _, ex := range []string{"a", "b", "c"} {
		resp, err := http.Post(ts.URL+"/openrtb2/bid/"+ex, "application/json",
			strings.NewReader(banner))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	body := scrape(t, ts)
	if !bytes.Contains(body,
		[]byte(`nordbid_bid_requests_total{exchange="other",result="bid"} 3`)) {
		t.Errorf("unknown exchanges not counted as other:\n%s",
			grepLines(body, "nordbid_bid_requests_total"))
	}
}

func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestOversizedHeadersAre431(t *testing.T) {
	ts := newTestServer(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cookie := strings.Repeat("c", maxHead)
	conn.Write([]byte("POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nCookie: " + cookie +
		"\r\nContent-Length: 2\r\n\r\n{}"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, _ := io.ReadAll(conn)
	if !bytes.HasPrefix(reply, []byte("HTTP/1.1 431")) ||
		!bytes.Contains(reply, []byte(`{"error":"headers: request line and headers larger than`)) {
		t.Errorf("oversized headers answered %q, want 431 naming the limit", reply)
	}
}
