package doctor

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFsyncResult(t *testing.T) {
	tests := []struct {
		median time.Duration
		want   Status
	}{
		{200 * time.Microsecond, Pass},
		{1999 * time.Microsecond, Pass},
		{2 * time.Millisecond, Warn},
		{8 * time.Millisecond, Fail},
		{25 * time.Millisecond, Fail},
	}
	for _, tt := range tests {
		t.Run(tt.median.String(), func(t *testing.T) {
			dir := t.TempDir()
			got := fsyncResult(dir, fsyncSample{dir: dir, median: tt.median, max: tt.median})
			if got.Status != tt.want {
				t.Errorf("got %s (%s), want %s", got.Status, got.Value, tt.want)
			}
		})
	}
}

func TestMeasureFsync(t *testing.T) {
	dir := t.TempDir()
	s, err := measureFsync(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.dir != dir || s.median <= 0 || s.max < s.median {
		t.Errorf("got %+v, want the directory and 0 < median <= max", s)
	}
	left, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("got %d files left behind, want none", len(left))
	}
}

func TestMeasureFsyncMissingDataDir(t *testing.T) {
	parent := t.TempDir()
	s, err := measureFsync(context.Background(), filepath.Join(parent, "data", "nordbid"))
	if err != nil {
		t.Fatal(err)
	}
	if s.dir != parent {
		t.Errorf("got %q, want the nearest existing parent %q", s.dir, parent)
	}
	got := fsyncResult(filepath.Join(parent, "data", "nordbid"), s)
	if !strings.Contains(got.Value, "does not exist yet") {
		t.Errorf("got %q, want a note that the directory does not exist", got.Value)
	}
}

func TestMeasureFsyncNotADirectory(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := measureFsync(context.Background(), f); err == nil {
		t.Error("got no error for a regular file, want one")
	}
}

func TestCheckFsyncCannotWrite(t *testing.T) {
	parent := t.TempDir()
	existing := filepath.Join(parent, "nordbid")
	if err := os.Mkdir(existing, 0o700); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(parent, "data", "nordbid")
	spaced := filepath.Join(parent, "my data")
	if err := os.Mkdir(spaced, 0o700); err != nil {
		t.Fatal(err)
	}
	denied := &fs.PathError{Op: "open", Path: "x", Err: syscall.EACCES}

	tests := []struct {
		name    string
		dataDir string
		err     *writeError
		wantFix string
	}{
		{"existing, not ours", existing,
			&writeError{dir: existing, op: "create probe", err: denied},
			"chown nordbid: " + existing + " (the user that runs nordbid); under the " +
				"shipped systemd unit, StateDirectory=nordbid creates /var/lib/nordbid"},
		{"missing, parent not ours", missing,
			&writeError{dir: parent, op: "create probe", err: denied},
			"mkdir -p " + missing + " && chown nordbid: " + missing + " (the user"},
		{"quoted", spaced, &writeError{dir: spaced, op: "create probe", err: denied},
			"chown nordbid: '" + spaced + "' ("},
		{"read-only", existing,
			&writeError{dir: existing, op: "create probe", err: syscall.EROFS},
			"the filesystem is read-only"},
		{"parent not searchable", missing,
			&writeError{dir: parent, op: "stat", lookup: true, err: syscall.EACCES},
			"the user that runs nordbid must be able to reach " + parent},
		{"no files here, as in /proc", missing,
			&writeError{dir: parent, op: "create probe", err: syscall.ENOENT},
			"point --data (NORDBID_DATA_DIR) at a writable directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{
				dataDir: tt.dataDir,
				fsync: func(context.Context, string) (fsyncSample, error) {
					return fsyncSample{}, fmt.Errorf("measure: %w", tt.err)
				},
			}
			got := checkFsync(context.Background(), e)
			if got.Status != Fail || !strings.HasPrefix(got.Value, "cannot write: ") {
				t.Errorf("got %s %q, want fail, cannot write", got.Status, got.Value)
			}
			if !strings.HasPrefix(got.Fix, tt.wantFix) || strings.Contains(got.Fix, "-R") {
				t.Errorf("got fix %q, want one starting %q, without -R", got.Fix, tt.wantFix)
			}
		})
	}
}

// TestCheckFsyncUnusableDir runs the real probe on data directories that
// nordbid could not use: each must fail, not warn "unknown".
func TestCheckFsyncUnusableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dataDir, wantValue, wantFix string
	}{
		{"a file", file, "cannot write: use " + file + ": not a directory",
			"point --data (NORDBID_DATA_DIR) at a directory, not a file"},
		{"under a file", filepath.Join(file, "data"), "cannot write: stat ",
			"point --data (NORDBID_DATA_DIR) at a directory, not a file"},
		// Nothing can be created in /proc/sys, by root or anyone: the probe
		// fails with ENOENT (root) or EACCES (others).
		{"in procfs", "/proc/sys/nordbid-doctor-test", "cannot write: create probe in " +
			"/proc/sys: ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{dataDir: tt.dataDir, fsync: measureFsync}
			got := checkFsync(context.Background(), e)
			if got.Status != Fail || !strings.HasPrefix(got.Value, tt.wantValue) {
				t.Errorf("got %s %q, want fail %q", got.Status, got.Value, tt.wantValue)
			}
			if !strings.HasPrefix(got.Fix, tt.wantFix) {
				t.Errorf("got fix %q, want %q", got.Fix, tt.wantFix)
			}
		})
	}
}

func TestCheckFsyncInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := env{dataDir: t.TempDir(), fsync: measureFsync}
	got := checkFsync(ctx, e)
	if got.Status != Warn || !strings.HasPrefix(got.Value, "unknown: ") ||
		got.Fix != interrupted {
		t.Errorf("got %s %q %q, want warn unknown with %q", got.Status, got.Value, got.Fix,
			interrupted)
	}
}

func TestShellQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/var/lib/nordbid", "/var/lib/nordbid"},
		{"/srv/my data", "'/srv/my data'"},
		{"/srv/it's", `'/srv/it'\''s'`},
		{"/srv/$HOME", "'/srv/$HOME'"},
		{"", "''"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := shellQuote(tt.in); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
