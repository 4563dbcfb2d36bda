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

	credential := dbSource{kind: srcCredential, path: filepath.Join(creds, "database_url")}
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantSrc dbSource
		wantErr bool
	}{
		{"nothing set", nil, "", dbSource{}, false},
		{"variable wins", map[string]string{"DATABASE_URL": "postgres://env/db",
			"DATABASE_URL_FILE": urlFile}, "postgres://env/db", dbSource{kind: srcEnv}, false},
		{"file", map[string]string{"DATABASE_URL_FILE": urlFile},
			"postgres://from-file/db", dbSource{kind: srcFile, path: urlFile}, false},
		{"missing file", map[string]string{"DATABASE_URL_FILE": urlFile + ".gone"}, "",
			dbSource{kind: srcFile, path: urlFile + ".gone"}, true},
		{"credential", map[string]string{"CREDENTIALS_DIRECTORY": creds},
			"postgres://from-credential/db", credential, false},
		{"no credential", map[string]string{"CREDENTIALS_DIRECTORY": dir + "/none"}, "",
			dbSource{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, src, err := databaseURLFromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want || src != tt.wantSrc {
				t.Errorf("got %q from %+v, want %q from %+v", got, src, tt.want, tt.wantSrc)
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

// TestCheckDatabaseNamesSource checks that a bad or unreachable URL's fix
// names the place the URL came from, with a complete example to put there.
func TestCheckDatabaseNamesSource(t *testing.T) {
	dir := t.TempDir()
	down := closedPort(t)
	write := func(name, url string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(url+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badFile := write("bad", "nonsense")
	downFile := write("down", pgURL(down))
	creds := filepath.Join(dir, "creds")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	badCred := filepath.Join(creds, "database_url")
	if err := os.WriteFile(badCred, []byte("nonsense"), 0o600); err != nil {
		t.Fatal(err)
	}
	const example = "postgres://nordbid:SECRET@db.internal:5432/nordbid (or key=value: " +
		"host=db.internal port=5432 user=nordbid password=SECRET dbname=nordbid)"

	tests := []struct {
		name      string
		env       map[string]string
		wantValue string
		wantFix   string
	}{
		{"bad variable", map[string]string{"DATABASE_URL": "nonsense"},
			"cannot parse the database URL: expected key=value (from DATABASE_URL)",
			"set DATABASE_URL to a URL such as " + example},
		{"bad file", map[string]string{"DATABASE_URL_FILE": badFile},
			"(from DATABASE_URL_FILE " + badFile + ")",
			"write a URL such as " + example + " into " + badFile +
				", the file DATABASE_URL_FILE names"},
		{"bad credential", map[string]string{"CREDENTIALS_DIRECTORY": creds},
			"(from credential " + badCred + ")",
			"write a URL such as " + example + " into the file the unit's " +
				"LoadCredential=database_url: names (/etc/credstore/nordbid.database_url"},
		{"unreachable from file", map[string]string{"DATABASE_URL_FILE": downFile},
			down + " unreachable",
			"start PostgreSQL, or correct the host and port in DATABASE_URL_FILE " +
				downFile + "; check with pg_isready -d \"$(cat " + downFile + ")\""},
		{"unreachable from variable", map[string]string{"DATABASE_URL": pgURL(down)},
			down + " unreachable",
			"start PostgreSQL, or correct the host and port in DATABASE_URL; check with " +
				"pg_isready -d \"$DATABASE_URL\""},
		{"unreadable file", map[string]string{"DATABASE_URL_FILE": dir + "/gone"},
			"read DATABASE_URL_FILE: ", "make " + dir + "/gone readable by the user that " +
				"runs nordbid, or unset DATABASE_URL_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(Config{
				Getenv:      func(k string) string { return tt.env[k] },
				DialTimeout: time.Second,
			})
			got := checkDatabase(context.Background(), e)
			if got.Status != Fail || !strings.Contains(got.Value, tt.wantValue) {
				t.Errorf("got %s %q, want fail with %q", got.Status, got.Value, tt.wantValue)
			}
			if !strings.HasPrefix(got.Fix, tt.wantFix) || strings.Contains(got.Fix, "...") {
				t.Errorf("got fix\n%q\nwant one starting\n%q\nand complete", got.Fix, tt.wantFix)
			}
		})
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
