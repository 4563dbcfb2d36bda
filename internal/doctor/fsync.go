package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Fsync latency thresholds. Local SSD and NVMe sync in well under a
// millisecond; network block storage takes a few; a rotating disk needs
// at least part of a revolution, 8.3 ms at 7200 rpm, for every sync.
const (
	fsyncWarn = 2 * time.Millisecond
	fsyncFail = 8 * time.Millisecond
)

// fsyncRounds is how many write+fsync rounds are timed: enough for a
// stable median, few enough to finish in well under a second on a disk.
const fsyncRounds = 16

// fsyncSample is the fsync latency measured for a data directory.
type fsyncSample struct {
	// dir is the directory measured: the data directory, or its nearest
	// existing parent when it does not exist yet.
	dir string
	// median and max are over the timed rounds.
	median, max time.Duration
}

// writeError reports a data directory that nordbid could not use: the
// probe could not reach it, or create, write or sync a file in it. It is a
// fail, unlike a measurement cut short.
type writeError struct {
	// dir is where the probe ran: the data directory, or its nearest
	// existing parent when the data directory does not exist yet; with
	// lookup, the path that could not be looked up.
	dir string
	// op says what failed, e.g. "create probe in /var/lib".
	op string
	// lookup means that dir itself could not be looked up, so neither
	// creating nor owning it would help.
	lookup bool
	err    error
}

func (e *writeError) Error() string { return e.op + ": " + e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// newWriteError records a failed step; a path error is reduced to its
// cause, since op already names the directory and the probe's random name
// would only add noise.
func newWriteError(dir, op string, err error) *writeError {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &writeError{dir: dir, op: op, err: err}
}

// checkFsync measures how long the data directory's storage takes to make
// a small append durable, which bounds how fast the journal commits. A
// directory that cannot be created or written fails: nordbid serve could
// not open its store there.
func checkFsync(ctx context.Context, e env) Result {
	want := fmt.Sprintf("median < %s", fsyncWarn)
	s, err := e.fsync(ctx, e.dataDir)
	var we *writeError
	if errors.As(err, &we) {
		return fsyncWriteResult(e.dataDir, we)
	}
	if err != nil && ctx.Err() != nil {
		return inconclusive("fsync", want, err, interrupted)
	}
	if err != nil {
		return inconclusive("fsync", want, err, "point --data (NORDBID_DATA_DIR) at a "+
			"directory on the disk nordbid will use")
	}
	return fsyncResult(e.dataDir, s)
}

// stateDirNote tells where the shipped unit's data directory comes from.
const stateDirNote = "; under the shipped systemd unit, StateDirectory=nordbid creates " +
	"/var/lib/nordbid and gives it to the service user"

// fsyncWriteResult fails a data directory that cannot be used, with the
// fix that the cause calls for.
func fsyncWriteResult(dataDir string, we *writeError) Result {
	r := Result{
		Check:  "fsync",
		Status: Fail,
		Value:  "cannot write: " + we.Error(),
		Want:   fmt.Sprintf("median < %s", fsyncWarn),
	}
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	missing := we.dir != abs
	if missing {
		r.Value += fmt.Sprintf(" (%s does not exist yet)", dataDir)
	}

	dir := shellQuote(abs)
	switch {
	case errors.Is(we.err, syscall.ENOTDIR):
		r.Fix = "point --data (NORDBID_DATA_DIR) at a directory, not a file"
	case we.lookup && errors.Is(we.err, fs.ErrPermission):
		r.Fix = fmt.Sprintf("the user that runs nordbid must be able to reach %s "+
			"(search permission on every parent), or point --data (NORDBID_DATA_DIR) "+
			"elsewhere", shellQuote(we.dir)) + stateDirNote
	case errors.Is(we.err, syscall.EROFS):
		r.Fix = "the filesystem is read-only: point --data (NORDBID_DATA_DIR) at a " +
			"writable one" + stateDirNote
	case errors.Is(we.err, fs.ErrPermission) && missing:
		r.Fix = fmt.Sprintf("mkdir -p %s && chown nordbid: %s (the user that runs "+
			"nordbid)", dir, dir) + stateDirNote
	case errors.Is(we.err, fs.ErrPermission):
		r.Fix = fmt.Sprintf("chown nordbid: %s (the user that runs nordbid)", dir) +
			stateDirNote
	default:
		r.Fix = "point --data (NORDBID_DATA_DIR) at a writable directory on the disk " +
			"nordbid will use" + stateDirNote
	}
	return r
}

// shellQuote returns s as one shell word: unchanged when it holds only
// characters that need no quoting, else in single quotes.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			strings.ContainsRune("/._-+,:@%=", r))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func fsyncResult(dataDir string, s fsyncSample) Result {
	r := Result{
		Check:  "fsync",
		Status: Pass,
		Value:  fmt.Sprintf("median %s, max %s in %s", round(s.median), round(s.max), s.dir),
		Want:   fmt.Sprintf("median < %s", fsyncWarn),
	}
	if abs, _ := filepath.Abs(dataDir); s.dir != abs {
		r.Value += fmt.Sprintf(" (%s does not exist yet)", dataDir)
	}
	switch {
	case s.median >= fsyncFail:
		r.Status = Fail
		r.Fix = "HDD-class storage: put the data directory (--data) on SSD or NVMe"
	case s.median >= fsyncWarn:
		r.Status = Warn
		r.Fix = "network-class storage: put the data directory (--data) on local SSD, " +
			"or use the fleet store (DATABASE_URL)"
	}
	return r
}

// round keeps two significant decimals of a millisecond for the table.
func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

// measureFsync times fsyncRounds appends of 4 KiB, each made durable with
// fsync, in a temporary file it removes afterwards. A directory it cannot
// reach or write is a *writeError.
func measureFsync(ctx context.Context, dir string) (fsyncSample, error) {
	dir, err := nearestDir(dir)
	if err != nil {
		return fsyncSample{}, err
	}
	f, err := os.CreateTemp(dir, ".nordbid-doctor-fsync-*")
	if err != nil {
		return fsyncSample{}, newWriteError(dir, "create probe in "+dir, err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()

	// One untimed round first: the first sync also commits the new
	// file's inode, which the journal's appends do not pay.
	block := make([]byte, 4096)
	times := make([]time.Duration, 0, fsyncRounds)
	for i := range fsyncRounds + 1 {
		if err := ctx.Err(); err != nil {
			return fsyncSample{}, err
		}
		if _, err := f.Write(block); err != nil {
			return fsyncSample{}, newWriteError(dir, "write probe in "+dir, err)
		}
		start := time.Now()
		if err := f.Sync(); err != nil {
			return fsyncSample{}, newWriteError(dir, "fsync probe in "+dir, err)
		}
		if i > 0 {
			times = append(times, time.Since(start))
		}
	}

	slices.Sort(times)
	return fsyncSample{dir: dir, median: times[len(times)/2], max: times[len(times)-1]}, nil
}

// nearestDir returns dir, or its nearest existing ancestor: before the
// first start the data directory may not exist, and its parent is almost
// always on the same storage. A path that is a file, or that cannot be
// looked up, is a *writeError.
func nearestDir(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("resolve data directory: %w", err)
	}
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return "", newWriteError(dir, "use "+dir, syscall.ENOTDIR)
			}
			return dir, nil
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			we := newWriteError(dir, "stat "+dir, err)
			we.lookup = true
			return "", we
		}
		parent := filepath.Dir(dir)
		dir = parent
	}
}
