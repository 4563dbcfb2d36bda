package doctor

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
)

// Paths of the kernel files the checks read, relative to the root
// filesystem so that tests can point them at fixtures.
const (
	pathStat        = "proc/stat"
	pathLimits      = "proc/self/limits"
	pathCgroup      = "proc/self/cgroup"
	pathCPUInfo     = "proc/cpuinfo"
	pathFileMax     = "proc/sys/fs/file-max"
	pathNrOpen      = "proc/sys/fs/nr_open"
	pathSomaxconn   = "proc/sys/net/core/somaxconn"
	pathSynBacklog  = "proc/sys/net/ipv4/tcp_max_syn_backlog"
	pathTwReuse     = "proc/sys/net/ipv4/tcp_tw_reuse"
	pathPortRange   = "proc/sys/net/ipv4/ip_local_port_range"
	pathClockSource = "sys/devices/system/clocksource/clocksource0/current_clocksource"
	pathClockAvail  = "sys/devices/system/clocksource/clocksource0/available_clocksource"
	pathTHPEnabled  = "sys/kernel/mm/transparent_hugepage/enabled"
	pathTHPDefrag   = "sys/kernel/mm/transparent_hugepage/defrag"
)

// unlimited stands for "unlimited" in /proc/self/limits.
const unlimited = math.MaxUint64

// readString returns the trimmed content of a small kernel file.
func readString(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// readUint reads a kernel file that holds one unsigned number.
func readUint(fsys fs.FS, name string) (uint64, error) {
	s, err := readString(fsys, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse %s: %w", name, err)
	}
	return n, nil
}

// cpuTimes holds the aggregate CPU time counters of /proc/stat, in clock
// ticks since boot.
type cpuTimes struct {
	// busy is user, nice, system, irq and softirq time together.
	busy uint64
	// idle is idle and iowait time together.
	idle uint64
	// steal is time the hypervisor gave this guest's CPUs to others.
	steal uint64
}

// total is all CPU time the counters account for.
func (c cpuTimes) total() uint64 { return c.busy + c.idle + c.steal }

// stealShare returns the share of CPU time stolen between two samples and
// false when no time passed between them (or the counters went backwards,
// as they do on a fixture swap).
func stealShare(before, after cpuTimes) (float64, bool) {
	if after.total() <= before.total() || after.steal < before.steal {
		return 0, false
	}
	return float64(after.steal-before.steal) / float64(after.total()-before.total()), true
}

// maxTicks bounds one /proc/stat counter so that sums cannot overflow:
// a thousand CPUs for a century at 100 ticks a second stay far below it.
const maxTicks = 1 << 56

// parseCPUTimes reads the aggregate "cpu" line of /proc/stat. Guest time
// is left out because the kernel already counts it inside user and nice.
// It allocates nothing unless it fails.
func parseCPUTimes(data []byte) (cpuTimes, error) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	// "cpu", then user nice system idle iowait irq softirq steal; kernels
	// before 2.6.11 stop early, and the missing columns count as zero.
	var fields [9][]byte
	n := splitFields(fields[:], line)
	if n < 5 || string(fields[0]) != "cpu" {
		return cpuTimes{}, errors.New("parse stat: no aggregate cpu line")
	}
	var v [8]uint64
	for i, f := range fields[1:n] {
		c, err := strconv.ParseUint(string(f), 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("parse stat: %w", err)
		}
		if c > maxTicks {
			return cpuTimes{}, fmt.Errorf("parse stat: counter %d out of range", c)
		}
		v[i] = c
	}
	return cpuTimes{
		busy:  v[0] + v[1] + v[2] + v[5] + v[6],
		idle:  v[3] + v[4],
		steal: v[7],
	}, nil
}

// splitFields puts the first len(dst) fields of line, separated by
// spaces and tabs, into dst and returns how many it found.
func splitFields(dst [][]byte, line []byte) int {
	n := 0
	for n < len(dst) {
		line = bytes.TrimLeft(line, " \t\r")
		if len(line) == 0 {
			break
		}
		end := bytes.IndexAny(line, " \t\r")
		if end < 0 {
			end = len(line)
		}
		dst[n], line = line[:end], line[end:]
		n++
	}
	return n
}

// readCPUTimes reads and parses /proc/stat under the root.
func readCPUTimes(fsys fs.FS) (cpuTimes, error) {
	b, err := fs.ReadFile(fsys, pathStat)
	if err != nil {
		return cpuTimes{}, err
	}
	return parseCPUTimes(b)
}

// parseNofile returns the soft and hard open-file limits from the content
// of /proc/self/limits; "unlimited" becomes the constant unlimited. It
// allocates nothing unless it fails.
func parseNofile(data []byte) (soft, hard uint64, err error) {
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(line, []byte("Max open files"))
		if !ok {
			continue
		}
		var f [2][]byte
		if splitFields(f[:], bytes.TrimSuffix(rest, []byte("\n"))) < 2 {
			break
		}
		if soft, err = parseLimit(f[0]); err != nil {
			return 0, 0, err
		}
		if hard, err = parseLimit(f[1]); err != nil {
			return 0, 0, err
		}
		return soft, hard, nil
	}
	return 0, 0, errors.New("parse limits: no max open files line")
}

func parseLimit(b []byte) (uint64, error) {
	if string(b) == "unlimited" {
		return unlimited, nil
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse limits: %w", err)
	}
	return n, nil
}

// readNofile reads the open-file limits of the calling process.
func readNofile(fsys fs.FS) (soft, hard uint64, err error) {
	b, err := fs.ReadFile(fsys, pathLimits)
	if err != nil {
		return 0, 0, err
	}
	return parseNofile(b)
}

// isNotExist reports a kernel file that is absent, as opposed to one that
// cannot be read.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// selected returns the bracketed choice of a sysfs multiple-choice file
// such as "always [madvise] never".
func selected(s string) string {
	_, after, ok := strings.Cut(s, "[")
	if !ok {
		return strings.TrimSpace(s)
	}
	choice, _, _ := strings.Cut(after, "]")
	return choice
}
