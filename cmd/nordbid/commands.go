package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// command runs one subcommand with its own arguments.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

var commands = map[string]command{
	"serve":   runServe,
	"bench":   runBench,
	"migrate": runMigrate,
	"doctor":  runDoctor,
	"version": runVersion,

	"token":       runToken,
	"campaigns":   runCampaigns,
	"advertisers": runAdvertisers,
	"creatives":   runCreatives,
	"kill-switch": runKillSwitch,
}

const usage = `usage: nordbid <command> [flags]

commands:
  serve     run the bidder (serve --demo seeds demo campaigns)
  bench     measure one or more bidders under load
  migrate   apply (up) or list (status) PostgreSQL schema migrations
  doctor    check that this host is tuned to serve
  version   print the build version

admin (see README, "Admin API and dashboard"):
  token        create, list or revoke admin API tokens
  campaigns    list, get, create, update, pause, resume, archive; spend
  advertisers  the same for advertisers
  creatives    the same for creatives
  kill-switch  stop or resume all bidding

Run "nordbid <command> -h" for the flags of a command.
`

// errUsage reports a command line that could not be understood.
var errUsage = errors.New("bad usage")

// exitError carries a specific process exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// exitCode maps an error from run to the process exit status.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// version is set by the linker (-X main.version=...); otherwise the module
// build information is used.
var version = ""

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	v := version
	if v == "" {
		v = "devel"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					v = s.Value
				}
			}
		}
	}
	_, err := fmt.Fprintln(stdout, "nordbid", v)
	return err
}
