package postgres

import (
	"context"
	"log/slog"
	"strings"
	"time"
)

// changesChannel is the notification channel the change trigger of the
// schema (0001_init.sql) notifies on every committed change of what the
// bid index is built from.
const changesChannel = "nordbid_changes"

// listenRetry is the pause before listening again after the connection
// was lost; the periodic version poll covers the gap.
const listenRetry = time.Second

// Changes returns a channel that receives a value soon after any change
// to campaigns, creatives, advertisers, exchanges, rates or settings is
// committed, by any node or by hand. Bursts are merged: a receiver that
// is busy finds one value waiting, not many. It listens on a connection of
// its own, reconnecting after a loss, until ctx ends; notifications sent
// while it was disconnected are lost, so callers keep a periodic poll.
func (db *DB) Changes(ctx context.Context, log *slog.Logger) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		for ctx.Err() == nil {
			err := db.listen(ctx, out)
			if ctx.Err() != nil {
				return
			}
			log.Warn("change notifications lost; relying on the poll", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(listenRetry):
			}
		}
	}()
	return out
}

// listen holds one connection in LISTEN and forwards notifications to out
// until the connection fails or ctx ends.
func (db *DB) listen(ctx context.Context, out chan<- struct{}) error {
	c, err := db.acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool for good: a listening session must
	// not be handed to queries, and closing it ends the LISTEN.
	conn := c.Hijack()
	defer conn.Close(context.Background())
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	// A change may have landed before LISTEN took effect.
	wake(out)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		// The payload is "schema version"; other schemas' changes are not ours.
		if s, _, _ := strings.Cut(n.Payload, " "); s == schema {
			wake(out)
		}
	}
}

// wake sends on out unless a value is already waiting.
func wake(out chan<- struct{}) {
	select {
	case out <- struct{}{}:
	default:
	}
}
