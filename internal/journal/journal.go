// Package journal keeps billing notices durable while the store cannot
// take them.
//
// A charge that the store refuses (PostgreSQL unreachable, a pool that
// stays exhausted) is appended to a local file and synced to disk before
// the notice is answered; a background loop replays the file into the
// store once it answers again. The store's charge is idempotent by bid id,
// so a replay that repeats a charge which did reach the store (its commit
// acknowledgement was lost) records nothing twice, and a replay cut short
// by a crash is simply run again at the next start.
//
// Record format: one JSON object per line. A line cut short by a crash
// mid-write was never acknowledged (the sync comes before the answer) and
// is skipped on replay.
package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"nordbid/internal/store"
)

// Charger is the part of the store the journal writes to.
type Charger interface {
	Charge(ctx context.Context, c store.Charge) (bool, error)
}

// record is one journaled charge.
type record struct {
	BidID      string `json:"bid"`
	CampaignID int64  `json:"campaign"`
	CreativeID int64  `json:"creative"`
	Price      int64  `json:"price"`
	Day        string `json:"day"`
	AtMS       int64  `json:"at_ms"`
}

// Journal is the durable queue of charges waiting for the store. It is
// safe for concurrent use.
type Journal struct {
	path  string
	store Charger
	log   *slog.Logger

	mu      sync.Mutex
	file    *os.File        // open for append; nil until the first record
	pending map[string]bool // bid ids in the file, answered as charged
	// down is set when the store failed a charge, so that later charges
	// go straight to the file instead of waiting out the store's timeout.
	down atomic.Bool
	// replaying lets one Replay run at a time.
	replaying sync.Mutex
}

// Open opens the journal at path and loads the bid ids it still holds,
// in it and in a replay that a crash cut short; a missing file is an
// empty journal. A last line torn by a crash is cut off, so that the next
// record starts on a line of its own.
func Open(path string, st Charger, log *slog.Logger) (*Journal, error) {
	j := &Journal{path: path, store: st, log: log, pending: map[string]bool{}}
	if err := cutTorn(path); err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	for _, p := range []string{path + ".replay", path} {
		recs, err := readAll(p)
		if err != nil {
			return nil, fmt.Errorf("open journal: %w", err)
		}
		for _, r := range recs {
			j.pending[r.BidID] = true
		}
	}
	if len(j.pending) > 0 {
		j.down.Store(true)
	}
	return j, nil
}

// cutTorn truncates the file at path after its last newline.
func cutTorn(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || len(b) == 0 || err == nil && b[len(b)-1] == '\n' {
		return nil
	}
	if err != nil {
		return err
	}
	return os.Truncate(path, int64(bytes.LastIndexByte(b, '\n')+1))
}

// Close closes the file; records stay for the next start.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.file == nil {
		return nil
	}
	err := j.file.Close()
	j.file = nil
	return err
}

// Pending returns the count of charges waiting for the store.
func (j *Journal) Pending() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.pending)
}

// Charge records c once per bid id, like store.Charge: in the store when
// it answers, else in the journal, synced before Charge returns. It
// returns false for a bid already charged in either. An error means the
// charge is in neither and must not be acknowledged.
func (j *Journal) Charge(ctx context.Context, c store.Charge) (bool, error) {
	j.mu.Lock()
	dup := j.pending[c.BidID]
	j.mu.Unlock()
	if dup {
		return false, nil
	}
	if !j.down.Load() {
		ok, err := j.store.Charge(ctx, c)
		if err == nil {
			return ok, nil
		}
		if ctx.Err() != nil {
			return false, err
		}
		if j.down.CompareAndSwap(false, true) {
			j.log.Warn("store refused a charge; journaling billing notices", "err", err)
		}
	}
	return j.append(c)
}

// append writes c to the file and syncs it.
func (j *Journal) append(c store.Charge) (bool, error) {
	line, err := json.Marshal(record{BidID: c.BidID, CampaignID: c.CampaignID,
		CreativeID: c.CreativeID, Price: c.Price, Day: c.Day, AtMS: c.At.UnixMilli()})
	if err != nil {
		return false, fmt.Errorf("journal %s: %w", c.BidID, err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.pending[c.BidID] {
		return false, nil
	}
	if j.file == nil {
		j.file, err = os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return false, fmt.Errorf("journal %s: %w", c.BidID, err)
		}
	}
	if _, err := j.file.Write(append(line, '\n')); err != nil {
		return false, fmt.Errorf("journal %s: %w", c.BidID, err)
	}
	if err := j.file.Sync(); err != nil {
		return false, fmt.Errorf("journal %s: %w", c.BidID, err)
	}
	j.pending[c.BidID] = true
	return true, nil
}

// Replay writes the journaled charges to the store and removes them
// when all went in. It moves the file aside first, so that charges keep
// being appended, not held up, while it waits on the store. It stops at
// the first store error, keeping the file aside for the next replay.
func (j *Journal) Replay(ctx context.Context) (int, error) {
	j.replaying.Lock()
	defer j.replaying.Unlock()
	aside := j.path + ".replay"
	if err := j.moveAside(aside); err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	recs, err := readAll(aside)
	if err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	for _, r := range recs {
		_, err := j.store.Charge(ctx, store.Charge{BidID: r.BidID, CampaignID: r.CampaignID,
			CreativeID: r.CreativeID, Price: r.Price, Day: r.Day,
			At: time.UnixMilli(r.AtMS).UTC()})
		if err != nil {
			return 0, fmt.Errorf("replay %s: %w", r.BidID, err)
		}
	}
	if err := os.Remove(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("replay: %w", err)
	}

	j.mu.Lock()
	defer j.mu.Unlock()
	for _, r := range recs {
		delete(j.pending, r.BidID)
	}
	// Charges journaled during the replay wait for the next one; until
	// then new charges keep going to the journal.
	if len(j.pending) == 0 {
		j.down.Store(false)
	}
	return len(recs), nil
}

// moveAside renames the journal to aside, unless an earlier replay that
// failed left a file there: that one is replayed first.
func (j *Journal) moveAside(aside string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, err := os.Stat(aside); err == nil {
		return nil
	}
	if j.file != nil {
		if err := j.file.Close(); err != nil {
			return err
		}
		j.file = nil
	}
	err := os.Rename(j.path, aside)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Run replays every interval while the journal holds charges or the store
// was seen down, until ctx ends.
func (j *Journal) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !j.down.Load() && j.Pending() == 0 {
			continue
		}
		n, err := j.Replay(ctx)
		if err != nil {
			continue
		}
		j.log.Info("journal replayed; charging the store again", "charges", n)
	}
}

// readAll reads the records of the file at path, skipping a last line cut
// short by a crash.
func readAll(path string) ([]record, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.BidID == "" {
			// Only a torn last line can fail: every earlier line was
			// written whole and synced.
			continue
		}
		out = append(out, r)
	}
	return out, sc.Err()
}
