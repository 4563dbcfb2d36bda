package loadgen

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Target is one bidder to measure.
type Target struct {
	// Name labels the target in reports; empty means the URL's host:port.
	Name string
	// URL is the bid endpoint, http://host:port/path.
	URL string
	// MetricsURL is the target's Prometheus endpoint; empty means none is
	// scraped and its runtime figures read "n/a".
	MetricsURL string
	// PID is the target's process on this machine, whose resident set and
	// CPU time are read from /proc while measuring; zero means none.
	PID int
}

// ParseTarget reads "URL" or "name=URL".
func ParseTarget(s string) Target {
	if name, u, ok := strings.Cut(s, "="); ok && !strings.Contains(name, "/") {
		return Target{Name: name, URL: u}
	}
	return Target{URL: s}
}

// Options configure one bench run. DefaultOptions gives the defaults;
// Validate reports every bad value at once.
type Options struct {
	// Targets are measured in turn, in alternating rounds; figures are
	// compared with the first.
	Targets []Target
	// Rate is the offered load per target in requests per second (open
	// loop). Ignored when Closed or sweeping.
	Rate float64
	// Closed sends each connection's next request when its previous
	// answer is in, instead of at a constant rate.
	Closed bool
	// Connections is the number of keep-alive connections per target;
	// each carries Rate/Connections.
	Connections int
	// Duration is the measured time per target, split over the rounds;
	// in a sweep it is the measured time of each step.
	Duration time.Duration
	// Warmup precedes every segment (round or step) and is not measured.
	Warmup time.Duration
	// Timeout bounds one request from its send to the end of its answer.
	Timeout time.Duration
	// Rounds splits Duration into alternating rounds (A B A B ...) so that
	// drift of the machine hits all targets alike. Zero means 1 for a
	// single target, else 2 below 30 s of Duration and 3 from there.
	Rounds int
	// SweepRates, when not empty, makes the run a sweep: each target is
	// measured at these rates in turn until it misses the SLO.
	SweepRates []float64
	// SLO is the p99 bound of a sweep step.
	SLO time.Duration
	// SweepRetries is how many times a failed sweep step is measured again
	// before its target drops out, so that one step disturbed by other
	// work on a shared machine does not end a sweep; zero retries none.
	SweepRetries int
	// Corpus supplies the request bodies; required.
	Corpus *Corpus
	// Label names the run in reports; may be empty.
	Label string
	// Command is recorded in the report; may be empty.
	Command []string
	// Progress receives a live status line; nil keeps quiet.
	Progress io.Writer
	// Logger receives lifecycle events; nil discards them.
	Logger *slog.Logger
}

// DefaultOptions are the defaults of nordbid bench. The target is a
// nordbid on this machine's default listener.
func DefaultOptions() Options {
	return Options{
		Rate:         1000,
		Connections:  100,
		Duration:     30 * time.Second,
		Warmup:       5 * time.Second,
		Timeout:      time.Second,
		SLO:          10 * time.Millisecond,
		SweepRetries: 1,
	}
}

// DefaultTarget is measured when no target is given.
const DefaultTarget = "http://127.0.0.1:8080/openrtb2/bid"

// maxConnections keeps connection indexes within the 16 bits that request
// ids give them.
const maxConnections = 1 << 16

// Validate reports every bad value at once.
func (o *Options) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}
	if len(o.Targets) == 0 {
		bad("no target")
	}
	names := map[string]bool{}
	for _, t := range o.Targets {
		if _, err := newEndpoint(t.URL, false); err != nil {
			errs = append(errs, err)
		}
		if name := targetName(t); names[name] {
			bad("target name %q used twice", name)
		} else {
			names[name] = true
		}
		if t.MetricsURL != "" {
			if u, err := url.Parse(t.MetricsURL); err != nil || u.Scheme != "http" {
				bad("metrics url %q: must be http://host:port/path", t.MetricsURL)
			}
		}
	}
	sweep := len(o.SweepRates) > 0
	switch {
	case o.Closed && sweep:
		bad("closed loop and sweep exclude each other")
	case !o.Closed && !sweep && !(o.Rate > 0):
		bad("rate %v: must be above zero", o.Rate)
	}
	for _, r := range o.SweepRates {
		if !(r > 0) {
			bad("sweep rate %v: must be above zero", r)
		}
	}
	if o.Connections < 1 || o.Connections > maxConnections {
		bad("connections %d: must be 1 to %d", o.Connections, maxConnections)
	}
	if o.Duration < time.Second {
		bad("duration %v: must be at least 1s", o.Duration)
	}
	if o.Warmup < 0 {
		bad("warmup %v: must not be negative", o.Warmup)
	}
	if o.Timeout <= 0 {
		bad("timeout %v: must be above zero", o.Timeout)
	}
	if o.Rounds < 0 || (o.Rounds > 0 && o.Duration/time.Duration(o.Rounds) < time.Second) {
		bad("rounds %d: each round needs at least 1s of duration", o.Rounds)
	}
	if sweep && o.SLO <= 0 {
		bad("slo %v: must be above zero", o.SLO)
	}
	if o.SweepRetries < 0 {
		bad("sweep retries %d: must not be negative", o.SweepRetries)
	}
	if o.Corpus == nil {
		bad("no corpus")
	}
	return errors.Join(errs...)
}

// rounds resolves Rounds.
func (o *Options) rounds() int {
	switch {
	case o.Rounds > 0:
		return o.Rounds
	case len(o.Targets) == 1 || len(o.SweepRates) > 0:
		return 1
	case o.Duration < 30*time.Second:
		return 2
	}
	return 3
}

// SweepRates lists start, start+step, ... up to and including limit.
func SweepRates(start, step, limit float64) ([]float64, error) {
	if !(start > 0) || !(step > 0) || limit < start {
		return nil, fmt.Errorf("sweep %v..%v step %v: need 0 < start <= max and step > 0",
			start, limit, step)
	}
	var rates []float64
	for r := start; r <= limit*(1+1e-9); r += step {
		rates = append(rates, r)
	}
	return rates, nil
}

// targetName is t's label.
func targetName(t Target) string {
	if t.Name != "" {
		return t.Name
	}
	if u, err := url.Parse(t.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return t.URL
}
