package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"nordbid/internal/bidder"
	"nordbid/internal/budget"
	"nordbid/internal/config"
	"nordbid/internal/demo"
	"nordbid/internal/doctor"
	"nordbid/internal/freqcap"
	"nordbid/internal/gctune"
	"nordbid/internal/notice"
	"nordbid/internal/privacy"
	"nordbid/internal/refresh"
	"nordbid/internal/server"
	"nordbid/internal/store"
	"nordbid/internal/store/postgres"
	"nordbid/internal/store/sqlite"
	"nordbid/internal/telemetry"
)

// gcGrowth is how far, in percent of the live heap, the heap may grow
// between collections, as GOGC's default; gcMinGrowth is the least growth
// allowed, in bytes, which keeps collections rare for a small heap.
const (
	gcGrowth    = 100
	gcMinGrowth = 64 << 20
)

// tuneGC sets how the garbage collector runs and logs it. Bidding makes
// no garbage; the background loops (store polls, spend sync), scrapes and
// connection churn make a little. Every collection stops the world, which
// on busy shared cores can take a millisecond or more. A limit that
// follows the live heap keeps memory as GOGC 100 would, but for a small
// heap lets 64 MiB of garbage gather, and ends the collection GOGC forces
// every two minutes. GOMEMLIMIT, when set, is its ceiling; GOGC in the
// environment wins outright.
func tuneGC(log *slog.Logger) {
	if gogc := os.Getenv("GOGC"); gogc != "" {
		log.Info("garbage collector: GOGC from the environment", "GOGC", gogc)
		return
	}
	ceiling := debug.SetMemoryLimit(-1)
	gctune.Start(gctune.Options{Growth: gcGrowth, MinGrowth: gcMinGrowth, Ceiling: ceiling})
	if ceiling == math.MaxInt64 {
		log.Info("garbage collector: memory limit follows the live heap")
		return
	}
	log.Info("garbage collector: memory limit follows the live heap, capped by GOMEMLIMIT",
		"ceiling_bytes", ceiling)
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	cfg, err := config.Load("serve", args, os.Getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return errors.Join(errUsage, err)
	}
	log := telemetry.NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	tuneGC(log)
	loops := runtime.GOMAXPROCS(0)
	if os.Getenv("GOMAXPROCS") == "" {
		// The bid listener runs one event loop per CPU the runtime found
		// (a container's CPU quota included). One P more runs everything
		// else (store polls, notices, the admin listener), so that such a
		// goroutine never keeps an event loop waiting for a P: at 9,800
		// req/s over 5,000 connections this took p99.9 from 6.1 to 4.9 ms
		// and the CPU from 0.60 to 0.47 cores (BENCHMARKS.md).
		runtime.GOMAXPROCS(loops + 1)
	}

	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	key, err := tokenKey(cfg.TokenKeyFile)
	if err != nil {
		return err
	}

	book := budget.NewBook(cfg.ReservationTTL)
	caps := freqcap.New()
	wctx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	ref := refresh.New(refresh.Options{Store: st, Book: book, Caps: caps, Logger: log,
		ReloadInterval: cfg.ReloadInterval, BudgetSync: cfg.BudgetSync,
		Wake: changes(wctx, st, log)})
	if err := ref.Load(ctx); err != nil {
		return fmt.Errorf("load campaigns: %w", err)
	}
	leases, stopLeases, err := startLeases(ctx, cfg, st, ref.Index, log)
	if err != nil {
		return err
	}
	defer stopLeases()
	charges, stopJournal, err := startJournal(ctx, cfg, st, log)
	if err != nil {
		return err
	}
	defer stopJournal()
	metrics := telemetry.New(bidder.Reasons())
	if err := doctor.NewCollector().Register(metrics); err != nil {
		return err
	}
	signer := notice.NewSigner(key, cfg.TokenTTL)
	srv := server.New(server.Options{
		Bidder: bidder.New(bidder.Options{
			Index: ref.Index, Signer: signer, Caps: caps, Metrics: metrics,
			Privacy: privacy.Policy{VendorID: cfg.VendorID}, PublicURL: cfg.PublicURL,
			Currency: cfg.Currency, DefaultTMax: cfg.DefaultTMax, Margin: cfg.DeadlineMargin,
		}),
		Notices: notice.NewHandler(notice.Options{Store: st, Signer: signer, Index: ref.Index,
			Book: book, Caps: caps, Logger: log, Metrics: metrics, Charges: charges}),
		Metrics: metrics, Logger: log, Ready: readiness(ref, leases),
		Admin:   adminHandler(st, book, metrics, log),
		MaxBody: cfg.MaxBody, MaxDecompressed: cfg.MaxDecompressed,
		ReadTimeout: cfg.ReadTimeout, IdleTimeout: cfg.IdleTimeout, MaxConns: cfg.MaxConnections,
		Profiling: cfg.Profiling, Loops: loops,
	})
	return serveUntilDone(ctx, cfg, log, srv, ref)
}

// serveUntilDone listens, runs the refresher and the server until ctx
// ends, then drains.
func serveUntilDone(ctx context.Context, cfg config.Config, log *slog.Logger,
	srv *server.Server, ref *refresh.Refresher) error {
	bidLn, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("bid listener: %w", err)
	}
	adminLn, err := net.Listen("tcp", cfg.AdminListen)
	if err != nil {
		bidLn.Close()
		return fmt.Errorf("admin listener: %w", err)
	}
	// Start-up (store reads, demo seeding, the index build) leaves
	// garbage that would stay for a long while: collect it and give the
	// pages back before traffic arrives.
	debug.FreeOSMemory()
	log.Info("serving", "bid", bidLn.Addr().String(), "admin", adminLn.Addr().String(),
		"campaigns", len(ref.Index().Campaigns()))

	rctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); ref.Run(rctx) }()
	err = srv.Serve(ctx, bidLn, adminLn, cfg.ShutdownTimeout)
	stop()
	<-done
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openStore opens the fleet store when DATABASE_URL is set, else the
// embedded one, and seeds demo data when asked.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (store.Store, error) {
	var st store.Store
	var err error
	if cfg.DatabaseURL != "" {
		st, err = openFleet(ctx, cfg, log)
	} else {
		st, err = openEmbedded(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		seeded, err := demo.Seed(ctx, st, demo.Options{Campaigns: cfg.DemoCampaigns,
			Now: time.Now()})
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
		log.Info("demo data", "seeded", seeded)
	}
	return st, nil
}

// openEmbedded opens and migrates the SQLite store.
func openEmbedded(ctx context.Context, cfg config.Config) (*sqlite.DB, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "nordbid.db"))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate store: %w", err)
	}
	return st, nil
}

// openFleet connects to PostgreSQL and migrates it (--migrate) or refuses
// to start on a schema that is behind.
func openFleet(ctx context.Context, cfg config.Config, log *slog.Logger) (*postgres.DB, error) {
	st, err := postgres.Open(ctx, postgres.Options{URL: cfg.DatabaseURL,
		MaxConns: cfg.DBMaxConns, AcquireTimeout: cfg.DBAcquireTimeout})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL store: %w", err)
	}
	if cfg.Migrate {
		applied, err := st.Migrate(ctx)
		for _, m := range applied {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
		if err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}
	log.Info("store", "kind", "postgres")
	return st, nil
}

// tokenKey reads the notice token secret, creating a random one on first
// start so that tokens stay valid across restarts.
func tokenKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 16 {
			return nil, fmt.Errorf("token key %s: shorter than 16 bytes", path)
		}
		return key, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("token key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("token key: %w", err)
	}
	return key, nil
}
