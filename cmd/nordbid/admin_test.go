package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// adminNode is a serve node with one operator and one reader token.
type adminNode struct {
	*node
	data, operator, reader string
}

// startAdminNode creates the tokens with the CLI in a fresh data
// directory, then starts serve on it with the extra flags.
func startAdminNode(t *testing.T, extra ...string) *adminNode {
	t.Helper()
	n := &adminNode{data: t.TempDir()}
	n.operator = tokenCLI(t, n.data, "operator", "e2e-operator")
	n.reader = tokenCLI(t, n.data, "reader", "e2e-reader")
	n.node = startNode(t, append(extra, "--data", n.data)...)
	return n
}

// tokenCLI runs `nordbid token create` and returns the printed secret.
func tokenCLI(t *testing.T, data, role, name string) string {
	t.Helper()
	var out bytes.Buffer
	err := run(t.Context(), []string{"token", "create", "--role", role, "--name", name,
		"--data", data}, &out, io.Discard)
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	secret := strings.TrimSpace(out.String())
	if !strings.HasPrefix(secret, "nbt_") || strings.Contains(secret, "\n") {
		t.Fatalf("token create printed %q, want the secret alone", out.String())
	}
	return secret
}

// api calls the admin API of n and returns the status and body.
func (n *adminNode) api(t *testing.T, token, method, path, body string) (int, []byte) {
	t.Helper()
	return call(t, token, method, n.admin+path, body)
}

func call(t *testing.T, token, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// create POSTs body and returns the new id.
func (n *adminNode) create(t *testing.T, path, body string) int64 {
	t.Helper()
	code, b := n.api(t, n.operator, "POST", path, body)
	var got struct{ ID int64 }
	if code != http.StatusCreated || json.Unmarshal(b, &got) != nil {
		t.Fatalf("POST %s = %d %s, want 201", path, code, b)
	}
	return got.ID
}

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, "requests", name))
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	return b
}

// bidCampaign posts req and returns the campaign id of the bid, or 0 for
// no bid.
func (n *adminNode) bidCampaign(t *testing.T, req []byte) int64 {
	t.Helper()
	resp, body := n.post(t, "/openrtb2/bid", req)
	if resp.StatusCode == http.StatusNoContent {
		return 0
	}
	var r struct {
		SeatBid []struct{ Bid []struct{ CID string } }
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &r) != nil ||
		len(r.SeatBid) == 0 || len(r.SeatBid[0].Bid) == 0 {
		t.Fatalf("bid answered %d %s", resp.StatusCode, body)
	}
	id, _ := strconv.ParseInt(r.SeatBid[0].Bid[0].CID, 10, 64)
	return id
}

// within polls cond every 20 ms until it holds or d has passed since
// start; it returns whether cond held.
func within(start time.Time, d time.Duration, cond func() bool) bool {
	for {
		if cond() {
			return true
		}
		if time.Since(start) > d {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAdminCampaignBidsThenPauses creates a campaign through the API on an
// empty store, sees the corpus request that only it matches bid within a
// second, pauses it and sees the bids stop within a second.
func TestAdminCampaignBidsThenPauses(t *testing.T) {
	n := startAdminNode(t, "--demo=false", "--reload-interval", "500ms")
	req := readCorpus(t, "01_iab26_simple_banner.json")
	if got := n.bidCampaign(t, req); got != 0 {
		t.Fatalf("empty store bid for campaign %d", got)
	}

	adv := n.create(t, "/api/v1/advertisers",
		`{"name": "Foobar Fans", "domain": "fans.example.com"}`)
	camp := n.create(t, "/api/v1/campaigns", fmt.Sprintf(`{"advertiser_id": %d,
		"name": "foobar.com only", "status": "active", "bid_price_micros": 2500000,
		"daily_budget_micros": 100000000,
		"targeting": {"domains": {"allow": ["foobar.com"]}}}`, adv))
	n.create(t, "/api/v1/creatives", fmt.Sprintf(`{"campaign_id": %d, "format": "banner",
		"w": 300, "h": 250, "markup": "<a href=\"${CLICK_URL}\">Foobar</a>"}`, camp))
	created := time.Now()
	if !within(created, time.Second, func() bool { return n.bidCampaign(t, req) == camp }) {
		t.Fatalf("no bid for campaign %d within 1 s of creating it", camp)
	}
	if got := n.bidCampaign(t, readCorpus(t, "03_iab26_mobile_app.json")); got != 0 {
		t.Errorf("an app request, which the campaign does not target, bid for %d", got)
	}

	code, body := n.api(t, n.operator, "POST", fmt.Sprintf("/api/v1/campaigns/%d/pause", camp), "")
	if code != http.StatusOK {
		t.Fatalf("pause = %d %s", code, body)
	}
	paused := time.Now()
	if !within(paused, time.Second, func() bool { return n.bidCampaign(t, req) == 0 }) {
		t.Fatalf("campaign %d still bids 1 s after its pause", camp)
	}
	for range 5 {
		if got := n.bidCampaign(t, req); got != 0 {
			t.Fatalf("paused campaign bid again (%d)", got)
		}
	}
}

// TestAdminNotOnBidListener: the bid listener answers none of the admin
// API or dashboard, even with a valid token.
func TestAdminNotOnBidListener(t *testing.T) {
	n := startAdminNode(t, "--demo=false")
	for _, path := range []string{"/api/v1/me", "/api/v1/campaigns", "/api/v1/openapi.json",
		"/", "/dashboard/app.js"} {
		if code, _ := call(t, n.operator, "GET", n.bid+path, ""); code != http.StatusNotFound {
			t.Errorf("bid listener GET %s = %d, want 404", path, code)
		}
		if code, _ := call(t, n.operator, "GET", n.admin+path, ""); code != http.StatusOK {
			t.Errorf("admin listener GET %s = %d, want 200", path, code)
		}
	}
}

// TestTokenCLI revokes a token and lists tokens without their secrets.
func TestTokenCLI(t *testing.T) {
	n := startAdminNode(t, "--demo=false")
	var out bytes.Buffer
	if err := run(t.Context(), []string{"token", "list", "--data", n.data}, &out,
		io.Discard); err != nil {
		t.Fatalf("token list: %v", err)
	}
	if !strings.Contains(out.String(), "e2e-reader") || strings.Contains(out.String(), "nbt_") {
		t.Errorf("token list = %q, want names and no secrets", out.String())
	}
	if code, _ := n.api(t, n.reader, "GET", "/api/v1/me", ""); code != http.StatusOK {
		t.Fatalf("reader before revoke = %d", code)
	}
	if err := run(t.Context(), []string{"token", "revoke", "2", "--data", n.data}, io.Discard,
		io.Discard); err != nil {
		t.Fatalf("token revoke: %v", err)
	}
	if code, _ := n.api(t, n.reader, "GET", "/api/v1/me", ""); code != http.StatusUnauthorized {
		t.Errorf("reader after revoke = %d, want 401", code)
	}
	err := run(t.Context(), []string{"token", "create", "--role", "root", "--data", n.data},
		io.Discard, io.Discard)
	if exitCode(err) != 2 {
		t.Errorf("token create --role root = %v (exit %d), want a usage error", err, exitCode(err))
	}
}

// TestCampaignsCLI drives the API through `nordbid campaigns` and
// `nordbid kill-switch` as a script would.
func TestCampaignsCLI(t *testing.T) {
	n := startAdminNode(t)
	cli := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		args = append(args, "--url", n.admin, "--token", n.operator)
		if err := run(t.Context(), args, &out, io.Discard); err != nil {
			t.Fatalf("nordbid %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	if got := cli("campaigns", "list", "--status", "active"); !strings.Contains(got, "active") {
		t.Fatalf("campaigns list = %q, want active demo campaigns", got)
	}
	var c struct {
		ID     int64
		Status string
		Name   string
	}
	out := cli("campaigns", "create", "advertiser_id=1", "name=from the CLI",
		"bid_price_micros=1200000", `targeting={"countries":["NOR"]}`)
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Status != "paused" {
		t.Fatalf("campaigns create = %q, want a paused campaign", out)
	}
	id := strconv.FormatInt(c.ID, 10)
	json.Unmarshal([]byte(cli("campaigns", "update", id, "name=renamed")), &c)
	json.Unmarshal([]byte(cli("campaigns", "resume", id)), &c)
	if c.Name != "renamed" || c.Status != "active" {
		t.Errorf("after update and resume: %+v", c)
	}
	if got := cli("campaigns", "spend", id); !strings.Contains(got, `"today_micros": 0`) {
		t.Errorf("campaigns spend = %q", got)
	}

	req := readCorpus(t, "01_iab26_simple_banner.json")
	if got := n.bidCampaign(t, req); got == 0 {
		t.Fatal("the demo store does not bid on corpus request 01")
	}
	cli("kill-switch", "on")
	if !within(time.Now(), time.Second, func() bool { return n.bidCampaign(t, req) == 0 }) {
		t.Error("bids went on 1 s after the kill switch")
	}
	if got := n.metric(t, `nordbid_nobid_reasons_total{reason="kill_switch"}`); got == "" ||
		got == "0" {
		t.Errorf("kill_switch no-bids counted %q, want some", got)
	}
	cli("kill-switch", "off")
	if !within(time.Now(), time.Second, func() bool { return n.bidCampaign(t, req) != 0 }) {
		t.Error("no bid 1 s after the kill switch went off")
	}
}

// TestDashboardInChromium logs in to the dashboard in headless Chromium,
// watches the live numbers move while load runs, pauses a campaign by
// clicking and keeps a screenshot.
func TestDashboardInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: run scripts/install-chromium.sh first")
		}
		t.Skip("chromium is not installed; scripts/install-chromium.sh installs it " +
			"(in CI, with CI=true, this test fails instead)")
	}
	n := startAdminNode(t)
	stopLoad := runLoad(t, n)
	defer stopLoad()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()

	err = chromedp.Do(ctx,
		chromedp.Navigate(n.admin+"/"),
		chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), n.operator),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("app")),
		chromedp.WaitVisible(chromedp.CSS("#campaigns tbody tr button.pause")),
		chromedp.Sleep(1500*time.Millisecond),
	)
	if err != nil {
		t.Fatalf("log in: %v", err)
	}
	total1 := text(ctx, t, "requests-total")
	time.Sleep(2500 * time.Millisecond)
	total2 := text(ctx, t, "requests-total")
	rps := text(ctx, t, "rps")
	a, _ := strconv.Atoi(total1)
	b, _ := strconv.Atoi(total2)
	if b <= a {
		t.Errorf("requests total did not move under load: %q then %q", total1, total2)
	}
	if r, _ := strconv.ParseFloat(rps, 64); r <= 0 {
		t.Errorf("requests/s = %q under load, want above 0", rps)
	}

	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(
		chromedp.CSS("#campaigns tbody tr:has(button.pause)"), "data-id"))
	if err != nil || !attr.Exists {
		t.Fatalf("find an active campaign row: %v", err)
	}
	id := attr.Value
	row := `#campaigns tbody tr[data-id="` + id + `"]`
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(row+" button.pause")),
		chromedp.WaitVisible(chromedp.CSS(row+" button.resume")),
	)
	if err != nil {
		t.Fatalf("pause campaign %s by clicking: %v", id, err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(row+" td.status")))
	if err != nil || status != "paused" {
		t.Errorf("row of campaign %s shows %q (%v) after the click, want paused", id, status, err)
	}
	code, body := n.api(t, n.reader, "GET", "/api/v1/campaigns/"+id, "")
	if code != http.StatusOK || !strings.Contains(string(body), `"status":"paused"`) {
		t.Errorf("campaign %s after the click: %d %s, want paused", id, code, body)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}

	dir := os.Getenv("NORDBID_ARTIFACTS")
	if dir == "" {
		dir = t.ArtifactDir()
	}
	path := filepath.Join(dir, "dashboard.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	t.Logf("dashboard screenshot: %s", path)
}

// text returns the text of the element with id.
func text(ctx context.Context, t *testing.T, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("text of #%s: %v", id, err)
	}
	return s
}

// runLoad sends corpus bid requests to n's bid listener until the
// returned stop is called.
func runLoad(t *testing.T, n *adminNode) (stop func()) {
	t.Helper()
	reqs := [][]byte{readCorpus(t, "01_iab26_simple_banner.json"),
		readCorpus(t, "03_iab26_mobile_app.json")}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			req, _ := http.NewRequestWithContext(ctx, "POST", n.bid+"/openrtb2/bid",
				bytes.NewReader(reqs[i%len(reqs)]))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// Every other bid wins and is billed, so that win rate and
			// spend move too.
			if i%2 == 0 && resp.StatusCode == http.StatusOK {
				notify(ctx, n, body)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	return func() { cancel(); wg.Wait() }
}

// notify calls the win and billing notices of a bid response at a
// clearing price of 1.00 CPM.
func notify(ctx context.Context, n *adminNode, body []byte) {
	var r struct {
		SeatBid []struct{ Bid []struct{ NURL, BURL string } }
	}
	if json.Unmarshal(body, &r) != nil || len(r.SeatBid) == 0 || len(r.SeatBid[0].Bid) == 0 {
		return
	}
	b := r.SeatBid[0].Bid[0]
	for _, u := range []string{b.NURL, b.BURL} {
		u = strings.ReplaceAll(n.local(u), "${AUCTION_PRICE}", "1.00")
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			continue
		}
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
}
