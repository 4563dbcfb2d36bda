package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const corpus = "../../../shared/corpus"

// outcome is what nordbid answered to one corpus file.
type outcome struct {
	Status int    `json:"status"`
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
	// Rule states why an invalid input gets a no-bid rather than a 4xx.
	Rule string `json:"rule,omitempty"`
	Bids int    `json:"bids,omitempty"`
}

// rejectRules are the stated rules that make a file of corpus/requests a
// rejection rather than a bid or a no-bid.
var rejectRules = map[string]string{
	"20_conv_site_and_app_both.json": "a request may describe one of site, app and dooh; " +
		"with both site and app it is rejected, as invalid/i15 is",
}

// noBidRules are the stated rules that make an input of corpus/invalid a
// no-bid instead of a rejection.
var noBidRules = map[string]string{
	"i10_pbs_user_ext_consent_int.json": "user.ext.consent arrives as a number; numbers are " +
		"read as text, which is no readable TCF string, and an unreadable privacy signal " +
		"is treated as no consent: GDPR applies (regs.ext.gdpr 1), so no bid",
}

func corpusFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpus, dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus %s/%s missing (it sits beside the repository): %v", corpus, dir, err)
	}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func TestCorpus(t *testing.T) {
	n := startNode(t)
	got := map[string]outcome{}
	bids := 0
	for _, f := range corpusFiles(t, "requests") {
		body, _ := os.ReadFile(f)
		resp, rb := n.post(t, "/openrtb2/bid", body)
		name := filepath.Base(f)
		o := outcome{Status: resp.StatusCode, Reason: resp.Header.Get("X-Nobid-Reason"),
			Rule: rejectRules[name]}
		switch {
		case resp.StatusCode == http.StatusOK:
			bids++
			o.Bids = checkResponse(t, name, body, rb)
		case resp.StatusCode == http.StatusNoContent:
		case resp.StatusCode == http.StatusBadRequest && o.Rule != "":
			o.Error = errorOf(t, name, rb)
		default:
			t.Errorf("%s: status %d, want 200 or 204: %s", filepath.Base(f), resp.StatusCode, rb)
		}
		got["requests/"+name] = o
	}
	if bids < 30 {
		t.Errorf("%d of 50 corpus requests bid with the demo data, want at least 30", bids)
	}
	t.Logf("%d of 50 corpus requests bid", bids)

	for _, f := range corpusFiles(t, "invalid") {
		name := filepath.Base(f)
		body, _ := os.ReadFile(f)
		resp, rb := n.post(t, "/openrtb2/bid", body)
		o := outcome{Status: resp.StatusCode, Reason: resp.Header.Get("X-Nobid-Reason"),
			Rule: noBidRules[name]}
		switch {
		case resp.StatusCode >= 400 && resp.StatusCode < 500:
			o.Error = errorOf(t, name, rb)
		case resp.StatusCode == http.StatusNoContent && o.Rule != "":
		default:
			t.Errorf("%s: status %d, want 4xx (or a no-bid under a stated rule)",
				name, resp.StatusCode)
		}
		got["invalid/"+name] = o
	}
	golden(t, "testdata/corpus.golden.json", got)
}

// errorOf returns the message of a JSON error body.
func errorOf(t *testing.T, name string, body []byte) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Errorf("%s: 4xx body %q is not a JSON error", name, body)
	}
	return e.Error
}

// checkResponse checks that a bid response is valid OpenRTB for its
// request and returns its number of bids.
func checkResponse(t *testing.T, name string, req, body []byte) int {
	t.Helper()
	var rq struct {
		ID  string
		Imp []struct{ ID string }
	}
	json.Unmarshal(req, &rq)
	var r struct {
		ID      string
		BidID   string
		Cur     string
		SeatBid []struct {
			Seat string
			Bid  []struct {
				ID, ImpID, AdM, NURL, BURL, LURL, CrID, CID string
				Price                                       float64
				ADomain                                     []string
				MType                                       int
			}
		}
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Errorf("%s: response not JSON: %v", name, err)
		return 0
	}
	if r.ID != rq.ID || r.BidID == "" || len(r.Cur) != 3 || len(r.SeatBid) == 0 {
		t.Errorf("%s: response id %q (request %q), bidid %q, cur %q, %d seatbids",
			name, r.ID, rq.ID, r.BidID, r.Cur, len(r.SeatBid))
	}
	imps := map[string]bool{}
	for _, i := range rq.Imp {
		imps[i.ID] = true
	}
	n := 0
	for _, sb := range r.SeatBid {
		for _, b := range sb.Bid {
			n++
			if b.ID == "" || !imps[b.ImpID] || b.Price <= 0 || (b.AdM == "" && b.NURL == "") ||
				b.BURL == "" || b.CrID == "" || b.CID == "" || len(b.ADomain) == 0 ||
				b.MType < 1 || b.MType > 4 || sb.Seat == "" {
				t.Errorf("%s: incomplete bid %+v", name, b)
			}
		}
	}
	return n
}

// golden compares got with a golden JSON file, or rewrites it with -update.
func golden(t *testing.T, path string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file: %v (run go test -update to create it)", err)
	}
	if string(want) != string(b) {
		t.Errorf("outcomes differ from %s (go test ./cmd/nordbid -run %s -update "+
			"after checking the change):\n%s", path, t.Name(), diff(string(want), string(b)))
	}
}

// diff lists the lines of b that a lacks and the other way round.
func diff(a, b string) string {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	var out strings.Builder
	for _, l := range as {
		if !in(bs, l) {
			fmt.Fprintf(&out, "- %s\n", l)
		}
	}
	for _, l := range bs {
		if !in(as, l) {
			fmt.Fprintf(&out, "+ %s\n", l)
		}
	}
	return out.String()
}
