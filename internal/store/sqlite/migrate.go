package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"slices"
	"time"

	"nordbid/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change and when it was applied.
type Migration = store.Migration

// scripts lists the embedded migrations in version order.
func scripts() ([]store.Script, error) { return store.ReadMigrations(migrationFiles) }

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
)`

// Migrate applies every pending migration, each in its own transaction. It
// is idempotent, and safe against a second process migrating the same
// file at the same time. It refuses a database that already carries a
// migration newer than this binary knows, since this code cannot be trusted
// to write a schema it has not seen.
func (db *DB) Migrate(ctx context.Context) error {
	all, err := scripts()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, createMigrationsTable)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, s := range all {
		err := db.write(ctx, func(tx *sql.Tx) error { return apply(ctx, tx, s, all) })
		if err != nil {
			return fmt.Errorf("migrate %04d_%s: %w", s.Version, s.Name, err)
		}
	}
	return nil
}

// apply runs one migration unless it is already recorded. The write lock
// taken at BEGIN makes the check and the change one step.
func apply(ctx context.Context, tx *sql.Tx, s store.Script, all []store.Script) error {
	var newest int
	err := tx.QueryRowContext(ctx,
		"SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&newest)
	if err != nil {
		return err
	}
	if known := all[len(all)-1].Version; newest > known {
		return fmt.Errorf("database is at version %d, this binary knows up to %d",
			newest, known)
	}

	var done int
	err = tx.QueryRowContext(ctx,
		"SELECT COUNT(*) FROM schema_migrations WHERE version = ?", s.Version).Scan(&done)
	if err != nil || done > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.SQL); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx,
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		s.Version, s.Name, nowMS())
	return err
}

// MigrationStatus lists the embedded migrations and any unknown ones the
// database records, in version order, each with the time it was applied or
// the zero time when pending. It changes nothing, so it works on a database
// that was never migrated.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	all, err := scripts()
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	applied, err := db.appliedMigrations(ctx)
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

// appliedMigrations reads schema_migrations, or nothing when the table does
// not exist yet.
func (db *DB) appliedMigrations(ctx context.Context) (map[int]Migration, error) {
	applied := map[int]Migration{}
	err := db.read(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema
			WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&n)
		if err != nil || n == 0 {
			return err
		}
		rows, err := tx.QueryContext(ctx,
			"SELECT version, name, applied_at FROM schema_migrations")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Migration
			var at int64
			if err := rows.Scan(&m.Version, &m.Name, &at); err != nil {
				return err
			}
			m.AppliedAt = time.UnixMilli(at).UTC()
			applied[m.Version] = m
		}
		return rows.Err()
	})
	return applied, err
}
