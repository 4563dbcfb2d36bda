package doctor

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

func TestCheckFsyncPermission(t *testing.T) {
	e := env{
		dataDir: "/var/lib/nordbid",
		fsync: func(context.Context, string) (fsyncSample, error) {
			return fsyncSample{}, fmt.Errorf("create probe: %w", fs.ErrPermission)
		},
	}
	got := checkFsync(context.Background(), e)
	const want = "chown -R nordbid:nordbid /var/lib/nordbid"
	if got.Status != Fail || !strings.Contains(got.Fix, want) {
		t.Errorf("got %s %q, want fail with a chown fix", got.Status, got.Fix)
	}
}

func TestCheckFsyncInconclusive(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		dataDir func(t *testing.T) string
		wantFix string
	}{
		{"interrupted", cancelled, func(t *testing.T) string { return t.TempDir() }, interrupted},
		{"a file, not a directory", context.Background(), func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			if err := os.WriteFile(f, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return f
		}, "point --data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{dataDir: tt.dataDir(t), fsync: measureFsync}
			got := checkFsync(tt.ctx, e)
			if got.Status != Warn || !strings.HasPrefix(got.Fix, tt.wantFix) {
				t.Errorf("got %s %q, want warn with %q", got.Status, got.Fix, tt.wantFix)
			}
		})
	}
}
