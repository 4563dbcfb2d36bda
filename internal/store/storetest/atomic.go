package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"nordbid/internal/store"
)

// testAtomic: read-modify-writes in Atomic lose no concurrent change; a
// failed function leaves nothing behind, nested calls included; and the
// view reads its own writes.
func testAtomic(t *testing.T, st store.Store) {
	ctx := t.Context()
	f := newFixture(t, st)
	id := f.camp.ID
	budget := func(t *testing.T) int64 {
		t.Helper()
		c, err := st.GetCampaign(ctx, id)
		if err != nil {
			t.Fatalf("GetCampaign: %v", err)
		}
		return c.TotalBudget
	}
	start := budget(t)

	t.Run("increments race", func(t *testing.T) {
		const workers, each = 3, 5
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for range workers {
			wg.Go(func() {
				for range each {
					errs <- st.Atomic(ctx, func(st store.Store) error {
						c, err := st.GetCampaign(ctx, id)
						if err != nil {
							return err
						}
						// Let the others read the same value, were they
						// not kept apart.
						time.Sleep(2 * time.Millisecond)
						c.TotalBudget++
						return st.UpdateCampaign(ctx, c)
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("Atomic: %v", err)
			}
		}
		if got, want := budget(t), start+workers*each; got != want {
			t.Errorf("total budget after %d increments = %d, want %d",
				workers*each, got, want)
		}
	})

	t.Run("failure rolls back, nested too", func(t *testing.T) {
		before := budget(t)
		errStop := errors.New("stop")
		err := st.Atomic(ctx, func(st store.Store) error {
			err := st.Atomic(ctx, func(st store.Store) error {
				c, err := st.GetCampaign(ctx, id)
				if err != nil {
					return err
				}
				c.TotalBudget += 1000
				return st.UpdateCampaign(ctx, c)
			})
			if err != nil {
				return err
			}
			c, err := st.GetCampaign(ctx, id)
			if err != nil {
				return err
			}
			if c.TotalBudget != before+1000 {
				t.Errorf("view read %d after its own write, want %d",
					c.TotalBudget, before+1000)
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatalf("Atomic = %v, want the function's error", err)
		}
		if got := budget(t); got != before {
			t.Errorf("total budget after a failed Atomic = %d, want %d", got, before)
		}
	})
}
