package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// SchemaVersion names the layout of Report. It changes when a field is
// renamed or removed; adding a field keeps it.
const SchemaVersion = "nordbid-bench/v1"

// Report is every figure of one bench run; --json writes it and the
// report renderers read it back.
type Report struct {
	// Schema is SchemaVersion.
	Schema string `json:"schema"`
	// Label names the scenario ("seed", "sweep"); empty means unnamed.
	Label string `json:"label"`
	// StartedAt is when the run began, UTC.
	StartedAt time.Time `json:"started_at"`
	// Command is the command line of the run, for the record; null when
	// the caller gave none.
	Command []string `json:"command"`
	// Settings repeat the options, Machine says where the run happened and
	// Generator what the generator itself cost.
	Settings  Settings      `json:"settings"`
	Machine   Machine       `json:"machine"`
	Generator GeneratorCost `json:"generator"`
	// Targets holds one result per target in the order given; ratios are
	// against the first. Null in a sweep.
	Targets []TargetResult `json:"targets"`
	// Sweep holds the steps per target; null unless the run was a sweep.
	Sweep []SweepResult `json:"sweep"`
}

// Settings repeat the options of the run.
type Settings struct {
	// Mode is "open" (constant offered rate) or "closed".
	Mode string `json:"mode"`
	// RateRPS is the offered rate per target in requests per second; zero
	// in the closed loop and in a sweep.
	RateRPS float64 `json:"rate_rps"`
	// Connections is the number of keep-alive connections per target.
	Connections int `json:"connections"`
	// DurationS is the measured time per target in seconds (per step in a
	// sweep), WarmupS the unmeasured lead-in of every segment.
	DurationS float64 `json:"duration_s"`
	WarmupS   float64 `json:"warmup_s"`
	// TimeoutMS is the per-request timeout in milliseconds.
	TimeoutMS float64 `json:"timeout_ms"`
	// Rounds is the number of alternating rounds the duration was split in.
	Rounds int `json:"rounds"`
	// Corpus is the folder of request bodies, CorpusFiles its file count,
	// Variants the number of prepared bodies; Gzip reports compressed
	// bodies.
	Corpus      string `json:"corpus"`
	CorpusFiles int    `json:"corpus_files"`
	Variants    int    `json:"variants"`
	Gzip        bool   `json:"gzip"`
	// SLOMS is the sweep's p99 bound in milliseconds; zero without sweep.
	SLOMS float64 `json:"slo_ms"`
	// SweepRates are the offered rates a sweep steps through, in requests
	// per second; null without sweep. SweepRetries is how often a failed
	// step was measured again.
	SweepRates   []float64 `json:"sweep_rates"`
	SweepRetries int       `json:"sweep_retries"`
}

// Machine describes where the run happened. Text fields are empty where
// the platform does not tell.
type Machine struct {
	// OS and Arch are GOOS and GOARCH.
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// CPUModel is the first model name of /proc/cpuinfo.
	CPUModel string `json:"cpu_model"`
	// NumCPU is the number of logical CPUs, GOMAXPROCS the generator's.
	NumCPU     int `json:"num_cpu"`
	GOMAXPROCS int `json:"gomaxprocs"`
	// Kernel is the kernel release, GoVersion the generator's Go.
	Kernel    string `json:"kernel"`
	GoVersion string `json:"go_version"`
}

// GeneratorCost is what the generator itself spent. CPU figures are zero
// where the platform does not report them.
type GeneratorCost struct {
	// CPUSeconds is user plus system CPU time of the generator process.
	CPUSeconds float64 `json:"cpu_s"`
	// WallSeconds is the elapsed time of the run.
	WallSeconds float64 `json:"wall_s"`
	// Cores is CPUSeconds / WallSeconds: cores kept busy on average.
	Cores float64 `json:"cores"`
	// CPUPerRequestUS is CPU microseconds per request sent.
	CPUPerRequestUS float64 `json:"cpu_us_per_request"`
	// Requests is the number of requests sent, warmup included.
	Requests int64 `json:"requests"`
}

// Counts are the outcomes of the requests due in the measured window.
type Counts struct {
	// Scheduled is every request due in the window: Sent plus Unsent.
	// In the closed loop it equals Sent.
	Scheduled int64 `json:"scheduled"`
	// Sent is every request that went out (or failed to connect).
	Sent int64 `json:"sent"`
	// Responses is every complete answer, whatever its status.
	Responses int64 `json:"responses"`
	// Bid counts 200 answers, NoBid 204; the rest count by status class.
	Bid       int64 `json:"bid_200"`
	NoBid     int64 `json:"no_bid_204"`
	Other2xx  int64 `json:"other_2xx"`
	Status3xx int64 `json:"status_3xx"`
	Status4xx int64 `json:"status_4xx"`
	Status5xx int64 `json:"status_5xx"`
	// Timeouts ran past the timeout; ConnErrors failed to connect or lost
	// their connection.
	Timeouts   int64 `json:"timeouts"`
	ConnErrors int64 `json:"conn_errors"`
	// Unsent were due but never sent: their connection was still busy
	// with earlier requests one timeout after the window closed.
	Unsent int64 `json:"unsent"`
}

// Latency summarises a histogram; every figure is in microseconds, within
// 0.1% (HdrHistogram, three significant digits).
type Latency struct {
	// Count is the number of recorded values; zero means no figures.
	Count int64 `json:"count"`
	// MinUS, MeanUS and MaxUS are the smallest, mean and largest value.
	MinUS  int64   `json:"min_us"`
	MeanUS float64 `json:"mean_us"`
	MaxUS  int64   `json:"max_us"`
	// P50US to P9999US are the 50th, 90th, 99th, 99.9th and 99.99th
	// percentiles.
	P50US   int64 `json:"p50_us"`
	P90US   int64 `json:"p90_us"`
	P99US   int64 `json:"p99_us"`
	P999US  int64 `json:"p999_us"`
	P9999US int64 `json:"p9999_us"`
}

// Point is one point of a latency-by-percentile curve: Percentile from 0
// to 100, LatencyUS the latency at it in microseconds.
type Point struct {
	Percentile float64 `json:"percentile"`
	LatencyUS  int64   `json:"latency_us"`
}

// Second is one second of a target's measured time.
type Second struct {
	// T is the start of the second, in seconds since the run began; with
	// several targets their seconds interleave by round.
	T float64 `json:"t_s"`
	// RPS is the answers received in that second.
	RPS float64 `json:"rps"`
	// P99US is the p99 of the requests completed in that second; zero
	// when none completed.
	P99US int64 `json:"p99_us"`
	// Errors counts timeouts, connection errors and 5xx in that second.
	Errors int64 `json:"errors"`
}

// TargetResult holds the figures of one target.
type TargetResult struct {
	// Name labels the target; URL is its bid endpoint.
	Name string `json:"name"`
	URL  string `json:"url"`
	// MeasuredS is the measured time in seconds, over all rounds.
	MeasuredS float64 `json:"measured_s"`
	// OfferedRPS is Scheduled / MeasuredS, AchievedRPS Responses /
	// MeasuredS.
	OfferedRPS  float64 `json:"offered_rps"`
	AchievedRPS float64 `json:"achieved_rps"`
	// BidRate is the share of answers that were 200 bids, 0 to 1.
	BidRate float64 `json:"bid_rate"`
	// Counts are the outcomes; Latency summarises every answer and
	// timeout, timed from the due time in the open loop.
	Counts  Counts  `json:"counts"`
	Latency Latency `json:"latency"`
	// Percentiles is the latency-by-percentile curve, for plotting.
	Percentiles []Point `json:"percentiles"`
	// HDR is the full latency histogram (µs) in HdrHistogram's compressed
	// V2 encoding, base64: other tools can merge and re-plot it.
	HDR string `json:"hdr"`
	// SendLag is the generator's own lateness in sending (open loop): how
	// far it, not the target, is to blame for latency.
	SendLag Latency `json:"send_lag"`
	// ReceiveWait is how long answers sat in the kernel before the
	// generator read them. Latency ends when an answer arrives (the
	// kernel's receive timestamp where it gives one), so this wait is not
	// part of it; it shows what the generator's reading would have added.
	ReceiveWait Latency `json:"receive_wait"`
	// GeneratorCPUPerRequestUS is the generator's CPU cost per request
	// while it measured this target, in microseconds.
	GeneratorCPUPerRequestUS float64 `json:"generator_cpu_us_per_request"`
	// Timeline holds each measured second, in order.
	Timeline []Second `json:"timeline"`
	// Runtime is what the target said of itself; null without --metrics
	// or --pid.
	Runtime *Runtime `json:"runtime"`
	// Ratios compare this target with the first; null for the first.
	Ratios *Ratios `json:"ratios"`
}

// Runtime holds the target's own figures for the measured time, from its
// metrics endpoint and, for a local process, from /proc. A null field
// means the figure is not available ("n/a").
type Runtime struct {
	// GCCycles is the number of GC cycles during the measured time.
	GCCycles *int64 `json:"gc_cycles"`
	// GCPauseMaxS bounds the longest GC pause in seconds: the upper edge
	// of the highest histogram bucket that grew.
	GCPauseMaxS *float64 `json:"gc_pause_max_s"`
	// RSSMaxBytes is the highest resident set size seen while measuring.
	RSSMaxBytes *int64 `json:"rss_max_bytes"`
	// CPUSeconds is the target process's CPU time while measuring, and
	// CPUCores that time over the measured seconds; both need its pid.
	CPUSeconds *float64 `json:"cpu_s"`
	CPUCores   *float64 `json:"cpu_cores"`
	// OtherCPUSeconds and OtherCores are the CPU that the rest of the
	// machine used meanwhile: all busy time in /proc/stat (steal apart)
	// less the target's and the generator's. Work of other programs on a
	// shared machine shows here and disturbs the figures. They need the
	// pid.
	OtherCPUSeconds *float64 `json:"other_cpu_s"`
	OtherCores      *float64 `json:"other_cores"`
	// StolenCPUSeconds and StolenCores are the CPU time that the
	// hypervisor of a virtual machine withheld from it meanwhile (steal in
	// /proc/stat): time the machine's programs were ready to run and did
	// not. A round it disturbed shows here, whatever the target did. They
	// need the pid.
	StolenCPUSeconds *float64 `json:"stolen_cpu_s"`
	StolenCores      *float64 `json:"stolen_cores"`
	// Scrapes counts the successful scrapes; ScrapeErrors the failed ones.
	Scrapes      int `json:"scrapes"`
	ScrapeErrors int `json:"scrape_errors"`
}

// Ratios are this target's figures divided by the first target's, for
// the percentiles, the maximum and the achieved rate; above one means
// slower (latency) or more (rate), zero that the first's figure was zero.
type Ratios struct {
	P50         float64 `json:"p50"`
	P99         float64 `json:"p99"`
	P999        float64 `json:"p999"`
	Max         float64 `json:"max"`
	AchievedRPS float64 `json:"achieved_rps"`
}

// SweepResult is one target's sweep.
type SweepResult struct {
	// Name labels the target; URL is its bid endpoint.
	Name string `json:"name"`
	URL  string `json:"url"`
	// SustainedRPS is the highest offered rate that passed; zero when none
	// did.
	SustainedRPS float64 `json:"sustained_rps"`
	// Ratio is SustainedRPS over the first target's; zero for the first or
	// when the first sustained nothing.
	Ratio float64 `json:"ratio"`
	// Steps are the rates measured, up to the first that failed.
	Steps []SweepStep `json:"steps"`
}

// SweepStep is one offered rate of a sweep.
type SweepStep struct {
	// OfferedRPS and AchievedRPS are the rate asked for and the answers
	// per second received, over the step's measured time.
	OfferedRPS  float64 `json:"offered_rps"`
	AchievedRPS float64 `json:"achieved_rps"`
	// Latency and Counts are as for a target.
	Latency Latency `json:"latency"`
	Counts  Counts  `json:"counts"`
	// Pass reports p99 within the SLO and no errors; Reason says why not.
	// Attempts is how many times the step was measured: a failed step is
	// retried (Options.SweepRetries) and only the last attempt is kept.
	Attempts int    `json:"attempts"`
	Pass     bool   `json:"pass"`
	Reason   string `json:"reason"`
	// GeneratorCores is the CPU the generator used during the step, in
	// cores; near the machine's core count the generator is the limit.
	GeneratorCores float64 `json:"generator_cores"`
}

// summarize reads the usual percentiles from h.
func summarize(h *hdrhistogram.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		Count:   h.TotalCount(),
		MinUS:   h.Min(),
		MeanUS:  math.Round(h.Mean()*10) / 10,
		P50US:   h.ValueAtPercentile(50),
		P90US:   h.ValueAtPercentile(90),
		P99US:   h.ValueAtPercentile(99),
		P999US:  h.ValueAtPercentile(99.9),
		P9999US: h.ValueAtPercentile(99.99),
		MaxUS:   h.Max(),
	}
}

// curve samples h along a log scale of 1/(1-p), ten points per nine, up
// to the resolution that its count supports, then the maximum.
func curve(h *hdrhistogram.Histogram) []Point {
	n := h.TotalCount()
	if n == 0 {
		return nil
	}
	nines := math.Min(6, math.Log10(float64(n)))
	var pts []Point
	for i := 0; float64(i)/10 <= nines; i++ {
		p := 100 * (1 - math.Pow(10, -float64(i)/10))
		pts = append(pts, Point{Percentile: p, LatencyUS: h.ValueAtPercentile(p)})
	}
	return append(pts, Point{Percentile: 100, LatencyUS: h.Max()})
}

// encodeHDR is h in HdrHistogram's compressed V2 form, which the library
// already renders in base64.
func encodeHDR(h *hdrhistogram.Histogram) string {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return ""
	}
	return string(b)
}

// ratio is a / b, or zero when b is zero.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(a/b*1000) / 1000
}

// WriteJSON writes r indented.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// ReadReport reads a report written by WriteJSON and checks its schema.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if r.Schema != SchemaVersion {
		return nil, fmt.Errorf("read report: schema %q, want %q", r.Schema, SchemaVersion)
	}
	return &r, nil
}
