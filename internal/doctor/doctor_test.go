package doctor

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// liveStat serves proc/stat from a list of samples, one per read, in place
// of the kernel's moving counters; every other file comes from the
// embedded fixture root.
type liveStat struct {
	fs.FS
	mu      sync.Mutex
	samples [][]byte
}

func (l *liveStat) Open(name string) (fs.File, error) {
	if name != pathStat {
		return l.FS.Open(name)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	data := l.samples[0]
	if len(l.samples) > 1 {
		l.samples = l.samples[1:]
	}
	return fstest.MapFS{"stat": {Data: data}}.Open("stat")
}

// stealSamples reads the two /proc/stat samples of a steal fixture.
func stealSamples(t *testing.T, name string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, f := range []string{"stat.0", "stat.1"} {
		b, err := os.ReadFile(filepath.Join("testdata", "steal", name, f))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fixtureEnv is a host fixture with a steal fixture, fixed CPU counts and
// a canned fsync median, so that nothing depends on the test machine.
func fixtureEnv(t *testing.T, host, steal string, fsyncMedian time.Duration) env {
	t.Helper()
	root := filepath.Join("testdata", "hosts", host)
	if _, err := os.Stat(root); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	return env{
		fsys:        &liveStat{FS: os.DirFS(root), samples: stealSamples(t, steal)},
		connections: DefaultConnections,
		dataDir:     dataDir,
		stealWindow: time.Millisecond,
		dialTimeout: time.Second,
		gomaxprocs:  2,
		numCPU:      2,
		fsync: func(context.Context, string) (fsyncSample, error) {
			return fsyncSample{dir: dataDir, median: fsyncMedian, max: 2 * fsyncMedian}, nil
		},
	}
}

// loopbackDB returns the address of a TCP listener on 127.0.0.1 that
// accepts and closes connections until the test ends.
func loopbackDB(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

// closedPort returns a loopback address where nothing listens: a port
// that was just bound and released.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// pgURL is a PostgreSQL URL for the address, without a password.
func pgURL(addr string) string { return "postgres://bid@" + addr + "/nordbid" }

func TestRunFixtureHosts(t *testing.T) {
	const (
		P = Pass
		W = Warn
		F = Fail
	)
	tests := []struct {
		host, steal string
		fsync       time.Duration
		procs, ncpu int
		dbURL       func(t *testing.T) string
		want        map[string]Status
	}{
		{
			host: "kvm-tuned", steal: "quiet", fsync: 300 * time.Microsecond, procs: 2, ncpu: 2,
			want: map[string]Status{"open_files": P, "file_max": P, "somaxconn": P,
				"syn_backlog": P, "tcp_tw_reuse": P, "port_range": P, "virtualization": P,
				"cpu_steal": P, "clocksource": P, "thp": P, "gomaxprocs": P, "fsync": P,
				"database": P},
		},
		{
			host: "kvm-default", steal: "stolen", fsync: 12 * time.Millisecond, procs: 2, ncpu: 2,
			dbURL: func(t *testing.T) string { return pgURL(closedPort(t)) },
			want: map[string]Status{"open_files": F, "file_max": P, "somaxconn": W,
				"syn_backlog": W, "tcp_tw_reuse": W, "port_range": P, "virtualization": P,
				"cpu_steal": F, "clocksource": P, "thp": W, "gomaxprocs": P, "fsync": F,
				"database": F},
		},
		{
			host: "docker", steal: "noisy", fsync: 3 * time.Millisecond, procs: 4, ncpu: 4,
			dbURL: func(t *testing.T) string { return pgURL(loopbackDB(t)) },
			want: map[string]Status{"open_files": P, "file_max": P, "somaxconn": W,
				"syn_backlog": W, "tcp_tw_reuse": W, "port_range": P, "virtualization": P,
				"cpu_steal": W, "clocksource": P, "thp": P, "gomaxprocs": W, "fsync": W,
				"database": P},
		},
		{
			host: "baremetal", steal: "baremetal", fsync: 100 * time.Microsecond,
			procs: 2, ncpu: 2,
			want: map[string]Status{"open_files": F, "file_max": P, "somaxconn": F,
				"syn_backlog": W, "tcp_tw_reuse": W, "port_range": P, "virtualization": P,
				"cpu_steal": P, "clocksource": W, "thp": P, "gomaxprocs": P, "fsync": P,
				"database": P},
		},
		{
			host: "openvz", steal: "quiet", fsync: 500 * time.Microsecond, procs: 4, ncpu: 4,
			want: map[string]Status{"open_files": P, "file_max": P, "somaxconn": F,
				"syn_backlog": W, "tcp_tw_reuse": W, "port_range": P, "virtualization": W,
				"cpu_steal": P, "clocksource": W, "thp": P, "gomaxprocs": P, "fsync": P,
				"database": P},
		},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			e := fixtureEnv(t, tt.host, tt.steal, tt.fsync)
			e.gomaxprocs, e.numCPU = tt.procs, tt.ncpu
			if tt.dbURL != nil {
				e.databaseURL = tt.dbURL(t)
			}

			results := run(context.Background(), e)
			if len(results) != len(tt.want) {
				t.Fatalf("got %d results, want %d", len(results), len(tt.want))
			}
			for _, r := range results {
				want, ok := tt.want[r.Check]
				if !ok {
					t.Errorf("unexpected check %q", r.Check)
					continue
				}
				if r.Status != want {
					t.Errorf("%s: got %s (%s), want %s", r.Check, r.Status, r.Value, want)
				}
				if (r.Status == Pass) != (r.Fix == "") {
					t.Errorf("%s: status %s with fix %q: a fix belongs to every "+
						"warn and fail, and only to them", r.Check, r.Status, r.Fix)
				}
			}
		})
	}
}

func TestRunDefaultsToTheRealHost(t *testing.T) {
	// Run against the real /proc and /sys: on Linux every check must read
	// its input, whatever the verdict. A check that cannot read says
	// "unknown", which here would mean a wrong path.
	if _, err := os.Stat("/proc/self/limits"); err != nil {
		t.Fatalf("this test needs Linux with /proc: %v", err)
	}
	results := Run(context.Background(), Config{
		DataDir:     t.TempDir(),
		StealWindow: 50 * time.Millisecond,
		Getenv:      func(string) string { return "" },
	})
	for _, r := range results {
		// The clock source and THP files are absent in some sandboxes;
		// those report "unknown" honestly and are left out here.
		if r.Check == "clocksource" || r.Check == "thp" || r.Check == "cpu_steal" {
			continue
		}
		if strings.HasPrefix(r.Value, "unknown") {
			t.Errorf("%s: got %q, want a value read from the host", r.Check, r.Value)
		}
	}
}

func TestCount(t *testing.T) {
	rs := []Result{{Status: Pass}, {Status: Fail}, {Status: Warn}, {Status: Fail}}
	for _, tt := range []struct {
		s    Status
		want int
	}{{Pass, 1}, {Warn, 1}, {Fail, 2}} {
		t.Run(tt.s.String(), func(t *testing.T) {
			if got := Count(rs, tt.s); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}
