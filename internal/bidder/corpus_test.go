package bidder

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/demo"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/openrtb"
	"nordbid/internal/privacy"
	"nordbid/internal/store/sqlite"
)

// demoBidder returns a bidder over the demo data with extra synthetic
// campaigns.
func demoBidder(tb testing.TB, extra int) *Bidder {
	tb.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "nordbid.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	if _, err := demo.Seed(ctx, st, demo.Options{Campaigns: extra}); err != nil {
		tb.Fatal(err)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := index.Build(snap, 1, budget.NewBook(time.Minute), time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	return New(Options{
		Index:  func() *index.Index { return ix },
		Signer: notice.NewSigner([]byte("bench-key-0123456789"), time.Hour),
		Caps:   freqcap.New(), Privacy: privacy.Policy{}, PublicURL: "https://bid.example.com",
		Currency: "USD", DefaultTMax: time.Second, Margin: 10 * time.Millisecond,
	})
}

// corpusBodies reads the corpus requests by file name.
func corpusBodies(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob("../../../shared/corpus/requests/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("corpus missing: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// onlyBanners reports whether every impression of a request is a banner.
func onlyBanners(t *testing.T, body []byte) bool {
	t.Helper()
	var dec openrtb.Decoder
	var r openrtb.BidRequest
	if err := dec.Decode(body, &r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	for i := range r.Imp {
		im := &r.Imp[i]
		if !im.Banner.Present || im.Video.Present || im.Audio.Present || im.Native.Present {
			return false
		}
	}
	return len(r.Imp) > 0
}

// TestBidAllocatesNothing guards the hot path: once warm, decoding,
// deciding and encoding any well-formed corpus request (banner, video,
// audio, native, deals, several impressions) allocates nothing, whether it
// bids, does not, or is refused as invalid.
func TestBidAllocatesNothing(t *testing.T) {
	b := demoBidder(t, 0)
	w := NewWork()
	formats := map[string]int{}
	banners, refused := 0, 0
	for name, body := range corpusBodies(t) {
		for range 3 {
			b.Bid(w, "", body, time.Now())
		}
		ans := b.Bid(w, "", body, time.Now())
		if ans.Status == http.StatusBadRequest {
			refused++
		} else if onlyBanners(t, body) {
			banners++
		}
		if ans.Status == http.StatusOK {
			formats[kindOf(t, body)]++
		}
		allocs := testing.AllocsPerRun(50, func() { b.Bid(w, "", body, time.Now()) })
		if allocs != 0 {
			t.Errorf("%s (status %d %s): %v allocations per request, want 0",
				name, ans.Status, ans.Reason, allocs)
		}
	}
	if banners < 10 {
		t.Errorf("only %d banner requests in the corpus", banners)
	}
	if refused == 0 {
		t.Error("no corpus request refused: the rejection path went unmeasured")
	}
	for _, k := range []string{"banner", "video", "native"} {
		if formats[k] == 0 {
			t.Errorf("no %s request bid: bids by first impression's kind %v", k, formats)
		}
	}
}

// kindOf names the kind of a request's first impression.
func kindOf(t *testing.T, body []byte) string {
	t.Helper()
	var dec openrtb.Decoder
	var req openrtb.BidRequest
	if err := dec.Decode(body, &req); err != nil || len(req.Imp) == 0 {
		t.Fatalf("decode: %v", err)
	}
	switch imp := &req.Imp[0]; {
	case imp.Video.Present:
		return "video"
	case imp.Native.Present:
		return "native"
	case imp.Audio.Present:
		return "audio"
	}
	return "banner"
}

func benchmarkBid(b *testing.B, extra int) {
	bd := demoBidder(b, extra)
	bodies := corpusBodies(b)
	var list [][]byte
	size := 0
	for _, body := range bodies {
		list = append(list, body)
		size += len(body)
	}
	w := NewWork()
	b.SetBytes(int64(size / len(list)))
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		bd.Bid(w, "", list[i%len(list)], time.Now())
		i++
	}
}

// BenchmarkBid measures decode, decide and encode together over the whole
// corpus in turn.
func BenchmarkBid(b *testing.B) { benchmarkBid(b, 0) }

// BenchmarkBid1k is BenchmarkBid with 1,000 extra synthetic campaigns.
func BenchmarkBid1k(b *testing.B) { benchmarkBid(b, 1000) }

// BenchmarkDecide measures the decision alone on a decoded banner request.
func BenchmarkDecide(b *testing.B) {
	bd := demoBidder(b, 1000)
	body := corpusBodies(b)["01_iab26_simple_banner.json"]
	w := NewWork()
	if err := w.dec.Decode(body, &w.req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		w.wins = w.wins[:0]
		w.impReasons = w.impReasons[:0]
		w.arena = w.arena[:0]
		bd.decide(w, "", time.Now())
	}
}

// TestNativeResponseUsesRequestAssetIDs checks that a native bid answers
// every required asset of the request under the request's own asset id.
func TestNativeResponseUsesRequestAssetIDs(t *testing.T) {
	b := demoBidder(t, 0)
	bodies := corpusBodies(t)
	checked := 0
	for _, name := range []string{"17_conv_native_app_25_string.json", "39_pbs_native_web_eur.json",
		"13_google_full_native_object_sua.json"} {
		w := NewWork()
		ans := b.Bid(w, "", bodies[name], time.Now())
		if ans.Status != http.StatusOK {
			continue
		}
		var resp struct {
			SeatBid []struct{ Bid []struct{ ImpID, AdM string } }
		}
		if err := json.Unmarshal(ans.Body, &resp); err != nil {
			t.Fatal(err)
		}
		for _, bid := range resp.SeatBid[0].Bid {
			var imp *openrtb.Imp
			for i := range w.req.Imp {
				if w.req.Imp[i].ID == bid.ImpID {
					imp = &w.req.Imp[i]
				}
			}
			if imp == nil || !imp.Native.Present {
				continue
			}
			var adm struct {
				Assets []struct{ ID int }
				Link   struct{ URL string }
			}
			if err := json.Unmarshal([]byte(bid.AdM), &adm); err != nil {
				t.Fatalf("%s: native adm is not JSON: %v\n%s", name, err, bid.AdM)
			}
			got := map[int]bool{}
			for _, a := range adm.Assets {
				got[a.ID] = true
			}
			for _, a := range imp.Native.Assets {
				if a.Required == 1 && !got[a.ID] {
					t.Errorf("%s: required asset %d missing from %s", name, a.ID, bid.AdM)
				}
			}
			if !strings.Contains(adm.Link.URL, "/notice/click?t=") {
				t.Errorf("%s: link %q is not the click notice", name, adm.Link.URL)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no native bid to check")
	}
}
