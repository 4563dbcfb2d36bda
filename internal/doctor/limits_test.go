package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheckOpenFilesFixtures(t *testing.T) {
	tests := []struct {
		host        string
		connections int
		want        Status
		wantValue   string
	}{
		{"kvm-tuned", 10000, Pass, "soft 65536, hard 65536"},
		{"kvm-tuned", 70000, Fail, "soft 65536, hard 65536"},
		{"kvm-default", 10000, Fail, "soft 1024, hard 1024"},
		{"kvm-default", 1, Fail, "soft 1024, hard 1024"},
		{"baremetal", 3000, Pass, "soft 4096, hard 4096"},
		{"openvz", 1000000, Pass, "soft unlimited, hard unlimited"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			e := env{fsys: os.DirFS(filepath.Join("testdata", "hosts", tt.host)),
				connections: tt.connections}
			got := checkOpenFiles(e)
			if got.Status != tt.want || got.Value != tt.wantValue {
				t.Errorf("got %s %q, want %s %q", got.Status, got.Value, tt.want, tt.wantValue)
			}
		})
	}
}

func TestOpenFilesFixScalesWithConnections(t *testing.T) {
	tests := []struct {
		connections int
		wantInFix   string
	}{
		{10000, "LimitNOFILE=65536"},
		{100000, "LimitNOFILE=101024"},
	}
	for _, tt := range tests {
		t.Run(tt.wantInFix, func(t *testing.T) {
			got := openFilesResult(1024, 1024, tt.connections)
			if got.Status != Fail || !strings.Contains(got.Fix, tt.wantInFix) {
				t.Errorf("got %s %q, want fail with %q", got.Status, got.Fix, tt.wantInFix)
			}
		})
	}
}

func TestCheckOpenFilesUnreadable(t *testing.T) {
	got := checkOpenFiles(env{fsys: fstest.MapFS{}, connections: 10})
	if got.Status != Warn || !strings.HasPrefix(got.Value, "unknown") {
		t.Errorf("got %s %q, want warn unknown", got.Status, got.Value)
	}
}

func TestFileMaxResult(t *testing.T) {
	tests := []struct {
		name            string
		fileMax, nrOpen uint64
		want            Status
	}{
		{"modern defaults", 9223372036854775807, 1048576, Pass},
		{"table shared thin", 15000, 1048576, Warn},
		{"table too small", 5000, 1048576, Fail},
		{"nr_open below LimitNOFILE", 9223372036854775807, 32768, Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fileMaxResult(tt.fileMax, tt.nrOpen, 10000)
			if got.Status != tt.want {
				t.Errorf("got %s (%s), want %s", got.Status, got.Value, tt.want)
			}
			if tt.want != Pass && !strings.HasPrefix(got.Fix, "sysctl -w fs.file-max=") {
				t.Errorf("got fix %q, want a sysctl command", got.Fix)
			}
		})
	}
}
