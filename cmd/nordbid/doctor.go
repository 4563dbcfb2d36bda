package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"nordbid/internal/doctor"
)

// runDoctor checks the host and prints a table (or JSON) of pass, warn and
// fail with a fix for each. With --health it only probes a running
// nordbid, for container health checks where no curl exists.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: nordbid doctor [flags]\n\n"+
			"Checks this host for nordbid serve and prints a fix for every warn and fail;\n"+
			"exits 1 when a check fails. docs/deploy.md explains each check.\n\n")
		fs.PrintDefaults()
	}
	data := fs.String("data", "./data",
		"data directory whose fsync latency is measured (env NORDBID_DATA_DIR)")
	conns := fs.Int("connections", doctor.DefaultConnections,
		"keep-alive connections to plan for (env NORDBID_MAX_CONNECTIONS)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	health := fs.String("health", "",
		"only GET this loopback URL (e.g. http://127.0.0.1:8080/health) and exit 0 on 200")
	if v := os.Getenv("NORDBID_DATA_DIR"); v != "" {
		*data = v
	}
	if v := os.Getenv("NORDBID_MAX_CONNECTIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return errors.Join(errUsage,
				fmt.Errorf("NORDBID_MAX_CONNECTIONS %q: want a positive count", v))
		}
		*conns = n
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		// The flag package has printed the error and the usage already;
		// joining err would print the error a second time.
		return errUsage
	}
	if fs.NArg() > 0 {
		return errors.Join(errUsage, fmt.Errorf("doctor: unexpected argument %q", fs.Arg(0)))
	}
	if *conns <= 0 {
		return errors.Join(errUsage, errors.New("doctor: --connections must be positive"))
	}

	if *health != "" {
		if err := doctor.CheckHealth(ctx, *health); err != nil {
			return &exitError{code: 1, err: err}
		}
		return nil
	}

	results := doctor.Run(ctx, doctor.Config{Connections: *conns, DataDir: *data})
	write := doctor.WriteTable
	if *asJSON {
		write = doctor.WriteJSON
	}
	if err := write(stdout, results); err != nil {
		return err
	}
	if n := doctor.Count(results, doctor.Fail); n > 0 {
		err := fmt.Errorf("doctor: %d of %d checks failed", n, len(results))
		return &exitError{code: 1, err: err}
	}
	return nil
}
