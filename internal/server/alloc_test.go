package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

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
// the server's part of a request: reading the body from the connection's
// stream under its limit, gunzipping it, counting and answering. Every
// valid corpus request is sent streamed, as the listener receives bodies,
// and once gzipped.
func TestBidHandlerAllocatesNothing(t *testing.T) {
	s := demoServer(t)
	files, err := filepath.Glob("../../../shared/corpus/requests/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus missing: %v", err)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, nil)
	var src bytes.Reader
	send := func(body []byte, gzipped bool) int {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(http.MethodPost)
		ctx.Request.SetRequestURI("/openrtb2/bid")
		if gzipped {
			ctx.Request.Header.Set("Content-Encoding", "gzip")
		}
		src.Reset(body)
		ctx.Request.SetBodyStream(&src, len(body))
		s.route(&ctx)
		return ctx.Response.StatusCode()
	}
	bids := 0
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
			for range 3 {
				send(tc.body, tc.gzipped)
			}
			status := send(tc.body, tc.gzipped)
			if status == http.StatusBadRequest {
				continue // a refusal builds its message
			}
			if status == http.StatusOK {
				bids++
			}
			allocs := testing.AllocsPerRun(20, func() { send(tc.body, tc.gzipped) })
			if allocs != 0 {
				t.Errorf("%s (gzip %v, status %d): %v allocations per request, want 0",
					filepath.Base(f), tc.gzipped, status, allocs)
			}
		}
	}
	if bids == 0 {
		t.Error("no request bid: the test would prove nothing")
	}
}
