package config

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Listen != ":8080" || c.AdminListen != "127.0.0.1:8081" || c.DataDir != "./data" {
		t.Errorf("listeners/data = %q %q %q", c.Listen, c.AdminListen, c.DataDir)
	}
	if c.TokenKeyFile != "./data/token.key" {
		t.Errorf("TokenKeyFile = %q", c.TokenKeyFile)
	}
	if c.DefaultTMax != 100*time.Millisecond || c.MaxBody != 262144 {
		t.Errorf("DefaultTMax = %v, MaxBody = %d", c.DefaultTMax, c.MaxBody)
	}
}

func TestFlagBeatsEnv(t *testing.T) {
	c, err := Load("serve", []string{"--listen", "127.0.0.1:9000", "--demo"},
		env(map[string]string{"NORDBID_LISTEN": "127.0.0.1:7000", "NORDBID_DATA_DIR": "/srv/x"}),
		io.Discard)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Listen != "127.0.0.1:9000" || !c.Demo || c.DataDir != "/srv/x" {
		t.Errorf("got listen %q demo %v data %q", c.Listen, c.Demo, c.DataDir)
	}
}

func TestReportsEveryBadValue(t *testing.T) {
	_, err := Load("serve", []string{"--token-ttl", "soon"}, env(map[string]string{
		"NORDBID_LISTEN":    "nope",
		"NORDBID_MAX_BODY":  "big",
		"NORDBID_LOG_LEVEL": "loud",
	}), io.Discard)
	if err == nil {
		t.Fatal("Load accepted bad values")
	}
	for _, want := range []string{
		"NORDBID_LISTEN", "NORDBID_MAX_BODY", "--token-ttl", "NORDBID_LOG_LEVEL",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestRefusesPortOutOfRange(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:99999", ":-1", "127.0.0.1:http"} {
		_, err := Load("serve", nil, env(map[string]string{
			"NORDBID_ADMIN_LISTEN": addr, "NORDBID_DATA_DIR": "/srv/x",
		}), io.Discard)
		if err == nil || !strings.Contains(err.Error(), "NORDBID_ADMIN_LISTEN") {
			t.Errorf("admin listen %q: error %v, want one naming NORDBID_ADMIN_LISTEN", addr, err)
		}
	}
}

// TestREADMEDocumentsEverySetting keeps the README's configuration table
// in step with the code.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	var buf bytes.Buffer
	Table(&buf)
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if !bytes.Contains(readme, []byte(line)) {
			t.Errorf("README lacks the configuration line\n%s\n"+
				"(the README table is config.Table output)", line)
		}
	}
}
