package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// node is a nordbid serve process started in-process on port 0.
type node struct {
	bid, admin string // base URLs
	stop       func() error
}

// publicURL is the notice base the test server is told; tests swap it for
// the listener's real address.
const publicURL = "http://nordbid.test"

// startNode runs `nordbid serve --demo` on loopback port 0 with a fresh
// data directory and waits until it listens.
func startNode(t *testing.T, extra ...string) *node {
	t.Helper()
	args := append([]string{"serve", "--demo", "--listen", "127.0.0.1:0",
		"--admin-listen", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json",
		"--public-url", publicURL}, extra...)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, io.Discard, pw)
		pw.Close()
	}()
	addrs := make(chan [2]string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var line struct{ Msg, Bid, Admin string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				addrs <- [2]string{line.Bid, line.Admin}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	n := &node{}
	select {
	case a := <-addrs:
		n.bid, n.admin = "http://"+a[0], "http://"+a[1]
	case err := <-done:
		cancel()
		t.Fatalf("serve exited before listening: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not listen within 30 s")
	}
	var once sync.Once
	var stopErr error
	n.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(20 * time.Second):
				t.Error("serve did not stop within 20 s of its signal")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := n.stop(); err != nil {
			t.Errorf("serve returned %v on shutdown", err)
		}
	})
	return n
}

func (n *node) post(t *testing.T, path string, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(n.bid+path, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// local turns a notice URL of a bid into one aimed at the test node.
func (n *node) local(u string) string {
	return n.bid + strings.TrimPrefix(u, publicURL)
}

// metric returns the value of one sample line of the admin /metrics.
func (n *node) metric(t *testing.T, series string) string {
	t.Helper()
	_, body := get(t, n.admin+"/metrics")
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			return v
		}
	}
	return ""
}
