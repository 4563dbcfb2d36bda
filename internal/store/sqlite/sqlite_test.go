package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
	"nordbid/internal/store/storetest"
)

// openFile opens the database at path and closes it when the test ends.
func openFile(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// openMigrated opens and migrates a new database in a temporary directory.
func openMigrated(t testing.TB) *DB {
	t.Helper()
	db := openFile(t, filepath.Join(t.TempDir(), "nordbid.db"))
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openMigrated(t) })
}

func TestOpenPragmas(t *testing.T) {
	db := openMigrated(t)
	tests := []struct {
		pool   string
		conn   *sql.DB
		pragma string
		want   string
	}{
		{"writer", db.writer, "journal_mode", "wal"},
		{"writer", db.writer, "foreign_keys", "1"},
		{"writer", db.writer, "synchronous", "2"},
		{"writer", db.writer, "busy_timeout", fmt.Sprint(busyTimeoutMS)},
		{"writer", db.writer, "query_only", "0"},
		{"reader", db.reader, "journal_mode", "wal"},
		{"reader", db.reader, "busy_timeout", fmt.Sprint(busyTimeoutMS)},
		{"reader", db.reader, "query_only", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.pool+"/"+tt.pragma, func(t *testing.T) {
			var got string
			err := tt.conn.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got)
			if err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}

func TestMigrationStatus(t *testing.T) {
	ctx := t.Context()
	db := openFile(t, filepath.Join(t.TempDir(), "nordbid.db"))
	all, err := scripts()
	if err != nil {
		t.Fatalf("scripts: %v", err)
	}
	if len(all) == 0 || all[0].Version != 1 || all[0].Name != "init" {
		t.Fatalf("embedded migrations = %+v, want 0001_init first", all)
	}

	before, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus before Migrate: %v", err)
	}
	if len(before) != len(all) {
		t.Fatalf("MigrationStatus lists %d, want %d", len(before), len(all))
	}
	for i, m := range before {
		if m.Version != all[i].Version || m.Name != all[i].Name || !m.AppliedAt.IsZero() {
			t.Errorf("before Migrate: status[%d] = %+v, want %+v pending", i, m, all[i].Migration)
		}
	}

	start := time.Now().Add(-time.Second)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	after, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus after Migrate: %v", err)
	}
	for i, m := range after {
		if m.Version != all[i].Version || m.AppliedAt.Before(start) {
			t.Errorf("after Migrate: status[%d] = %+v, want applied since %v", i, m, start)
		}
	}
}

func TestMigrateIdempotent(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t)
	first, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	v1, err := db.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}

	for i := range 2 {
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d: %v", i+2, err)
		}
	}
	again, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	if !reflect.DeepEqual(again, first) {
		t.Errorf("status after re-running Migrate = %+v, want unchanged %+v", again, first)
	}
	if v2, err := db.Version(ctx); err != nil || v2 != v1 {
		t.Errorf("Version after re-running Migrate = %d, %v; want %d", v2, err, v1)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t)
	_, err := db.writer.ExecContext(ctx,
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 1)")
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
	if err := db.Migrate(ctx); err == nil {
		t.Error("Migrate on a newer schema: got nil error")
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus: %v", err)
	}
	last := status[len(status)-1]
	if last.Version != 9999 || last.Name != "future" || last.AppliedAt.IsZero() {
		t.Errorf("last status = %+v, want the unknown version 9999 listed as applied", last)
	}
}

func TestParseMigrationName(t *testing.T) {
	tests := []struct {
		file    string
		want    Migration
		wantErr bool
	}{
		{file: "0001_init.sql", want: Migration{Version: 1, Name: "init"}},
		{file: "0012_add_deal_floors.sql", want: Migration{Version: 12, Name: "add_deal_floors"}},
		{file: "init.sql", wantErr: true},
		{file: "0001.sql", wantErr: true},
		{file: "0001_.sql", wantErr: true},
		{file: "0000_zero.sql", wantErr: true},
		{file: "0001_init.txt", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := store.ParseMigrationName(tt.file)
			if (err != nil) != tt.wantErr {
				t.Fatalf("store.ParseMigrationName(%q) error = %v, want error %v",
					tt.file, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("store.ParseMigrationName(%q) = %+v, want %+v", tt.file, got, tt.want)
			}
		})
	}
}

// TestVersionSeesRawSQL edits the file through another connection, as the
// sqlite3 shell would, and expects Version to move.
func TestVersionSeesRawSQL(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t)
	adv, err := db.CreateAdvertiser(ctx,
		campaign.Advertiser{Name: "a", Status: campaign.StatusActive})
	if err != nil {
		t.Fatalf("CreateAdvertiser: %v", err)
	}
	camp, err := db.CreateCampaign(ctx, campaign.Campaign{
		AdvertiserID: adv.ID, Name: "c", Status: campaign.StatusActive, BidPrice: 1,
	})
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	if _, err := db.CreateCreative(ctx, campaign.Creative{
		CampaignID: camp.ID, Status: campaign.StatusActive, Format: campaign.FormatBanner,
		W: 300, H: 250, Markup: "m",
	}); err != nil {
		t.Fatalf("CreateCreative: %v", err)
	}

	shell, err := sql.Open("sqlite", db.Path())
	if err != nil {
		t.Fatalf("open second connection: %v", err)
	}
	t.Cleanup(func() { shell.Close() })

	statements := []string{
		"UPDATE campaigns SET bid_price = 2500000",
		"UPDATE advertisers SET status = 'paused'",
		"UPDATE creatives SET w = 728, h = 90",
		"INSERT INTO exchanges (name) VALUES ('raw')",
		"DELETE FROM exchanges WHERE name = 'raw'",
		"INSERT INTO rates (currency, per_usd) VALUES ('SEK', 10500000)",
		"DELETE FROM creatives",
	}
	prev, err := db.Version(ctx)
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	for _, stmt := range statements {
		t.Run(stmt, func(t *testing.T) {
			if _, err := shell.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("exec: %v", err)
			}
			got, err := db.Version(ctx)
			if err != nil {
				t.Fatalf("Version: %v", err)
			}
			if got == prev {
				t.Errorf("Version stayed %d after %q", got, stmt)
			}
			prev = got
		})
	}
}

// TestDurable closes the store and opens the file again: charges and
// notices survive, and a replayed charge is still refused.
func TestDurable(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "data", "nordbid.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	c := store.Charge{BidID: "durable", CampaignID: 42, CreativeID: 1,
		Price: 3_000, Day: "2025-06-01", At: time.Now()}
	if ok, err := db.Charge(ctx, c); err != nil || !ok {
		t.Fatalf("Charge = %v, %v; want true", ok, err)
	}
	n := store.Notice{BidID: "durable", Kind: store.NoticeWin, CampaignID: 42, At: time.Now()}
	if ok, err := db.RecordNotice(ctx, n); err != nil || !ok {
		t.Fatalf("RecordNotice = %v, %v; want true", ok, err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = openFile(t, path)
	spend, err := db.Spend(ctx, []string{c.Day})
	if err != nil {
		t.Fatalf("Spend: %v", err)
	}
	want := []store.Spend{{CampaignID: 42, Total: 3_000, Days: map[string]int64{c.Day: 3_000}}}
	if !reflect.DeepEqual(spend, want) {
		t.Errorf("Spend after reopen = %+v, want %+v", spend, want)
	}
	if ok, err := db.Charge(ctx, c); err != nil || ok {
		t.Errorf("Charge replay after reopen = %v, %v; want false", ok, err)
	}
	if ok, err := db.RecordNotice(ctx, n); err != nil || ok {
		t.Errorf("RecordNotice replay after reopen = %v, %v; want false", ok, err)
	}
}

func TestCreateUnknownParentIsNotFound(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t)
	_, errCamp := db.CreateCampaign(ctx, campaign.Campaign{
		AdvertiserID: 77, Name: "orphan", Status: campaign.StatusActive, BidPrice: 1,
	})
	_, errCre := db.CreateCreative(ctx, campaign.Creative{
		CampaignID: 77, Status: campaign.StatusActive, Format: campaign.FormatBanner, Markup: "m",
	})
	for name, err := range map[string]error{"campaign": errCamp, "creative": errCre} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("create %s with a missing parent: error %v, want ErrNotFound", name, err)
		}
	}
}

func TestChargeRejects(t *testing.T) {
	db := openMigrated(t)
	tests := []struct {
		name string
		c    store.Charge
	}{
		{"empty bid id", store.Charge{CampaignID: 1, Price: 1, Day: "2025-01-01"}},
		{"negative price", store.Charge{BidID: "b", CampaignID: 1, Price: -1, Day: "2025-01-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, err := db.Charge(t.Context(), tt.c); err == nil || ok {
				t.Errorf("Charge = %v, %v; want false and an error", ok, err)
			}
		})
	}
}

func TestDecodeList(t *testing.T) {
	tests := []struct {
		stored string
		want   []string
	}{
		{stored: "", want: nil},
		{stored: "null", want: nil},
		{stored: "[]", want: nil},
		{stored: `["a"]`, want: []string{"a"}},
		{stored: ` [ "a" , "b" ] `, want: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.stored, func(t *testing.T) {
			got, err := decodeList[string](tt.stored)
			if err != nil {
				t.Fatalf("decodeList(%q): %v", tt.stored, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decodeList(%q) = %#v, want %#v", tt.stored, got, tt.want)
			}
		})
	}
	if _, err := decodeList[int](`["x"]`); err == nil {
		t.Error(`decodeList[int]("[\"x\"]"): got nil error`)
	}
}

// FuzzListCodec feeds hand-edited column text to the decoder: it must not
// panic, and whatever it accepts must encode and decode to the same list.
func FuzzListCodec(f *testing.F) {
	for _, s := range []string{"", "[]", "null", `["a","b"]`, `[1]`, `{"a":1}`, `["\u00e9"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stored string) {
		v, err := decodeList[string](stored)
		if err != nil {
			return
		}
		enc, err := encodeList(v)
		if err != nil {
			t.Fatalf("encodeList(%#v): %v", v, err)
		}
		again, err := decodeList[string](enc)
		if err != nil {
			t.Fatalf("decodeList(%q) of own encoding: %v", enc, err)
		}
		if !reflect.DeepEqual(again, v) {
			t.Errorf("round trip of %q: %#v, then %#v", stored, v, again)
		}
	})
}

func TestAtomic(t *testing.T) {
	errStop := errors.New("stop")
	tests := []struct {
		name     string
		fnErr    error
		wantAdvs int
	}{
		{name: "commits when fn succeeds", fnErr: nil, wantAdvs: 1},
		{name: "rolls back when fn fails", fnErr: errStop, wantAdvs: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := t.Context()
			db := openMigrated(t)
			v1, err := db.Version(ctx)
			if err != nil {
				t.Fatalf("Version: %v", err)
			}

			err = db.Atomic(ctx, func(st store.Store) error {
				adv, err := st.CreateAdvertiser(ctx,
					campaign.Advertiser{Name: "batched", Status: campaign.StatusActive})
				if err != nil {
					return err
				}
				if _, err := st.CreateCampaign(ctx, campaign.Campaign{
					AdvertiserID: adv.ID, Name: "c", Status: campaign.StatusActive, BidPrice: 1,
				}); err != nil {
					return err
				}
				inside, err := st.Snapshot(ctx)
				if err != nil {
					return err
				}
				if len(inside.Advertisers) != 1 || len(inside.Campaigns) != 1 {
					t.Errorf("inside the batch: %d advertisers, %d campaigns; want 1 and 1",
						len(inside.Advertisers), len(inside.Campaigns))
				}
				outside, err := db.Snapshot(ctx)
				if err != nil {
					return err
				}
				if len(outside.Advertisers) != 0 {
					t.Errorf("outside the batch: %d advertisers before commit, want 0",
						len(outside.Advertisers))
				}
				return tt.fnErr
			})
			if !errors.Is(err, tt.fnErr) {
				t.Fatalf("Atomic error = %v, want %v", err, tt.fnErr)
			}

			snap, err := db.Snapshot(ctx)
			if err != nil {
				t.Fatalf("Snapshot: %v", err)
			}
			if got := len(snap.Advertisers); got != tt.wantAdvs {
				t.Errorf("after Atomic: %d advertisers, want %d", got, tt.wantAdvs)
			}
			v2, err := db.Version(ctx)
			if err != nil {
				t.Fatalf("Version: %v", err)
			}
			if changed := v2 != v1; changed != (tt.wantAdvs > 0) {
				t.Errorf("Version %d -> %d after Atomic, want changed %v", v1, v2, tt.wantAdvs > 0)
			}
		})
	}
}

// TestOpenOddPath opens a file whose path needs escaping in a SQLite URI.
func TestOpenOddPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data dir #1?x=y%20", "nordbid.db")
	db := openFile(t, path)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}
