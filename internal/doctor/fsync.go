package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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

// checkFsync measures how long the data directory's storage takes to make
// a small append durable, which bounds how fast the journal commits.
func checkFsync(ctx context.Context, e env) Result {
	want := fmt.Sprintf("median < %s", fsyncWarn)
	s, err := e.fsync(ctx, e.dataDir)
	if errors.Is(err, fs.ErrPermission) {
		return Result{
			Check:  "fsync",
			Status: Fail,
			Value:  "cannot write: " + err.Error(),
			Want:   want,
			Fix: fmt.Sprintf("chown -R nordbid:nordbid %s (the user that runs nordbid)",
				e.dataDir),
		}
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
// fsync, in a temporary file it removes afterwards.
func measureFsync(ctx context.Context, dir string) (fsyncSample, error) {
	dir, err := nearestDir(dir)
	if err != nil {
		return fsyncSample{}, err
	}
	f, err := os.CreateTemp(dir, ".nordbid-doctor-fsync-*")
	if err != nil {
		return fsyncSample{}, fmt.Errorf("create probe: %w", err)
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
			return fsyncSample{}, fmt.Errorf("write probe: %w", err)
		}
		start := time.Now()
		if err := f.Sync(); err != nil {
			return fsyncSample{}, fmt.Errorf("fsync probe: %w", err)
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
// always on the same storage.
func nearestDir(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				return "", fmt.Errorf("%s is not a directory", dir)
			}
			return dir, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", err
		}
		dir = parent
	}
}
