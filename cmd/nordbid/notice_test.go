package main

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// bidFor posts a corpus request and returns the first bid's notice URLs
// and price.
func bidFor(t *testing.T, n *node, file string) (nurl, burl string, cid string) {
	t.Helper()
	body, err := os.ReadFile(corpus + "/requests/" + file)
	if err != nil {
		t.Fatal(err)
	}
	resp, rb := n.post(t, "/openrtb2/bid", body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d (%s), want a bid", file, resp.StatusCode,
			resp.Header.Get("X-Nobid-Reason"))
	}
	var r struct {
		SeatBid []struct {
			Bid []struct{ NURL, BURL, CID string }
		}
	}
	if err := json.Unmarshal(rb, &r); err != nil {
		t.Fatal(err)
	}
	b := r.SeatBid[0].Bid[0]
	return n.local(b.NURL), n.local(b.BURL), b.CID
}

func withPrice(u, price string) string {
	return strings.Replace(u, "${AUCTION_PRICE}", price, 1)
}

func TestNoticesChargeOnce(t *testing.T) {
	n := startNode(t)
	nurl, burl, cid := bidFor(t, n, "01_iab26_simple_banner.json")

	// The exchange and its retries send each notice twice, from 32
	// goroutines at once.
	var wg sync.WaitGroup
	statuses := make(chan int, 128)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2 {
				for _, u := range []string{withPrice(nurl, "0.90"), withPrice(burl, "0.90")} {
					resp, err := http.Get(u)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					statuses <- resp.StatusCode
				}
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Errorf("notice answered %d, want 200 for first and repeated notices", s)
		}
	}
	// 0.90 CPM is 900 micros for one impression, charged once.
	if got := n.metric(t, `nordbid_spend_micros_total{campaign="`+cid+`"}`); got != "900" {
		t.Errorf("spend of campaign %s = %q micros, want 900", cid, got)
	}
	if got := n.metric(t, `nordbid_notices_total{kind="bill",result="charged"}`); got != "1" {
		t.Errorf("charged bills = %q, want 1", got)
	}
	if got := n.metric(t, `nordbid_notices_total{kind="bill",result="duplicate"}`); got != "63" {
		t.Errorf("duplicate bills = %q, want 63", got)
	}

	// A forged token (one character of the signature changed) and a price
	// above the bid are refused and never charged.
	_, burl2, _ := bidFor(t, n, "01_iab26_simple_banner.json")
	i := strings.Index(burl2, "&p=") - 2
	c := byte('A')
	if burl2[i] == 'A' {
		c = 'B'
	}
	forged := burl2[:i] + string(c) + burl2[i+1:]
	if code, _ := get(t, withPrice(forged, "0.50")); code != http.StatusForbidden {
		t.Errorf("forged token: %d, want 403", code)
	}
	if code, _ := get(t, withPrice(burl2, "9999")); code != http.StatusBadRequest {
		t.Errorf("price above the bid: %d, want 400", code)
	}
	if got := n.metric(t, `nordbid_notices_total{kind="bill",result="charged"}`); got != "1" {
		t.Errorf("charged bills after refused notices = %q, want 1", got)
	}
}

// TestClickRedirects follows an ad's click URL as a browser would: each
// click, repeated ones included, is sent on to the creative's landing page
// and counted once.
func TestClickRedirects(t *testing.T) {
	n := startNode(t)
	body, err := os.ReadFile(corpus + "/requests/01_iab26_simple_banner.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, rb := n.post(t, "/openrtb2/bid", body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bid: status %d, want a bid", resp.StatusCode)
	}
	var r struct {
		SeatBid []struct{ Bid []struct{ Adm string } }
	}
	if err := json.Unmarshal(rb, &r); err != nil {
		t.Fatal(err)
	}
	adm := r.SeatBid[0].Bid[0].Adm
	click := regexp.MustCompile(regexp.QuoteMeta(publicURL) + `/notice/click\?t=[\w-]+`).
		FindString(adm)
	if click == "" {
		t.Fatalf("no click URL in the markup %q", adm)
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	// The demo's run-of-network line wins the simple banner.
	const landing = "https://fjordline.example.com/autumn"
	for _, want := range []string{"recorded", "duplicate"} {
		resp, err := browser.Get(n.local(click))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != landing ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("click: %d to %q (Cache-Control %q), want 302 to %s, not stored",
				resp.StatusCode, resp.Header.Get("Location"),
				resp.Header.Get("Cache-Control"), landing)
		}
		series := `nordbid_notices_total{kind="click",result="` + want + `"}`
		if got := n.metric(t, series); got != "1" {
			t.Errorf("%s = %q, want 1", series, got)
		}
	}
}

func TestReadyAndShutdown(t *testing.T) {
	n := startNode(t)
	for _, base := range []string{n.bid, n.admin} {
		for _, p := range []string{"/health", "/ready"} {
			if code, body := get(t, base+p); code != http.StatusOK {
				t.Errorf("%s%s: %d %s", base, p, code, body)
			}
		}
	}
	if err := n.stop(); err != nil {
		t.Fatalf("serve returned %v after its signal, want a clean exit", err)
	}
	if _, err := http.Get(n.bid + "/health"); err == nil {
		t.Error("bid listener still answers after shutdown")
	}
}
