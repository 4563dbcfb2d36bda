package budget

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestAllowanceSteps: once granted, reservations come out of the
// allowance, releases and charges move it, and a new grant counts the
// reservations still live.
func TestAllowanceSteps(t *testing.T) {
	a := NewBook(30 * time.Second).Account(1)
	a.SetLimits(1_000_000, 0)
	steps := []struct {
		name      string
		do        func() bool
		wantOK    bool
		wantAllow int64
	}{
		{"unmetered reserves freely", func() bool { return a.Reserve(500, t0) }, true, 0},
		{"grant counts the live reservation", func() bool {
			a.Grant(2_000, t0)
			return true
		}, true, 1_500},
		{"reserve within", func() bool { return a.Reserve(1_000, t0) }, true, 500},
		{"reserve beyond", func() bool { return a.Reserve(501, t0) }, false, 500},
		{"release gives back", func() bool { a.Release(1_000, t0); return true }, true, 1_500},
		{"charge takes", func() bool { a.Charge(700); return true }, true, 800},
		{"grant of nothing stops bids", func() bool {
			a.Grant(0, t0)
			return a.Reserve(1, t0)
		}, false, -500},
	}
	for _, s := range steps {
		if got := s.do(); got != s.wantOK {
			t.Errorf("%s: got %v, want %v", s.name, got, s.wantOK)
		}
		if got, metered := a.Allowance(); metered && got != s.wantAllow {
			t.Errorf("%s: allowance = %d, want %d", s.name, got, s.wantAllow)
		}
	}
}

// TestAllowanceConcurrent: racing bids never reserve more than the grant,
// and use all of it.
func TestAllowanceConcurrent(t *testing.T) {
	const workers, price, grant = 16, 7, 10_000
	a := NewBook(30 * time.Second).Account(1)
	a.SetLimits(1<<40, 0)
	a.Grant(grant, t0)
	var reserved atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for a.Reserve(price, t0) {
				reserved.Add(price)
			}
		})
	}
	wg.Wait()
	if got := reserved.Load(); got > grant || got < grant-price+1 {
		t.Errorf("reserved %d from a grant of %d at price %d", got, grant, price)
	}
}

func TestMeteredReserveAllocs(t *testing.T) {
	a := NewBook(30 * time.Second).Account(1)
	a.SetLimits(1<<40, 0)
	a.Grant(1<<40, t0)
	allocs := testing.AllocsPerRun(1000, func() {
		if a.Reserve(10, t0) {
			a.Release(10, t0)
		}
	})
	if allocs != 0 {
		t.Errorf("metered Reserve allocates %.1f times, want 0", allocs)
	}
}

func BenchmarkReserveMetered(b *testing.B) {
	a := NewBook(30 * time.Second).Account(1)
	a.SetLimits(1<<50, 0)
	a.Grant(1<<50, t0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if a.Reserve(10, t0) {
				a.Release(10, t0)
			}
		}
	})
}
