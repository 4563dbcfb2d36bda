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

// databaseURLFromEnv finds the fleet store's URL the way nordbid serve
// does: DATABASE_URL, else the file named by DATABASE_URL_FILE, else the
// systemd credential $CREDENTIALS_DIRECTORY/database_url. It returns ""
// when none is set; a file that is named but unreadable is an error.
func databaseURLFromEnv(getenv func(string) string) (string, error) {
	if u := getenv("DATABASE_URL"); u != "" {
		return strings.TrimSpace(u), nil
	}
	if name := getenv("DATABASE_URL_FILE"); name != "" {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("read DATABASE_URL_FILE: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	if dir := getenv("CREDENTIALS_DIRECTORY"); dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, "database_url"))
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", fmt.Errorf("read database_url credential: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return "", nil
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
	if e.databaseErr != nil {
		r.Status = Fail
		r.Value = e.databaseErr.Error()
		r.Fix = "make the file readable by the user running nordbid, or unset the variable"
		return r
	}
	if e.databaseURL == "" {
		r.Value = "not configured (embedded store)"
		return r
	}
	targets, err := parseDatabaseURL(e.databaseURL)
	if err != nil {
		r.Status = Fail
		r.Value = err.Error()
		r.Fix = "set DATABASE_URL to postgres://USER@HOST:5432/DB or host=HOST port=5432 ..."
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
	r.Fix = fmt.Sprintf("start PostgreSQL or correct DATABASE_URL; check with "+
		"pg_isready -d \"$DATABASE_URL\" (tried %s)", strings.Join(tried, ", "))
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
			return nil, errors.New("cannot parse DATABASE_URL as a URL")
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
		return nil, fmt.Errorf("DATABASE_URL has %d hosts but %d ports", len(hs), len(ps))
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
			return nil, errors.New("cannot parse DATABASE_URL: expected key=value")
		}
		key = strings.TrimSpace(key)
		if !isKeyword(key) {
			return nil, errors.New("cannot parse DATABASE_URL: bad keyword")
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
				return nil, errors.New("cannot parse DATABASE_URL: unterminated quote")
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
