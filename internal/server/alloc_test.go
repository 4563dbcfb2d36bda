//go:build linux

package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nordbid/internal/bidder"
	"nordbid/internal/budget"
	"nordbid/internal/demo"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

// buildServer is a Server bidding from snap, not yet listening.
func buildServer(t *testing.T, snap *store.Snapshot, maxBody, maxDecompressed int64) *Server {
	t.Helper()
	book := budget.NewBook(time.Minute)
	ix, err := index.Build(snap, 1, book, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	signer := notice.NewSigner([]byte("test-key"), time.Hour)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := telemetry.New(bidder.Reasons())
	return New(Options{
		Bidder: bidder.New(bidder.Options{Index: func() *index.Index { return ix },
			Signer: signer, Caps: freqcap.New(), PublicURL: "http://x", Currency: "USD",
			DefaultTMax: time.Second, Margin: time.Millisecond, Metrics: m}),
		Notices: notice.NewHandler(notice.Options{Signer: signer,
			Index: func() *index.Index { return ix }, Book: book, Caps: freqcap.New(),
			Logger: log}),
		Metrics: m, Logger: log, Ready: func() error { return nil },
		MaxBody: maxBody, MaxDecompressed: maxDecompressed, ReadTimeout: time.Second,
		IdleTimeout: time.Second,
	})
}

// demoServer is a Server over the demo campaigns, not listening: tests
// drive its handler with in-memory requests.
func demoServer(t *testing.T) *Server {
	return buildServer(t, demo.Snapshot(demo.Options{}), 256<<10, 1<<20)
}

// TestBidHandlerAllocatesNothing extends the bidder's allocation tests to
// the server's part of a request: parsing it from the bytes a connection
// read, gunzipping, counting, answering and writing the answer to the
// socket. Every corpus request is sent plain and once gzipped, including
// the one refused as invalid.
func TestBidHandlerAllocatesNothing(t *testing.T) {
	s := demoServer(t)
	files, err := filepath.Glob("../../../shared/corpus/requests/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus missing: %v", err)
	}
	l, peer := loopWithConn(t, s)
	c := l.b.conn(peer.local)
	reply := make([]byte, 256<<10)
	send := func(req []byte) int {
		l.now = time.Now()
		l.answer(c, req)
		n, err := unix.Read(peer.remote, reply)
		if err != nil || n < 12 {
			return 0
		}
		status, _ := strconv.Atoi(string(reply[9:12]))
		return status
	}
	bids, refusals := 0, 0
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		zw.Write(body)
		zw.Close()
		for _, tc := range []struct {
			body    []byte
			gzipped bool
		}{{body, false}, {zipped.Bytes(), true}} {
			req := postRequest("/openrtb2/bid", tc.body, tc.gzipped)
			for range 3 {
				send(req)
			}
			status := send(req)
			switch status {
			case http.StatusOK:
				bids++
			case http.StatusBadRequest:
				refusals++
			}
			if status == 0 {
				t.Fatalf("%s: no answer", filepath.Base(f))
			}
			allocs := testing.AllocsPerRun(20, func() { send(req) })
			if allocs != 0 {
				t.Errorf("%s (gzip %v, status %d): %v allocations per request, want 0",
					filepath.Base(f), tc.gzipped, status, allocs)
			}
		}
	}
	if bids == 0 || refusals == 0 {
		t.Errorf("%d requests bid, %d refused: want some of each", bids, refusals)
	}
}

// postRequest is an HTTP/1.1 POST of body to path, gzipped or not.
func postRequest(path string, body []byte, gzipped bool) []byte {
	head := "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	if gzipped {
		head += "Content-Encoding: gzip\r\n"
	}
	head += "Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n"
	return append([]byte(head), body...)
}

// socketPair is a connection's two ends: local is the listener's.
type socketPair struct{ local, remote int }

// loopWithConn is an event loop of s, not running, whose listener has one
// end of a socket pair as its connection; the test holds the other.
func loopWithConn(t *testing.T, s *Server) (*loop, socketPair) {
	t.Helper()
	b, err := newBidListener(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.release)
	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[1]) })
	l := b.loops[0]
	l.now = time.Now()
	if b.add(fds[0]) == nil {
		t.Fatal("the loop did not take the connection")
	}
	return l, socketPair{fds[0], fds[1]}
}
