package loadgen

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateReportsEverything(t *testing.T) {
	o := Options{
		Targets: []Target{
			{URL: "https://x/"}, {Name: "a", URL: "http://h/"}, {Name: "a", URL: "http://h/"},
			{URL: "http://h:1/", MetricsURL: "ftp://m"},
		},
		Rate:        -1,
		Connections: 0,
		Duration:    time.Millisecond,
		Warmup:      -time.Second,
		Rounds:      5,
	}
	err := o.Validate()
	if err == nil {
		t.Fatal("Validate accepted bad options")
	}
	for _, want := range []string{
		"scheme must be http", `name "a" used twice`, "metrics url", "rate -1",
		"connections 0", "duration 1ms", "warmup -1s", "timeout 0s", "rounds 5", "no corpus",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestValidateAcceptsDefaults(t *testing.T) {
	o := DefaultOptions()
	o.Targets = []Target{{URL: DefaultTarget}}
	o.Corpus = &Corpus{}
	if err := o.Validate(); err != nil {
		t.Errorf("defaults rejected: %v", err)
	}
	o.Closed, o.SweepRates = true, []float64{1}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "exclude") {
		t.Errorf("closed sweep: err %v, want a conflict", err)
	}
}

func TestRounds(t *testing.T) {
	tests := []struct {
		name     string
		targets  int
		rounds   int
		duration time.Duration
		sweep    bool
		want     int
	}{
		{name: "one target", targets: 1, duration: time.Minute, want: 1},
		{name: "two short", targets: 2, duration: 10 * time.Second, want: 2},
		{name: "three long", targets: 3, duration: time.Minute, want: 3},
		{name: "explicit", targets: 2, rounds: 5, duration: time.Minute, want: 5},
		{name: "sweep", targets: 2, duration: time.Minute, sweep: true, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{
				Targets: make([]Target, tt.targets), Rounds: tt.rounds, Duration: tt.duration,
			}
			if tt.sweep {
				o.SweepRates = []float64{1}
			}
			if got := o.rounds(); got != tt.want {
				t.Errorf("rounds() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSweepRates(t *testing.T) {
	got, err := SweepRates(2000, 2000, 10000)
	if want := []float64{2000, 4000, 6000, 8000, 10000}; err != nil || !slices.Equal(got, want) {
		t.Errorf("SweepRates = %v, %v; want %v", got, err, want)
	}
	for _, bad := range [][3]float64{{0, 1, 2}, {1, 0, 2}, {5, 1, 2}} {
		if _, err := SweepRates(bad[0], bad[1], bad[2]); err == nil {
			t.Errorf("SweepRates%v accepted", bad)
		}
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in   string
		want Target
	}{
		{"http://h:1/bid", Target{URL: "http://h:1/bid"}},
		{"rust=http://h:1/bid", Target{Name: "rust", URL: "http://h:1/bid"}},
		{"http://h:1/bid?a=b", Target{URL: "http://h:1/bid?a=b"}},
	}
	for _, tt := range tests {
		if got := ParseTarget(tt.in); got != tt.want {
			t.Errorf("ParseTarget(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if got := targetName(Target{URL: "http://127.0.0.1:9/x"}); got != "127.0.0.1:9" {
		t.Errorf("targetName = %q, want the host:port", got)
	}
}
