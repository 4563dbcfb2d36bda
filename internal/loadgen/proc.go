package loadgen

import (
	"bytes"
	"errors"
	"os"
	"strconv"
)

// clockTicks is the unit of the CPU times in /proc/PID/stat. Linux fixes
// USER_HZ at 100 on every architecture Go supports.
const clockTicks = 100

var errProcFormat = errors.New("unexpected /proc format")

// readProc reads a local process's resident set size in bytes and its CPU
// time (user plus system) in seconds from /proc. It fails where there is
// no /proc or no such process.
func readProc(pid int) (rss int64, cpu float64, err error) {
	dir := "/proc/" + strconv.Itoa(pid)
	status, err := os.ReadFile(dir + "/status")
	if err != nil {
		return 0, 0, err
	}
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return 0, 0, err
	}
	if rss, err = parseRSS(status); err != nil {
		return 0, 0, err
	}
	cpu, err = parseCPU(stat)
	return rss, cpu, err
}

// parseRSS reads the "VmRSS:  123 kB" line of /proc/PID/status.
func parseRSS(status []byte) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, errProcFormat
		}
		kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			return 0, errProcFormat
		}
		return kb << 10, nil
	}
	return 0, errProcFormat
}

// parseCPU reads utime and stime, fields 14 and 15 of /proc/PID/stat. The
// command name (field 2) may hold spaces, so counting starts after its
// closing parenthesis.
func parseCPU(stat []byte) (float64, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, errProcFormat
	}
	fields := bytes.Fields(stat[i+1:])
	// fields[0] is field 3 (state), so utime and stime are 11 and 12.
	if len(fields) < 13 {
		return 0, errProcFormat
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, errProcFormat
		}
		ticks += n
	}
	return float64(ticks) / clockTicks, nil
}

// readHostCPU reads, in seconds summed over all CPUs since boot, the
// time the whole machine spent busy and the time its hypervisor withheld
// from it (steal): the first line of /proc/stat.
func readHostCPU() (busy, steal float64, err error) {
	stat, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	return parseHostCPU(stat)
}

func parseHostCPU(stat []byte) (busy, steal float64, err error) {
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 9 || string(fields[0]) != "cpu" {
		return 0, 0, errProcFormat
	}
	var ticks [8]int64
	for i, f := range fields[1:9] {
		if ticks[i], err = strconv.ParseInt(string(f), 10, 64); err != nil {
			return 0, 0, errProcFormat
		}
	}
	// user nice system idle iowait irq softirq steal: busy is all but
	// idle, iowait and steal; guest time is already part of user.
	b := ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]
	return float64(b) / clockTicks, float64(ticks[7]) / clockTicks, nil
}
