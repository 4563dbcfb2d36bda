package postgres

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store/postgres/pgtest"
)

// TestChanges: a change made by hand in another session wakes the
// listener within a second; a ledger write does not.
func TestChanges(t *testing.T) {
	dbURL := pgtest.Schema(t)
	db := openDB(t, dbURL)
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ch := db.Changes(t.Context(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	// The first value says the listener is up.
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("listener did not start within 5 s")
	}

	adv, err := db.CreateAdvertiser(t.Context(), campaign.Advertiser{
		Name: "n", Status: campaign.StatusActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		sql  string
		wake bool
	}{
		{"campaign inserted by hand", `INSERT INTO campaigns (advertiser_id, name, status,
			bid_price) VALUES ($1, 'hand', 'active', 1000)`, true},
		{"kill switch", "UPDATE settings SET kill_switch = true WHERE $1::bigint > 0", true},
		{"charge", `INSERT INTO ledger VALUES ('b' || $1::bigint, 1, 1, 5, '2025-03-01', now())`,
			false},
	}
	for _, s := range steps {
		select { // drop the wake-up of CreateAdvertiser or an earlier step
		case <-ch:
		case <-time.After(200 * time.Millisecond):
		}
		pgtest.Exec(t, dbURL, s.sql, adv.ID)
		var woke bool
		select {
		case <-ch:
			woke = true
		case <-time.After(time.Second):
		}
		if woke != s.wake {
			t.Errorf("%s: woke %v within 1 s, want %v", s.name, woke, s.wake)
		}
	}
}
