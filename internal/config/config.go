// Package config reads nordbid's settings from the environment and the
// command line. Every setting has an environment variable under the
// NORDBID_ prefix (DATABASE_URL keeps its conventional name) and a flag of
// the same meaning; a flag wins over the environment. Validation reports
// every bad value at once.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the configuration of `nordbid serve`.
type Config struct {
	// Listen is the address of the bid listener (exchanges, notices).
	Listen string
	// AdminListen is the address of the admin listener (metrics, health).
	AdminListen string
	// DataDir holds the embedded SQLite store and the token key.
	DataDir string
	// DatabaseURL selects the PostgreSQL fleet store; empty means the
	// embedded store in DataDir. It carries credentials: never log it.
	// When empty, Load reads it from DatabaseURLFile, else from the
	// systemd credential $CREDENTIALS_DIRECTORY/database_url if present.
	DatabaseURL string
	// DatabaseURLFile names a file holding the database URL; empty means
	// none.
	DatabaseURLFile string
	// DBMaxConns is the PostgreSQL connection pool size.
	DBMaxConns int
	// DBAcquireTimeout bounds the wait for a pooled PostgreSQL connection.
	DBAcquireTimeout time.Duration
	// Migrate applies pending PostgreSQL migrations at start; false makes
	// serve refuse a schema that is behind.
	Migrate bool

	// Demo seeds demo advertisers, campaigns and creatives into an empty
	// store; DemoCampaigns adds that many synthetic campaigns (0 = none).
	Demo          bool
	DemoCampaigns int

	// PublicURL is the base URL at which exchanges reach the bid listener;
	// notice URLs in bids start with it.
	PublicURL string
	// TokenKeyFile holds the secret that signs notice tokens; it is created
	// with a random key when missing. Empty means DataDir/token.key.
	TokenKeyFile string
	// TokenTTL is how long a notice token stays valid after the bid.
	TokenTTL time.Duration
	// ReservationTTL is how long a bid holds budget while its auction's
	// outcome is unknown.
	ReservationTTL time.Duration

	// DefaultTMax is the deadline assumed when a request carries no tmax.
	DefaultTMax time.Duration
	// DeadlineMargin is taken off tmax for the network on the way back.
	DeadlineMargin time.Duration
	// MaxBody is the largest request body accepted on the wire, in bytes.
	MaxBody int64
	// MaxDecompressed is the largest body accepted after gzip, in bytes.
	MaxDecompressed int64
	// ReadTimeout bounds reading one request, headers and body.
	ReadTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle that long.
	IdleTimeout time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests on SIGTERM.
	ShutdownTimeout time.Duration

	// ReloadInterval is how often the store is polled for campaign changes.
	ReloadInterval time.Duration
	// BudgetSync is how often spend is re-read from the ledger.
	BudgetSync time.Duration
	// Currency is the response currency when a request names none.
	Currency string
	// VendorID is nordbid's IAB TCF vendor id; 0 skips the vendor check.
	VendorID int
	// MaxConnections is the most connections the bid listener serves at
	// once; doctor checks the host's file limits against it.
	MaxConnections int

	// Profiling serves the Go profiler on the admin listener.
	Profiling bool

	// LogLevel is debug, info, warn or error; LogFormat is text or json.
	LogLevel  string
	LogFormat string
}

// setting binds one field to its environment variable and flag.
type setting struct {
	env, flag, unit, usage string
	def                    string
	set                    func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func dur(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("not a duration (like 250ms or 30s)")
		}
		*p(c) = d
		return nil
	}
}

func integer(p func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("not an integer")
		}
		*p(c) = n
		return nil
	}
}

func small(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("not an integer")
		}
		*p(c) = n
		return nil
	}
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("not a boolean")
		}
		*p(c) = b
		return nil
	}
}

// Settings lists every setting in the order the README documents them.
var settings = []setting{
	{"NORDBID_LISTEN", "listen", "host:port", "bid listener address", ":8080",
		str(func(c *Config) *string { return &c.Listen })},
	{"NORDBID_ADMIN_LISTEN", "admin-listen", "host:port",
		"admin listener address (metrics, health)",
		"127.0.0.1:8081", str(func(c *Config) *string { return &c.AdminListen })},
	{"NORDBID_DATA_DIR", "data", "path", "directory of the embedded store and token key", "./data",
		str(func(c *Config) *string { return &c.DataDir })},
	{"DATABASE_URL", "database-url", "URL", "PostgreSQL fleet store; empty = embedded store", "",
		str(func(c *Config) *string { return &c.DatabaseURL })},
	{"DATABASE_URL_FILE", "database-url-file", "path",
		"file holding DATABASE_URL (else $CREDENTIALS_DIRECTORY/database_url)", "",
		str(func(c *Config) *string { return &c.DatabaseURLFile })},
	{"NORDBID_DB_MAX_CONNS", "db-max-conns", "count", "PostgreSQL connection pool size", "50",
		small(func(c *Config) *int { return &c.DBMaxConns })},
	{"NORDBID_DB_ACQUIRE_TIMEOUT", "db-acquire-timeout", "duration",
		"longest wait for a pooled PostgreSQL connection", "3s",
		dur(func(c *Config) *time.Duration { return &c.DBAcquireTimeout })},
	{"NORDBID_MIGRATE", "migrate", "bool", "apply pending PostgreSQL migrations at start", "false",
		boolean(func(c *Config) *bool { return &c.Migrate })},
	{"NORDBID_DEMO", "demo", "bool", "seed demo campaigns into an empty store", "false",
		boolean(func(c *Config) *bool { return &c.Demo })},
	{"NORDBID_DEMO_CAMPAIGNS", "demo-campaigns", "count", "extra synthetic demo campaigns", "0",
		small(func(c *Config) *int { return &c.DemoCampaigns })},
	{"NORDBID_PUBLIC_URL", "public-url", "URL", "base URL of notice links in bids",
		"http://localhost:8080", str(func(c *Config) *string { return &c.PublicURL })},
	{"NORDBID_TOKEN_KEY_FILE", "token-key-file", "path", "notice token secret; created if missing",
		"DATA_DIR/token.key", str(func(c *Config) *string { return &c.TokenKeyFile })},
	{"NORDBID_TOKEN_TTL", "token-ttl", "duration", "how long a notice link stays valid", "24h",
		dur(func(c *Config) *time.Duration { return &c.TokenTTL })},
	{"NORDBID_RESERVATION_TTL", "reservation-ttl", "duration",
		"how long a bid holds budget before its outcome is known", "30s",
		dur(func(c *Config) *time.Duration { return &c.ReservationTTL })},
	{"NORDBID_DEFAULT_TMAX", "default-tmax", "duration", "deadline when a request has no tmax",
		"100ms", dur(func(c *Config) *time.Duration { return &c.DefaultTMax })},
	{"NORDBID_DEADLINE_MARGIN", "deadline-margin", "duration",
		"time kept from tmax for the network", "10ms",
		dur(func(c *Config) *time.Duration { return &c.DeadlineMargin })},
	{"NORDBID_MAX_BODY", "max-body", "bytes", "largest request body on the wire", "262144",
		integer(func(c *Config) *int64 { return &c.MaxBody })},
	{"NORDBID_MAX_DECOMPRESSED", "max-decompressed", "bytes", "largest body after gzip",
		"1048576", integer(func(c *Config) *int64 { return &c.MaxDecompressed })},
	{"NORDBID_READ_TIMEOUT", "read-timeout", "duration", "time to read one request", "5s",
		dur(func(c *Config) *time.Duration { return &c.ReadTimeout })},
	{"NORDBID_IDLE_TIMEOUT", "idle-timeout", "duration", "idle keep-alive connection lifetime",
		"120s", dur(func(c *Config) *time.Duration { return &c.IdleTimeout })},
	{"NORDBID_SHUTDOWN_TIMEOUT", "shutdown-timeout", "duration", "drain time on SIGTERM", "15s",
		dur(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"NORDBID_RELOAD_INTERVAL", "reload-interval", "duration",
		"how often the store is checked for campaign changes", "500ms",
		dur(func(c *Config) *time.Duration { return &c.ReloadInterval })},
	{"NORDBID_BUDGET_SYNC", "budget-sync", "duration", "how often spend is re-read from the ledger",
		"1s", dur(func(c *Config) *time.Duration { return &c.BudgetSync })},
	{"NORDBID_CURRENCY", "currency", "ISO 4217", "response currency when a request names none",
		"USD", str(func(c *Config) *string { return &c.Currency })},
	{"NORDBID_VENDOR_ID", "vendor-id", "id", "IAB TCF vendor id; 0 skips the vendor check", "0",
		small(func(c *Config) *int { return &c.VendorID })},
	{"NORDBID_MAX_CONNECTIONS", "max-connections", "count",
		"most connections served at once; more are refused", "10000",
		small(func(c *Config) *int { return &c.MaxConnections })},
	{"NORDBID_PPROF", "pprof", "bool", "serve /debug/pprof/ on the admin listener, no auth",
		"false", boolean(func(c *Config) *bool { return &c.Profiling })},
	{"NORDBID_LOG_LEVEL", "log-level", "level", "debug, info, warn or error", "info",
		str(func(c *Config) *string { return &c.LogLevel })},
	{"NORDBID_LOG_FORMAT", "log-format", "format", "text or json", "text",
		str(func(c *Config) *string { return &c.LogFormat })},
}

// Load reads the configuration: defaults, then the environment (through
// getenv), then the flags in args. It reports every bad value at once.
// Output of -h goes to out.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var c Config
	var errs []error
	apply := func(s setting, v, from string) {
		if err := s.set(&c, v); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", from, v, err))
		}
	}
	for _, s := range settings {
		if s.def != "DATA_DIR/token.key" {
			apply(s, s.def, "default of "+s.env)
		}
		if v := getenv(s.env); v != "" {
			apply(s, v, s.env)
		}
	}

	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	for _, s := range settings {
		usage := fmt.Sprintf("%s (%s; env %s; default %s)", s.usage, s.unit, s.env, s.def)
		set := func(v string) error { apply(s, v, "--"+s.flag); return nil }
		if s.unit == "bool" {
			fs.BoolFunc(s.flag, usage, set)
		} else {
			fs.Func(s.flag, usage, set)
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	if c.TokenKeyFile == "" {
		c.TokenKeyFile = strings.TrimSuffix(c.DataDir, "/") + "/token.key"
	}
	if err := c.readDatabaseURL(getenv); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validate()...)
	return c, errors.Join(errs...)
}

// readDatabaseURL fills an empty DatabaseURL from DatabaseURLFile, or from
// the systemd credential database_url (LoadCredential=), so that the
// secret need not sit in the environment. Errors name the file, never its
// content.
func (c *Config) readDatabaseURL(getenv func(string) string) error {
	if c.DatabaseURL != "" {
		return nil
	}
	path := c.DatabaseURLFile
	if path == "" {
		dir := getenv("CREDENTIALS_DIRECTORY")
		if dir == "" {
			return nil
		}
		path = filepath.Join(dir, "database_url")
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("DATABASE_URL_FILE: %w", err)
	}
	c.DatabaseURL = strings.TrimSpace(string(b))
	if c.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL_FILE %s: empty", path)
	}
	return nil
}

// validate returns one error per bad value.
func (c *Config) validate() []error {
	var errs []error
	bad := func(f string, args ...any) { errs = append(errs, withFlag(fmt.Errorf(f, args...))) }
	for _, a := range []struct{ name, addr string }{
		{"NORDBID_LISTEN", c.Listen}, {"NORDBID_ADMIN_LISTEN", c.AdminListen},
	} {
		_, port, err := net.SplitHostPort(a.addr)
		if err != nil {
			bad("%s %q: not a host:port address", a.name, a.addr)
			continue
		}
		if p, err := strconv.Atoi(port); port != "" && (err != nil || p < 0 || p > 65535) {
			bad("%s %q: port not a number from 0 to 65535", a.name, a.addr)
		}
	}
	if c.DataDir == "" && c.DatabaseURL == "" {
		bad("NORDBID_DATA_DIR: empty")
	}
	if c.DemoCampaigns < 0 {
		bad("NORDBID_DEMO_CAMPAIGNS: negative")
	}
	if !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		bad("NORDBID_PUBLIC_URL %q: must start with http:// or https://", c.PublicURL)
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"NORDBID_TOKEN_TTL", c.TokenTTL}, {"NORDBID_RESERVATION_TTL", c.ReservationTTL},
		{"NORDBID_DEFAULT_TMAX", c.DefaultTMax}, {"NORDBID_READ_TIMEOUT", c.ReadTimeout},
		{"NORDBID_IDLE_TIMEOUT", c.IdleTimeout}, {"NORDBID_SHUTDOWN_TIMEOUT", c.ShutdownTimeout},
		{"NORDBID_RELOAD_INTERVAL", c.ReloadInterval}, {"NORDBID_BUDGET_SYNC", c.BudgetSync},
	}
	for _, p := range positive {
		if p.d <= 0 {
			bad("%s: must be positive", p.name)
		}
	}
	if c.DeadlineMargin < 0 || c.DeadlineMargin >= c.DefaultTMax {
		bad("NORDBID_DEADLINE_MARGIN: must be at least 0 and below NORDBID_DEFAULT_TMAX")
	}
	if c.MaxBody <= 0 || c.MaxDecompressed < c.MaxBody {
		bad("NORDBID_MAX_BODY, NORDBID_MAX_DECOMPRESSED: need 0 < max body <= max decompressed")
	}
	c.Currency = strings.ToUpper(c.Currency)
	if len(c.Currency) != 3 || strings.Trim(c.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		bad("NORDBID_CURRENCY %q: not a 3-letter ISO 4217 code", c.Currency)
	}
	if c.VendorID < 0 {
		bad("NORDBID_VENDOR_ID: negative")
	}
	if c.DBMaxConns <= 0 {
		bad("NORDBID_DB_MAX_CONNS: must be positive")
	}
	if c.DBAcquireTimeout <= 0 {
		bad("NORDBID_DB_ACQUIRE_TIMEOUT: must be positive")
	}
	if c.MaxConnections <= 0 {
		bad("NORDBID_MAX_CONNECTIONS: must be positive")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("NORDBID_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("NORDBID_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	return errs
}

// withFlag names the flag beside the environment variable that starts a
// validation message, so that users of either recognise it.
func withFlag(err error) error {
	msg := err.Error()
	for _, s := range settings {
		if rest, ok := strings.CutPrefix(msg, s.env); ok && (rest == "" || rest[0] == ' ' ||
			rest[0] == ':' || rest[0] == ',') {
			return errors.New(s.env + " (--" + s.flag + ")" + rest)
		}
	}
	return err
}

// Table writes the settings as a Markdown table, as the README shows them.
func Table(w io.Writer) {
	fmt.Fprintln(w, "| environment | flag | default | unit | meaning |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(w, "| `%s` | `--%s` | `%s` | %s | %s |\n", s.env, s.flag, def, s.unit, s.usage)
	}
}
