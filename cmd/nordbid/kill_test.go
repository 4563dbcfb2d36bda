package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"nordbid/internal/store/postgres/pgtest"
)

// process is a nordbid binary running on loopback ports.
type process struct {
	cmd *exec.Cmd
	*node
	// startLog holds the messages it logged up to "serving".
	startLog []string
}

// buildBinary builds nordbid once for the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nordbid")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess execs bin serve with args on loopback port 0 and waits
// until it listens.
func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0",
		"--admin-listen", "127.0.0.1:0", "--log-format", "json",
		"--public-url", publicURL}, args...)...)
	cmd.Env = append(os.Environ(), "DATABASE_URL=")
	// The log goes to stderr; both streams share one pipe.
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	type started struct {
		bid, admin string
		log        []string
	}
	ready := make(chan started, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var msgs []string
		for sc.Scan() {
			var line struct{ Msg, Bid, Admin string }
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			if line.Msg == "serving" {
				ready <- started{line.Bid, line.Admin, msgs}
			}
			msgs = append(msgs, line.Msg)
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case s := <-ready:
		return &process{cmd: cmd, startLog: s.log,
			node: &node{bid: "http://" + s.bid, admin: "http://" + s.admin}}
	case <-time.After(30 * time.Second):
		t.Fatal("nordbid did not listen within 30 s")
	}
	return nil
}

// TestKillDuringNoticeStorm: a node is killed with SIGKILL while billing
// notices flow and its database link is down, so that some charges sit in
// its journal. After a restart on the same data directory, every
// acknowledged charge is in the ledger exactly once.
func TestKillDuringNoticeStorm(t *testing.T) {
	const count = 60
	dbURL := pgtest.Schema(t)
	bin := buildBinary(t)
	p := startProxy(t, targetOf(t, dbURL))
	data := t.TempDir()
	args := []string{"--demo", "--database-url", p.via(t, dbURL), "--migrate",
		"--data", data, "--db-acquire-timeout", "500ms"}
	first := startProcess(t, bin, args...)
	urls, micros := billings(t, first.node, count)

	a := &acks{other: map[string]int{}}
	var wg sync.WaitGroup
	for i := range count {
		if i == count/3 {
			p.setCut(true)
		}
		if i == 2*count/3 {
			// Kill mid-storm: notices still in flight go unanswered.
			first.cmd.Process.Kill()
		}
		wg.Go(func() { a.send(urls[i], micros[i]) })
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	first.cmd.Wait()
	if len(a.charged) == 0 {
		t.Fatalf("no notice acknowledged before the kill: %v", a.other)
	}
	// The test is only worth its name if the kill left charges to replay.
	if fi, err := os.Stat(filepath.Join(data, "notices.journal")); err != nil || fi.Size() == 0 {
		t.Fatalf("journal after the kill: %v, want journaled charges", err)
	}

	p.setCut(false)
	startProcess(t, bin, args...)
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := ledgerPrices(dbURL)
		if err == nil && containsEach(got, a.charged) && !hasRepeat(got) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ledger after restart = %v (%v); want each acknowledged %v once",
				got, err, a.charged)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// containsEach reports whether sorted holds every value of want.
func containsEach(sorted, want []int64) bool {
	for _, w := range want {
		if _, ok := slices.BinarySearch(sorted, w); !ok {
			return false
		}
	}
	return true
}

// hasRepeat reports whether sorted holds a value twice: a bid charged
// twice, since every bid has its own price.
func hasRepeat(sorted []int64) bool {
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return true
		}
	}
	return false
}
