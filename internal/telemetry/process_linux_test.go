package telemetry

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestProcessSeries(t *testing.T) {
	m := New(nil)
	before := expose(t, m)
	for _, name := range []string{"process_resident_memory_bytes",
		"process_virtual_memory_bytes", "process_open_fds"} {
		if s := value(t, before, name, name); s.value <= 0 {
			t.Errorf("%s = %v, want above 0", name, s.value)
		}
	}
	if typ := before["process_cpu_seconds_total"].typ; typ != "counter" {
		t.Errorf("process_cpu_seconds_total is a %s, want a counter", typ)
	}
	start := value(t, before, "process_start_time_seconds", "process_start_time_seconds")
	now := float64(time.Now().Unix())
	if start.value > now+2 || start.value < now-3600 {
		t.Errorf("start time %v, now %v: want the last hour", start.value, now)
	}

	// The files are held open: a second scrape must see new values.
	dir := t.TempDir()
	for i := range 10 {
		f, err := os.Create(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
	}
	// Fresh anonymous pages: heap pages could be resident from before.
	ballast, err := syscall.Mmap(-1, 0, 32<<20, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(ballast)
	for i := range ballast {
		ballast[i] = 1
	}
	after := expose(t, m)
	fds := func(f map[string]*family) float64 {
		return value(t, f, "process_open_fds", "process_open_fds").value
	}
	if fds(after) < fds(before)+10 {
		t.Errorf("open fds %v after opening 10 files, was %v", fds(after), fds(before))
	}
	rss := func(f map[string]*family) float64 {
		return value(t, f, "process_resident_memory_bytes", "process_resident_memory_bytes").value
	}
	if rss(after) < rss(before)+16<<20 {
		t.Errorf("rss %v after touching 32 MiB, was %v", rss(after), rss(before))
	}
}
