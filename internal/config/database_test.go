package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDatabaseURLSources: the URL comes from DATABASE_URL, else from
// DATABASE_URL_FILE, else from the systemd credential; errors never carry
// the secret.
func TestDatabaseURLSources(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "url")
	err := os.WriteFile(file, []byte("postgres://u:fromfile@127.0.0.1/db\n"), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "database_url"),
		[]byte("postgres://u:fromcred@127.0.0.1/db"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"none", nil, ""},
		{"variable", map[string]string{"DATABASE_URL": "postgres://direct"}, "postgres://direct"},
		{"variable beats file", map[string]string{
			"DATABASE_URL": "postgres://direct", "DATABASE_URL_FILE": file,
		}, "postgres://direct"},
		{"file", map[string]string{"DATABASE_URL_FILE": file},
			"postgres://u:fromfile@127.0.0.1/db"},
		{"file beats credential", map[string]string{
			"DATABASE_URL_FILE": file, "CREDENTIALS_DIRECTORY": creds,
		}, "postgres://u:fromfile@127.0.0.1/db"},
		{"credential", map[string]string{"CREDENTIALS_DIRECTORY": creds},
			"postgres://u:fromcred@127.0.0.1/db"},
		{"credential directory without it", map[string]string{"CREDENTIALS_DIRECTORY": dir}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("serve", nil, env(tt.env), io.Discard)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := c.DatabaseURL; got != tt.want {
				t.Errorf("DatabaseURL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDatabaseSettings(t *testing.T) {
	c, err := Load("serve", []string{"--migrate"}, env(nil), io.Discard)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.DBMaxConns != 50 || c.DBAcquireTimeout != 3*time.Second || !c.Migrate {
		t.Errorf("DBMaxConns %d, DBAcquireTimeout %v, Migrate %v; want 50, 3s, true",
			c.DBMaxConns, c.DBAcquireTimeout, c.Migrate)
	}

	_, err = Load("serve", nil, env(map[string]string{
		"DATABASE_URL_FILE":          filepath.Join(t.TempDir(), "missing"),
		"NORDBID_DB_MAX_CONNS":       "0",
		"NORDBID_DB_ACQUIRE_TIMEOUT": "-1s",
	}), io.Discard)
	for _, want := range []string{
		"DATABASE_URL_FILE", "NORDBID_DB_MAX_CONNS", "NORDBID_DB_ACQUIRE_TIMEOUT",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load error %v does not name %s", err, want)
		}
	}
}
