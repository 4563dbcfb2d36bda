package demo

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
	"nordbid/internal/store/sqlite"
)

// The size of the hand-made set.
const (
	handAdvertisers = 5
	handCampaigns   = 11
	handCreatives   = 31
)

var seedNow = time.Date(2025, 6, 15, 10, 30, 0, 0, time.UTC)

// openStore opens a fresh migrated embedded store.
func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "nordbid.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

// seeded seeds a fresh store with opt and returns its snapshot.
func seeded(t *testing.T, opt Options) (*sqlite.DB, *store.Snapshot) {
	t.Helper()
	db := openStore(t)
	ok, err := Seed(t.Context(), db, opt)
	if err != nil || !ok {
		t.Fatalf("Seed on an empty store = %v, %v; want true", ok, err)
	}
	snap, err := db.Snapshot(t.Context())
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return db, snap
}

func TestSeedCounts(t *testing.T) {
	tests := []struct {
		extra           int
		wantAdvertisers int
		wantCampaigns   int
	}{
		{extra: 0, wantAdvertisers: handAdvertisers, wantCampaigns: handCampaigns},
		{extra: 1, wantAdvertisers: handAdvertisers + 1, wantCampaigns: handCampaigns + 1},
		{extra: 250, wantAdvertisers: handAdvertisers + 3, wantCampaigns: handCampaigns + 250},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("extra=%d", tt.extra), func(t *testing.T) {
			_, snap := seeded(t, Options{Campaigns: tt.extra, Now: seedNow})
			if got := len(snap.Advertisers); got != tt.wantAdvertisers {
				t.Errorf("advertisers: got %d, want %d", got, tt.wantAdvertisers)
			}
			if got := len(snap.Campaigns); got != tt.wantCampaigns {
				t.Errorf("campaigns: got %d, want %d", got, tt.wantCampaigns)
			}
			// A synthetic campaign has one to three creatives.
			got, least := len(snap.Creatives), handCreatives+tt.extra
			if got < least || got > handCreatives+3*tt.extra {
				t.Errorf("creatives: got %d, want %d to %d",
					got, least, handCreatives+3*tt.extra)
			}
			want := []campaign.Exchange{{Name: "demo"}}
			if !reflect.DeepEqual(snap.Exchanges, want) {
				t.Errorf("exchanges = %+v, want %+v", snap.Exchanges, want)
			}
			if got, want := len(snap.Rates), len(rates()); got != want {
				t.Errorf("rates: got %d, want %d", got, want)
			}
		})
	}
}

func TestSeedOnlyOnce(t *testing.T) {
	ctx := t.Context()
	db, before := seeded(t, Options{Now: seedNow})
	v1, err := db.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}

	ok, err := Seed(ctx, db, Options{Campaigns: 10, Now: seedNow})
	if err != nil || ok {
		t.Fatalf("second Seed = %v, %v; want false, nil", ok, err)
	}
	after, err := db.Snapshot(ctx)
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Error("second Seed changed the store")
	}
	if v2, err := db.Version(ctx); err != nil || v2 != v1 {
		t.Errorf("Version after second Seed = %d, %v; want %d", v2, err, v1)
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	_, a := seeded(t, Options{Campaigns: 120, Now: seedNow})
	_, b := seeded(t, Options{Campaigns: 120, Now: seedNow})
	for _, s := range []*store.Snapshot{a, b} {
		for i := range s.Campaigns {
			s.Campaigns[i].UpdatedAt = time.Time{}
		}
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("two seeds with the same options differ")
	}
}

// TestSeedValid checks every seeded entity: it validates, it is dated by
// Options.Now, its markup is well-formed and carries the click and
// impression macros, and it names only reserved example domains.
func TestSeedValid(t *testing.T) {
	_, snap := seeded(t, Options{Campaigns: 300, Now: seedNow})
	wantStart := time.Date(2025, 6, 14, 0, 0, 0, 0, time.UTC)
	exampleDomain := regexp.MustCompile(`^[a-z0-9-]+\.example\.(com|org|net)$`)
	url := regexp.MustCompile(`https?://[^"'\s<>\]]+`)

	for _, a := range snap.Advertisers {
		if !exampleDomain.MatchString(a.Domain) {
			t.Errorf("advertiser %q: domain %q is not under example.com/.org/.net",
				a.Name, a.Domain)
		}
	}
	domainOf := map[int64]string{}
	for _, a := range snap.Advertisers {
		domainOf[a.ID] = a.Domain
	}
	advOf := map[int64]int64{}
	capped := 0
	for _, c := range snap.Campaigns {
		advOf[c.ID] = c.AdvertiserID
		if err := c.Validate(); err != nil {
			t.Errorf("campaign %q: %v", c.Name, err)
		}
		if !c.Start.Equal(wantStart) || !c.End.IsZero() {
			t.Errorf("campaign %q: flight %v to %v, want from %v open-ended",
				c.Name, c.Start, c.End, wantStart)
		}
		if c.FreqCap.Count > 20 || c.TotalBudget == 0 {
			t.Errorf("campaign %q: cap %+v, budget %d; want a modest cap, if any, and a budget",
				c.Name, c.FreqCap, c.TotalBudget)
		}
		if c.FreqCap.Count > 0 {
			capped++
		}
	}
	if capped == 0 {
		t.Error("no demo campaign has a frequency cap to show")
	}
	for _, cr := range snap.Creatives {
		if err := cr.Validate(); err != nil {
			t.Errorf("creative %q: %v", cr.Name, err)
		}
		if err := wellFormed(cr); err != nil {
			t.Errorf("creative %q: %v", cr.Name, err)
		}
		for _, macro := range []string{"${CLICK_URL}", "${IMP_URL}"} {
			if !strings.Contains(cr.Markup, macro) {
				t.Errorf("creative %q: markup lacks %s", cr.Name, macro)
			}
		}
		for _, u := range url.FindAllString(cr.Markup, -1) {
			if !strings.HasPrefix(u, "https://ads.example.com/") {
				t.Errorf("creative %q: URL %q outside https://ads.example.com", cr.Name, u)
			}
		}
		site := "https://" + domainOf[advOf[cr.CampaignID]] + "/"
		if !strings.HasPrefix(cr.ClickURL, site) {
			t.Errorf("creative %q: click URL %q, want a page of %s", cr.Name, cr.ClickURL, site)
		}
	}
}

// wellFormed parses the markup of c as its format requires.
func wellFormed(c campaign.Creative) error {
	switch c.Format {
	case campaign.FormatVideo, campaign.FormatAudio:
		var v struct {
			Version string `xml:"version,attr"`
		}
		if err := xml.Unmarshal([]byte(c.Markup), &v); err != nil {
			return err
		}
		if v.Version != "3.0" {
			return fmt.Errorf("VAST version %q, want 3.0", v.Version)
		}
	case campaign.FormatNative:
		var v struct {
			Ver    string            `json:"ver"`
			Assets []json.RawMessage `json:"assets"`
		}
		if err := json.Unmarshal([]byte(c.Markup), &v); err != nil {
			return err
		}
		if v.Ver != "1.2" || len(v.Assets) != len(nativeAssets) {
			return fmt.Errorf("native ver %q with %d assets, want 1.2 with %d",
				v.Ver, len(v.Assets), len(nativeAssets))
		}
	}
	return nil
}

// TestSyntheticMostlyNarrow checks that the synthetic campaigns compete
// without all matching: nearly every one targets countries, and most add
// a narrower dimension.
func TestSyntheticMostlyNarrow(t *testing.T) {
	var total, narrow int
	for _, a := range synthetic(1000) {
		for _, cs := range a.campaigns {
			total++
			tg := cs.c.Targeting
			if len(tg.Countries) == 0 {
				t.Errorf("campaign %q targets no country", cs.c.Name)
			}
			if len(tg.Domains.Allow)+len(tg.Bundles.Allow)+len(tg.Segments)+len(tg.OS)+
				len(tg.Regions)+len(tg.HoursOfWeek)+len(tg.Publishers) > 0 {
				narrow++
			}
		}
	}
	if total != 1000 {
		t.Fatalf("synthetic(1000) made %d campaigns", total)
	}
	if narrow < 700 {
		t.Errorf("narrowly targeted: %d of %d, want at least 700", narrow, total)
	}
}

// BenchmarkSeed measures a full seed into a fresh embedded store, at the
// sizes the load benchmarks use.
func BenchmarkSeed(b *testing.B) {
	for _, n := range []int{0, 1_000, 10_000} {
		b.Run(fmt.Sprintf("extra=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				db, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "nordbid.db"))
				if err == nil {
					err = db.Migrate(b.Context())
				}
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				ok, err := Seed(b.Context(), db, Options{Campaigns: n, Now: seedNow})
				if err != nil || !ok {
					b.Fatalf("Seed = %v, %v", ok, err)
				}
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
		})
	}
}

// TestSnapshotMatchesSeed checks that the in-memory demo data is what Seed
// writes to a store.
func TestSnapshotMatchesSeed(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	mem := Snapshot(Options{Campaigns: 150, Now: now})
	st := openStore(t)
	if _, err := Seed(t.Context(), st, Options{Campaigns: 150, Now: now}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(mem.Campaigns) != len(got.Campaigns) || len(mem.Creatives) != len(got.Creatives) ||
		len(mem.Advertisers) != len(got.Advertisers) || len(mem.Rates) != len(got.Rates) {
		t.Fatalf("in-memory %d/%d/%d/%d, seeded %d/%d/%d/%d "+
			"(advertisers/campaigns/creatives/rates)",
			len(mem.Advertisers), len(mem.Campaigns), len(mem.Creatives), len(mem.Rates),
			len(got.Advertisers), len(got.Campaigns), len(got.Creatives), len(got.Rates))
	}
	for i := range mem.Campaigns {
		m, g := mem.Campaigns[i], got.Campaigns[i]
		if m.ID != g.ID || m.Name != g.Name || m.BidPrice != g.BidPrice || !m.Start.Equal(g.Start) {
			t.Fatalf("campaign %d differs: %+v vs %+v", i, m, g)
		}
	}
}
