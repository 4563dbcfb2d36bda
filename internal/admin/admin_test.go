package admin

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"nordbid/internal/store"
	"nordbid/internal/store/sqlite"
)

// fixture is an API over a fresh embedded store with one token per role.
type fixture struct {
	api              *API
	st               store.Store
	operator, reader string
	clock            *clock
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newFixture(t *testing.T, opt Options) *fixture {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "nordbid.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: db, clock: &clock{now: time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)}}
	opt.Store = db
	opt.Logger = slog.New(slog.DiscardHandler)
	opt.Now = f.clock.Now
	f.api = New(opt)
	f.operator = f.token(t, store.RoleOperator)
	f.reader = f.token(t, store.RoleReader)
	return f
}

func (f *fixture) token(t *testing.T, role store.Role) string {
	t.Helper()
	secret, hash, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.CreateToken(t.Context(), store.Token{Name: string(role), Role: role, Hash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// do sends one request to the API and returns its status and body.
func (f *fixture) do(t *testing.T, token, method, path, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(t.Context(), method, path, rd)
	req.RemoteAddr = "192.0.2.7:40000"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// mustDo is do that fails the test unless the status is want, and decodes
// the answer into out when out is not nil.
func (f *fixture) mustDo(t *testing.T, method, path, body string, want int, out any) {
	t.Helper()
	got, b := f.do(t, f.operator, method, path, body)
	if got != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, got, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// seed creates an advertiser, an active campaign and a creative through
// the API and returns the campaign id.
func (f *fixture) seed(t *testing.T) int64 {
	t.Helper()
	var adv advertiserJSON
	f.mustDo(t, "POST", "/api/v1/advertisers", `{"name":"Acme","domain":"acme.example.com"}`,
		http.StatusCreated, &adv)
	var c campaignJSON
	f.mustDo(t, "POST", "/api/v1/campaigns", `{"advertiser_id":`+itoa(adv.ID)+
		`,"name":"Spring","status":"active","bid_price_micros":2000000,`+
		`"daily_budget_micros":48000000,"total_budget_micros":100000000,`+
		`"targeting":{"countries":["NOR"]}}`, http.StatusCreated, &c)
	f.mustDo(t, "POST", "/api/v1/creatives", `{"campaign_id":`+itoa(c.ID)+
		`,"format":"banner","w":300,"h":250,"markup":"<b>ad</b>"}`, http.StatusCreated, nil)
	return c.ID
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// fill replaces {id} in a route pattern with id.
func fill(pattern string, id int64) string {
	p := strings.ReplaceAll(pattern, "{id}", itoa(id))
	return strings.ReplaceAll(p, "{name}", "demo")
}

// bodyFor is a valid-looking body for a route's method.
func bodyFor(method string) string {
	if method == "GET" {
		return ""
	}
	return "{}"
}

func TestEveryRouteDeniesByDefault(t *testing.T) {
	f := newFixture(t, Options{AuthFailures: 1000})
	id := f.seed(t)
	for _, rt := range f.api.routes {
		if rt.role == "" {
			continue
		}
		path := fill(rt.pattern, id)
		t.Run(rt.method+" "+rt.pattern, func(t *testing.T) {
			cases := []struct {
				name, token string
				want        int
			}{
				{"no token", "", http.StatusUnauthorized},
				{"bad token", "nbt_not-a-real-token", http.StatusUnauthorized},
				{"near-miss token", f.operator + "x", http.StatusUnauthorized},
			}
			if rt.role == store.RoleOperator {
				cases = append(cases, struct {
					name, token string
					want        int
				}{"reader on a write", f.reader, http.StatusForbidden})
			}
			for _, c := range cases {
				got, body := f.do(t, c.token, rt.method, path, bodyFor(rt.method))
				if got != c.want {
					t.Errorf("%s: got %d %s, want %d", c.name, got, body, c.want)
				}
			}
			if rt.role == store.RoleReader {
				if got, body := f.do(t, f.reader, rt.method, path, ""); got != http.StatusOK {
					t.Errorf("reader on a read: got %d %s, want 200", got, body)
				}
			}
		})
	}
}

func TestFailedAuthIsRateLimited(t *testing.T) {
	f := newFixture(t, Options{})
	for i := range 10 {
		if got, _ := f.do(t, "nbt_guess", "GET", "/api/v1/me", ""); got != http.StatusUnauthorized {
			t.Fatalf("bad token %d: got %d, want 401", i+1, got)
		}
	}
	req := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/me", nil)
	req.RemoteAddr = "192.0.2.7:40001"
	req.Header.Set("Authorization", "Bearer "+f.operator)
	rec := httptest.NewRecorder()
	f.api.ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("after 10 bad tokens, a good one: got %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q, want 60", got)
	}

	other := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/me", nil)
	other.RemoteAddr = "198.51.100.1:5000"
	other.Header.Set("Authorization", "Bearer "+f.operator)
	rec = httptest.NewRecorder()
	f.api.ServeHTTP(rec, other)
	if rec.Code != http.StatusOK {
		t.Errorf("another client: got %d, want 200", rec.Code)
	}

	f.clock.add(time.Minute)
	if got, body := f.do(t, f.operator, "GET", "/api/v1/me", ""); got != http.StatusOK {
		t.Errorf("a minute later: got %d %s, want 200", got, body)
	}
}

func TestMissingTokenIsNotCountedAsGuess(t *testing.T) {
	f := newFixture(t, Options{AuthFailures: 2})
	for range 5 {
		f.do(t, "", "GET", "/api/v1/me", "")
	}
	if got, _ := f.do(t, f.reader, "GET", "/api/v1/me", ""); got != http.StatusOK {
		t.Errorf("after requests without a token: got %d, want 200", got)
	}
}

func TestReaderMe(t *testing.T) {
	f := newFixture(t, Options{})
	var got tokenJSON
	code, body := f.do(t, f.reader, "GET", "/api/v1/me", "")
	if code != http.StatusOK || json.Unmarshal(body, &got) != nil {
		t.Fatalf("GET /me = %d %s", code, body)
	}
	if got.Role != "reader" || got.Name != "reader" {
		t.Errorf("GET /me = %+v, want the reader token", got)
	}
	if bytes.Contains(body, []byte("hash")) {
		t.Errorf("GET /me shows the hash: %s", body)
	}
}
