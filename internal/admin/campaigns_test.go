package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

func TestPatchRefusesMassAssignment(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	path := "/api/v1/campaigns/" + itoa(id)
	_, before := f.do(t, f.operator, "GET", path, "")
	v0, err := f.st.Version(t.Context())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, body string
		field      string
	}{
		{"id", `{"id": 999, "name": "taken over"}`, "id"},
		{"spend", `{"spend": {"total_micros": 0}, "name": "x"}`, "spend"},
		{"spend field", `{"spend_today_micros": 0}`, "spend_today_micros"},
		{"unknown", `{"name": "x", "is_admin": true}`, "is_admin"},
		{"nested unknown", `{"targeting": {"countries": ["SWE"], "planet": "mars"}}`,
			"targeting"},
		{"updated_at", `{"updated_at": "2020-01-01T00:00:00Z"}`, "updated_at"},
		{"parent", `{"advertiser_id": 77}`, "advertiser_id"},
		{"status", `{"status": "active"}`, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(t, f.operator, "PATCH", path, tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("PATCH %s = %d %s, want 400", tt.body, code, body)
			}
			var e errorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if e.Fields[tt.field] == "" {
				t.Errorf("PATCH %s: fields = %v, want %q named", tt.body, e.Fields, tt.field)
			}
		})
	}

	_, after := f.do(t, f.operator, "GET", path, "")
	if !bytes.Equal(after, before) {
		t.Errorf("campaign changed by refused PATCHes:\n%s\nwant\n%s", after, before)
	}
	if v, _ := f.st.Version(t.Context()); v != v0 {
		t.Errorf("store version moved from %d to %d on refused PATCHes", v0, v)
	}
}

func TestCreateReportsEveryBadField(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name, path, body string
		want             []string
	}{
		{"empty campaign", "/api/v1/campaigns", `{}`,
			[]string{"advertiser_id", "bid_price_micros", "name"}},
		{"wrong types and values", "/api/v1/campaigns",
			`{"advertiser_id": 12345, "name": 5, "bid_price_micros": "2.50",
			  "daily_budget_micros": -1, "time_zone": "Mars/Olympus",
			  "currency": "usd", "freq_cap": {"count": 2}, "status": "archived"}`,
			[]string{"advertiser_id", "bid_price_micros", "currency", "daily_budget_micros",
				"freq_cap", "name", "status", "time_zone"}},
		{"flight", "/api/v1/campaigns", `{"start": "2026-05-01T00:00:00Z",
			"end": "2026-04-01T00:00:00Z", "targeting": {"hours_of_week": [200]}}`,
			[]string{"advertiser_id", "bid_price_micros", "end", "name", "targeting"}},
		{"creative", "/api/v1/creatives",
			`{"format": "banner", "w": -3, "click_url": "javascript:alert(1)",
			  "bundle": "com.example game"}`,
			[]string{"bundle", "campaign_id", "click_url", "h", "markup", "w"}},
		{"advertiser", "/api/v1/advertisers", `{"status": "gone", "id": 4}`,
			[]string{"id", "name", "status"}},
		{"not an object", "/api/v1/advertisers", `[1, 2]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(t, f.operator, "POST", tt.path, tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("POST = %d %s, want 400", code, body)
			}
			var e errorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			var got []string
			for k := range e.Fields {
				got = append(got, k)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("fields = %v (%v), want %v", got, e.Fields, tt.want)
			}
		})
	}
	snap, err := f.st.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(snap.Advertisers) + len(snap.Campaigns) + len(snap.Creatives); n != 0 {
		t.Errorf("refused creates stored %d entities, want 0", n)
	}
}

func TestCreativeClickURL(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	const landing = "https://acme.example.com/spring?utm_source=nordbid"
	var cr creativeJSON
	f.mustDo(t, "POST", "/api/v1/creatives", `{"campaign_id":`+itoa(id)+
		`,"format":"banner","w":728,"h":90,"markup":"<b>ad</b>","click_url":"`+landing+`"}`,
		http.StatusCreated, &cr)
	if cr.ClickURL != landing {
		t.Fatalf("created click_url %q, want %q", cr.ClickURL, landing)
	}
	path := "/api/v1/creatives/" + itoa(cr.ID)
	code, body := f.do(t, f.operator, "PATCH", path,
		`{"click_url": "https://acme.example.com/a b"}`)
	if code != http.StatusBadRequest || !strings.Contains(string(body), `"click_url"`) {
		t.Errorf("PATCH with a space = %d %s, want 400 naming click_url", code, body)
	}
	f.mustDo(t, "GET", path, "", http.StatusOK, &cr)
	if cr.ClickURL != landing {
		t.Errorf("refused PATCH changed click_url to %q", cr.ClickURL)
	}
	var cleared creativeJSON
	f.mustDo(t, "PATCH", path, `{"click_url": ""}`, http.StatusOK, &cleared)
	if cleared.ClickURL != "" || cleared.ID != cr.ID {
		t.Errorf("creative after clearing click_url = %+v, want it without one", cleared)
	}
}

func TestPatchChangesOnlyGivenFields(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	var got campaignJSON
	f.mustDo(t, "PATCH", "/api/v1/campaigns/"+itoa(id),
		`{"name": "Spring 2", "bid_price_micros": 3100000, "end": "2027-01-01T00:00:00Z"}`,
		http.StatusOK, &got)
	if got.Name != "Spring 2" || got.BidPriceMicros != 3_100_000 {
		t.Errorf("after PATCH: name %q price %d", got.Name, got.BidPriceMicros)
	}
	if got.DailyBudgetMicros != 48_000_000 || !slices.Equal(got.Targeting.Countries,
		[]string{"NOR"}) {
		t.Errorf("PATCH changed fields it did not carry: %+v", got)
	}
	if got.End == nil || !got.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("end = %v, want 2027-01-01", got.End)
	}
	f.mustDo(t, "PATCH", "/api/v1/campaigns/"+itoa(id), `{"end": null}`, http.StatusOK, &got)
	if got.End != nil {
		t.Errorf("end after null = %v, want open-ended", got.End)
	}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	c := "/api/v1/campaigns/" + itoa(id)
	steps := []struct {
		method, path, body string
		want               int
		status             string
	}{
		{"POST", c + "/pause", "", http.StatusOK, "paused"},
		{"POST", c + "/pause", "", http.StatusOK, "paused"},
		{"POST", c + "/resume", "", http.StatusOK, "active"},
		{"POST", c + "/archive", "", http.StatusOK, "archived"},
		{"POST", c + "/archive", "", http.StatusConflict, ""},
		{"POST", c + "/resume", "", http.StatusConflict, ""},
		{"PATCH", c, `{"name": "revived"}`, http.StatusConflict, ""},
		{"POST", "/api/v1/campaigns/424242/pause", "", http.StatusNotFound, ""},
		{"GET", "/api/v1/campaigns/424242", "", http.StatusNotFound, ""},
		{"GET", "/api/v1/campaigns/abc", "", http.StatusNotFound, ""},
		{"PATCH", "/api/v1/creatives/424242", `{"name": "x"}`, http.StatusNotFound, ""},
		{"POST", "/api/v1/advertisers/1/archive", "", http.StatusOK, "archived"},
		{"POST", "/api/v1/campaigns", `{"advertiser_id": 1, "name": "n",
			"bid_price_micros": 1}`, http.StatusBadRequest, ""},
	}
	for _, s := range steps {
		code, body := f.do(t, f.operator, s.method, s.path, s.body)
		if code != s.want {
			t.Fatalf("%s %s = %d %s, want %d", s.method, s.path, code, body, s.want)
		}
		var got struct{ Status string }
		json.Unmarshal(body, &got)
		if s.status != "" && got.Status != s.status {
			t.Errorf("%s %s: status %q, want %q", s.method, s.path, got.Status, s.status)
		}
	}
}

func TestKillSwitch(t *testing.T) {
	f := newFixture(t, Options{})
	v0, _ := f.st.Version(t.Context())
	var got settingsJSON
	f.mustDo(t, "PATCH", "/api/v1/settings", `{"kill_switch": true}`, http.StatusOK, &got)
	if !got.KillSwitch {
		t.Error("PATCH kill_switch true answered false")
	}
	s, err := f.st.Settings(t.Context())
	if err != nil || !s.KillSwitch {
		t.Errorf("store settings = %+v, %v, want the kill switch on", s, err)
	}
	if v, _ := f.st.Version(t.Context()); v == v0 {
		t.Error("kill switch did not move the store version")
	}
	if code, _ := f.do(t, f.operator, "PATCH", "/api/v1/settings", `{"kill": 1}`); code != 400 {
		t.Errorf("PATCH settings with an unknown field = %d, want 400", code)
	}
}

func TestSpendAndPacing(t *testing.T) {
	book := budget.NewBook(30 * time.Second)
	f := newFixture(t, Options{Book: book})
	id := f.seed(t)
	// Two bids in flight hold 2.5 thousandths each.
	for range 2 {
		if !book.Account(id).Reserve(2_500, f.clock.Now()) {
			t.Fatal("Reserve refused on an unlimited account")
		}
	}
	// The fixture clock is at noon UTC: half the day, so even pacing has
	// spent half the 48.00 daily budget.
	for i, price := range []int64{6_000_000, 6_000_000} {
		_, err := f.st.Charge(t.Context(), store.Charge{BidID: "b" + itoa(int64(i)),
			CampaignID: id, Price: price, Day: "2026-03-02", At: f.clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.st.Charge(t.Context(), store.Charge{BidID: "old", CampaignID: id,
		Price: 1_000_000, Day: "2026-03-01", At: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}

	var got spendJSON
	f.mustDo(t, "GET", "/api/v1/campaigns/"+itoa(id)+"/spend", "", http.StatusOK, &got)
	i64 := func(n int64) *int64 { return &n }
	want := spendJSON{Day: "2026-03-02", TodayMicros: 12_000_000, TotalMicros: 13_000_000,
		RemainingTodayMicros: i64(36_000_000), RemainingTotalMicros: i64(87_000_000),
		DayElapsedPercent: 50, ExpectedTodayMicros: i64(24_000_000), PacePercent: i64(50),
		ReservedMicros: i64(5_000)}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if !bytes.Equal(gb, wb) {
		t.Errorf("spend =\n%s\nwant\n%s", gb, wb)
	}
}

func TestListPagingAndFilters(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	for _, name := range []string{"Autumn", "Winter sale"} {
		f.mustDo(t, "POST", "/api/v1/campaigns", `{"advertiser_id": 1, "name": "`+name+
			`", "bid_price_micros": 1000}`, http.StatusCreated, nil)
	}
	var page listPage[campaignJSON]
	f.mustDo(t, "GET", "/api/v1/campaigns?limit=2", "", http.StatusOK, &page)
	if len(page.Items) != 2 || page.NextAfterID == nil || page.Items[0].ID != id {
		t.Fatalf("first page = %+v", page)
	}
	var second listPage[campaignJSON]
	f.mustDo(t, "GET", "/api/v1/campaigns?limit=2&after_id="+itoa(*page.NextAfterID), "",
		http.StatusOK, &second)
	if len(second.Items) != 1 || second.Items[0].Name != "Winter sale" ||
		second.NextAfterID != nil {
		t.Errorf("second page = %+v", second)
	}
	var sale listPage[campaignJSON]
	f.mustDo(t, "GET", "/api/v1/campaigns?status=paused&name=SALE", "", http.StatusOK, &sale)
	if len(sale.Items) != 1 || sale.Items[0].Name != "Winter sale" {
		t.Errorf("paused named sale = %+v", sale)
	}
	code, body := f.do(t, f.reader, "GET", "/api/v1/campaigns?limit=0&status=x&color=red", "")
	if code != http.StatusBadRequest || !strings.Contains(string(body), `"color"`) ||
		!strings.Contains(string(body), `"limit"`) || !strings.Contains(string(body), `"status"`) {
		t.Errorf("bad query = %d %s, want 400 naming limit, status and color", code, body)
	}
}

func TestExchanges(t *testing.T) {
	f := newFixture(t, Options{})
	f.mustDo(t, "PUT", "/api/v1/exchanges/adx-1", `{"bill_on_win": true, "seat": "s9"}`,
		http.StatusOK, nil)
	var page listPage[exchangeJSON]
	f.mustDo(t, "GET", "/api/v1/exchanges", "", http.StatusOK, &page)
	want := []exchangeJSON{{Name: "adx-1", BillOnWin: true, Seat: "s9"}}
	if !slices.Equal(page.Items, want) {
		t.Errorf("exchanges = %+v, want %+v", page.Items, want)
	}
	if code, _ := f.do(t, f.operator, "PUT", "/api/v1/exchanges/Bad%20Name", `{}`); code != 400 {
		t.Errorf("PUT a bad exchange name = %d, want 400", code)
	}
}

// heldStore holds up the first GetCampaign after hold is armed, once it has
// read, until release is closed or a timeout passes; its Atomic views
// behave alike.
type heldStore struct {
	store.Store
	armed   *atomic.Bool
	read    chan struct{} // closed when the held read has been made
	release chan struct{}
}

func (s heldStore) GetCampaign(ctx context.Context, id int64) (campaign.Campaign, error) {
	c, err := s.Store.GetCampaign(ctx, id)
	if s.armed.CompareAndSwap(true, false) {
		close(s.read)
		select {
		case <-s.release:
		case <-time.After(300 * time.Millisecond):
		}
	}
	return c, err
}

func (s heldStore) Atomic(ctx context.Context, fn func(st store.Store) error) error {
	return s.Store.Atomic(ctx, func(st store.Store) error {
		return fn(heldStore{Store: st, armed: s.armed, read: s.read, release: s.release})
	})
}

// TestPauseDuringPatchIsKept: a campaign paused while a PATCH of its
// budget is between reading and writing it stays paused, and keeps the
// new budget: the PATCH writes no stale status over the pause.
func TestPauseDuringPatchIsKept(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.seed(t)
	held := heldStore{Store: f.st, armed: new(atomic.Bool), read: make(chan struct{}),
		release: make(chan struct{})}
	f.api = New(Options{Store: held, Logger: f.api.opt.Logger, Now: f.clock.Now})
	path := "/api/v1/campaigns/" + itoa(id)

	held.armed.Store(true)
	var wg sync.WaitGroup
	var patchCode, pauseCode int
	wg.Go(func() {
		patchCode, _ = f.do(t, f.operator, "PATCH", path, `{"daily_budget_micros": 7000000}`)
	})
	select {
	case <-held.read:
	case <-time.After(5 * time.Second):
		t.Fatal("the PATCH never read the campaign")
	}
	wg.Go(func() { pauseCode, _ = f.do(t, f.operator, "POST", path+"/pause", "") })
	// Give the pause time to finish, were it not made to wait.
	time.Sleep(100 * time.Millisecond)
	close(held.release)
	wg.Wait()
	if patchCode != http.StatusOK || pauseCode != http.StatusOK {
		t.Fatalf("PATCH = %d, pause = %d, want 200 both", patchCode, pauseCode)
	}

	var got campaignJSON
	f.mustDo(t, "GET", path, "", http.StatusOK, &got)
	if got.Status != "paused" || got.DailyBudgetMicros != 7_000_000 {
		t.Errorf("after a pause during a PATCH: status %q, daily budget %d; "+
			"want paused, 7000000", got.Status, got.DailyBudgetMicros)
	}
}
