package doctor

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseDatabaseURL(t *testing.T) {
	tcp := func(a ...string) []pgTarget {
		var out []pgTarget
		for _, s := range a {
			out = append(out, pgTarget{"tcp", s})
		}
		return out
	}
	tests := []struct {
		in      string
		want    []pgTarget
		wantErr bool
	}{
		{"postgres://bid:secret@db.internal:6432/nordbid?sslmode=require",
			tcp("db.internal:6432"), false},
		{"postgresql://bid@127.0.0.1/nordbid", tcp("127.0.0.1:5432"), false},
		{"postgres://bid@[::1]:5433/nordbid", tcp("[::1]:5433"), false},
		{"postgres:///nordbid", tcp("localhost:5432"), false},
		{"postgres://a:5432,b:5433/nordbid", tcp("a:5432", "b:5433"), false},
		{"postgres:///nordbid?host=/run/postgresql",
			[]pgTarget{{"unix", "/run/postgresql/.s.PGSQL.5432"}}, false},
		{"postgres://bid@h/db?port=7000", tcp("h:7000"), false},
		{"host=db port=6000 dbname=nordbid", tcp("db:6000"), false},
		{"host='db one' password='it''s' user=x", nil, true},
		{`host=db password='a\'b c' port=5999`, tcp("db:5999"), false},
		{"host=a,b port=1,2,3", nil, true},
		{"dbname=nordbid", tcp("localhost:5432"), false},
		{"garbage", nil, true},
		{"host='db", nil, true},
		{"postgres://bid:pa ss@h:x/db", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseDatabaseURL(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseDatabaseURLHidesPassword(t *testing.T) {
	_, err := parseDatabaseURL("postgres://bid:hunter2@h:x/db")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("got %v, want an error without the password", err)
	}
}

func TestDatabaseURLFromEnv(t *testing.T) {
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	if err := os.WriteFile(urlFile, []byte("postgres://from-file/db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "creds")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(creds, "database_url"),
		[]byte("postgres://from-credential/db"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{"nothing set", nil, "", false},
		{"variable wins", map[string]string{"DATABASE_URL": "postgres://env/db",
			"DATABASE_URL_FILE": urlFile}, "postgres://env/db", false},
		{"file", map[string]string{"DATABASE_URL_FILE": urlFile},
			"postgres://from-file/db", false},
		{"missing file", map[string]string{"DATABASE_URL_FILE": urlFile + ".gone"}, "", true},
		{"credential", map[string]string{"CREDENTIALS_DIRECTORY": creds},
			"postgres://from-credential/db", false},
		{"no credential", map[string]string{"CREDENTIALS_DIRECTORY": dir + "/none"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := databaseURLFromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckDatabase(t *testing.T) {
	up := loopbackDB(t)
	down := closedPort(t)
	tests := []struct {
		name      string
		url       string
		want      Status
		wantValue string
	}{
		{"not configured", "", Pass, "not configured (embedded store)"},
		{"reachable", "postgres://bid:secret@" + up + "/nordbid", Pass, up + " reachable"},
		{"second host reachable", "postgres://bid@" + down + "," + up + "/nordbid", Pass,
			up + " reachable"},
		{"unreachable", "postgres://bid:secret@" + down + "/nordbid", Fail, down + " unreachable"},
		{"unparsable", "nonsense", Fail, "cannot parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{databaseURL: tt.url, dialTimeout: time.Second}
			got := checkDatabase(context.Background(), e)
			if got.Status != tt.want || !strings.HasPrefix(got.Value, tt.wantValue) {
				t.Errorf("got %s %q, want %s %q", got.Status, got.Value, tt.want, tt.wantValue)
			}
			if strings.Contains(got.Value+got.Fix, "secret") {
				t.Errorf("got the password in %q / %q", got.Value, got.Fix)
			}
		})
	}
}

func TestCheckDatabaseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := env{databaseURL: "postgres://bid@" + loopbackDB(t) + "/nordbid", dialTimeout: time.Second}
	got := checkDatabase(ctx, e)
	if got.Status != Warn || !strings.Contains(got.Value, "cut short") {
		t.Errorf("got %s %q, want warn cut short", got.Status, got.Value)
	}
}

func TestCheckDatabaseUnreadableFile(t *testing.T) {
	e := newEnv(Config{Getenv: func(k string) string {
		if k == "DATABASE_URL_FILE" {
			return filepath.Join(t.TempDir(), "missing")
		}
		return ""
	}})
	got := checkDatabase(context.Background(), e)
	if got.Status != Fail || !strings.Contains(got.Value, "DATABASE_URL_FILE") {
		t.Errorf("got %s %q, want fail naming DATABASE_URL_FILE", got.Status, got.Value)
	}
}

// FuzzParseDatabaseURL checks that any string parses or fails cleanly,
// and that what parses names somewhere to dial.
func FuzzParseDatabaseURL(f *testing.F) {
	for _, s := range []string{
		"postgres://bid:secret@db:6432/nordbid?sslmode=require",
		"postgres://a:1,b:2/db", "postgres:///db?host=/run/postgresql",
		"host=db port=6000 password='a\\'b'", "host='x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		targets, err := parseDatabaseURL(s)
		if err != nil {
			return
		}
		if len(targets) == 0 {
			t.Fatalf("%q: no error and no target", s)
		}
		for _, tg := range targets {
			if tg.address == "" || (tg.network != "tcp" && tg.network != "unix") {
				t.Errorf("%q: bad target %+v", s, tg)
			}
		}
	})
}
