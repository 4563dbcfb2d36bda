package bidder

import (
	"math/rand/v2"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/demo"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/openrtb"
	"nordbid/internal/privacy"
)

// TestPrefilterKeepsDecisions compares the open-auction winner found
// through the prefilter with a brute-force walk over every campaign, on
// corpus requests with varied country, device, OS, domain, bundle and
// segments: the prefilter may only save work, never change the winner.
func TestPrefilterKeepsDecisions(t *testing.T) {
	now := time.Now()
	ix, err := index.Build(demo.Snapshot(demo.Options{Campaigns: 3000, Now: now}), 1,
		budget.NewBook(time.Minute), now)
	if err != nil {
		t.Fatal(err)
	}
	b := New(Options{
		Index:  func() *index.Index { return ix },
		Signer: notice.NewSigner([]byte("k"), time.Hour), Caps: freqcap.New(),
		Privacy: privacy.Policy{}, PublicURL: "https://x", Currency: "USD",
		DefaultTMax: time.Second,
	})
	var works []*Work
	for _, body := range corpusBodies(t) {
		w := NewWork()
		if w.dec.Decode(body, &w.req) == nil && len(w.req.Imp) > 0 {
			works = append(works, w)
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	pick := func(v ...string) string { return v[r.IntN(len(v))] }
	compared, won := 0, 0
	for range 3000 {
		w := works[r.IntN(len(works))]
		w.req.Device.Geo.Country = pick("USA", "deu", "GBR", "", "JPN", "FRA")
		w.req.Device.DeviceType = r.IntN(8)
		w.req.Device.OS = pick("iOS", "android", "", "Windows")
		w.req.Site.Domain = pick("", "site007.example.com", "www.Site042.example.com",
			"news.example")
		w.req.App.Bundle = pick("", "com.example.app007", "com.example.APP042")
		rc := newRequestContext(&w.req, "", true, now)
		w.prefilter(ix, &rc)
		for i := range w.req.Imp {
			imp := &w.req.Imp[i]
			if imp.Problem() != "" || imp.PMP.PrivateAuction == 1 || len(imp.PMP.Deals) > 0 {
				continue
			}
			got, _ := b.best(w, ix, &rc, imp, now)
			want := bruteForce(b, w, ix, &rc, imp, now)
			compared++
			if got.creative != nil {
				won++
			}
			if (got.creative == nil) != (want == nil) ||
				(want != nil && got.creative.Campaign.ID != want.Campaign.ID) {
				t.Fatalf("imp %q country %q dev %d os %q domain %q bundle %q: prefilter %v, "+
					"brute force %v", imp.ID, w.req.Device.Geo.Country, w.req.Device.DeviceType,
					w.req.Device.OS, w.req.Site.Domain, w.req.App.Bundle,
					id(got.creative), id(want))
			}
		}
	}
	if compared < 1000 || won < compared/10 {
		t.Errorf("compared %d impressions, %d won: too few to show anything", compared, won)
	}
}

// bruteForce walks every live campaign in rank order, as if there were no
// prefilter.
func bruteForce(b *Bidder, w *Work, ix *index.Index, rc *requestContext,
	imp *openrtb.Imp, now time.Time) *index.Creative {
	s := &search{b: b, ix: ix, rc: rc, imp: imp, now: now}
	for rank := 0; ; rank++ {
		if rank >= len(ix.Campaigns()) {
			return nil
		}
		c := ix.Ranked(rank)
		if len(c.Deals) > 0 {
			continue
		}
		for _, cr := range c.Creatives {
			if _, ok := s.eligible(cr, nil); ok {
				return cr
			}
		}
	}
}

func id(c *index.Creative) any {
	if c == nil {
		return "none"
	}
	return c.Campaign.ID
}
