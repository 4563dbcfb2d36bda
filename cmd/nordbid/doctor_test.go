package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestDoctorUsageErrors checks that a bad doctor command line exits 2 and
// says what is wrong exactly once, counting what main prints after run.
func TestDoctorUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string // NORDBID_MAX_CONNECTIONS
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "", "flag provided but not defined: -bogus"},
		{"bad value", []string{"--connections", "many"}, "",
			`invalid value "many" for flag -connections`},
		{"not positive", []string{"--connections", "0"}, "", "--connections must be positive"},
		{"argument", []string{"now"}, "", `unexpected argument "now"`},
		{"bad environment", nil, "lots", `NORDBID_MAX_CONNECTIONS "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NORDBID_MAX_CONNECTIONS", tt.env)
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"doctor"}, tt.args...), &stdout, &stderr)
			if code := exitCode(err); code != 2 {
				t.Fatalf("got %v (exit %d), want exit 2", err, code)
			}
			// main prints "nordbid: " and the error after run returns.
			all := stderr.String() + "nordbid: " + err.Error()
			if n := strings.Count(all, tt.want); n != 1 {
				t.Errorf("got %q %d times in\n%s\nwant once", tt.want, n, all)
			}
			if stdout.Len() != 0 {
				t.Errorf("got stdout %q, want nothing", stdout.String())
			}
		})
	}
}

func TestDoctorHelp(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(t.Context(), []string{"doctor", "-h"}, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("got %v, want exit 0", err)
	}
	if !strings.Contains(stderr.String(), "-connections") {
		t.Errorf("got %q, want the flags", stderr.String())
	}
}
