package doctor

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// dbSource says where the fleet store's URL came from, so that a fix
// names the place to correct rather than always DATABASE_URL.
type dbSource struct {
	// kind is srcEnv, srcFile or srcCredential; zero means no URL is
	// configured.
	kind int
	// path is the file read: DATABASE_URL_FILE's value, or the
	// credential in $CREDENTIALS_DIRECTORY.
	path string
}

// The places a URL comes from, in the order nordbid serve looks.
const (
	srcEnv = iota + 1
	srcFile
	srcCredential
)

// credstoreFile is where the shipped unit's LoadCredential= finds the URL.
const credstoreFile = "/etc/credstore/nordbid.database_url"

// exampleURL is a complete connection string, in both notations, for the
// fixes to show.
const exampleURL = "a URL such as postgres://nordbid:SECRET@db.internal:5432/nordbid " +
	"(or key=value: host=db.internal port=5432 user=nordbid password=SECRET " +
	"dbname=nordbid)"

// String names the source for the table, e.g. "DATABASE_URL_FILE
// /etc/nordbid/db".
func (s dbSource) String() string {
	switch s.kind {
	case srcFile:
		return "DATABASE_URL_FILE " + s.path
	case srcCredential:
		return "credential " + s.path
	default:
		return "DATABASE_URL"
	}
}

// setTo says how to put a corrected URL in place.
func (s dbSource) setTo() string {
	switch s.kind {
	case srcFile:
		return fmt.Sprintf("write %s into %s, the file DATABASE_URL_FILE names",
			exampleURL, shellQuote(s.path))
	case srcCredential:
		return fmt.Sprintf("write %s into the file the unit's LoadCredential=database_url: "+
			"names (%s for the shipped unit; systemd hands it to nordbid as %s)",
			exampleURL, credstoreFile, s.path)
	default:
		return "set DATABASE_URL to " + exampleURL
	}
}

// pgIsReady is the pg_isready command that checks the same URL from a
// shell.
func (s dbSource) pgIsReady() string {
	switch s.kind {
	case srcFile:
		return fmt.Sprintf(`pg_isready -d "$(cat %s)"`, shellQuote(s.path))
	case srcCredential:
		return fmt.Sprintf(`pg_isready -d "$(cat %s)"`, credstoreFile)
	default:
		return `pg_isready -d "$DATABASE_URL"`
	}
}

// databaseURLFromEnv finds the fleet store's URL the way nordbid serve
// does: DATABASE_URL, else the file named by DATABASE_URL_FILE, else the
// systemd credential $CREDENTIALS_DIRECTORY/database_url. It returns ""
// when none is set; a file that is named but unreadable is an error. The
// source is returned in both cases.
func databaseURLFromEnv(getenv func(string) string) (string, dbSource, error) {
	if u := getenv("DATABASE_URL"); u != "" {
		return strings.TrimSpace(u), dbSource{kind: srcEnv}, nil
	}
	if name := getenv("DATABASE_URL_FILE"); name != "" {
		src := dbSource{kind: srcFile, path: name}
		b, err := os.ReadFile(name)
		if err != nil {
			return "", src, fmt.Errorf("read DATABASE_URL_FILE: %w", err)
		}
		return strings.TrimSpace(string(b)), src, nil
	}
	if dir := getenv("CREDENTIALS_DIRECTORY"); dir != "" {
		src := dbSource{kind: srcCredential, path: filepath.Join(dir, "database_url")}
		b, err := os.ReadFile(src.path)
		if errors.Is(err, fs.ErrNotExist) {
			return "", dbSource{}, nil
		}
		if err != nil {
			return "", src, fmt.Errorf("read database_url credential: %w", err)
		}
		return strings.TrimSpace(string(b)), src, nil
	}
	return "", dbSource{}, nil
}

// pgTarget is one address a PostgreSQL URL points at.
type pgTarget struct {
	network string // "tcp" or "unix"
	address string // host:port, or the socket path
}

// checkDatabase dials the fleet store. Only the host and port are shown:
// the URL may carry a password.
func checkDatabase(ctx context.Context, e env) Result {
	r := Result{Check: "database", Status: Pass, Want: "reachable when DATABASE_URL is set"}
	src := e.databaseSrc
	if e.databaseErr != nil {
		r.Status = Fail
		r.Value = e.databaseErr.Error()
		if src.kind == srcCredential {
			r.Fix = fmt.Sprintf("systemd could not hand over a readable credential: check "+
				"LoadCredential=database_url: in the unit and the file it names (%s for "+
				"the shipped unit)", credstoreFile)
		} else {
			r.Fix = fmt.Sprintf("make %s readable by the user that runs nordbid, or unset "+
				"DATABASE_URL_FILE", shellQuote(src.path))
		}
		return r
	}
	if e.databaseURL == "" {
		r.Value = "not configured (embedded store)"
		return r
	}
	targets, err := parseDatabaseURL(e.databaseURL)
	if err != nil {
		r.Status = Fail
		r.Value = fmt.Sprintf("%s (from %s)", err, src)
		r.Fix = src.setTo()
		return r
	}

	d := net.Dialer{Timeout: e.dialTimeout}
	var tried []string
	for _, t := range targets {
		start := time.Now()
		c, err := d.DialContext(ctx, t.network, t.address)
		if err != nil {
			tried = append(tried, t.address)
			continue
		}
		took := time.Since(start)
		c.Close()
		r.Value = fmt.Sprintf("%s reachable in %s", t.address, round(took))
		return r
	}

	if err := ctx.Err(); err != nil {
		return inconclusive("database", r.Want, fmt.Errorf("dial cut short: %w", err),
			interrupted)
	}
	r.Status = Fail
	r.Value = strings.Join(tried, ", ") + " unreachable"
	r.Fix = fmt.Sprintf("start PostgreSQL, or correct the host and port in %s; check "+
		"with %s (tried %s)", src, src.pgIsReady(), strings.Join(tried, ", "))
	return r
}

// parseDatabaseURL returns the addresses a libpq-style URL or key=value
// connection string points at, in the order a client tries them.
func parseDatabaseURL(s string) ([]pgTarget, error) {
	var hosts, ports string
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		u, err := url.Parse(s)
		if err != nil {
			// url.Error quotes the whole URL, password included.
			return nil, errors.New("cannot parse the database URL")
		}
		hosts, ports = splitHostList(u.Host)
		if h := u.Query().Get("host"); h != "" {
			hosts = h
		}
		if p := u.Query().Get("port"); p != "" {
			ports = p
		}
	} else {
		kv, err := parseKeyValues(s)
		if err != nil {
			return nil, err
		}
		hosts, ports = kv["host"], kv["port"]
	}
	return pgTargets(hosts, ports)
}

// splitHostList splits "h1:5432,h2:5433" into "h1,h2" and "5432,5433".
func splitHostList(list string) (hosts, ports string) {
	var hs, ps []string
	for hp := range strings.SplitSeq(list, ",") {
		h, p, err := net.SplitHostPort(hp)
		if err != nil {
			h, p = strings.Trim(hp, "[]"), ""
		}
		hs, ps = append(hs, h), append(ps, p)
	}
	return strings.Join(hs, ","), strings.Join(ps, ",")
}

// pgTargets pairs comma-separated hosts with ports as libpq does: one
// port for all hosts, or one per host. An empty host is localhost, a host
// starting with "/" a directory holding the Unix socket.
func pgTargets(hosts, ports string) ([]pgTarget, error) {
	hs, ps := strings.Split(hosts, ","), strings.Split(ports, ",")
	if len(ps) != 1 && len(ps) != len(hs) {
		return nil, fmt.Errorf("the database URL has %d hosts but %d ports", len(hs), len(ps))
	}
	targets := make([]pgTarget, 0, len(hs))
	for i, h := range hs {
		p := ps[0]
		if len(ps) > 1 {
			p = ps[i]
		}
		if p == "" {
			p = "5432"
		}
		switch {
		case strings.HasPrefix(h, "/"):
			targets = append(targets, pgTarget{"unix", filepath.Join(h, ".s.PGSQL."+p)})
		case h == "":
			targets = append(targets, pgTarget{"tcp", net.JoinHostPort("localhost", p)})
		default:
			targets = append(targets, pgTarget{"tcp", net.JoinHostPort(h, p)})
		}
	}
	return targets, nil
}

// parseKeyValues parses a libpq key=value connection string, with values
// optionally in single quotes and backslash escapes inside them.
func parseKeyValues(s string) (map[string]string, error) {
	kv := map[string]string{}
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			return nil, errors.New("cannot parse the database URL: expected key=value")
		}
		key = strings.TrimSpace(key)
		if !isKeyword(key) {
			return nil, errors.New("cannot parse the database URL: bad keyword")
		}
		rest = strings.TrimLeft(rest, " \t")

		var val strings.Builder
		if strings.HasPrefix(rest, "'") {
			i, closed := 1, false
			for ; i < len(rest); i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				} else if rest[i] == '\'' {
					closed = true
					break
				}
				val.WriteByte(rest[i])
			}
			if !closed {
				return nil, errors.New("cannot parse the database URL: unterminated quote")
			}
			s = rest[i+1:]
		} else {
			end := strings.IndexAny(rest, " \t\n")
			if end < 0 {
				end = len(rest)
			}
			val.WriteString(rest[:end])
			s = rest[end:]
		}
		kv[key] = val.String()
	}
	return kv, nil
}

// isKeyword reports whether s can be a libpq keyword such as "dbname".
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
