// Package pgtest gives tests a PostgreSQL schema of their own on the
// server named by NORDBID_TEST_DATABASE_URL.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URLVar names the environment variable that points the tests at a
// PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/test.
const URLVar = "NORDBID_TEST_DATABASE_URL"

// URL returns the server URL. When none is set it skips the test, or
// fails it under CI=true, where a missing server is a broken job.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(URLVar)
	if u != "" {
		return u
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not set: CI must run the PostgreSQL tests "+
			"(scripts/start-postgres.sh starts the server)", URLVar)
	}
	t.Skipf("PostgreSQL tests skipped: set %s (for example "+
		"postgres://postgres@127.0.0.1:5432/test) to run them", URLVar)
	return ""
}

// Schema creates an empty schema for the test, dropped when it ends, and
// returns the server URL with that schema as search path, so that tests
// and packages running in parallel never see each other's tables.
func Schema(t testing.TB) string {
	t.Helper()
	base := URL(t)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s: want a postgres:// URL", URLVar)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "nordbid_test_" + hex.EncodeToString(b)

	exec := func(sql string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Exec runs one statement on the database at dbURL, as an operator would
// with psql, failing the test on error.
func Exec(t testing.TB, dbURL, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}
