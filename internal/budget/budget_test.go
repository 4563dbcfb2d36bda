package budget

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)

func TestReserveStopsAtTotal(t *testing.T) {
	b := NewBook(30 * time.Second)
	a := b.Account(1)
	a.SetLimits(10_000, 0)
	n := 0
	for a.Reserve(1_000, t0) {
		n++
		if n > 100 {
			t.Fatal("reservations never stopped")
		}
	}
	if got, want := n, 10; got != want {
		t.Errorf("reservations = %d, want %d", got, want)
	}
}

func TestReserveCountsSpendAndDaily(t *testing.T) {
	tests := []struct {
		name         string
		total, daily int64
		spent, today int64
		price        int64
		want         bool
	}{
		{"unlimited", 0, 0, 1 << 40, 1 << 40, 5, true},
		{"total left", 100, 0, 90, 0, 10, true},
		{"total reached", 100, 0, 91, 0, 10, false},
		{"daily reached", 0, 50, 0, 45, 10, false},
		{"daily left", 1000, 50, 500, 40, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBook(time.Minute)
			b.Sync(1, tt.spent, tt.today)
			a := b.Account(1)
			a.SetLimits(tt.total, tt.daily)
			if got := a.Reserve(tt.price, t0); got != tt.want {
				t.Errorf("Reserve = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReservationLapsesAndReleases(t *testing.T) {
	b := NewBook(16 * time.Second)
	a := b.Account(1)
	a.SetLimits(1_000, 0)
	if !a.Reserve(1_000, t0) {
		t.Fatal("first reservation refused")
	}
	if a.Reserve(1, t0.Add(time.Second)) {
		t.Error("budget held by the reservation was spent twice")
	}
	if !a.Reserve(1_000, t0.Add(17*time.Second)) {
		t.Error("reservation did not lapse after its TTL")
	}
	a.Release(1_000, t0.Add(17*time.Second))
	if got := a.Reserved(t0.Add(17 * time.Second)); got != 0 {
		t.Errorf("reserved after release = %d, want 0", got)
	}
}

func TestChargeAfterRelease(t *testing.T) {
	b := NewBook(time.Minute)
	a := b.Account(1)
	a.SetLimits(3_000, 0)
	a.Reserve(1_000, t0)
	a.Release(1_000, t0)
	a.Charge(800)
	total, today := a.Spent()
	if total != 800 || today != 800 {
		t.Errorf("spent = %d, %d; want 800, 800", total, today)
	}
	if !a.Reserve(2_200, t0) || a.Reserve(1, t0) {
		t.Error("remaining budget should be exactly 2200")
	}
}

func TestConcurrentReserveOvershootIsBounded(t *testing.T) {
	b := NewBook(time.Minute)
	a := b.Account(1)
	a.SetLimits(1_000_000, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				if a.Reserve(1_000, t0) {
					mu.Lock()
					granted++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	// Reserve checks then adds, so concurrent callers may overshoot by at
	// most one price each.
	if granted < 1000 || granted > 1000+32 {
		t.Errorf("granted %d reservations of a 1000-reservation budget", granted)
	}
}

func TestReserveAllocs(t *testing.T) {
	a := NewBook(time.Minute).Account(1)
	a.SetLimits(1<<50, 1<<50)
	allocs := testing.AllocsPerRun(100, func() { a.Reserve(10, t0) })
	if allocs != 0 {
		t.Errorf("Reserve allocates %v times", allocs)
	}
}
