package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"nordbid/internal/config"
	"nordbid/internal/index"
	"nordbid/internal/journal"
	"nordbid/internal/lease"
	"nordbid/internal/notice"
	"nordbid/internal/store"
)

// startLeases leases the first budget allowances from the fleet store's
// shared ledger, so that no metered campaign bids before it has one, and
// keeps them topped up in the background until stop is called. The
// embedded store, which no other node shares, leases nothing: its
// accounts stay unmetered and bid until spend plus live reservations reach
// the budgets, with no slice to run out of first. It returns a nil Loop.
func startLeases(ctx context.Context, cfg config.Config, st store.Store,
	ix func() *index.Index, log *slog.Logger) (*lease.Loop, func(), error) {
	leaser, ok := st.(lease.Leaser)
	if !ok {
		return nil, func() {}, nil
	}
	l := lease.New(lease.Options{Leaser: leaser, Index: ix, Node: nodeName(),
		Logger: log, Interval: cfg.BudgetSync, TTL: 2 * cfg.ReservationTTL})
	if err := l.Step(ctx); err != nil {
		return nil, nil, fmt.Errorf("lease budgets: %w", err)
	}
	lctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); l.Run(lctx) }()
	return l, func() { cancel(); <-done }, nil
}

// nodeName names this process in the grants table: the host name and a
// random suffix, so that a restarted node never counts as the old one.
func nodeName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "node"
	}
	b := make([]byte, 4)
	rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// readiness is the /ready check: the refresher's, then the leases' (l is
// nil on the embedded store).
func readiness(ref interface{ Ready() error }, l *lease.Loop) func() error {
	return func() error {
		if err := ref.Ready(); err != nil {
			return err
		}
		if l != nil && l.Err() != nil {
			// The cause names the database; it is in the log.
			return errors.New("degraded: cannot lease budget, " +
				"bidding from the allowances held (the log has the cause)")
		}
		return nil
	}
}

// changes returns the store's change notifications, or nil (poll only)
// for a store that sends none.
func changes(ctx context.Context, st store.Store, log *slog.Logger) <-chan struct{} {
	if w, ok := st.(interface {
		Changes(context.Context, *slog.Logger) <-chan struct{}
	}); ok {
		return w.Changes(ctx, log)
	}
	return nil
}

// startJournal puts the durable journal of billing notices in front of the
// fleet store, replays what an earlier run left in it, and replays in the
// background until stop is called. The embedded store needs none: it is
// the local disk the journal would be on.
func startJournal(ctx context.Context, cfg config.Config, st store.Store,
	log *slog.Logger) (notice.Charger, func(), error) {
	if cfg.DatabaseURL == "" {
		return st, func() {}, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("data directory: %w", err)
	}
	j, err := journal.Open(filepath.Join(cfg.DataDir, "notices.journal"), st, log)
	if err != nil {
		return nil, nil, err
	}
	if j.Pending() > 0 {
		n, err := j.Replay(ctx)
		if err != nil {
			log.Warn("journal replay failed; retrying in the background", "err", err)
		} else {
			log.Info("journal replayed", "charges", n)
		}
	}
	jctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); j.Run(jctx, time.Second) }()
	return j, func() { cancel(); <-done; j.Close() }, nil
}
