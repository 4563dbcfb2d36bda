package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// adminTests are the contract cases of the store.Admin methods.
var adminTests = []struct {
	name string
	fn   func(t *testing.T, st store.Store)
}{
	{"AdminGet", testAdminGet},
	{"AdminGetNotFound", testAdminGetNotFound},
	{"AdminList", testAdminList},
	{"AdminUpdate", testAdminUpdate},
	{"AdminUpdateNotFound", testAdminUpdateNotFound},
	{"KillSwitch", testKillSwitch},
	{"Tokens", testTokens},
}

// testAdminGet reads back each kind of entity by its ID.
func testAdminGet(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	full, err := st.CreateCampaign(ctx, fullCampaign(f.adv.ID))
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	cr, err := st.CreateCreative(ctx, fullCreatives(full.ID)[0])
	if err != nil {
		t.Fatalf("CreateCreative: %v", err)
	}

	adv, err := st.GetAdvertiser(ctx, f.adv.ID)
	if err != nil {
		t.Fatalf("GetAdvertiser: %v", err)
	}
	if !reflect.DeepEqual(adv, f.adv) {
		t.Errorf("GetAdvertiser = %+v, want %+v", adv, f.adv)
	}
	camp, err := st.GetCampaign(ctx, full.ID)
	if err != nil {
		t.Fatalf("GetCampaign: %v", err)
	}
	compareCampaign(t, "GetCampaign", camp, full)
	gotCr, err := st.GetCreative(ctx, cr.ID)
	if err != nil {
		t.Fatalf("GetCreative: %v", err)
	}
	if !reflect.DeepEqual(gotCr, cr) {
		t.Errorf("GetCreative = %+v, want %+v", gotCr, cr)
	}
}

// testAdminGetNotFound: every single read of a missing ID wraps
// store.ErrNotFound.
func testAdminGetNotFound(t *testing.T, st store.Store) {
	ctx := t.Context()
	const missing = 1 << 40
	gets := map[string]func() error{
		"GetAdvertiser": func() error { _, err := st.GetAdvertiser(ctx, missing); return err },
		"GetCampaign":   func() error { _, err := st.GetCampaign(ctx, missing); return err },
		"GetCreative":   func() error { _, err := st.GetCreative(ctx, missing); return err },
		"TokenByHash": func() error {
			_, err := st.TokenByHash(ctx, make([]byte, sha256.Size))
			return err
		},
		"DeleteToken": func() error { return st.DeleteToken(ctx, missing) },
	}
	for name, get := range gets {
		if err := get(); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s(missing) = %v, want ErrNotFound", name, err)
		}
	}
}

// testAdminList pages by ID and filters by status, parent and name.
func testAdminList(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	other, err := st.CreateAdvertiser(ctx, campaign.Advertiser{
		Name: "Other Media", Status: campaign.StatusPaused,
	})
	if err != nil {
		t.Fatalf("CreateAdvertiser: %v", err)
	}
	ids := []int64{f.camp.ID}
	for i, name := range []string{"Summer Sale", "winter SALE", "Brand"} {
		c := minimalCampaign(f.adv.ID)
		c.Name = name
		if i == 1 {
			c.Status = campaign.StatusPaused
		}
		if i == 2 {
			c.AdvertiserID = other.ID
		}
		got, err := st.CreateCampaign(ctx, c)
		if err != nil {
			t.Fatalf("CreateCampaign: %v", err)
		}
		ids = append(ids, got.ID)
	}
	var crIDs []int64
	for _, cr := range fullCreatives(ids[1]) {
		got, err := st.CreateCreative(ctx, cr)
		if err != nil {
			t.Fatalf("CreateCreative: %v", err)
		}
		crIDs = append(crIDs, got.ID)
	}
	if _, err := st.CreateCreative(ctx, fullCreatives(ids[2])[0]); err != nil {
		t.Fatalf("CreateCreative: %v", err)
	}

	campIDs := func(opt store.ListOptions) []int64 {
		t.Helper()
		cs, err := st.ListCampaigns(ctx, opt)
		if err != nil {
			t.Fatalf("ListCampaigns(%+v): %v", opt, err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	tests := []struct {
		name string
		opt  store.ListOptions
		want []int64
	}{
		{"all", store.ListOptions{}, ids},
		{"first page", store.ListOptions{Limit: 2}, ids[:2]},
		{"next page", store.ListOptions{AfterID: ids[1], Limit: 2}, ids[2:]},
		{"past the end", store.ListOptions{AfterID: ids[3]}, nil},
		{"paused", store.ListOptions{Status: campaign.StatusPaused}, ids[2:3]},
		{"advertiser", store.ListOptions{ParentID: other.ID}, ids[3:]},
		{"name any case", store.ListOptions{Name: "sale"}, ids[1:3]},
		{"name and status", store.ListOptions{Name: "SALE",
			Status: campaign.StatusActive}, ids[1:2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := campIDs(tt.opt); !slices.Equal(got, tt.want) {
				t.Errorf("ListCampaigns(%+v) = %v, want %v", tt.opt, got, tt.want)
			}
		})
	}

	crs, err := st.ListCreatives(ctx, store.ListOptions{ParentID: ids[1]})
	if err != nil {
		t.Fatalf("ListCreatives: %v", err)
	}
	var gotCr []int64
	for _, c := range crs {
		gotCr = append(gotCr, c.ID)
	}
	if !slices.Equal(gotCr, crIDs) {
		t.Errorf("ListCreatives(campaign %d) = %v, want %v", ids[1], gotCr, crIDs)
	}
	advs, err := st.ListAdvertisers(ctx, store.ListOptions{Status: campaign.StatusPaused})
	if err != nil {
		t.Fatalf("ListAdvertisers: %v", err)
	}
	if len(advs) != 1 || !reflect.DeepEqual(advs[0], other) {
		t.Errorf("ListAdvertisers(paused) = %+v, want [%+v]", advs, other)
	}
}

// testAdminUpdate replaces an advertiser and a creative, bumps the version
// each time, and reads back what was written.
func testAdminUpdate(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	cr, err := st.CreateCreative(ctx, fullCreatives(f.camp.ID)[0])
	if err != nil {
		t.Fatalf("CreateCreative: %v", err)
	}

	v0 := version(ctx, t, st)
	adv := f.adv
	adv.Name, adv.Domain, adv.Status = "Renamed", "renamed.example.com", campaign.StatusPaused
	if err := st.UpdateAdvertiser(ctx, adv); err != nil {
		t.Fatalf("UpdateAdvertiser: %v", err)
	}
	v1 := version(ctx, t, st)
	if v1 == v0 {
		t.Error("UpdateAdvertiser left Version unchanged")
	}
	if got, err := st.GetAdvertiser(ctx, adv.ID); err != nil || !reflect.DeepEqual(got, adv) {
		t.Errorf("GetAdvertiser after update = %+v, %v, want %+v", got, err, adv)
	}

	cr.Name, cr.Status, cr.W, cr.H = "resized", campaign.StatusArchived, 728, 90
	cr.Categories = nil
	cr.ClickURL = "https://fixture.example.com/landing?from=update"
	cr.Bundle = "987654321"
	if err := st.UpdateCreative(ctx, cr); err != nil {
		t.Fatalf("UpdateCreative: %v", err)
	}
	if version(ctx, t, st) == v1 {
		t.Error("UpdateCreative left Version unchanged")
	}
	if got, err := st.GetCreative(ctx, cr.ID); err != nil || !reflect.DeepEqual(got, cr) {
		t.Errorf("GetCreative after update = %+v, %v, want %+v", got, err, cr)
	}
}

// testAdminUpdateNotFound: updates of missing entities wrap ErrNotFound and
// create nothing.
func testAdminUpdateNotFound(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	const missing = 1 << 40
	err := st.UpdateAdvertiser(ctx, campaign.Advertiser{ID: missing, Name: "x",
		Status: campaign.StatusActive})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateAdvertiser(missing) = %v, want ErrNotFound", err)
	}
	cr := fullCreatives(f.camp.ID)[0]
	cr.ID = missing
	if err := st.UpdateCreative(ctx, cr); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateCreative(missing) = %v, want ErrNotFound", err)
	}
	if got := snapshot(t, st); len(got.Advertisers) != 1 || len(got.Creatives) != 0 {
		t.Errorf("after failed updates: %d advertisers, %d creatives, want 1 and 0",
			len(got.Advertisers), len(got.Creatives))
	}
}

// testKillSwitch: off by default; turning it on or off shows in Settings
// and in Snapshot, and moves Version so that every bidder reloads.
func testKillSwitch(t *testing.T, st store.Store) {
	ctx := t.Context()
	s, err := st.Settings(ctx)
	if err != nil {
		t.Fatalf("Settings: %v", err)
	}
	if s.KillSwitch {
		t.Fatal("KillSwitch is on in a new store, want off")
	}
	for _, on := range []bool{true, false} {
		before := version(ctx, t, st)
		if err := st.SetKillSwitch(ctx, on); err != nil {
			t.Fatalf("SetKillSwitch(%v): %v", on, err)
		}
		if version(ctx, t, st) == before {
			t.Errorf("SetKillSwitch(%v) left Version unchanged", on)
		}
		s, err := st.Settings(ctx)
		if err != nil {
			t.Fatalf("Settings: %v", err)
		}
		if s.KillSwitch != on {
			t.Errorf("Settings().KillSwitch = %v, want %v", s.KillSwitch, on)
		}
		if got := snapshot(t, st).Settings.KillSwitch; got != on {
			t.Errorf("Snapshot().Settings.KillSwitch = %v, want %v", got, on)
		}
	}
}

// testTokens creates, finds, lists and deletes tokens; a hash is unique.
func testTokens(t *testing.T, st store.Store) {
	ctx := t.Context()
	h1 := sha256.Sum256([]byte("secret one"))
	h2 := sha256.Sum256([]byte("secret two"))
	created := time.Date(2025, 6, 1, 8, 30, 0, 123_000_000, time.UTC)
	in := []store.Token{
		{Name: "ci", Role: store.RoleOperator, Hash: h1[:], Created: created},
		{Name: "grafana", Role: store.RoleReader, Hash: h2[:], Created: created},
	}
	var toks []store.Token
	for _, tok := range in {
		got, err := st.CreateToken(ctx, tok)
		if err != nil {
			t.Fatalf("CreateToken(%q): %v", tok.Name, err)
		}
		if got.ID == 0 {
			t.Fatalf("CreateToken(%q): got ID 0", tok.Name)
		}
		tok.ID = got.ID
		if !reflect.DeepEqual(got, tok) {
			t.Errorf("CreateToken = %+v, want %+v", got, tok)
		}
		toks = append(toks, got)
	}
	dup := in[0]
	dup.Name = "copy"
	if _, err := st.CreateToken(ctx, dup); err == nil {
		t.Error("CreateToken with a hash already stored succeeded, want an error")
	}

	got, err := st.TokenByHash(ctx, h2[:])
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if !reflect.DeepEqual(got, toks[1]) || !bytes.Equal(got.Hash, h2[:]) {
		t.Errorf("TokenByHash = %+v, want %+v", got, toks[1])
	}
	all, err := st.ListTokens(ctx)
	if err != nil {
		t.Fatalf("ListTokens: %v", err)
	}
	if !reflect.DeepEqual(all, toks) {
		t.Errorf("ListTokens = %+v, want %+v", all, toks)
	}

	if err := st.DeleteToken(ctx, toks[0].ID); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if _, err := st.TokenByHash(ctx, h1[:]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TokenByHash after delete = %v, want ErrNotFound", err)
	}
	if err := st.DeleteToken(ctx, toks[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteToken twice = %v, want ErrNotFound", err)
	}
}
