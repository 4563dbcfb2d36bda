package telemetry

import (
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// expose scrapes m and parses the answer strictly.
func expose(t *testing.T, m *Metrics) map[string]*family {
	t.Helper()
	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return parseStrict(t, b.String())
}

// value returns the value of one sample, failing the test when it is
// missing.
func value(t *testing.T, fams map[string]*family, fam, name string, labels ...string) sample {
	t.Helper()
	f := fams[fam]
	if f == nil {
		t.Fatalf("no family %s", fam)
	}
	s, ok := f.find(name, labels...)
	if !ok {
		t.Fatalf("no sample %s%v in family %s", name, labels, fam)
	}
	return s
}

func TestCountersCount(t *testing.T) {
	m := New([]string{"no_match", "other"})
	for range 3 {
		m.Request("demo", ResultBid)
	}
	m.Request("demo", ResultNoBid)
	m.Request(OtherExchange, ResultTimeout)
	m.Request("demo", Result(99)) // out of range: ignored
	m.NoBid("no_match")
	m.NoBid("no_match")
	m.NoBid("unheard_of")
	m.Notice("win", "charged")
	m.Notice("win", "charged")
	m.Notice("bill", "duplicate")
	m.Spend(7, 1<<53+1) // beyond float64's exact integers
	m.Spend(7, 1)
	m.Spend(12, 900)
	m.Spend(12, -5) // counters never go down

	fams := expose(t, m)
	tests := []struct {
		fam    string
		labels []string
		want   string
	}{
		{"nordbid_bid_requests_total", []string{"exchange", "demo", "result", "bid"}, "3"},
		{"nordbid_bid_requests_total", []string{"exchange", "demo", "result", "nobid"}, "1"},
		{"nordbid_bid_requests_total", []string{"exchange", "other", "result", "timeout"}, "1"},
		{"nordbid_nobid_reasons_total", []string{"reason", "no_match"}, "2"},
		{"nordbid_nobid_reasons_total", []string{"reason", "other"}, "1"},
		{"nordbid_notices_total", []string{"kind", "win", "result", "charged"}, "2"},
		{"nordbid_notices_total", []string{"kind", "bill", "result", "duplicate"}, "1"},
		{"nordbid_spend_micros_total", []string{"campaign", "7"}, "9007199254740994"},
		{"nordbid_spend_micros_total", []string{"campaign", "12"}, "900"},
	}
	for _, tt := range tests {
		t.Run(tt.fam+strings.Join(tt.labels, ","), func(t *testing.T) {
			got := value(t, fams, tt.fam, tt.fam, tt.labels...)
			if got.raw != tt.want {
				t.Errorf("got %s, want %s", got.raw, tt.want)
			}
			if fams[tt.fam].typ != "counter" {
				t.Errorf("type %s, want counter", fams[tt.fam].typ)
			}
		})
	}
	// Three counted, plus the default endpoint's four created by New.
	if n := len(fams["nordbid_bid_requests_total"].samples); n != 7 {
		t.Errorf("%d request series, want 7 (an out-of-range result counts nowhere)", n)
	}
}

// TestFamiliesBeforeFirstEvent checks that a fresh process exposes every
// family with its header, and the default endpoint's request series at 0,
// so that alerts see zero rather than absence.
func TestFamiliesBeforeFirstEvent(t *testing.T) {
	fams := expose(t, New(nil))
	for _, name := range []string{"nordbid_bid_requests_total", "nordbid_notices_total",
		"nordbid_spend_micros_total", "nordbid_nobid_reasons_total"} {
		if fams[name] == nil || fams[name].typ != "counter" {
			t.Errorf("%s: not exposed as a counter before any event", name)
		}
	}
	for _, r := range []string{"bid", "nobid", "invalid", "timeout"} {
		got := value(t, fams, "nordbid_bid_requests_total", "nordbid_bid_requests_total",
			"exchange", "", "result", r)
		if got.raw != "0" {
			t.Errorf("default endpoint %s: %s, want 0", r, got.raw)
		}
	}
}

func TestSeriesSorted(t *testing.T) {
	m := New(nil)
	for _, ex := range []string{"zeta", "alpha", "mid", "alpha"} {
		m.Request(ex, ResultNoBid)
		m.Request(ex, ResultBid)
	}
	var got []string
	for _, s := range expose(t, m)["nordbid_bid_requests_total"].samples {
		got = append(got, s.labels["exchange"]+"/"+s.labels["result"])
	}
	want := []string{"/bid", "/invalid", "/nobid", "/timeout", // the default endpoint's
		"alpha/bid", "alpha/nobid", "mid/bid", "mid/nobid", "zeta/bid", "zeta/nobid"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestLabelEscaping(t *testing.T) {
	m := New(nil)
	odd := "a\"b\\c\nd"
	m.Request(odd, ResultBid)

	var b strings.Builder
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	if want := `exchange="a\"b\\c\nd"`; !strings.Contains(b.String(), want) {
		t.Errorf("exposition lacks %s:\n%s", want, b.String())
	}
	fams := parseStrict(t, b.String())
	value(t, fams, "nordbid_bid_requests_total", "nordbid_bid_requests_total",
		"exchange", odd, "result", "bid")
}

// TestLabelIsCopied checks that a label given as a view of a buffer that
// is later reused keeps its value.
func TestLabelIsCopied(t *testing.T) {
	m := New(nil)
	buf := []byte("exchA")
	view := unsafeString(buf)
	m.Request(view, ResultBid)
	m.Notice(view, view)
	copy(buf, "XXXXX")
	fams := expose(t, m)
	value(t, fams, "nordbid_bid_requests_total", "nordbid_bid_requests_total",
		"exchange", "exchA", "result", "bid")
	value(t, fams, "nordbid_notices_total", "nordbid_notices_total",
		"kind", "exchA", "result", "exchA")
}

// unsafeString views b as a string without copying, as servers that reuse
// request buffers hand labels over.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func TestDurationHistogram(t *testing.T) {
	m := New(nil)
	obs := []float64{0.00001, 0.00005, 0.0002, 0.0002, 0.003, 0.3, 7}
	for _, v := range obs {
		m.Duration(v)
	}
	fams := expose(t, m)
	f := fams["nordbid_bid_duration_seconds"]
	if f == nil || f.typ != "histogram" {
		t.Fatalf("family %+v, want a histogram", f)
	}
	les, counts := buckets(t, f, "nordbid_bid_duration_seconds")
	if want := append(slices.Clone(durationBounds), math.Inf(1)); !slices.Equal(les, want) {
		t.Errorf("bounds %v, want %v", les, want)
	}
	want := map[float64]float64{0.00005: 2, 0.0001: 2, 0.00025: 4, 0.0025: 4, 0.005: 5,
		0.25: 5, math.Inf(1): 7}
	for i, le := range les {
		if w, ok := want[le]; ok && counts[i] != w {
			t.Errorf("le=%v: %v, want %v", le, counts[i], w)
		}
	}
	count := value(t, fams, "nordbid_bid_duration_seconds", "nordbid_bid_duration_seconds_count")
	if count.value != counts[len(counts)-1] {
		t.Errorf("_count %v, +Inf bucket %v: want equal", count.value, counts[len(counts)-1])
	}
	var sum float64
	for _, v := range obs {
		sum += v
	}
	got := value(t, fams, "nordbid_bid_duration_seconds", "nordbid_bid_duration_seconds_sum")
	if math.Abs(got.value-sum) > 1e-12 {
		t.Errorf("_sum %v, want %v", got.value, sum)
	}
}

// buckets returns the bounds and counts of a histogram's buckets after
// checking that they ascend, are cumulative and end at +Inf with the
// count.
func buckets(t *testing.T, f *family, name string) (les, counts []float64) {
	t.Helper()
	for _, s := range f.samples {
		if s.name != name+"_bucket" {
			continue
		}
		le, err := strconv.ParseFloat(s.labels["le"], 64)
		if err != nil || len(s.labels) != 1 {
			t.Fatalf("bucket labels %v", s.labels)
		}
		if n := len(les); n > 0 && (le <= les[n-1] || s.value < counts[n-1]) {
			t.Errorf("bucket le=%v count %v after le=%v count %v: want both to grow",
				le, s.value, les[n-1], counts[n-1])
		}
		les, counts = append(les, le), append(counts, s.value)
	}
	if len(les) == 0 || !math.IsInf(les[len(les)-1], 1) {
		t.Fatalf("buckets %v do not end at +Inf", les)
	}
	c, ok := f.find(name + "_count")
	if !ok || c.value != counts[len(counts)-1] {
		t.Errorf("_count %v, +Inf bucket %v: want equal", c.value, counts[len(counts)-1])
	}
	if _, ok := f.find(name + "_sum"); !ok {
		t.Errorf("no %s_sum", name)
	}
	return les, counts
}

func TestGCPauseHistogram(t *testing.T) {
	m := New(nil)
	runtime.GC()
	fams := expose(t, m)
	f := fams["nordbid_gc_pause_seconds"]
	if f == nil || f.typ != "histogram" {
		t.Fatalf("family %+v, want a histogram", f)
	}
	les, counts := buckets(t, f, "nordbid_gc_pause_seconds")
	if want := append(slices.Clone(pauseBounds), math.Inf(1)); !slices.Equal(les, want) {
		t.Errorf("bounds %v, want %v", les, want)
	}
	if counts[len(counts)-1] < 1 {
		t.Errorf("no pause counted after runtime.GC")
	}
	cycles := value(t, fams, "nordbid_gc_cycles_total", "nordbid_gc_cycles_total")
	if cycles.value < 1 || fams["nordbid_gc_cycles_total"].typ != "counter" {
		t.Errorf("gc cycles %v (%s), want a counter at 1 or more", cycles.value,
			fams["nordbid_gc_cycles_total"].typ)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes",
		"go_gc_heap_goal_bytes", "go_gc_heap_live_bytes", "go_gc_memory_limit_bytes",
		"go_memstats_sys_bytes"} {
		if s := value(t, fams, name, name); s.value <= 0 || fams[name].typ != "gauge" {
			t.Errorf("%s = %v (%s), want a positive gauge", name, s.value, fams[name].typ)
		}
	}
}

// TestCollapse folds a made-up runtime histogram: each runtime bucket
// must land at the smallest bound at or above its upper edge.
func TestCollapse(t *testing.T) {
	inf := math.Inf(1)
	h := &metrics.Float64Histogram{
		Buckets: []float64{math.Inf(-1), 0, 1e-6, 1.5e-6, 3e-3, 0.2, inf},
		Counts:  []uint64{0, 2, 3, 4, 5, 6},
	}
	r := newRuntimeReader()
	r.collapse(h)
	want := map[float64]uint64{1e-6: 2, 5e-6: 5, 1e-3: 5, 2.5e-3: 5, 5e-3: 9, 0.1: 9, inf: 20}
	for i, le := range append(slices.Clone(pauseBounds), inf) {
		if w, ok := want[le]; ok && r.pauses[i] != w {
			t.Errorf("le=%v: %d, want %d", le, r.pauses[i], w)
		}
	}
	// Midpoints, the +Inf bucket at its lower edge.
	sum := 2*0.5e-6 + 3*1.25e-6 + 4*(1.5e-6+3e-3)/2 + 5*(3e-3+0.2)/2 + 6*0.2
	if math.Abs(r.pauseSum-sum) > 1e-12 {
		t.Errorf("sum %v, want %v", r.pauseSum, sum)
	}

	// A second read starts from zero.
	h.Counts = []uint64{0, 1, 0, 0, 0, 0}
	r.collapse(h)
	if r.pauses[0] != 1 || r.pauses[len(r.pauses)-1] != 1 {
		t.Errorf("second read %v, want 1 everywhere", r.pauses)
	}
}

func TestGaugeFunc(t *testing.T) {
	m := New(nil)
	have := true
	if err := m.GaugeFunc("test_ratio", "A ratio\\with \"odd\"\nhelp.", func() (float64, bool) {
		return 0.25, have
	}); err != nil {
		t.Fatal(err)
	}
	if err := m.GaugeFunc("test_big", "A big one.", func() (float64, bool) {
		return math.Inf(1), true
	}); err != nil {
		t.Fatal(err)
	}
	fams := expose(t, m)
	if got := value(t, fams, "test_ratio", "test_ratio"); got.value != 0.25 {
		t.Errorf("test_ratio = %v, want 0.25", got.value)
	}
	if got := fams["test_ratio"].help; got != `A ratio\\with "odd"\nhelp.` {
		t.Errorf("help %q, want backslash and newline escaped", got)
	}
	if got := value(t, fams, "test_big", "test_big"); !math.IsInf(got.value, 1) {
		t.Errorf("test_big = %v, want +Inf", got.value)
	}

	have = false
	if f := expose(t, m)["test_ratio"]; f != nil {
		t.Errorf("test_ratio %+v without a value, want it left out", f)
	}

	// A second registration replaces the first.
	if err := m.GaugeFunc("test_ratio", "Replaced.", func() (float64, bool) {
		return 2, true
	}); err != nil {
		t.Fatal(err)
	}
	if got := value(t, expose(t, m), "test_ratio", "test_ratio"); got.value != 2 {
		t.Errorf("replaced test_ratio = %v, want 2", got.value)
	}

	for _, name := range []string{"", "9lives", "has space", "dash-ed", "go_goroutines",
		"process_open_fds", "nordbid_bid_requests_total", "nordbid_bid_duration_seconds_sum",
		"nordbid_gc_cycles_total"} {
		err := m.GaugeFunc(name, "Bad.", func() (float64, bool) { return 1, true })
		if !errors.Is(err, ErrMetricName) {
			t.Errorf("GaugeFunc(%q) = %v, want ErrMetricName", name, err)
		}
	}
}

func TestServeHTTP(t *testing.T) {
	m := New(nil)
	m.Request("demo", ResultBid)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, method := range []string{"GET", "HEAD"} {
		req, err := http.NewRequest(method, srv.URL+"/metrics", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ContentType {
			t.Errorf("%s: %d %q, want 200 %q", method, resp.StatusCode,
				resp.Header.Get("Content-Type"), ContentType)
		}
		if method == "HEAD" {
			continue
		}
		fams := parseStrict(t, string(body))
		value(t, fams, "nordbid_bid_requests_total", "nordbid_bid_requests_total",
			"exchange", "demo", "result", "bid")
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("Content-Length %d, body %d bytes", resp.ContentLength, len(body))
		}
	}
}

func TestSnapshot(t *testing.T) {
	m := New(nil)
	for range 4 {
		m.Request("a", ResultBid)
	}
	m.Request("b", ResultBid)
	m.Request("b", ResultNoBid)
	m.Request("b", ResultTimeout)
	m.Notice("win", "recorded")
	m.Notice("win", "charged")
	m.Notice("win", "duplicate")
	m.Notice("bill", "charged")
	m.Duration(0.0002)
	m.Duration(1)
	runtime.GC()

	s := m.Snapshot()
	if s.Requests != 7 || s.Bids != 5 || s.Wins != 2 {
		t.Errorf("requests %d, bids %d, wins %d; want 7, 5, 2", s.Requests, s.Bids, s.Wins)
	}
	if got := s.Duration.Counts; s.Duration.Count() != 2 || got[2] != 1 || got[len(got)-2] != 1 {
		t.Errorf("duration counts %v, want 1 at le=0.00025 and 2 at +Inf only", got)
	}
	if len(s.Duration.Bounds) != len(s.Duration.Counts) ||
		!math.IsInf(s.Duration.Bounds[len(s.Duration.Bounds)-1], 1) {
		t.Errorf("duration bounds %v, want one per count ending at +Inf", s.Duration.Bounds)
	}
	if s.GCCycles < 1 || s.GCPauses.Count() < 1 {
		t.Errorf("gc cycles %d, pauses %d after runtime.GC; want both at 1 or more",
			s.GCCycles, s.GCPauses.Count())
	}
}

// TestConcurrentCounting counts from several goroutines while scraping
// and checks the totals: run it with -race.
func TestConcurrentCounting(t *testing.T) {
	m := New([]string{"no_match"})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			ex := "ex" + strconv.Itoa(g%2)
			for range 1000 {
				m.Request(ex, ResultBid)
				m.NoBid("no_match")
				m.Duration(0.001)
				m.Notice("win", "recorded")
				m.Spend(int64(g), 1)
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			m.WriteTo(io.Discard)
		}
	})
	wg.Wait()
	fams := expose(t, m)
	for _, ex := range []string{"ex0", "ex1"} {
		got := value(t, fams, "nordbid_bid_requests_total", "nordbid_bid_requests_total",
			"exchange", ex, "result", "bid")
		if got.value != 2000 {
			t.Errorf("%s: %v requests, want 2000", ex, got.value)
		}
	}
	if got := m.Snapshot().Duration.Count(); got != 4000 {
		t.Errorf("%d durations, want 4000", got)
	}
}

// TestHotPathAllocatesNothing holds the bid path's budget: counting a
// request, a no-bid, a duration, a notice and a charge allocates nothing
// once the series exist.
func TestHotPathAllocatesNothing(t *testing.T) {
	m := New([]string{"no_match", "other"})
	exchange := []byte("demo")
	count := func() {
		m.Request(unsafeString(exchange), ResultBid)
		m.NoBid("no_match")
		m.NoBid("unheard_of")
		m.Duration(0.0003)
		m.Notice("win", "charged")
		m.Spend(42, 1500)
		m.Spend(1<<40+7, 1500) // a key too large for the runtime's boxed small ints
	}
	count()
	if n := testing.AllocsPerRun(100, count); n != 0 {
		t.Errorf("%v allocations per request, want 0", n)
	}
}

// TestScrapeAllocatesLittle checks that a warm scrape reuses its buffer
// and samples rather than building the exposition anew.
func TestScrapeAllocatesLittle(t *testing.T) {
	m := New([]string{"no_match"})
	for _, ex := range []string{"a", "b", "c"} {
		m.Request(ex, ResultBid)
	}
	m.Spend(1, 1)
	m.WriteTo(io.Discard)
	if n := testing.AllocsPerRun(20, func() { m.WriteTo(io.Discard) }); n > 2 {
		t.Errorf("%v allocations per scrape, want at most 2", n)
	}
}

func BenchmarkScrape(b *testing.B) {
	m := New([]string{"no_match", "other"})
	for i := range 20 {
		m.Request("ex"+strconv.Itoa(i%4), Result(i%int(resultCount)))
		m.Notice("win", "charged")
		m.Spend(int64(i), 1000)
		m.Duration(float64(i) / 1000)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSpendNewCampaign adds one spend series per iteration: the cost
// per new series must not grow with the number already there, as it
// would if adding copied the family.
func BenchmarkSpendNewCampaign(b *testing.B) {
	m := New(nil)
	var id int64
	b.ReportAllocs()
	for b.Loop() {
		id++
		m.Spend(id, 1)
	}
}
