package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nordbid/internal/bidder"
	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

const banner = `{"id":"r1","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	book := budget.NewBook(time.Minute)
	ix, err := index.Build(&store.Snapshot{
		Advertisers: []campaign.Advertiser{{ID: 1, Status: campaign.StatusActive}},
		Campaigns: []campaign.Campaign{{ID: 1, AdvertiserID: 1, Status: campaign.StatusActive,
			BidPrice: 1_000_000}},
		Creatives: []campaign.Creative{{ID: 1, CampaignID: 1, Status: campaign.StatusActive,
			Format: campaign.FormatBanner, W: 300, H: 250, Markup: "<b>ad</b>"}},
	}, 1, book, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	signer := notice.NewSigner([]byte("k"), time.Hour)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := telemetry.New(bidder.Reasons())
	s := New(Options{
		Bidder: bidder.New(bidder.Options{Index: func() *index.Index { return ix },
			Signer: signer, Caps: freqcap.New(), PublicURL: "http://x", Currency: "USD",
			DefaultTMax: time.Second, Margin: time.Millisecond, Metrics: m}),
		Notices: notice.NewHandler(notice.Options{Signer: signer,
			Index: func() *index.Index { return ix }, Book: book, Caps: freqcap.New(), Logger: log}),
		Metrics: m, Logger: log, Ready: func() error { return nil },
		MaxBody: 1024, MaxDecompressed: 4096, ReadTimeout: time.Second, IdleTimeout: time.Second,
	})
	ts := httptest.NewServer(s.bid.Handler)
	t.Cleanup(ts.Close)
	return ts
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
	big := `{"id":"r1","pad":"` + strings.Repeat("x", 2000) + `","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`
	bomb := `{"id":"r1","pad":"` + strings.Repeat("x", 10000) + `","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`
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
	for _, p := range []string{"/health", "/ready"} {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}
