package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testOptions measures the given URLs for one second each, open loop.
func testOptions(t *testing.T, urls ...string) Options {
	t.Helper()
	o := DefaultOptions()
	for i, u := range urls {
		o.Targets = append(o.Targets, Target{Name: fmt.Sprintf("t%d", i), URL: u})
	}
	o.Corpus = loadShared(t, CorpusOptions{Variants: 200, Seed: 7})
	o.Rate, o.Connections = 500, 10
	o.Duration, o.Warmup, o.Timeout = time.Second, 0, 2*time.Second
	return o
}

func run(t *testing.T, o Options) *Report {
	t.Helper()
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

// stallServer answers every request after 1 ms, except that the request
// numbered stallAt makes it stop answering for stall: one stall in a
// steady 1 ms stream, as a stop-the-world pause would.
type stallServer struct {
	stallAt int64
	stall   time.Duration

	n     atomic.Int64
	mu    sync.Mutex
	until time.Time
}

func (s *stallServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	if s.n.Add(1) == s.stallAt {
		s.mu.Lock()
		s.until = time.Now().Add(s.stall)
		s.mu.Unlock()
	}
	s.mu.Lock()
	until := s.until
	s.mu.Unlock()
	time.Sleep(max(time.Until(until), time.Millisecond))
	w.WriteHeader(http.StatusNoContent)
}

// hdr decodes a target's full histogram from its report.
func hdr(t *testing.T, tr TargetResult) *hdrhistogram.Histogram {
	t.Helper()
	h, err := hdrhistogram.Decode([]byte(tr.HDR))
	if err != nil {
		t.Fatalf("decode hdr of %s: %v", tr.Name, err)
	}
	return h
}

// Tolerances of the tests below. They bound counts, never speed: on a
// busy machine the server answers later, which these do not forbid.
const (
	// rateTolerance is how far the answers received may fall short of the
	// requests scheduled on a local server.
	rateTolerance = 0.10
	// stallShare is the share of the theoretical count of requests that a
	// stall must show in the open loop.
	stallShare = 0.8
)

func TestStallOpenAndClosed(t *testing.T) {
	// Each connection carries 20 requests per second against a 1 ms
	// service time, so even a heavily shared machine keeps up outside the
	// stall.
	const (
		rate  = 400
		conns = 20
		stall = 200 * time.Millisecond
	)
	measure := func(t *testing.T, closed bool) (TargetResult, *hdrhistogram.Histogram) {
		srv := httptest.NewServer(&stallServer{stallAt: 300, stall: stall})
		defer srv.Close()
		o := testOptions(t, srv.URL)
		o.Rate, o.Connections, o.Duration, o.Closed = rate, conns, 2*time.Second, closed
		r := run(t, o)
		return r.Targets[0], hdr(t, r.Targets[0])
	}

	open, openH := measure(t, false)
	// In the open loop every request due during the stall waits for it:
	// those due in its first half are at least 100 ms late, about
	// (200-100) ms × 400/s = 40 of them.
	wantSlow := int64(stallShare * (stall - 100*time.Millisecond).Seconds() * rate)
	if got := countAbove(openH, 100_000); got < wantSlow {
		t.Errorf("open loop: %d requests above 100 ms, want at least %d", got, wantSlow)
	}
	if got := open.Latency.MaxUS; got < 190_000 {
		t.Errorf("open loop: max %d µs, want the full 200 ms stall", got)
	}
	if got, want := open.Counts.Scheduled, int64(2*rate); got != want {
		t.Errorf("open loop: scheduled %d, want %d", got, want)
	}
	if got, min := open.Counts.Responses, int64((1-rateTolerance)*2*rate); got < min {
		t.Errorf("open loop: %d answers, want at least %d (offered rate - %.0f%%)",
			got, min, 100*rateTolerance)
	}

	closed, closedH := measure(t, true)
	// In the closed loop the stall holds one request per connection, and
	// the requests that would have been due during it are never sent: the
	// stall shows in a far smaller share of the requests. (A machine busy
	// enough to delay a few answers by 100 ms adds to both sides; the
	// quarter leaves room for that.)
	openShare := float64(countAbove(openH, 100_000)) / float64(openH.TotalCount())
	closedShare := float64(countAbove(closedH, 100_000)) / float64(closedH.TotalCount())
	if closedShare > openShare/4 {
		t.Errorf("closed loop: %.2f%% of requests above 100 ms, want under a quarter of "+
			"the open loop's %.2f%%", 100*closedShare, 100*openShare)
	}
	if got := closed.Latency.MaxUS; got < 190_000 {
		t.Errorf("closed loop: max %d µs, want the stall to show at the maximum", got)
	}
	if closed.Latency.P99US >= open.Latency.P99US {
		t.Errorf("closed-loop p99 %d µs not below open-loop p99 %d µs",
			closed.Latency.P99US, open.Latency.P99US)
	}
}

func TestRateScheduledCount(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		served.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	o := testOptions(t, srv.URL)
	o.Rate, o.Connections, o.Duration = 1000, 50, 2*time.Second
	tr := run(t, o).Targets[0]

	// The schedule is exact: rate × duration requests fall due.
	if got, want := tr.Counts.Scheduled, int64(2000); got != want {
		t.Errorf("scheduled %d, want %d", got, want)
	}
	if got, min := tr.Counts.Responses, int64((1-rateTolerance)*2000); got < min {
		t.Errorf("%d answers, want at least %d", got, min)
	}
	if got, want := served.Load(), tr.Counts.Sent; got != want {
		t.Errorf("server saw %d requests, generator sent %d", got, want)
	}
	if got, want := tr.OfferedRPS, 1000.0; got != want {
		t.Errorf("offered %v/s, want %v", got, want)
	}
	if len(tr.Timeline) != 2 {
		t.Errorf("%d seconds in the timeline, want 2", len(tr.Timeline))
	}
}

func TestCompareAlternatesTargets(t *testing.T) {
	bid := `{"id":"x","seatbid":[{"bid":[{"id":"1","impid":"1","price":1}]}]}`
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer a.Close()
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		time.Sleep(2 * time.Millisecond)
		io.WriteString(w, bid)
	}))
	defer b.Close()
	o := testOptions(t, a.URL, b.URL)
	o.Duration = 2 * time.Second
	r := run(t, o)

	if got := r.Settings.Rounds; got != 2 {
		t.Fatalf("rounds %d, want 2", got)
	}
	ta, tb := r.Targets[0], r.Targets[1]
	// Round 1 measures a then b, round 2 a then b: each target's seconds
	// come in two stretches with the other's in between.
	if len(ta.Timeline) != 2 || len(tb.Timeline) != 2 {
		t.Fatalf("timelines of %d and %d seconds, want 2 each", len(ta.Timeline), len(tb.Timeline))
	}
	if !(ta.Timeline[0].T < tb.Timeline[0].T && tb.Timeline[0].T < ta.Timeline[1].T &&
		ta.Timeline[1].T < tb.Timeline[1].T) {
		t.Errorf("seconds not in a b a b order: a %v, b %v", ta.Timeline, tb.Timeline)
	}
	if ta.Ratios != nil || tb.Ratios == nil {
		t.Fatalf("ratios %v and %v, want none for the first and some for the second",
			ta.Ratios, tb.Ratios)
	}
	if tb.Ratios.P50 <= 1 {
		t.Errorf("p50 ratio %v, want above 1 for the slower target", tb.Ratios.P50)
	}
	if ta.BidRate != 0 || tb.BidRate != 1 {
		t.Errorf("bid rates %v and %v, want 0 and 1", ta.BidRate, tb.BidRate)
	}
	if ta.Counts.NoBid == 0 || tb.Counts.Bid == 0 {
		t.Errorf("counts %+v and %+v, want 204s and 200s", ta.Counts, tb.Counts)
	}
}

// metricsServer serves a Prometheus exposition whose GC counter and pause
// histogram grow by one cycle per scrape.
func metricsServer(withRuntime bool) *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		if !withRuntime {
			fmt.Fprintln(w, "# an endpoint without Go runtime series\nup 1")
			return
		}
		fmt.Fprintf(w, "# TYPE nordbid_gc_cycles_total counter\n")
		fmt.Fprintf(w, "nordbid_gc_cycles_total %d\n", 10+i)
		fmt.Fprintf(w, "nordbid_gc_pause_seconds_bucket{le=\"0.0001\"} 5\n")
		fmt.Fprintf(w, "nordbid_gc_pause_seconds_bucket{le=\"0.001\"} %d\n", 5+i)
		fmt.Fprintf(w, "nordbid_gc_pause_seconds_bucket{le=\"+Inf\"} %d\n", 5+i)
		fmt.Fprintf(w, "process_resident_memory_bytes %d\n", 1_000_000*i)
	}))
}

func TestRunScrapesMetrics(t *testing.T) {
	sink := startSink(t)
	full, empty := metricsServer(true), metricsServer(false)
	defer full.Close()
	defer empty.Close()
	o := testOptions(t, "http://"+sink.Addr()+"/", "http://"+sink.Addr()+"/x")
	o.Targets[0].MetricsURL, o.Targets[1].MetricsURL = full.URL, empty.URL
	// The second target's process is this test: its RSS and CPU come
	// from /proc.
	o.Targets[1].PID = os.Getpid()
	o.Rounds = 1
	r := run(t, o)

	rt := r.Targets[0].Runtime
	if rt == nil || rt.GCCycles == nil || rt.GCPauseMaxS == nil || rt.RSSMaxBytes == nil {
		t.Fatalf("runtime %+v, want every figure", rt)
	}
	// Every scrape adds one cycle; the window is framed by two scrapes
	// with at least one in between.
	if *rt.GCCycles < 1 {
		t.Errorf("GC cycles %d, want at least 1", *rt.GCCycles)
	}
	if got := *rt.GCPauseMaxS; got != 0.001 {
		t.Errorf("max GC pause %v, want the 1 ms bucket", got)
	}
	if got := *rt.RSSMaxBytes; got < 2_000_000 {
		t.Errorf("max RSS %d, want the highest scrape", got)
	}

	rt = r.Targets[1].Runtime
	if rt == nil || rt.GCCycles != nil || rt.GCPauseMaxS != nil {
		t.Fatalf("runtime %+v, want no GC figures from an endpoint without them", rt)
	}
	if rt.RSSMaxBytes == nil || rt.CPUCores == nil || *rt.CPUCores <= 0 {
		t.Errorf("runtime %+v, want RSS and CPU of the process from /proc", rt)
	}
	var out strings.Builder
	if err := WriteText(&out, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "n/a") {
		t.Errorf("text report lacks n/a for the missing figures:\n%s", out.String())
	}
}

func TestRunTargetDown(t *testing.T) {
	sink := startSink(t)
	addr := sink.Addr()
	sink.Close()
	_, err := Run(context.Background(), testOptions(t, "http://"+addr+"/"))
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Run against a closed port: err %v, want a connect error", err)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	sink := startSink(t)
	o := testOptions(t, "http://"+sink.Addr()+"/")
	o.Duration = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := Run(ctx, o)
	if err == nil || r == nil {
		t.Fatalf("Run = %v, %v; want a partial report and the context's error", r, err)
	}
	// The run stops at the next request boundary; the bound only guards
	// against a run that ignores its context and goes on for a minute.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("Run took %v after its context ended", d)
	}
}

// startSink runs a Sink on a free loopback port until the test ends.
func startSink(t testing.TB) *Sink {
	t.Helper()
	s, err := ListenSink("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("sink: %v", err)
		}
	})
	return s
}
