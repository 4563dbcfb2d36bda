// Package server runs nordbid's two listeners: the bid listener that
// exchanges call (bids and notices) and the admin listener (metrics,
// health, admin API). It owns reading bodies under limits, timeouts and
// graceful shutdown; the decisions are the bidder's and the notice
// handler's.
//
// The bid listener runs on fasthttp, which reuses its request and response
// objects per connection: with net/http the allocations of each request
// cost a garbage collection every few milliseconds at load (measured in
// BENCHMARKS.md). The admin listener keeps net/http.
package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"nordbid/internal/bidder"
	"nordbid/internal/notice"
	"nordbid/internal/telemetry"
)

// Options configure a Server. Every field is required unless noted.
type Options struct {
	Bidder  *bidder.Bidder
	Notices *notice.Handler
	Metrics *telemetry.Metrics
	Logger  *slog.Logger
	// Ready reports whether the bidder can serve: nil when ready, else
	// why not.
	Ready func() error
	// Admin serves every admin-listener path other than /metrics,
	// /health and /ready (the admin API and dashboard); nil answers 404.
	Admin http.Handler
	// Profiling serves the Go profiler under /debug/pprof/ on the admin
	// listener, unauthenticated: turn it on only where that listener is
	// private.
	Profiling bool

	// MaxBody and MaxDecompressed limit request bodies, in bytes.
	MaxBody, MaxDecompressed int64
	// ReadTimeout bounds reading one request; IdleTimeout closes idle
	// keep-alive connections.
	ReadTimeout, IdleTimeout time.Duration
	// MaxConns is the most bid-listener connections served at once;
	// fasthttp answers 503 on connections beyond it. 0 means 10,000.
	MaxConns int
}

// Server is the pair of listeners.
type Server struct {
	opt   Options
	bid   *fasthttp.Server
	admin *http.Server
	works sync.Pool
	// reasons holds one header value per no-bid reason; read-only.
	reasons map[string][]byte
}

// work is the per-request scratch of the bid handler.
type work struct {
	bw   *bidder.Work
	body bodyReader
}

// New builds the handlers of both listeners.
func New(opt Options) *Server {
	s := &Server{opt: opt, reasons: make(map[string][]byte)}
	s.works.New = func() any { return &work{bw: bidder.NewWork()} }
	for _, r := range bidder.Reasons() {
		s.reasons[r] = []byte(r)
	}

	s.bid = &fasthttp.Server{
		Handler:      s.route,
		ErrorHandler: s.readError,
		// Bodies are streamed to the handler, which reads them into its
		// own reusable buffer under MaxBody; fasthttp reads ahead at most
		// this much of each into a pooled buffer of steady size.
		StreamRequestBody:  true,
		MaxRequestBodySize: 4 << 10,
		ReadTimeout:        opt.ReadTimeout,
		// Answers are small and due within tmax; a client that cannot take
		// one in 5 s is gone.
		WriteTimeout: 5 * time.Second,
		IdleTimeout:  opt.IdleTimeout,
		// Idle keep-alive connections keep their read buffer while bodies
		// are streamed: 2 KB instead of the default 4 KB saved 19 MB of
		// 152 with 5,000 connections at equal CPU; headers and the start
		// of a body fit, the rest is read straight into the body buffer.
		ReadBufferSize:        2 << 10,
		Concurrency:           cmp.Or(opt.MaxConns, 10_000),
		NoDefaultServerHeader: true,
		Logger:                fastLogger{opt.Logger},
		// Buffers of idle keep-alive connections go back to the pools, so
		// thousands of quiet exchange connections cost little memory.
		ReduceMemoryUsage: true,
	}

	admin := http.NewServeMux()
	admin.Handle("GET /metrics", opt.Metrics)
	s.health(admin)
	if opt.Profiling {
		admin.HandleFunc("/debug/pprof/", pprof.Index)
		admin.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		admin.HandleFunc("/debug/pprof/profile", pprof.Profile)
		admin.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		admin.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	if opt.Admin != nil {
		admin.Handle("/", opt.Admin)
	} else {
		admin.HandleFunc("/", notFound)
	}
	s.admin = &http.Server{
		Handler:           admin,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(opt.Logger.Handler(), slog.LevelDebug),
	}
	return s
}

// readError answers a request fasthttp could not read, in the JSON form of
// every other error.
func (s *Server) readError(ctx *fasthttp.RequestCtx, err error) {
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		be := tooLarge(s.opt.MaxBody, "body").(*bodyError)
		fastError(ctx, be.status, be.msg)
		return
	}
	var small *fasthttp.ErrSmallBuffer
	if errors.As(err, &small) {
		fastError(ctx, http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf(
			"headers: request line and headers larger than %d bytes", s.bid.ReadBufferSize))
		return
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		fastError(ctx, http.StatusRequestTimeout, "request: not read in time")
		return
	}
	fastError(ctx, http.StatusBadRequest, "request: malformed HTTP")
}

// Serve answers on the two listeners until ctx is cancelled, then stops
// accepting, drains in-flight requests for at most drain, and returns.
func (s *Server) Serve(ctx context.Context, bidLn, adminLn net.Listener,
	drain time.Duration) error {
	errc := make(chan error, 2)
	go func() { errc <- s.bid.Serve(bidLn) }()
	go func() { errc <- s.admin.Serve(adminLn) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		err = fmt.Errorf("listener stopped: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if e := s.bid.ShutdownWithContext(sctx); e != nil {
		err = errors.Join(err, fmt.Errorf("drain bid listener: %w", e))
	}
	if e := s.admin.Shutdown(sctx); e != nil {
		err = errors.Join(err, fmt.Errorf("drain admin listener: %w", e))
	}
	return err
}

func (s *Server) health(mux *http.ServeMux) {
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, bodyOK)
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.opt.Ready(); err != nil {
			writeError(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		writeJSON(w, http.StatusOK, bodyReady)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "no such endpoint: "+quote(r.URL.Path))
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// writeError answers with a JSON body {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody(msg))
}

func errorBody(msg string) []byte {
	b := make([]byte, 0, len(msg)+16)
	b = append(b, `{"error":`...)
	b = strconv.AppendQuote(b, msg)
	return append(b, '}')
}

// fastLogger routes fasthttp's own messages (connection errors) to slog at
// debug level: they concern single clients, not the operator.
type fastLogger struct{ log *slog.Logger }

func (l fastLogger) Printf(format string, args ...any) {
	l.log.Debug("http", "detail", fmt.Sprintf(format, args...))
}
