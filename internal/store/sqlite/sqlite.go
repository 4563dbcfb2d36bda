// Package sqlite is the embedded store of nordbid: one SQLite file in the
// data directory, driven by the pure-Go modernc.org/sqlite driver so that the
// binary stays static.
//
// Writes go through a single connection, so that writers in this process
// queue in database/sql instead of failing with "database is locked"; reads
// use a separate pool of query-only connections, which WAL mode lets run
// beside the writer. Every commit is synced to disk before it returns
// (synchronous=FULL): a charge must survive a crash once the billing notice
// has been answered.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	// The driver registers itself as "sqlite".
	_ "modernc.org/sqlite"

	"nordbid/internal/store"
)

// busyTimeoutMS is how long a connection waits for a lock held by another
// process (the sqlite3 shell, a backup, a second nordbid) before it reports
// SQLITE_BUSY. Such holds last milliseconds; five seconds rides out a slow
// disk without hanging a shutdown.
const busyTimeoutMS = 5000

// DB is the embedded store. It implements store.Store and is safe for
// concurrent use.
type DB struct {
	path   string
	writer *sql.DB // one connection: every write transaction
	reader *sql.DB // query-only pool: snapshots, versions, spend
	// batch is the open transaction of the view that Atomic hands out;
	// nil for the DB that Open returns.
	batch *sql.Tx
}

var _ store.Store = (*DB)(nil)

// Open opens the database file at path, creating it and its directory when
// missing, and configures WAL journaling, foreign keys, a busy timeout and
// fully synchronous commits. It does not migrate: call Migrate before using
// a new database.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}

	// The writer opens first: it switches the file to WAL, which the
	// readers rely on to read beside it.
	writer, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	if err := checkWAL(ctx, writer); err != nil {
		return nil, errors.Join(fmt.Errorf("open %s: %w", abs, err), writer.Close())
	}

	reader, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open %s: %w", abs, err), writer.Close())
	}
	n := max(4, runtime.GOMAXPROCS(0))
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		err = fmt.Errorf("open %s: %w", abs, err)
		return nil, errors.Join(err, reader.Close(), writer.Close())
	}
	return &DB{path: abs, writer: writer, reader: reader}, nil
}

// dsn builds the connection string of the file at the absolute path abs.
// The driver applies the parameters to every new connection.
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.Itoa(busyTimeoutMS))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "FULL")
	if readOnly {
		q.Set("_query_only", "on")
	} else {
		// WAL is a property of the file, set once by the writer.
		q.Set("_journal_mode", "WAL")
		// IMMEDIATE takes the write lock at BEGIN, so a transaction that
		// reads before it writes cannot fail halfway on a lock upgrade.
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()
}

// checkWAL connects and confirms the journal mode took: a file system that
// cannot hold the WAL index (some network mounts) silently keeps the
// rollback journal, under which readers and the writer block each other.
func checkWAL(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	return nil
}

// Path returns the absolute path of the database file.
func (db *DB) Path() string { return db.path }

// Close closes both connection pools. On the view passed by Atomic it does
// nothing.
func (db *DB) Close() error {
	if db.batch != nil {
		return nil
	}
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// Atomic runs fn with a view of db whose reads and writes join one write
// transaction, committed when fn returns nil and rolled back when it
// returns an error (see store.Store). The transaction takes the write lock
// when it begins, so other writers wait until it ends and fn never needs a
// second run. A bulk load such as the demo seed pays one synced commit
// instead of one per row; keep other uses short. The view must not be
// used after fn returns. Atomic on the view joins its transaction, as
// every write through the view does.
func (db *DB) Atomic(ctx context.Context, fn func(st store.Store) error) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		return fn(&DB{path: db.path, writer: db.writer, reader: db.reader, batch: tx})
	})
}

// write runs fn in one write transaction and commits it, or rolls it back
// when fn fails. Inside Atomic, fn joins its transaction.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.batch != nil {
		return fn(db.batch)
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// read runs fn in one read transaction, so that every query in it sees the
// same state of the database. Inside Atomic, fn reads in its
// transaction and so sees its writes.
func (db *DB) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.batch != nil {
		return fn(db.batch)
	}
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	err = fn(tx)
	// A read transaction has nothing to commit; ending it releases the
	// WAL snapshot it pinned.
	return errors.Join(err, tx.Rollback())
}
