package store

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migration is one versioned schema change of an adapter.
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

// Script is a migration with its SQL text.
type Script struct {
	Migration
	SQL string
}

// ReadMigrations reads the migrations/*.sql files of an adapter's
// embedded files, in version order. Two files with one version are an
// error.
func ReadMigrations(fsys fs.FS) ([]Script, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := make([]Script, 0, len(names))
	for _, name := range names {
		m, err := ParseMigrationName(path.Base(name))
		if err != nil {
			return nil, err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		out = append(out, Script{Migration: m, SQL: string(b)})
	}
	slices.SortFunc(out, func(a, b Script) int { return a.Version - b.Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migration version %d used twice", out[i].Version)
		}
	}
	return out, nil
}

// ParseMigrationName splits "0001_init.sql" into version 1 and name "init".
func ParseMigrationName(file string) (Migration, error) {
	base, ok := strings.CutSuffix(file, ".sql")
	num, name, found := strings.Cut(base, "_")
	v, err := strconv.Atoi(num)
	if !ok || !found || err != nil || v <= 0 || name == "" {
		return Migration{}, fmt.Errorf("migration file %q: want NNNN_name.sql", file)
	}
	return Migration{Version: v, Name: name}, nil
}
