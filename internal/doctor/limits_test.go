package doctor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

func TestOpenFilesValue(t *testing.T) {
	const raised = " (Go raises the soft limit to hard-1 at start)"
	tests := []struct {
		soft, hard uint64
		want       string
	}{
		{20000, 20000, "soft 20000, hard 20000"},
		{19999, 20000, "soft 19999, hard 20000" + raised},
		{1024, 20000, "soft 1024, hard 20000"},
		{unlimited - 1, unlimited, "soft 18446744073709551614, hard unlimited"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := openFilesResult(tt.soft, tt.hard, 10000).Value; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// nofileChildEnv makes the test binary, started again by
// TestOpenFilesReportsGoRaise, print what open_files reports and exit.
const nofileChildEnv = "NORDBID_DOCTOR_NOFILE_CHILD"

// TestOpenFilesReportsGoRaise starts a Go process with the soft limit at
// 1024 and a higher hard limit, as "prlimit --nofile=1024:H" does, and
// checks that open_files reports hard-1 with the reason.
func TestOpenFilesReportsGoRaise(t *testing.T) {
	if os.Getenv(nofileChildEnv) != "" {
		fmt.Println(checkOpenFiles(env{fsys: os.DirFS("/"), connections: 1}).Value)
		return
	}
	var orig syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	if orig.Max < 4096 || orig.Max == unlimited {
		t.Skipf("hard open-file limit %d: need a finite one of at least 4096", orig.Max)
	}

	// The child inherits the lowered soft limit; ours is restored at once,
	// before anything else in this test process opens files.
	low := syscall.Rlimit{Cur: 1024, Max: orig.Max}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenFilesReportsGoRaise$")
	cmd.Env = append(os.Environ(), nofileChildEnv+"=1")
	var out strings.Builder
	cmd.Stdout = &out
	startErr := cmd.Start()
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig); err != nil {
		t.Fatal(err)
	}
	if startErr != nil {
		t.Fatal(startErr)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}

	want := fmt.Sprintf("soft %d, hard %d (Go raises the soft limit to hard-1 at start)",
		orig.Max-1, orig.Max)
	if !strings.Contains(out.String(), want) {
		t.Errorf("got %q, want %q", out.String(), want)
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
