package postgres

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
	"nordbid/internal/store/postgres/pgtest"
	"nordbid/internal/store/storetest"
)

// openDB opens the store at dbURL and closes it when the test ends.
func openDB(t testing.TB, dbURL string) *DB {
	t.Helper()
	db, err := Open(t.Context(), Options{URL: dbURL})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openMigrated opens a migrated store in a schema of its own.
func openMigrated(t testing.TB) *DB {
	t.Helper()
	db := openDB(t, pgtest.Schema(t))
	if _, err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func TestContract(t *testing.T) {
	pgtest.URL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openMigrated(t) })
}

// TestMigrateConcurrent: nodes migrating one database at once apply each
// migration exactly once and all end on a current schema.
func TestMigrateConcurrent(t *testing.T) {
	const nodes = 4
	dbURL := pgtest.Schema(t)
	dbs := make([]*DB, nodes)
	for i := range dbs {
		dbs[i] = openDB(t, dbURL)
	}
	if err := dbs[0].CheckSchema(t.Context()); !errors.Is(err, ErrSchemaBehind) {
		t.Fatalf("CheckSchema before Migrate = %v, want ErrSchemaBehind", err)
	}

	applied := make([][]Migration, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { applied[i], errs[i] = db.Migrate(t.Context()) })
	}
	wg.Wait()

	all, err := scripts()
	if err != nil {
		t.Fatal(err)
	}
	var total int
	for i := range dbs {
		if errs[i] != nil {
			t.Errorf("node %d: Migrate: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	if got, want := total, len(all); got != want {
		t.Errorf("migrations applied across nodes = %d, want %d (each once)", got, want)
	}
	for i, db := range dbs {
		if err := db.CheckSchema(t.Context()); err != nil {
			t.Errorf("node %d: CheckSchema after Migrate: %v", i, err)
		}
	}
	status, err := dbs[0].MigrationStatus(t.Context())
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	for _, m := range status {
		if m.AppliedAt.IsZero() {
			t.Errorf("migration %04d_%s pending after Migrate", m.Version, m.Name)
		}
	}
}

// TestCheckSchemaNewer: a database migrated by a newer binary is refused
// by CheckSchema and by Migrate.
func TestCheckSchemaNewer(t *testing.T) {
	db := openMigrated(t)
	_, err := db.pool.Exec(t.Context(), insertMigration, 9999, "from_the_future")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CheckSchema(t.Context()); err == nil ||
		!strings.Contains(err.Error(), "version 9999") {
		t.Errorf("CheckSchema = %v, want an error naming version 9999", err)
	}
	if _, err := db.Migrate(t.Context()); err == nil {
		t.Error("Migrate on a newer database: got nil error")
	}
}

// TestOpenErrors: a bad URL or an unreachable server fails at Open with a
// message that keeps the password out.
func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		url  string
	}{
		{"malformed", "postgres://user:s3cret@[::1/db"},
		{"nothing listening", "postgres://user:s3cret@127.0.0.1:1/db?connect_timeout=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(t.Context(), Options{URL: tt.url, AcquireTimeout: 2 * time.Second})
			if err == nil {
				db.Close()
				t.Fatal("Open: got nil error")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("Open error %q reveals the password", err)
			}
		})
	}
}

// TestVersionOnDirectEdit: a change made straight in the database, not
// through the store, moves the version too.
func TestVersionOnDirectEdit(t *testing.T) {
	db := openMigrated(t)
	ctx := t.Context()
	adv, err := db.CreateAdvertiser(ctx, campaign.Advertiser{
		Name: "direct", Status: campaign.StatusActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, "UPDATE advertisers SET name = 'edited' WHERE id = $1",
		adv.ID); err != nil {
		t.Fatal(err)
	}
	after, err := db.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after == before {
		t.Errorf("version stayed %d after a direct UPDATE", after)
	}
}
