package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"nordbid/internal/admin"
	"nordbid/internal/budget"
	"nordbid/internal/store"
	"nordbid/internal/store/postgres"
	"nordbid/internal/store/sqlite"
	"nordbid/internal/telemetry"
)

// adminHandler builds the admin API and dashboard that serve mounts on
// the admin listener.
func adminHandler(st store.Store, book *budget.Book, metrics *telemetry.Metrics,
	log *slog.Logger) http.Handler {
	return admin.New(admin.Options{Store: st, Book: book, Logger: log, Metrics: metrics})
}

const tokenUsage = `usage: nordbid token <create|list|revoke> [flags]

  create --role operator|reader --name NAME   make a token; prints its secret once
  list                                         list tokens (never their secrets)
  revoke ID                                    delete a token

flags:
  --data DIR           data directory of the embedded store
                       (env NORDBID_DATA_DIR; default ./data)
  --database-url URL   the PostgreSQL fleet store instead (env DATABASE_URL)
`

// runToken manages admin API tokens directly in the store, so that the
// first token needs no running server and no default password.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tokenUsage) }
	dataDir := os.Getenv("NORDBID_DATA_DIR")
	if dataDir == "" {
		dataDir = "./data"
	}
	data := fs.String("data", dataDir, "data directory")
	dbURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL fleet store")
	role := fs.String("role", "", "operator or reader")
	name := fs.String("name", "", "who or what the token is for")
	pos, err := parseAll(fs, args)
	if err != nil {
		return errors.Join(errUsage, err)
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	st, err := openTokenStore(ctx, *data, *dbURL)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	defer st.Close()
	switch {
	case pos[0] == "create" && len(pos) == 1:
		return createToken(ctx, st, store.Role(*role), *name, stdout, stderr)
	case pos[0] == "list" && len(pos) == 1:
		return listTokens(ctx, st, stdout)
	case pos[0] == "revoke" && len(pos) == 2:
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return errors.Join(errUsage, fmt.Errorf("token revoke: bad id %q", pos[1]))
		}
		if err := st.DeleteToken(ctx, id); err != nil {
			return fmt.Errorf("token revoke: %w", err)
		}
		fmt.Fprintf(stderr, "token %d revoked\n", id)
		return nil
	}
	fs.Usage()
	return errUsage
}

// openTokenStore opens the store the tokens live in: the fleet store when
// dbURL is set, else the embedded one in data, migrated as serve would.
func openTokenStore(ctx context.Context, data, dbURL string) (store.Store, error) {
	if dbURL != "" {
		st, err := postgres.Open(ctx, postgres.Options{URL: dbURL})
		if err != nil {
			return nil, err
		}
		if err := st.CheckSchema(ctx); err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}
	path := filepath.Join(data, "nordbid.db")
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// A token in a store that serve does not read is a token that
		// never works: say where it went.
		fmt.Fprintf(os.Stderr, "token: no store at %s yet: creating it; "+
			"serve must use the same --data\n", path)
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

func createToken(ctx context.Context, st store.Store, role store.Role, name string,
	stdout, stderr io.Writer) error {
	var problems []string
	if !admin.ValidRole(role) {
		problems = append(problems, "--role must be operator or reader")
	}
	if strings.TrimSpace(name) == "" {
		problems = append(problems, "--name is required")
	}
	if len(problems) > 0 {
		return errors.Join(errUsage, errors.New("token create: "+strings.Join(problems, "; ")))
	}
	secret, hash, err := admin.NewSecret()
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	tok, err := st.CreateToken(ctx, store.Token{Name: name, Role: role, Hash: hash})
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	// The secret alone goes to stdout, so that TOKEN=$(nordbid token ...)
	// works; the note goes to stderr.
	fmt.Fprintf(stderr, "token %d %q (%s) created; its secret is shown only now:\n",
		tok.ID, tok.Name, tok.Role)
	_, err = fmt.Fprintln(stdout, secret)
	return err
}

func listTokens(ctx context.Context, st store.Store, stdout io.Writer) error {
	toks, err := st.ListTokens(ctx)
	if err != nil {
		return fmt.Errorf("token list: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED")
	for _, t := range toks {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.Created.Format(time.RFC3339))
	}
	return tw.Flush()
}

// parseAll parses flags placed anywhere among the arguments and returns
// the positional ones in order.
func parseAll(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

const entityUsage = `usage: nordbid %[1]s <verb> [args] [flags]

verbs:
  list [--status S] [--name TEXT] [--limit N] [--after ID]%[2]s
  get ID
  create key=value ... | --json FILE          (FILE "-" reads stdin)
  update ID key=value ... | --json FILE       changes only the given fields
  pause ID | resume ID | archive ID%[3]s

Values are JSON when they parse as JSON, else strings:
  nordbid campaigns create advertiser_id=1 name="Spring" bid_price_micros=2500000 status=active

flags:
  --url URL      admin API base (env NORDBID_ADMIN_URL; else derived from
                 NORDBID_ADMIN_LISTEN; else http://127.0.0.1:8081)
  --token T      admin token (env NORDBID_TOKEN)
  --raw          print list answers as JSON instead of a table
`

// entityCLI describes one entity kind of the admin API for the CLI.
type entityCLI struct {
	name, parent, extra string
}

var (
	campaignsCLI   = entityCLI{name: "campaigns", parent: "advertiser_id", extra: "spend"}
	advertisersCLI = entityCLI{name: "advertisers"}
	creativesCLI   = entityCLI{name: "creatives", parent: "campaign_id"}
)

func runCampaigns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return campaignsCLI.run(ctx, args, stdout, stderr)
}

func runAdvertisers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return advertisersCLI.run(ctx, args, stdout, stderr)
}

func runCreatives(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return creativesCLI.run(ctx, args, stdout, stderr)
}

// run talks to the admin API over HTTP, so that it works against a node on
// another host as well as this one.
func (e entityCLI) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(e.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	parentUsage, extraUsage := "", ""
	if e.parent != "" {
		parentUsage = " [--parent ID]"
	}
	if e.extra != "" {
		extraUsage = "\n  spend ID                                     spend and pacing"
	}
	fs.Usage = func() { fmt.Fprintf(stderr, entityUsage, e.name, parentUsage, extraUsage) }
	c := client{}
	fs.StringVar(&c.base, "url", defaultAdminURL(os.Getenv), "admin API base URL")
	fs.StringVar(&c.token, "token", os.Getenv("NORDBID_TOKEN"), "admin token")
	status := fs.String("status", "", "list: keep this status")
	name := fs.String("name", "", "list: keep names containing this")
	limit := fs.Int("limit", 0, "list: page size")
	after := fs.Int64("after", 0, "list: start after this id")
	parent := fs.Int64("parent", 0, "list: keep children of this parent id")
	jsonFile := fs.String("json", "", "create, update: request body file")
	raw := fs.Bool("raw", false, "list: print JSON")
	pos, err := parseAll(fs, args)
	if err != nil {
		return errors.Join(errUsage, err)
	}
	if len(pos) == 0 {
		fs.Usage()
		return errUsage
	}
	c.out = stdout
	base := "/api/v1/" + e.name
	verb, rest := pos[0], pos[1:]
	switch {
	case verb == "list" && len(rest) == 0:
		q := url.Values{}
		for k, v := range map[string]string{"status": *status, "name": *name} {
			if v != "" {
				q.Set(k, v)
			}
		}
		for k, v := range map[string]int64{"limit": int64(*limit), "after_id": *after} {
			if v != 0 {
				q.Set(k, strconv.FormatInt(v, 10))
			}
		}
		if *parent != 0 && e.parent != "" {
			q.Set(e.parent, strconv.FormatInt(*parent, 10))
		}
		return c.list(ctx, base+"?"+q.Encode(), *raw)
	case verb == "get" && len(rest) == 1:
		return c.do(ctx, "GET", base+"/"+rest[0], nil)
	case verb == "create":
		body, err := bodyOf(*jsonFile, rest)
		if err != nil {
			return err
		}
		return c.do(ctx, "POST", base, body)
	case verb == "update" && len(rest) >= 1:
		body, err := bodyOf(*jsonFile, rest[1:])
		if err != nil {
			return err
		}
		return c.do(ctx, "PATCH", base+"/"+rest[0], body)
	case (verb == "pause" || verb == "resume" || verb == "archive") && len(rest) == 1:
		return c.do(ctx, "POST", base+"/"+rest[0]+"/"+verb, nil)
	case verb == e.extra && e.extra != "" && len(rest) == 1:
		return c.do(ctx, "GET", base+"/"+rest[0]+"/"+verb, nil)
	}
	fs.Usage()
	return errUsage
}

// bodyOf builds a request body from a JSON file or from key=value pairs.
func bodyOf(file string, pairs []string) ([]byte, error) {
	if file != "" {
		if len(pairs) > 0 {
			return nil, errors.Join(errUsage, errors.New("use --json or key=value, not both"))
		}
		if file == "-" {
			return io.ReadAll(os.Stdin)
		}
		return os.ReadFile(file)
	}
	obj := map[string]json.RawMessage{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, errors.Join(errUsage, fmt.Errorf("want key=value, got %q", p))
		}
		if json.Valid([]byte(v)) {
			obj[k] = json.RawMessage(v)
		} else {
			b, _ := json.Marshal(v)
			obj[k] = b
		}
	}
	return json.Marshal(obj)
}

// client calls the admin API.
type client struct {
	base, token string
	out         io.Writer
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// call sends one request and returns the answer body, or an error with
// the API's message for any status other than 2xx.
func (c *client) call(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	if c.token == "" {
		return nil, errors.Join(errUsage, errors.New("no token: pass --token or set NORDBID_TOKEN"))
	}
	req, err := http.NewRequestWithContext(ctx, method,
		strings.TrimSuffix(c.base, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(b))
	}
	return b, nil
}

// do calls the API and prints the answer as indented JSON.
func (c *client) do(ctx context.Context, method, path string, body []byte) error {
	b, err := c.call(ctx, method, path, body)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if json.Indent(&buf, b, "", "  ") != nil {
		buf.Write(b)
	}
	_, err = c.out.Write(buf.Bytes())
	return err
}

// list prints one page of a list as a table of id, name and status, or as
// JSON with raw.
func (c *client) list(ctx context.Context, path string, raw bool) error {
	if raw {
		return c.do(ctx, "GET", path, nil)
	}
	b, err := c.call(ctx, "GET", path, nil)
	if err != nil {
		return err
	}
	var page struct {
		Items []struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			Status string `json:"status"`
		} `json:"items"`
		Next *int64 `json:"next_after_id"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return fmt.Errorf("list: %w", err)
	}
	tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tNAME")
	for _, it := range page.Items {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", it.ID, it.Status, it.Name)
	}
	if page.Next != nil {
		fmt.Fprintf(tw, "(more: --after %d)\n", *page.Next)
	}
	return tw.Flush()
}

// defaultAdminURL is the admin API the CLI talks to when --url is not
// given: NORDBID_ADMIN_URL, else the local admin listener named by
// NORDBID_ADMIN_LISTEN (as serve reads it), else serve's default.
func defaultAdminURL(getenv func(string) string) string {
	if u := getenv("NORDBID_ADMIN_URL"); u != "" {
		return u
	}
	host, port, err := net.SplitHostPort(getenv("NORDBID_ADMIN_LISTEN"))
	if err != nil {
		return "http://127.0.0.1:8081"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

const killUsage = `usage: nordbid kill-switch <on|off|status> [--url URL] [--token T]

on stops all bidding on every node within a second; off resumes it.
`

// runKillSwitch turns the global kill switch on or off through the API.
func runKillSwitch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("kill-switch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, killUsage) }
	c := client{out: stdout}
	fs.StringVar(&c.base, "url", defaultAdminURL(os.Getenv), "admin API base URL")
	fs.StringVar(&c.token, "token", os.Getenv("NORDBID_TOKEN"), "admin token")
	pos, err := parseAll(fs, args)
	if err != nil {
		return errors.Join(errUsage, err)
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	switch pos[0] {
	case "status":
		return c.do(ctx, "GET", "/api/v1/settings", nil)
	case "on", "off":
		body := []byte(`{"kill_switch":` + strconv.FormatBool(pos[0] == "on") + `}`)
		return c.do(ctx, "PATCH", "/api/v1/settings", body)
	}
	fs.Usage()
	return errUsage
}
