package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"nordbid/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLock is the key of the advisory lock Migrate holds, so that nodes
// started together migrate one after the other. The value is arbitrary;
// it only has to differ from other applications' keys in the database.
const migrateLock int64 = 0x6e6f72646269 // "nordbi"

// Migration is one versioned schema change and when it was applied.
type Migration = store.Migration

// scripts lists the embedded migrations in version order.
func scripts() ([]store.Script, error) { return store.ReadMigrations(migrationFiles) }

// The bookkeeping of Migrate. It is plain SQL run outside sqlc because it
// must work before the schema that sqlc checks against exists.
const (
	createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER     PRIMARY KEY,
		name       TEXT        NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL
	)`
	selectMigrations = "SELECT version, name, applied_at FROM schema_migrations"
	insertMigration  = `INSERT INTO schema_migrations (version, name, applied_at)
		VALUES ($1, $2, now())`
)

// Migrate applies every pending migration, each in its own transaction,
// and returns those it applied. It holds a session advisory lock for the
// whole run, so that several nodes starting at once migrate one after the
// other and the later ones find nothing to do. It refuses a database that
// already carries a migration newer than this binary knows.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	all, err := scripts()
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	c, err := db.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer c.Release()
	conn := c.Conn()

	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	// Unlock with a fresh context: ctx may be what ended the run. Should
	// the unlock fail, closing the session below frees the lock.
	defer func() {
		uctx, cancel := context.WithTimeout(context.Background(), db.acquireTimeout)
		defer cancel()
		if _, err := conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", migrateLock); err != nil {
			c.Hijack().Close(uctx)
		}
	}()

	if _, err := conn.Exec(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	applied, err := appliedMigrations(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if err := checkKnown(applied, all); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var done []Migration
	for _, s := range all {
		if _, ok := applied[s.Version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// Without arguments, Exec uses the simple protocol, which
			// runs a file of many statements.
			if _, err := tx.Exec(ctx, s.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, insertMigration, s.Version, s.Name)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("migrate %04d_%s: %w", s.Version, s.Name, err)
		}
		done = append(done, s.Migration)
	}
	return done, nil
}

// checkKnown refuses a database migrated by a newer binary.
func checkKnown(applied map[int]Migration, all []store.Script) error {
	known := all[len(all)-1].Version
	for v := range applied {
		if v > known {
			return fmt.Errorf("database is at version %d, this binary knows up to %d",
				v, known)
		}
	}
	return nil
}

// appliedMigrations reads schema_migrations, or nothing when the table
// does not exist yet (to_regclass resolves it on the search path).
func appliedMigrations(ctx context.Context, conn *pgx.Conn) (map[int]Migration, error) {
	applied := map[int]Migration{}
	var exists bool
	err := conn.QueryRow(ctx,
		"SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists)
	if err != nil || !exists {
		return applied, err
	}
	rows, err := conn.Query(ctx, selectMigrations)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m Migration
		if err := rows.Scan(&m.Version, &m.Name, &m.AppliedAt); err != nil {
			return nil, err
		}
		m.AppliedAt = m.AppliedAt.UTC()
		applied[m.Version] = m
	}
	return applied, rows.Err()
}

// MigrationStatus lists the embedded migrations and any unknown ones the
// database records, in version order, each with the time it was applied
// or the zero time when pending. It changes nothing.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	all, err := scripts()
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	c, err := db.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	defer c.Release()
	applied, err := appliedMigrations(ctx, c.Conn())
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}

	out := make([]Migration, 0, len(all))
	for _, s := range all {
		m := s.Migration
		if a, ok := applied[m.Version]; ok {
			m.AppliedAt = a.AppliedAt
			delete(applied, m.Version)
		}
		out = append(out, m)
	}
	for _, a := range applied {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	return out, nil
}

// ErrSchemaBehind is returned by CheckSchema when migrations are pending.
var ErrSchemaBehind = errors.New("database schema is behind this binary")

// CheckSchema returns nil when every embedded migration has been applied
// and none unknown to this binary; otherwise an error that says what to
// run.
func (db *DB) CheckSchema(ctx context.Context) error {
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	all, err := scripts()
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	known := all[len(all)-1].Version
	var pending []string
	for _, m := range status {
		switch {
		case m.Version > known && !m.AppliedAt.IsZero():
			return fmt.Errorf("check schema: database is at version %d, "+
				"this binary knows up to %d", m.Version, known)
		case m.AppliedAt.IsZero():
			pending = append(pending, fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("%w: pending %s; run `nordbid migrate up` or serve --migrate",
			ErrSchemaBehind, strings.Join(pending, ", "))
	}
	return nil
}
