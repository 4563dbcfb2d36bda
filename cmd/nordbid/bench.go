package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/term"

	"nordbid/internal/loadgen"
)

const benchUsage = `usage: nordbid bench [flags]                 measure one or more bidders
       nordbid bench report [flags] FILE.json...  render saved results
       nordbid bench sink [--listen ADDR]         trivial server for calibration

`

// runBench measures bidders under load; see BENCHMARKS.md.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "report":
			return runBenchReport(args[1:], stderr)
		case "sink":
			return runBenchSink(ctx, args[1:], stdout, stderr)
		}
	}

	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
	}
	o := loadgen.DefaultOptions()
	var targets, metrics, pids listFlag
	fs.Var(&targets, "target", "bid endpoint `URL` or name=URL; repeat to compare "+
		"(default "+loadgen.DefaultTarget+")")
	fs.Var(&metrics, "metrics", "Prometheus `URL` of a target, or name=URL; "+
		"unnamed ones pair with --target in order")
	fs.Var(&pids, "pid", "`PID` of a target on this machine, or name=PID: its RSS and CPU "+
		"are read from /proc, with the CPU the rest of the machine used (other cores) and "+
		"the CPU the hypervisor withheld (stolen cores) meanwhile")
	fs.Float64Var(&o.Rate, "rate", o.Rate, "offered requests per second per target (open loop)")
	fs.BoolVar(&o.Closed, "closed", false, "closed loop: send when the previous answer is in")
	fs.IntVar(&o.Connections, "connections", o.Connections, "keep-alive connections per target")
	fs.DurationVar(&o.Duration, "duration", o.Duration,
		"measured time per target (per step with --sweep)")
	fs.DurationVar(&o.Warmup, "warmup", o.Warmup, "unmeasured lead-in of every round or step")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "per-request timeout")
	fs.IntVar(&o.Rounds, "rounds", 0, "alternating rounds per target (0: 1 for one target, "+
		"else 2 or 3)")
	fs.StringVar(&o.Label, "label", "", "scenario name for the reports")
	corpusDir := fs.String("corpus", "", "`DIR` of JSON bid requests "+
		"(default ../shared/corpus/requests)")
	variants := fs.Int("variants", loadgen.DefaultVariants, "request bodies to prepare")
	gzipped := fs.Bool("gzip", false, "send gzip-compressed bodies")
	seed := fs.Uint64("seed", 0, "seed of the body variation (0: random)")
	jsonOut := fs.String("json", "", "write every figure to `FILE` as JSON")
	htmlOut := fs.String("html", "", "write a self-contained report page to `FILE`")
	sweep := fs.Bool("sweep", false, "step the rate up to find what each target sustains")
	sweepStart := fs.Float64("sweep-start", 2000, "first rate of the sweep")
	sweepStep := fs.Float64("sweep-step", 2000, "rate added per sweep step")
	sweepMax := fs.Float64("sweep-max", 60000, "last rate of the sweep")
	fs.DurationVar(&o.SLO, "slo", o.SLO, "p99 bound of a sweep step")
	cpuProfile := fs.String("cpuprofile", "", "write the generator's own CPU profile to `FILE`")
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q: %w", fs.Arg(0), errUsage)
	}

	var err error
	if o.Targets, err = pairTargets(targets, metrics, pids); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *sweep {
		if o.SweepRates, err = loadgen.SweepRates(*sweepStart, *sweepStep, *sweepMax); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	}
	if o.Corpus, err = loadCorpus(*corpusDir, *variants, *gzipped, *seed); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	o.Command = append([]string{"nordbid", "bench"}, args...)
	if os.Getenv("GOMAXPROCS") == "" {
		// The dispatcher that paces the open loop sleeps in a system call.
		// One P above the core count lets it run the moment it wakes
		// instead of queueing behind the connections' goroutines; on the
		// 2-core test VM this kept 40k req/s on schedule where 2 Ps fell
		// behind.
		runtime.GOMAXPROCS(runtime.NumCPU() + 1)
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Progress = stderr
	}

	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer stop()
	}
	report, runErr := loadgen.Run(ctx, o)
	if report == nil {
		return runErr
	}
	err = errors.Join(runErr, loadgen.WriteText(stdout, report))
	if *jsonOut != "" {
		err = errors.Join(err, writeFile(*jsonOut, report.WriteJSON))
	}
	if *htmlOut != "" {
		err = errors.Join(err, writeFile(*htmlOut, func(w io.Writer) error {
			return loadgen.WriteHTML(w, []*loadgen.Report{report})
		}))
	}
	return err
}

// startCPUProfile profiles this process into name until stop is called:
// what the generator itself costs, to tell its share of the latencies from
// the target's.
func startCPUProfile(name string) (stop func(), err error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// pairTargets builds the targets and attaches the metrics endpoints and
// process ids: a named one to the target of that name, an unnamed one to
// the target in the same position.
func pairTargets(targets, metrics, pids []string) ([]loadgen.Target, error) {
	if len(targets) == 0 {
		targets = []string{loadgen.DefaultTarget}
	}
	out := make([]loadgen.Target, len(targets))
	for i, s := range targets {
		out[i] = loadgen.ParseTarget(s)
	}
	type setter func(t *loadgen.Target, v string) error
	attach := func(flag string, values []string, set setter) error {
		for i, s := range values {
			name, v, named := strings.Cut(s, "=")
			if !named || strings.Contains(name, "/") {
				name, v = "", s
			}
			j := slices.IndexFunc(out, func(t loadgen.Target) bool { return t.Name == name })
			if name == "" && i < len(out) {
				j = i
			}
			if j < 0 {
				return fmt.Errorf("%s %q matches no target", flag, s)
			}
			if err := set(&out[j], v); err != nil {
				return fmt.Errorf("%s %q: %w", flag, s, err)
			}
		}
		return nil
	}
	err := attach("metrics", metrics, func(t *loadgen.Target, v string) error {
		t.MetricsURL = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = attach("pid", pids, func(t *loadgen.Target, v string) error {
		var err error
		t.PID, err = strconv.Atoi(v)
		return err
	})
	return out, err
}

// loadCorpus reads dir, or finds the shared corpus when dir is empty.
func loadCorpus(dir string, variants int, gzipped bool, seed uint64) (*loadgen.Corpus, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		exe, _ := os.Executable()
		if dir, err = loadgen.FindCorpus(wd, exe); err != nil {
			return nil, err
		}
	}
	return loadgen.LoadCorpus(loadgen.CorpusOptions{
		Dir: dir, Variants: variants, Gzip: gzipped, Seed: seed,
	})
}

// runBenchReport renders saved JSON results as one HTML page and as
// Markdown tables.
func runBenchReport(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	htmlOut := fs.String("html", "", "write the report page to `FILE`")
	mdOut := fs.String("markdown", "", "write Markdown result tables to `FILE`")
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	if fs.NArg() == 0 || (*htmlOut == "" && *mdOut == "") {
		fmt.Fprint(stderr, benchUsage)
		fs.PrintDefaults()
		return errUsage
	}
	reports := make([]*loadgen.Report, 0, fs.NArg())
	for _, name := range fs.Args() {
		r, err := readReport(name)
		if err != nil {
			return fmt.Errorf("bench report: %w", err)
		}
		reports = append(reports, r)
	}
	var err error
	if *htmlOut != "" {
		err = writeFile(*htmlOut, func(w io.Writer) error { return loadgen.WriteHTML(w, reports) })
	}
	if *mdOut != "" {
		err = errors.Join(err, writeFile(*mdOut, func(w io.Writer) error {
			return loadgen.WriteMarkdown(w, reports)
		}))
	}
	return err
}

func readReport(name string) (*loadgen.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return loadgen.ReadReport(f)
}

// runBenchSink serves the trivial sink until ctx ends.
func runBenchSink(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("listen", "127.0.0.1:8099", "`ADDR` to listen on")
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	s, err := loadgen.ListenSink(*addr)
	if err != nil {
		return fmt.Errorf("bench sink: %w", err)
	}
	fmt.Fprintln(stdout, "sink listening on", s.Addr())
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	return s.Serve()
}

// writeFile creates name and fills it with write.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// flagErr maps -h to a clean exit and other flag errors to usage errors.
func flagErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return fmt.Errorf("bench: %w: %w", err, errUsage)
}

// listFlag collects a repeated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}
