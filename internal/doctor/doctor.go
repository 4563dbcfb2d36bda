// Package doctor checks whether a Linux host is fit to run nordbid with
// thousands of keep-alive connections, and exports the host signals that
// change while it runs (CPU steal, GOMAXPROCS, the open-file limit) as
// Prometheus metrics.
//
// Each check is a small function from observed values to a Result; the
// values come from /proc and /sys under a root filesystem that tests
// replace with fixtures.
package doctor

import (
	"context"
	"io/fs"
	"os"
	"runtime"
	"time"
)

// Status is the verdict of one check.
type Status int

// The verdicts, from good to bad.
const (
	// Pass means the host meets what nordbid needs.
	Pass Status = iota
	// Warn means nordbid will serve, but latency or headroom suffers.
	Warn
	// Fail means nordbid will drop connections or miss deadlines.
	Fail
)

// String returns "pass", "warn" or "fail".
func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Warn:
		return "warn"
	default:
		return "fail"
	}
}

// MarshalText encodes the status as its String form, for --json.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Result is the outcome of one check.
type Result struct {
	// Check is the stable identifier of the check, e.g. "somaxconn".
	Check string `json:"check"`
	// Status is the verdict.
	Status Status `json:"status"`
	// Value is what was observed on the host, e.g. "4096".
	Value string `json:"value"`
	// Want is what nordbid needs, e.g. ">= 8192".
	Want string `json:"want"`
	// Fix is the command or setting that turns a warn or fail into a
	// pass; empty when the check passed.
	Fix string `json:"fix,omitempty"`
}

// Config says what the host is checked against. The zero value checks the
// real host for the defaults of nordbid serve.
type Config struct {
	// Root is the filesystem holding proc/ and sys/; nil means the real
	// root directory. Tests point it at fixtures.
	Root fs.FS
	// Connections is the number of keep-alive connections to plan for;
	// zero or less means DefaultConnections.
	Connections int
	// DataDir is the data directory of the embedded store, whose fsync
	// latency is measured; it is an operating system path, not one under
	// Root. Empty means "./data".
	DataDir string
	// Getenv looks up DATABASE_URL, DATABASE_URL_FILE and
	// CREDENTIALS_DIRECTORY to find the fleet store to dial; nil means
	// os.Getenv. The files they name are operating system paths.
	Getenv func(string) string
	// StealWindow is how long CPU steal is sampled; zero means one second.
	StealWindow time.Duration
	// DialTimeout bounds the database dial; zero means two seconds.
	DialTimeout time.Duration
}

// DefaultConnections is the keep-alive connection count planned for when
// none is configured.
const DefaultConnections = 10000

// env is everything the checks observe, resolved from a Config. Tests
// build it directly to replace what the runtime would report.
type env struct {
	fsys        fs.FS
	connections int
	dataDir     string
	// databaseURL is the fleet store's URL, empty for the embedded store;
	// databaseSrc says where it came from, databaseErr why it could not
	// be read.
	databaseURL string
	databaseSrc dbSource
	databaseErr error
	stealWindow time.Duration
	dialTimeout time.Duration
	// gomaxprocs and numCPU are what the Go runtime reports.
	gomaxprocs int
	numCPU     int
	// fsync measures the fsync latency of a directory.
	fsync func(ctx context.Context, dir string) (fsyncSample, error)
}

func newEnv(cfg Config) env {
	e := env{
		fsys:        cfg.Root,
		connections: cfg.Connections,
		dataDir:     cfg.DataDir,
		stealWindow: cfg.StealWindow,
		dialTimeout: cfg.DialTimeout,
		gomaxprocs:  runtime.GOMAXPROCS(0),
		numCPU:      runtime.NumCPU(),
		fsync:       measureFsync,
	}
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	e.databaseURL, e.databaseSrc, e.databaseErr = databaseURLFromEnv(getenv)
	if e.fsys == nil {
		e.fsys = os.DirFS("/")
	}
	if e.connections <= 0 {
		e.connections = DefaultConnections
	}
	if e.dataDir == "" {
		e.dataDir = "./data"
	}
	if e.stealWindow <= 0 {
		e.stealWindow = time.Second
	}
	if e.dialTimeout <= 0 {
		// Long enough for a database across a region, short enough that
		// doctor does not hang on a dropped SYN.
		e.dialTimeout = 2 * time.Second
	}
	return e
}

// Run checks the host and returns one Result per check, in a fixed order.
// It takes about StealWindow plus the fsync measurement; a cancelled ctx
// cuts the sampling short and the affected checks warn.
func Run(ctx context.Context, cfg Config) []Result {
	return run(ctx, newEnv(cfg))
}

func run(ctx context.Context, e env) []Result {
	return []Result{
		checkOpenFiles(e),
		checkFileMax(e),
		checkSomaxconn(e),
		checkSynBacklog(e),
		checkTwReuse(e),
		checkPortRange(e),
		checkVirtualization(e),
		checkSteal(ctx, e),
		checkClockSource(e),
		checkTHP(e),
		checkGOMAXPROCS(e),
		checkFsync(ctx, e),
		checkDatabase(ctx, e),
	}
}

// Count returns how many results have the given status.
func Count(results []Result, s Status) int {
	n := 0
	for _, r := range results {
		if r.Status == s {
			n++
		}
	}
	return n
}
