package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMDrainsAndExitsZero runs the real binary, bids, and sends it
// SIGTERM as systemd would: it must stop and exit 0.
func TestSIGTERMDrainsAndExitsZero(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "nordbid")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--demo", "--listen", "127.0.0.1:0",
		"--admin-listen", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	var bid string
	var seen []string
	for bid == "" && lines.Scan() {
		seen = append(seen, lines.Text())
		var l struct{ Msg, Bid string }
		if json.Unmarshal(lines.Bytes(), &l) == nil && l.Msg == "serving" {
			bid = l.Bid
		}
	}
	if bid == "" {
		t.Fatalf("no serving line in:\n%s", strings.Join(seen, "\n"))
	}
	body, err := os.ReadFile(corpus + "/requests/01_iab26_simple_banner.json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+bid+"/openrtb2/bid", "application/json",
		strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bid status %d", resp.StatusCode)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped := false
	for lines.Scan() {
		stopped = stopped || strings.Contains(lines.Text(), `"msg":"stopped"`)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit within 20 s of SIGTERM")
	}
	if !stopped {
		t.Error(`no "stopped" log line after SIGTERM`)
	}
}
