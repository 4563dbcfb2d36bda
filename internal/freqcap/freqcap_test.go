package freqcap

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func TestCap(t *testing.T) {
	c := New()
	const user, camp = 99, 7
	for i := range 3 {
		if !c.Allow(user, camp, 3, time.Hour, t0) {
			t.Fatalf("impression %d refused under a cap of 3", i+1)
		}
		c.Count(user, camp, time.Hour, t0)
	}
	if c.Allow(user, camp, 3, time.Hour, t0.Add(time.Minute)) {
		t.Error("fourth impression allowed under a cap of 3")
	}
	if !c.Allow(user, 8, 3, time.Hour, t0) {
		t.Error("cap leaked to another campaign")
	}
	if !c.Allow(100, camp, 3, time.Hour, t0) {
		t.Error("cap leaked to another user")
	}
	if !c.Allow(user, camp, 3, time.Hour, t0.Add(time.Hour)) {
		t.Error("window did not reopen after its span")
	}
}

func TestUnknownUserAndNoCap(t *testing.T) {
	c := New()
	c.Count(0, 1, time.Hour, t0)
	if !c.Allow(0, 1, 1, time.Hour, t0) {
		t.Error("zero user refused")
	}
	c.Count(5, 1, time.Hour, t0)
	if !c.Allow(5, 1, 0, time.Hour, t0) {
		t.Error("uncapped campaign refused")
	}
}

func TestSweep(t *testing.T) {
	c := New()
	c.Count(1, 1, time.Minute, t0)
	c.Count(2, 1, time.Hour, t0)
	if got := c.Sweep(t0.Add(2 * time.Minute)); got != 1 {
		t.Errorf("Sweep left %d entries, want 1", got)
	}
}

func TestAllowAllocs(t *testing.T) {
	c := New()
	c.Count(1, 1, time.Hour, t0)
	if a := testing.AllocsPerRun(100, func() { c.Allow(1, 1, 5, time.Hour, t0) }); a != 0 {
		t.Errorf("Allow allocates %v times", a)
	}
}
