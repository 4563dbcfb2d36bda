package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"nordbid/internal/config"
	"nordbid/internal/store/postgres"
	"nordbid/internal/telemetry"
)

// runMigrate applies (up, the default) or lists (status) the schema
// migrations of the PostgreSQL fleet store named by DATABASE_URL. The
// embedded store needs no command: serve migrates it at start.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	action := "up"
	if len(args) > 0 && (args[0] == "up" || args[0] == "status") {
		action, args = args[0], args[1:]
	}
	cfg, err := config.Load("migrate", args, os.Getenv, stderr)
	if err != nil {
		return errors.Join(errUsage, err)
	}
	if cfg.DatabaseURL == "" {
		return errors.Join(errUsage, errors.New("migrate: DATABASE_URL is not set "+
			"(the embedded store is migrated by serve itself)"))
	}
	log := telemetry.NewLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	db, err := postgres.Open(ctx, postgres.Options{URL: cfg.DatabaseURL,
		MaxConns: 2, AcquireTimeout: cfg.DBAcquireTimeout})
	if err != nil {
		return err
	}
	defer db.Close()

	if action == "status" {
		status, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		return printMigrations(stdout, status)
	}
	applied, err := db.Migrate(ctx)
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		log.Info("schema up to date")
	}
	return nil
}

// printMigrations writes one line per migration: version, name and when
// it was applied, or "pending".
func printMigrations(w io.Writer, ms []postgres.Migration) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
	for _, m := range ms {
		at := "pending"
		if !m.AppliedAt.IsZero() {
			at = m.AppliedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, at)
	}
	return tw.Flush()
}
