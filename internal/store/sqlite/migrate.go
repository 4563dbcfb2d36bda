package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema change.
type Migration struct {
	// Version orders the migrations; it is the number that prefixes the
	// file name (0001_init.sql is version 1).
	Version int
	// Name is the rest of the file name without its extension ("init").
	Name string
	// AppliedAt is when the migration ran on this database, in UTC; the
	// zero time means it is still pending.
	AppliedAt time.Time
}

// script is an embedded migration with its SQL text.
type script struct {
	Migration
	sql string
}

// scripts lists the embedded migrations in version order.
func scripts() ([]script, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := make([]script, 0, len(names))
	for _, name := range names {
		m, err := parseMigrationName(path.Base(name))
		if err != nil {
			return nil, err
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, script{Migration: m, sql: string(b)})
	}
	slices.SortFunc(out, func(a, b script) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migration version %d used twice", out[i].Version)
		}
	}
	return out, nil
}

// parseMigrationName splits "0001_init.sql" into version 1 and name "init".
func parseMigrationName(file string) (Migration, error) {
	base, ok := strings.CutSuffix(file, ".sql")
	num, name, found := strings.Cut(base, "_")
	v, err := strconv.Atoi(num)
	if !ok || !found || err != nil || v <= 0 || name == "" {
		return Migration{}, fmt.Errorf("migration file %q: want NNNN_name.sql", file)
	}
	return Migration{Version: v, Name: name}, nil
}

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
func apply(ctx context.Context, tx *sql.Tx, s script, all []script) error {
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
	if _, err := tx.ExecContext(ctx, s.sql); err != nil {
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
