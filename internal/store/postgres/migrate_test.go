package postgres

import (
	"nordbid/internal/store"

	"strings"
	"testing"
)

func TestScripts(t *testing.T) {
	all, err := scripts()
	if err != nil {
		t.Fatalf("scripts: %v", err)
	}
	for i, s := range all {
		if s.Version != i+1 {
			t.Errorf("migration %d has version %d: versions must run 1, 2, 3...", i, s.Version)
		}
	}
}

func FuzzParseMigrationName(f *testing.F) {
	for _, s := range []string{"0001_init.sql", "2_x.sql", "x.sql", "0003_.sql", "-1_a.sql"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		m, err := store.ParseMigrationName(file)
		if err != nil {
			return
		}
		if m.Version <= 0 || m.Name == "" || !strings.HasSuffix(file, m.Name+".sql") {
			t.Errorf("store.ParseMigrationName(%q) = %+v", file, m)
		}
	})
}
