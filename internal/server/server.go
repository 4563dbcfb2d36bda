// Package server runs nordbid's two HTTP listeners: the bid listener that
// exchanges call (bids and notices) and the admin listener (metrics,
// health). It owns reading bodies under limits, timeouts and graceful
// shutdown; the decisions are the bidder's and the notice handler's.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

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

	// MaxBody and MaxDecompressed limit request bodies, in bytes.
	MaxBody, MaxDecompressed int64
	// ReadTimeout bounds reading one request; IdleTimeout closes idle
	// keep-alive connections.
	ReadTimeout, IdleTimeout time.Duration
}

// Server is the pair of listeners.
type Server struct {
	opt   Options
	bid   *http.Server
	admin *http.Server
	works sync.Pool
	// reasons holds one header value per no-bid reason; read-only.
	reasons map[string][]string
}

// work is the per-request scratch of the bid handler.
type work struct {
	bw   *bidder.Work
	body bodyReader
}

// New builds the handlers of both listeners.
func New(opt Options) *Server {
	s := &Server{opt: opt, reasons: make(map[string][]string)}
	for _, r := range bidder.Reasons() {
		s.reasons[r] = []string{r}
	}
	s.works.New = func() any { return &work{bw: bidder.NewWork()} }

	bid := http.NewServeMux()
	bid.HandleFunc("/openrtb2/bid", s.handleBid)
	bid.HandleFunc("/openrtb2/bid/{exchange}", s.handleBid)
	bid.HandleFunc("/notice/{kind}", s.handleNotice)
	s.health(bid)
	bid.HandleFunc("/", notFound)

	admin := http.NewServeMux()
	admin.Handle("GET /metrics", promhttp.HandlerFor(opt.Metrics.Registry,
		promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(opt.Logger.Handler(), slog.LevelWarn)}))
	s.health(admin)
	if opt.Admin != nil {
		admin.Handle("/", opt.Admin)
	} else {
		admin.HandleFunc("/", notFound)
	}

	errLog := slog.NewLogLogger(opt.Logger.Handler(), slog.LevelDebug)
	s.bid = &http.Server{
		Handler:           bid,
		ReadHeaderTimeout: opt.ReadTimeout,
		ReadTimeout:       opt.ReadTimeout,
		// Answers are small and due within tmax; a client that cannot take
		// one in 5 s is gone.
		WriteTimeout:   5 * time.Second,
		IdleTimeout:    opt.IdleTimeout,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       errLog,
	}
	s.admin = &http.Server{
		Handler:           admin,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          errLog,
	}
	return s
}

// Serve answers on the two listeners until ctx is cancelled, then stops
// accepting, drains in-flight requests for at most drain, and returns.
func (s *Server) Serve(ctx context.Context, bidLn, adminLn net.Listener, drain time.Duration) error {
	errc := make(chan error, 2)
	go func() { errc <- s.bid.Serve(bidLn) }()
	go func() { errc <- s.admin.Serve(adminLn) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		err = errors.Join(errors.New("listener stopped"), err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if e := s.bid.Shutdown(sctx); e != nil {
		err = errors.Join(err, e)
	}
	if e := s.admin.Shutdown(sctx); e != nil {
		err = errors.Join(err, e)
	}
	return err
}

func (s *Server) health(mux *http.ServeMux) {
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, []byte(`{"status":"ok"}`))
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		if err := s.opt.Ready(); err != nil {
			writeError(w, http.StatusServiceUnavailable, "not ready: "+err.Error())
			return
		}
		writeJSON(w, http.StatusOK, []byte(`{"status":"ready"}`))
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "no such endpoint: "+quote(r.URL.Path))
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	w.Write(body)
}

var jsonType = []string{"application/json"}

// writeError answers with a JSON body {"error": msg}.
func writeError(w http.ResponseWriter, status int, msg string) {
	b := make([]byte, 0, len(msg)+16)
	b = append(b, `{"error":`...)
	b = strconv.AppendQuote(b, msg)
	b = append(b, '}')
	writeJSON(w, status, b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
