package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// The JSON schema of a report, written out so that a renamed, removed or
// undocumented field fails here before it surprises a reader of saved
// results. Changing it means changing SchemaVersion or only adding.

// shape describes a JSON value.
type shape interface{}

type (
	obj      map[string]shape
	arrayOf  struct{ elem shape }
	nullable struct{ of shape }
	kind     string
)

const (
	str     kind = "string"
	num     kind = "number"
	boolean kind = "bool"
)

var latencyShape = obj{
	"count": num, "min_us": num, "mean_us": num, "p50_us": num, "p90_us": num,
	"p99_us": num, "p999_us": num, "p9999_us": num, "max_us": num,
}

var countsShape = obj{
	"scheduled": num, "sent": num, "responses": num, "bid_200": num, "no_bid_204": num,
	"other_2xx": num, "status_3xx": num, "status_4xx": num, "status_5xx": num,
	"timeouts": num, "conn_errors": num, "unsent": num,
}

var reportShape = obj{
	"schema":     str,
	"label":      str,
	"started_at": str,
	"command":    nullable{arrayOf{str}},
	"settings": obj{
		"mode": str, "rate_rps": num, "connections": num, "duration_s": num,
		"warmup_s": num, "timeout_ms": num, "rounds": num, "corpus": str,
		"corpus_files": num, "variants": num, "gzip": boolean, "slo_ms": num,
		"sweep_rates": nullable{arrayOf{num}}, "sweep_retries": num,
	},
	"machine": obj{
		"os": str, "arch": str, "cpu_model": str, "num_cpu": num, "gomaxprocs": num,
		"kernel": str, "go_version": str,
	},
	"generator": obj{
		"cpu_s": num, "wall_s": num, "cores": num, "cpu_us_per_request": num, "requests": num,
	},
	"targets": nullable{arrayOf{obj{
		"name": str, "url": str, "measured_s": num, "offered_rps": num,
		"achieved_rps": num, "bid_rate": num, "counts": countsShape, "latency": latencyShape,
		"percentiles": nullable{arrayOf{obj{
			"percentile": num, "latency_us": num,
		}}},
		"hdr":                          str,
		"send_lag":                     latencyShape,
		"receive_wait":                 latencyShape,
		"generator_cpu_us_per_request": num,
		"timeline": nullable{arrayOf{obj{
			"t_s": num, "rps": num, "p99_us": num, "errors": num,
		}}},
		"runtime": nullable{obj{
			"gc_cycles": nullable{num}, "gc_pause_max_s": nullable{num},
			"rss_max_bytes": nullable{num}, "cpu_s": nullable{num}, "cpu_cores": nullable{num},
			"other_cpu_s": nullable{num}, "other_cores": nullable{num},
			"stolen_cpu_s": nullable{num}, "stolen_cores": nullable{num},
			"scrapes": num, "scrape_errors": num,
		}},
		"ratios": nullable{obj{
			"p50": num, "p99": num, "p999": num, "max": num, "achieved_rps": num,
		}},
	}}},
	"sweep": nullable{arrayOf{obj{
		"name": str, "url": str, "sustained_rps": num, "ratio": num,
		"steps": nullable{arrayOf{obj{
			"offered_rps": num, "achieved_rps": num, "latency": latencyShape,
			"counts": countsShape, "pass": boolean, "reason": str, "generator_cores": num,
			"attempts": num,
		}}},
	}}},
}

// conform reports every way v departs from s, with JSON paths.
func conform(path string, v any, s shape) []string {
	switch s := s.(type) {
	case nullable:
		if v == nil {
			return nil
		}
		return conform(path, v, s.of)
	case kind:
		ok := false
		switch v.(type) {
		case string:
			ok = s == str
		case float64:
			ok = s == num
		case bool:
			ok = s == boolean
		}
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want %s", path, v, s)}
		}
		return nil
	case arrayOf:
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an array", path, v)}
		}
		var errs []string
		for i, e := range a {
			errs = append(errs, conform(fmt.Sprintf("%s[%d]", path, i), e, s.elem)...)
		}
		return errs
	case obj:
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, want an object", path, v)}
		}
		var errs []string
		for k, sub := range s {
			val, found := m[k]
			if !found {
				errs = append(errs, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			errs = append(errs, conform(path+"."+k, val, sub)...)
		}
		for k := range m {
			if _, known := s[k]; !known {
				errs = append(errs, fmt.Sprintf("%s.%s: not in the schema", path, k))
			}
		}
		slices.Sort(errs)
		return errs
	}
	return []string{fmt.Sprintf("%s: unknown shape %T", path, s)}
}

func TestReportSchema(t *testing.T) {
	sink := startSink(t)
	failing := startSink(t)
	failing.Close()
	base := "http://" + sink.Addr()
	tests := []struct {
		name  string
		setup func(o *Options)
	}{
		{name: "comparison", setup: func(o *Options) {
			o.Targets = append(o.Targets, Target{Name: "second", URL: base + "/b"})
			o.Targets[0].MetricsURL = "http://" + failing.Addr() + "/metrics"
		}},
		{name: "closed loop", setup: func(o *Options) { o.Closed = true }},
		{name: "sweep", setup: func(o *Options) { o.SweepRates = []float64{200, 400} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions(t, base+"/a")
			o.Label, o.Command = tt.name, []string{"nordbid", "bench"}
			tt.setup(&o)
			var buf bytes.Buffer
			if err := run(t, o).WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
				t.Fatal(err)
			}
			if errs := conform("$", v, reportShape); len(errs) > 0 {
				t.Errorf("report departs from the schema:\n%s", strings.Join(errs, "\n"))
			}

			back, err := ReadReport(&buf)
			if err != nil {
				t.Fatalf("ReadReport: %v", err)
			}
			if back.Label != tt.name || back.Schema != SchemaVersion {
				t.Errorf("read back label %q schema %q", back.Label, back.Schema)
			}
		})
	}
}

func TestReadReportRejectsOtherSchemas(t *testing.T) {
	tests := []struct{ name, in string }{
		{name: "no schema", in: `{"label":"x"}`},
		{name: "future schema", in: `{"schema":"nordbid-bench/v9"}`},
		{name: "not json", in: `<html>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ReadReport(strings.NewReader(tt.in)); err == nil {
				t.Error("ReadReport accepted it")
			}
		})
	}
}

func TestSweepStopsAtFailure(t *testing.T) {
	// A target that answers nothing but errors fails its first step and
	// drops out; the healthy one passes every step.
	sink := startSink(t)
	o := testOptions(t, "http://"+sink.Addr()+"/", startErrorServer(t))
	o.SweepRates, o.SLO = []float64{100, 200}, time.Hour
	r := run(t, o)
	if len(r.Sweep) != 2 {
		t.Fatalf("%d sweep results, want 2", len(r.Sweep))
	}
	if ok := r.Sweep[0]; ok.SustainedRPS != 200 || len(ok.Steps) != 2 {
		t.Errorf("healthy target %+v, want both steps passed", ok)
	}
	bad := r.Sweep[1]
	if bad.SustainedRPS != 0 || len(bad.Steps) != 1 || bad.Steps[0].Pass ||
		!strings.Contains(bad.Steps[0].Reason, "errors") {
		t.Errorf("failing target %+v, want one failed step", bad)
	}
	if bad.Steps[0].Attempts != 2 {
		t.Errorf("failed step measured %d times, want 2 (one retry)", bad.Steps[0].Attempts)
	}
	if bad.Ratio != 0 {
		t.Errorf("ratio %v, want 0 for a target that sustained nothing", bad.Ratio)
	}
}

// startErrorServer answers every request with 500 until the test ends.
func startErrorServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestJudge(t *testing.T) {
	lat := func(p99 time.Duration) *segmentResult {
		h := newHistogram(3)
		h.RecordValue(micros(p99))
		return &segmentResult{
			total: h, measured: time.Second, counts: Counts{Responses: 1}, cpu: time.Second,
			wall: 2 * time.Second,
		}
	}
	tests := []struct {
		name   string
		res    *segmentResult
		pass   bool
		reason string
	}{
		{name: "within the slo", res: lat(5 * time.Millisecond), pass: true},
		{name: "over the slo", res: lat(20 * time.Millisecond),
			reason: "p99 20.0 ms over 10.0 ms"},
		{name: "errors", res: func() *segmentResult {
			r := lat(time.Millisecond)
			r.counts.Timeouts = 2
			return r
		}(), reason: "2 errors"},
		{name: "no answers", res: &segmentResult{total: newHistogram(3), measured: time.Second},
			reason: "no answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(tt.res, 1000, 10*time.Millisecond)
			if got.Pass != tt.pass || got.Reason != tt.reason {
				t.Errorf("judge = pass %v reason %q, want %v %q", got.Pass, got.Reason,
					tt.pass, tt.reason)
			}
		})
	}
}
