package telemetry

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"strconv"
	"sync"
	"syscall"
)

// clockTicks is USER_HZ, the unit of times in /proc/<pid>/stat: 100 on
// every Linux architecture Go builds for.
const clockTicks = 100

// self reads the figures of this process. One reader serves every
// Metrics: the files it holds open belong to the process, not to a
// registry.
var self procReader

// procReader keeps /proc/self/statm and /proc/self/fd open and re-reads
// them from the start at each scrape, so that a scrape opens no file and
// allocates nothing. A file that cannot be read omits its series.
type procReader struct {
	mu     sync.Mutex
	opened bool
	statm  *os.File // nil when it could not be opened
	fdDir  int      // -1 when it could not be opened
	buf    []byte
	// start is the start time in Unix seconds; startOK reports that
	// /proc told it.
	start   float64
	startOK bool
}

// writeProcess appends the process series that can be read.
func writeProcess(t *text) {
	self.mu.Lock()
	defer self.mu.Unlock()
	p := &self
	p.open()

	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		secs := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		t.header("process_cpu_seconds_total",
			"User and system CPU time of the process, in seconds.", "counter")
		t.float("process_cpu_seconds_total", secs)
	}
	if vsize, rss, ok := p.memory(); ok {
		page := uint64(os.Getpagesize())
		t.header("process_resident_memory_bytes",
			"Resident set size of the process, in bytes (/proc/self/statm).", "gauge")
		t.uint("process_resident_memory_bytes", nil, nil, rss*page)
		t.header("process_virtual_memory_bytes",
			"Virtual memory size of the process, in bytes (/proc/self/statm).", "gauge")
		t.uint("process_virtual_memory_bytes", nil, nil, vsize*page)
	}
	if n, ok := p.openFDs(); ok {
		t.header("process_open_fds",
			"Open file descriptors of the process (/proc/self/fd).", "gauge")
		t.uint("process_open_fds", nil, nil, n)
	}
	// The open-file limit is nordbid_open_files_limit, from the doctor's
	// host gauges: one series per fact.
	if p.startOK {
		t.header("process_start_time_seconds",
			"Start time of the process, in seconds since the Unix epoch.", "gauge")
		t.float("process_start_time_seconds", p.start)
	}
}

// open opens the files once and reads the start time, which never
// changes.
func (p *procReader) open() {
	if p.opened {
		return
	}
	p.opened = true
	p.buf = make([]byte, 4<<10)
	if f, err := os.Open("/proc/self/statm"); err == nil {
		p.statm = f
	}
	p.fdDir = -1
	fd, err := syscall.Open("/proc/self/fd",
		syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err == nil {
		p.fdDir = fd
	}
	p.start, p.startOK = startTime()
}

// memory returns the virtual and resident size in pages.
func (p *procReader) memory() (vsize, rss uint64, ok bool) {
	if p.statm == nil {
		return 0, 0, false
	}
	n, err := p.statm.ReadAt(p.buf, 0)
	if err != nil && err != io.EOF {
		return 0, 0, false
	}
	fields := p.buf[:n]
	vsize, fields, ok = nextUint(fields)
	if !ok {
		return 0, 0, false
	}
	rss, _, ok = nextUint(fields)
	return vsize, rss, ok
}

// nextUint parses the first space-separated decimal of b and returns the
// rest.
func nextUint(b []byte) (uint64, []byte, bool) {
	b = bytes.TrimLeft(b, " ")
	end := bytes.IndexAny(b, " \n")
	if end < 0 {
		end = len(b)
	}
	var v uint64
	if end == 0 {
		return 0, b, false
	}
	for _, c := range b[:end] {
		if c < '0' || c > '9' {
			return 0, b, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, b[end:], true
}

// openFDs counts the entries of /proc/self/fd by reading the directory
// records straight from the kernel: listing the names would allocate one
// string per descriptor, and a busy bidder holds thousands.
func (p *procReader) openFDs() (uint64, bool) {
	if p.fdDir < 0 {
		return 0, false
	}
	if _, err := syscall.Seek(p.fdDir, 0, io.SeekStart); err != nil {
		return 0, false
	}
	var count uint64
	for {
		n, err := syscall.Getdents(p.fdDir, p.buf)
		if err != nil {
			return 0, false
		}
		if n <= 0 {
			return count, true
		}
		count += countDirents(p.buf[:n])
	}
}

// countDirents counts the linux_dirent64 records of b other than "." and
// "..". A record is an 8-byte inode, an 8-byte offset, a 2-byte length,
// a 1-byte type and the NUL-terminated name.
func countDirents(b []byte) uint64 {
	var n uint64
	for len(b) >= 20 {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < 20 || reclen > len(b) {
			break
		}
		name := b[19:reclen]
		if end := bytes.IndexByte(name, 0); end >= 0 {
			name = name[:end]
		}
		if string(name) != "." && string(name) != ".." {
			n++
		}
		b = b[reclen:]
	}
	return n
}

// startTime reads the process's start from /proc: its start in clock
// ticks after boot (field 22 of /proc/self/stat) plus the boot time.
func startTime() (float64, bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// The command name in parentheses may hold spaces: fields count from
	// the last parenthesis, where field 3 begins.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 20 {
		return 0, false
	}
	ticks, err := strconv.ParseUint(string(fields[22-3]), 10, 64)
	if err != nil {
		return 0, false
	}

	sys, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(sys) {
		v, found := bytes.CutPrefix(line, []byte("btime "))
		if !found {
			continue
		}
		boot, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
		if err != nil {
			return 0, false
		}
		return float64(boot) + float64(ticks)/clockTicks, true
	}
	return 0, false
}
