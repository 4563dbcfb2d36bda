// Command nordbid is a real-time bidder for OpenRTB 2.5 and 2.6 exchanges.
//
// Usage:
//
//	nordbid serve [flags]     run the bidder
//	nordbid bench [flags]     measure a bidder under load
//	nordbid doctor [flags]    check that this host is fit to serve
//	nordbid version           print the build version
package main

import (
	"errors"
	"flag"
	_ "time/tzdata" // campaign time zones work on hosts without zoneinfo

	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "nordbid:", err)
		os.Exit(exitCode(err))
	}
}

// run dispatches to the subcommand named by args[0].
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the command printed its usage, as asked
	}
	return err
}
