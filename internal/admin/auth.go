package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"nordbid/internal/store"
)

// secretPrefix starts every token secret, so that a leaked one is easy to
// recognise in logs and by secret scanners.
const secretPrefix = "nbt_"

// NewSecret returns a new random token secret (256 bits) and the SHA-256
// hash under which the store keeps it. The secret is shown once and never
// stored.
func NewSecret() (secret string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	secret = secretPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashSecret(secret), nil
}

// HashSecret returns the SHA-256 hash of a token secret.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// ValidRole reports whether r is a role a token may have.
func ValidRole(r store.Role) bool {
	return r == store.RoleReader || r == store.RoleOperator
}

type tokenKey struct{}

func withToken(ctx context.Context, t store.Token) context.Context {
	return context.WithValue(ctx, tokenKey{}, t)
}

func tokenFrom(ctx context.Context) store.Token {
	t, _ := ctx.Value(tokenKey{}).(store.Token)
	return t
}

// authenticate finds the token of r's bearer credential, or answers 401,
// or 429 while the client is locked out for presenting bad tokens. Only a
// presented and wrong secret counts as a failure: a missing header is
// not a guess.
func (a *API) authenticate(w http.ResponseWriter, r *http.Request) (store.Token, bool) {
	ip := clientIP(r)
	now := a.opt.Now()
	if wait := a.limit.blocked(ip, now); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, "too many bad tokens; retry later")
		return store.Token{}, false
	}

	secret, ok := bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="nordbid"`)
		writeError(w, http.StatusUnauthorized, "missing bearer token")
		return store.Token{}, false
	}
	hash := HashSecret(secret)
	tok, err := a.opt.Store.TokenByHash(r.Context(), hash)
	// The lookup is by hash of a 256-bit secret, so its timing reveals
	// nothing useful; the constant-time compare guards against a store
	// that matches loosely.
	if err == nil && subtle.ConstantTimeCompare(tok.Hash, hash) == 1 {
		return tok, true
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		a.fail(w, r, err)
		return store.Token{}, false
	}
	if a.limit.fail(ip, now) {
		a.opt.Logger.Warn("admin auth locked out", "client", maskIP(ip))
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="nordbid", error="invalid_token"`)
	writeError(w, http.StatusUnauthorized, "invalid token")
	return store.Token{}, false
}

// bearer returns the credential of an "Authorization: Bearer ..." header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}

// clientIP is the peer address of r. Forwarding headers are ignored: the
// admin listener is meant to be reached directly, and a header is easy to
// forge to escape the limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// maskIP keeps the network part of an address for logs: the house rule is
// never to log a full client address.
func maskIP(s string) string {
	ip := net.ParseIP(s)
	if ip == nil {
		return "unknown"
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(48, 128)).String() + "/48"
}

// limiter counts failures per client in fixed windows and blocks a client
// for the rest of a window once it reaches the limit.
type limiter struct {
	max    int
	window time.Duration

	mu      sync.Mutex
	clients map[string]*failures
}

type failures struct {
	start time.Time
	count int
}

// maxClients bounds the limiter's memory; past it, expired windows are
// dropped before a new client is tracked.
const maxClients = 10_000

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, clients: make(map[string]*failures)}
}

// blocked returns how long ip must still wait, or 0.
func (l *limiter) blocked(ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.clients[ip]
	if f == nil || f.count < l.max {
		return 0
	}
	left := f.start.Add(l.window).Sub(now)
	if left <= 0 {
		delete(l.clients, ip)
		return 0
	}
	return left
}

// fail counts one failure of ip and reports whether it just reached the
// limit.
func (l *limiter) fail(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.clients[ip]
	if f == nil || now.Sub(f.start) >= l.window {
		if len(l.clients) >= maxClients {
			l.sweep(now)
		}
		f = &failures{start: now}
		l.clients[ip] = f
	}
	f.count++
	return f.count == l.max
}

func (l *limiter) sweep(now time.Time) {
	for ip, f := range l.clients {
		if now.Sub(f.start) >= l.window {
			delete(l.clients, ip)
		}
	}
}

// me answers who the caller is, so that the dashboard can check a pasted
// token before it stores it.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	t := tokenFrom(r.Context())
	writeJSON(w, http.StatusOK, tokenJSON{ID: t.ID, Name: t.Name, Role: string(t.Role),
		Created: t.Created})
	return nil
}

// tokenJSON is a token as the API shows it: never its hash.
type tokenJSON struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	Created time.Time `json:"created"`
}
