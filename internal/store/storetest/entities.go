package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// testRoundTrip writes every kind of entity, with every field set and with
// every optional field zero, and reads them back unchanged.
func testRoundTrip(t *testing.T, st store.Store) {
	ctx := t.Context()
	advIn := campaign.Advertiser{
		Name: "Round Trip AS", Domain: "roundtrip.example.org", Status: campaign.StatusPaused,
	}
	adv, err := st.CreateAdvertiser(ctx, advIn)
	if err != nil {
		t.Fatalf("CreateAdvertiser: %v", err)
	}
	if adv.ID == 0 {
		t.Fatal("CreateAdvertiser: got ID 0, want an assigned ID")
	}
	advIn.ID = adv.ID
	if !reflect.DeepEqual(adv, advIn) {
		t.Errorf("CreateAdvertiser = %+v, want %+v", adv, advIn)
	}

	campIn := []campaign.Campaign{fullCampaign(adv.ID), minimalCampaign(adv.ID)}
	var camps []campaign.Campaign
	for _, in := range campIn {
		c, err := st.CreateCampaign(ctx, in)
		if err != nil {
			t.Fatalf("CreateCampaign(%q): %v", in.Name, err)
		}
		in.ID = c.ID
		compareCampaign(t, "CreateCampaign", c, in)
		camps = append(camps, c)
	}
	if camps[0].ID == camps[1].ID {
		t.Fatalf("CreateCampaign: both campaigns got ID %d", camps[0].ID)
	}

	var creatives []campaign.Creative
	for _, in := range fullCreatives(camps[0].ID) {
		c, err := st.CreateCreative(ctx, in)
		if err != nil {
			t.Fatalf("CreateCreative(%q): %v", in.Name, err)
		}
		in.ID = c.ID
		if !reflect.DeepEqual(c, in) {
			t.Errorf("CreateCreative = %+v, want %+v", c, in)
		}
		creatives = append(creatives, c)
	}

	exchanges := []campaign.Exchange{
		{Name: "alpha", BillOnWin: true, Seat: "seat-9"},
		{Name: "beta"},
	}
	rates := []campaign.Rate{
		{Currency: "EUR", PerUSD: 920_000},
		{Currency: "USD", PerUSD: 1_000_000},
	}
	for _, e := range exchanges {
		if err := st.PutExchange(ctx, e); err != nil {
			t.Fatalf("PutExchange(%q): %v", e.Name, err)
		}
	}
	for _, r := range rates {
		if err := st.PutRate(ctx, r); err != nil {
			t.Fatalf("PutRate(%q): %v", r.Currency, err)
		}
	}

	snap := snapshot(t, st)
	if got, want := snap.Advertisers, []campaign.Advertiser{adv}; !reflect.DeepEqual(got, want) {
		t.Errorf("Snapshot.Advertisers = %+v, want %+v", got, want)
	}
	if len(snap.Campaigns) != len(camps) {
		t.Fatalf("Snapshot.Campaigns: got %d, want %d", len(snap.Campaigns), len(camps))
	}
	for i, want := range camps {
		compareCampaign(t, "Snapshot", snap.Campaigns[i], want)
		if got := snap.Campaigns[i].UpdatedAt; !got.Equal(want.UpdatedAt) {
			t.Errorf("Snapshot campaign %d UpdatedAt = %v, want %v", want.ID, got, want.UpdatedAt)
		}
	}
	if got := snap.Creatives; !reflect.DeepEqual(got, creatives) {
		t.Errorf("Snapshot.Creatives = %+v, want %+v", got, creatives)
	}
	if got := snap.Exchanges; !reflect.DeepEqual(got, exchanges) {
		t.Errorf("Snapshot.Exchanges = %+v, want %+v", got, exchanges)
	}
	if got := snap.Rates; !reflect.DeepEqual(got, rates) {
		t.Errorf("Snapshot.Rates = %+v, want %+v", got, rates)
	}
}

// compareCampaign checks got against want: times as instants that must
// come back in UTC, UpdatedAt as set by the store within a minute of now,
// and every other field exactly.
func compareCampaign(t *testing.T, op string, got, want campaign.Campaign) {
	t.Helper()
	times := []struct {
		name      string
		got, want time.Time
	}{
		{"Start", got.Start, want.Start},
		{"End", got.End, want.End},
	}
	for _, tt := range times {
		if !tt.got.Equal(tt.want) {
			t.Errorf("%s campaign %d %s = %v, want %v", op, want.ID, tt.name, tt.got, tt.want)
		}
		if !tt.got.IsZero() && tt.got.Location() != time.UTC {
			t.Errorf("%s campaign %d %s in %v, want UTC", op, want.ID, tt.name, tt.got.Location())
		}
	}
	if d := time.Since(got.UpdatedAt); d < -time.Minute || d > time.Minute {
		t.Errorf("%s campaign %d UpdatedAt = %v, want about now", op, want.ID, got.UpdatedAt)
	}

	got.Start, got.End, got.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	want.Start, want.End, want.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s campaign %d =\n%+v\nwant\n%+v", op, want.ID, got, want)
	}
}

// testCreateUnknownParent: a campaign needs its advertiser and a creative
// its campaign.
func testCreateUnknownParent(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	const missing = 1 << 40
	tests := []struct {
		name string
		fn   func() error
	}{
		{"campaign", func() error {
			_, err := st.CreateCampaign(ctx, minimalCampaign(missing))
			return err
		}},
		{"creative", func() error {
			c := fullCreatives(missing)[0]
			_, err := st.CreateCreative(ctx, c)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.fn(); err == nil {
				t.Error("got nil error, want one for a missing parent")
			}
		})
	}
	snap := snapshot(t, st)
	if len(snap.Campaigns) != 1 || snap.Campaigns[0].ID != f.camp.ID || len(snap.Creatives) != 0 {
		t.Errorf("after failed creates: %d campaigns, %d creatives, want the fixture only",
			len(snap.Campaigns), len(snap.Creatives))
	}
}

// testUpdateCampaign replaces every field, including lists set to nil.
func testUpdateCampaign(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	full, err := st.CreateCampaign(ctx, fullCampaign(f.adv.ID))
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}

	steps := []struct {
		name string
		edit func(c *campaign.Campaign)
	}{
		{"fill the minimal one", func(c *campaign.Campaign) {
			id := c.ID
			*c = fullCampaign(f.adv.ID)
			c.ID = id
		}},
		{"clear every optional field", func(c *campaign.Campaign) {
			*c = campaign.Campaign{
				ID: c.ID, AdvertiserID: c.AdvertiserID, Name: "cleared",
				Status: campaign.StatusArchived, BidPrice: 1,
			}
		}},
	}
	cur := f.camp
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			want := cur
			step.edit(&want)
			if err := st.UpdateCampaign(ctx, want); err != nil {
				t.Fatalf("UpdateCampaign: %v", err)
			}
			snap := snapshot(t, st)
			got := findCampaign(t, snap, want.ID)
			compareCampaign(t, "UpdateCampaign", got, want)
			if got.UpdatedAt.Before(cur.UpdatedAt) {
				t.Errorf("UpdatedAt went back from %v to %v", cur.UpdatedAt, got.UpdatedAt)
			}
			compareCampaign(t, "untouched", findCampaign(t, snap, full.ID), full)
			cur = got
		})
	}
}

func findCampaign(t *testing.T, snap *store.Snapshot, id int64) campaign.Campaign {
	t.Helper()
	for _, c := range snap.Campaigns {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("campaign %d missing from snapshot", id)
	return campaign.Campaign{}
}

// testUpdateCampaignNotFound: updating a missing ID is ErrNotFound and
// creates nothing.
func testUpdateCampaignNotFound(t *testing.T, st store.Store) {
	f := newFixture(t, st)
	c := f.camp
	c.ID = f.camp.ID + 1000
	err := st.UpdateCampaign(t.Context(), c)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateCampaign(missing) error = %v, want ErrNotFound", err)
	}
	if n := len(snapshot(t, st).Campaigns); n != 1 {
		t.Errorf("campaigns after failed update: got %d, want 1", n)
	}
}

// testPutReplaces: a second put of the same key replaces the first.
func testPutReplaces(t *testing.T, st store.Store) {
	ctx := t.Context()
	steps := []struct {
		e campaign.Exchange
		r campaign.Rate
	}{
		{
			e: campaign.Exchange{Name: "x", BillOnWin: true, Seat: "s1"},
			r: campaign.Rate{Currency: "GBP", PerUSD: 800_000},
		},
		{
			e: campaign.Exchange{Name: "x"},
			r: campaign.Rate{Currency: "GBP", PerUSD: 790_000},
		},
	}
	for i, step := range steps {
		if err := st.PutExchange(ctx, step.e); err != nil {
			t.Fatalf("PutExchange #%d: %v", i, err)
		}
		if err := st.PutRate(ctx, step.r); err != nil {
			t.Fatalf("PutRate #%d: %v", i, err)
		}
		snap := snapshot(t, st)
		got, want := snap.Exchanges, []campaign.Exchange{step.e}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after put #%d: exchanges = %+v, want %+v", i, got, want)
		}
		if got, want := snap.Rates, []campaign.Rate{step.r}; !reflect.DeepEqual(got, want) {
			t.Errorf("after put #%d: rates = %+v, want %+v", i, got, want)
		}
	}
}

// testVersion: every change of what the index is built from moves the
// version; the ledger and notices do not.
func testVersion(t *testing.T, st store.Store) {
	ctx := t.Context()
	var f fixture
	steps := []struct {
		name    string
		change  func() error
		changes bool
	}{
		{"create advertiser", func() (err error) {
			f.adv, err = st.CreateAdvertiser(ctx, campaign.Advertiser{
				Name: "v", Status: campaign.StatusActive,
			})
			return err
		}, true},
		{"create campaign", func() (err error) {
			f.camp, err = st.CreateCampaign(ctx, minimalCampaign(f.adv.ID))
			return err
		}, true},
		{"create creative", func() error {
			_, err := st.CreateCreative(ctx, fullCreatives(f.camp.ID)[0])
			return err
		}, true},
		{"update campaign", func() error {
			c := f.camp
			c.Status = campaign.StatusPaused
			return st.UpdateCampaign(ctx, c)
		}, true},
		{"insert exchange", func() error {
			return st.PutExchange(ctx, campaign.Exchange{Name: "demo"})
		}, true},
		{"replace exchange", func() error {
			return st.PutExchange(ctx, campaign.Exchange{Name: "demo", BillOnWin: true})
		}, true},
		{"insert rate", func() error {
			return st.PutRate(ctx, campaign.Rate{Currency: "JPY", PerUSD: 150_000_000})
		}, true},
		{"replace rate", func() error {
			return st.PutRate(ctx, campaign.Rate{Currency: "JPY", PerUSD: 151_000_000})
		}, true},
		{"charge", func() error {
			_, err := st.Charge(ctx, charge(f, "v-bid", day1, 2_000))
			return err
		}, false},
		{"record notice", func() error {
			_, err := st.RecordNotice(ctx, store.Notice{
				BidID: "v-bid", Kind: store.NoticeWin, CampaignID: f.camp.ID, At: chargeAt,
			})
			return err
		}, false},
	}

	prev := version(ctx, t, st)
	for _, step := range steps {
		if err := step.change(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		got := version(ctx, t, st)
		if changed := got != prev; changed != step.changes {
			t.Errorf("%s: version %d -> %d, changed %v, want %v",
				step.name, prev, got, changed, step.changes)
		}
		prev = got
	}
}

func version(ctx context.Context, t *testing.T, st store.Store) int64 {
	t.Helper()
	v, err := st.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}
