// Package refresh keeps the bid path's in-memory state in step with the
// store: it rebuilds the campaign index when the store changes, re-reads
// spend from the ledger into the budget book, and sweeps closed frequency
// windows. Each loop runs in its own goroutine until its context ends.
package refresh

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/campaign"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/store"
)

// Options configure a Refresher. Every field is required.
type Options struct {
	Store  store.Store
	Book   *budget.Book
	Caps   *freqcap.Counter
	Logger *slog.Logger
	// ReloadInterval is how often the store version is polled.
	ReloadInterval time.Duration
	// BudgetSync is how often spend is re-read from the ledger.
	BudgetSync time.Duration
	// Wake, when not nil, signals a change in the store (PostgreSQL
	// LISTEN/NOTIFY), so that the index is rebuilt at once rather than at
	// the next poll; the poll stays as the safety net.
	Wake <-chan struct{}
}

// Refresher owns the current index and the freshness of budgets.
type Refresher struct {
	opt     Options
	current atomic.Pointer[index.Index]
	// synced is when spend was last read from the ledger (unix nanos).
	synced atomic.Int64
	// storeErr is the last store failure, or nil.
	storeErr atomic.Pointer[error]

	// The scratch of syncSpend, kept across syncs so that a sync once a
	// second makes little garbage. Only the goroutine that loads and
	// runs the Refresher uses them.
	today  map[int64]string
	byZone map[*time.Location]string
	got    map[int64]bool
}

// New returns a Refresher with no index yet.
func New(opt Options) *Refresher {
	return &Refresher{opt: opt}
}

// Index returns the current index, or nil before the first build.
func (r *Refresher) Index() *index.Index { return r.current.Load() }

// Load builds the first index and reads spend, so that the bidder starts
// with fresh state. It fails when the store cannot be read.
func (r *Refresher) Load(ctx context.Context) error {
	if err := r.rebuild(ctx, -1); err != nil {
		return err
	}
	return r.syncSpend(ctx)
}

// Run polls for changes and syncs spend until ctx ends.
func (r *Refresher) Run(ctx context.Context) {
	reload := time.NewTicker(r.opt.ReloadInterval)
	spend := time.NewTicker(r.opt.BudgetSync)
	sweep := time.NewTicker(time.Minute)
	defer reload.Stop()
	defer spend.Stop()
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-reload.C:
			r.note(r.reloadIfChanged(ctx))
		case <-r.opt.Wake:
			r.note(r.reloadIfChanged(ctx))
		case <-spend.C:
			r.note(r.syncSpend(ctx))
		case now := <-sweep.C:
			r.opt.Caps.Sweep(now)
		}
	}
}

// note records the outcome of a loop step for Ready and logs a failure.
func (r *Refresher) note(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		r.storeErr.Store(nil)
		return
	}
	if r.storeErr.Load() == nil {
		r.opt.Logger.Warn("store unreachable; bidding from the last state", "err", err)
	}
	r.storeErr.Store(&err)
}

// Ready reports nil when an index is loaded, the store answered on the
// last poll and spend was synced within three sync intervals.
func (r *Refresher) Ready() error {
	if r.current.Load() == nil {
		return errors.New("campaigns not loaded")
	}
	// The store's error names hosts and users: it goes to the log (see
	// note), not to whoever asks /ready.
	if r.storeErr.Load() != nil {
		return errors.New("degraded: store unreachable, bidding from the last " +
			"campaign index (the log has the cause)")
	}
	if age := time.Since(time.Unix(0, r.synced.Load())); age > 3*r.opt.BudgetSync {
		return fmt.Errorf("budgets stale: last synced %s ago", age.Round(time.Millisecond))
	}
	return nil
}

func (r *Refresher) reloadIfChanged(ctx context.Context) error {
	v, err := r.opt.Store.Version(ctx)
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	cur := r.current.Load()
	// Rebuild on a change only: the bid path checks each campaign's flight
	// itself, so a flight that ends needs no rebuild, and a rebuild is
	// the largest source of garbage left.
	if cur != nil && cur.Version == v {
		return nil
	}
	return r.rebuild(ctx, v)
}

// rebuild compiles a new index from the store and swaps it in. A version
// of -1 reads the version first.
func (r *Refresher) rebuild(ctx context.Context, version int64) error {
	if version < 0 {
		v, err := r.opt.Store.Version(ctx)
		if err != nil {
			return fmt.Errorf("version: %w", err)
		}
		version = v
	}
	snap, err := r.opt.Store.Snapshot(ctx)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	ix, err := index.Build(snap, version, r.opt.Book, time.Now())
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	r.current.Store(ix)
	return nil
}

// syncSpend reads every campaign's lifetime and today's spend from the
// ledger into the book.
func (r *Refresher) syncSpend(ctx context.Context) error {
	ix := r.current.Load()
	if ix == nil {
		return nil
	}
	now := time.Now()
	if r.today == nil {
		r.today = make(map[int64]string, len(ix.Campaigns()))
		r.byZone = make(map[*time.Location]string)
		r.got = make(map[int64]bool, len(ix.Campaigns()))
	}
	today, byZone, got := r.today, r.byZone, r.got
	clear(today)
	// Campaigns share a few time zones: format each zone's day once.
	clear(byZone)
	var days []string
	for _, c := range ix.Campaigns() {
		d, ok := byZone[c.Loc]
		if !ok {
			d = campaign.Day(now, c.Loc)
			byZone[c.Loc] = d
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
		today[c.ID] = d
	}
	spend, err := r.opt.Store.Spend(ctx, days)
	if err != nil {
		return fmt.Errorf("spend: %w", err)
	}
	clear(got)
	for _, s := range spend {
		got[s.CampaignID] = true
		r.opt.Book.Sync(s.CampaignID, s.Total, s.Days[today[s.CampaignID]])
	}
	for id := range today {
		if !got[id] {
			r.opt.Book.Sync(id, 0, 0)
		}
	}
	r.synced.Store(now.UnixNano())
	return nil
}
