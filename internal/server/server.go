// Package server runs nordbid's two listeners: the bid listener that
// exchanges call (bids and notices) and the admin listener (metrics,
// health, admin API). It owns reading requests under limits, timeouts and
// graceful shutdown; the decisions are the bidder's and the notice
// handler's.
//
// The bid listener speaks HTTP/1.1 itself, on one event loop per CPU
// sharing one epoll set (loop_linux.go). A request costs one read, one
// write and one epoll_ctl system call, no goroutine switch and no memory of
// its own. Whichever loop is free serves the next connection with
// something to read, so a loop the kernel keeps off its core holds up only
// the few connections it took events for. An idle keep-alive connection costs about a hundred
// bytes of state (plus up to 16 KB kept for one whose requests arrive in
// pieces) instead of a goroutine stack and buffers. A panic in a handler
// answers that request 500 and nothing more.
// BENCHMARKS.md has the measurements that chose it over fasthttp
// and net/http. The admin listener keeps net/http.
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
	"runtime"
	"runtime/debug"
	"strconv"
	"time"

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
	// Loops is the number of event loops of the bid listener; 0 means
	// GOMAXPROCS.
	Loops int
	// MaxConns is the most bid-listener connections served at once;
	// connections beyond it are answered 503 and closed. 0 means 10,000.
	MaxConns int
}

// Server is the pair of listeners.
type Server struct {
	opt   Options
	admin *http.Server
	// reasons holds one header value per no-bid reason; read-only.
	reasons map[string][]byte
}

// work is the scratch of the bid handler, one per event loop.
type work struct {
	bw   *bidder.Work
	body bodyReader
}

func newWork() *work { return &work{bw: bidder.NewWork()} }

func (s *Server) maxConns() int { return cmp.Or(s.opt.MaxConns, 10_000) }

// New builds the handlers of both listeners.
func New(opt Options) *Server {
	s := &Server{opt: opt, reasons: make(map[string][]byte)}
	for _, r := range bidder.Reasons() {
		s.reasons[r] = []byte(r)
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

// Serve answers on the two listeners until ctx is cancelled, then stops
// accepting, drains in-flight requests for at most drain, and returns.
func (s *Server) Serve(ctx context.Context, bidLn, adminLn net.Listener,
	drain time.Duration) error {
	bid, err := newBidListener(s, cmp.Or(s.opt.Loops, runtime.GOMAXPROCS(0)))
	if err != nil {
		bidLn.Close()
		adminLn.Close()
		return fmt.Errorf("bid listener: %w", err)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	adminErr := make(chan error, 1)
	go func() {
		adminErr <- s.admin.Serve(adminLn)
		stop() // a failed admin listener stops the bid listener too
	}()
	adminDrained := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), drain)
		defer cancel()
		adminDrained <- s.admin.Shutdown(sctx)
	}()
	if e := bid.serve(ctx, bidLn, drain); e != nil {
		err = fmt.Errorf("bid listener: %w", e)
	}
	stop()
	if e := <-adminDrained; e != nil {
		err = errors.Join(err, fmt.Errorf("drain admin listener: %w", e))
	}
	if e := <-adminErr; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("admin listener stopped: %w", e))
	}
	return err
}

// safely runs fn, answering 500 in res if it panics: a bug that one
// request trips must not end the process. The panic is logged with its
// stack.
func (s *Server) safely(res *response, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			s.opt.Logger.Error("handler panic", "panic", p, "stack", string(debug.Stack()))
			res.reset()
			res.error(http.StatusInternalServerError, "internal error")
		}
	}()
	fn()
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
