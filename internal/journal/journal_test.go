package journal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"nordbid/internal/store"
)

// fakeStore charges once per bid id and fails while down.
type fakeStore struct {
	mu      sync.Mutex
	down    bool
	charged map[string]int64
}

func (f *fakeStore) Charge(_ context.Context, c store.Charge) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return false, errors.New("connection refused")
	}
	if _, ok := f.charged[c.BidID]; ok {
		return false, nil
	}
	f.charged[c.BidID] = c.Price
	return true, nil
}

func (f *fakeStore) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func charge(bid string) store.Charge {
	return store.Charge{BidID: bid, CampaignID: 1, CreativeID: 2, Price: 900,
		Day: "2025-03-01", At: time.UnixMilli(1_700_000_000_000).UTC()}
}

func open(t *testing.T, path string, st Charger) *Journal {
	t.Helper()
	j, err := Open(path, st, discard)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// TestOutageAndReplay: while the store is down charges are journaled once
// per bid; the replay puts each in the store once, also those that went
// in before the outage.
func TestOutageAndReplay(t *testing.T) {
	st := &fakeStore{charged: map[string]int64{}}
	path := filepath.Join(t.TempDir(), "journal")
	j := open(t, path, st)
	ctx := t.Context()

	steps := []struct {
		name string
		down bool
		bid  string
		want bool
	}{
		{"store up", false, "a", true},
		{"store up, repeat", false, "a", false},
		{"store down", true, "b", true},
		{"store down, repeat", true, "b", false},
		{"store back, journal not replayed: repeat still known", false, "b", false},
		{"store back, new bid goes to the journal until replay", false, "c", true},
	}
	for _, s := range steps {
		st.setDown(s.down)
		got, err := j.Charge(ctx, charge(s.bid))
		if err != nil {
			t.Fatalf("%s: Charge: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: Charge = %v, want %v", s.name, got, s.want)
		}
	}
	if got := j.Pending(); got != 2 {
		t.Errorf("Pending = %d, want 2", got)
	}
	n, err := j.Replay(ctx)
	if err != nil || n != 2 {
		t.Fatalf("Replay = %d, %v; want 2, nil", n, err)
	}
	if len(st.charged) != 3 || j.Pending() != 0 {
		t.Errorf("store holds %v and %d pending, want a, b, c and none", st.charged, j.Pending())
	}
	if got, _ := j.Charge(ctx, charge("d")); !got || st.charged["d"] == 0 {
		t.Error("after replay a charge did not go to the store")
	}
}

// TestReplayFailsKeepsRecords: a replay against a store still down keeps
// every record, and a later one delivers them.
func TestReplayFailsKeepsRecords(t *testing.T) {
	st := &fakeStore{charged: map[string]int64{}, down: true}
	j := open(t, filepath.Join(t.TempDir(), "journal"), st)
	for i := range 5 {
		if _, err := j.Charge(t.Context(), charge(fmt.Sprint("bid-", i))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := j.Replay(t.Context()); err == nil {
		t.Fatal("Replay against a down store: got nil error")
	}
	if _, err := j.Charge(t.Context(), charge("bid-5")); err != nil {
		t.Fatal(err)
	}
	st.setDown(false)
	for range 2 { // the first replays the file set aside, the second bid-5
		if _, err := j.Replay(t.Context()); err != nil {
			t.Fatalf("Replay: %v", err)
		}
	}
	if len(st.charged) != 6 || j.Pending() != 0 {
		t.Errorf("store holds %d charges, %d pending; want 6 and 0", len(st.charged), j.Pending())
	}
}

// TestReopenAfterCrash: a new process finds the journaled charges, cuts a
// torn last line, and appends after it cleanly.
func TestReopenAfterCrash(t *testing.T) {
	st := &fakeStore{charged: map[string]int64{}, down: true}
	path := filepath.Join(t.TempDir(), "journal")
	j, err := Open(path, st, discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"x", "y"} {
		if _, err := j.Charge(t.Context(), charge(b)); err != nil {
			t.Fatal(err)
		}
	}
	j.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"bid":"torn","camp`)
	f.Close()

	j2 := open(t, path, st)
	if got := j2.Pending(); got != 2 {
		t.Errorf("Pending after reopen = %d, want 2", got)
	}
	if got, _ := j2.Charge(t.Context(), charge("x")); got {
		t.Error("a journaled bid charged again after reopen")
	}
	if _, err := j2.Charge(t.Context(), charge("z")); err != nil {
		t.Fatal(err)
	}
	st.setDown(false)
	if _, err := j2.Replay(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"x", "y", "z"} {
		if st.charged[b] != 900 {
			t.Errorf("bid %s not replayed: store holds %v", b, st.charged)
		}
	}
	if _, ok := st.charged["torn"]; ok {
		t.Error("the torn record was charged")
	}
}

// FuzzOpen: whatever a crash or a disk leaves in the file, Open does not
// fail on its content, keeps only whole records, and leaves the file
// ending on a line boundary so that the next record starts cleanly.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"bid":"a","campaign":1,"creative":2,"price":900,` +
		`"day":"2025-03-01","at_ms":1}` + "\n"))
	f.Add([]byte(`{"bid":"a"}` + "\n" + `{"bid":"b","pri`))
	f.Add([]byte("\n\n{}\nnot json\n"))
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(t.TempDir(), "journal")
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		j, err := Open(path, &fakeStore{charged: map[string]int64{}}, discard)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer j.Close()
		recs, err := readAll(path)
		if err != nil {
			t.Fatalf("readAll: %v", err)
		}
		for _, r := range recs {
			if r.BidID == "" {
				t.Errorf("record without bid id: %+v", r)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Errorf("file ends mid-line after Open: %q", b)
		}
	})
}
