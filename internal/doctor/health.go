package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// HealthTimeout bounds one health probe. A live process answers /health
// in microseconds; a probe that waits longer is as good as a failure, and
// container runtimes kill probes after a few seconds anyway.
const HealthTimeout = 2 * time.Second

// errNotLoopback refuses probes of other hosts: the probe exists so that a
// container without curl can check its own process.
var errNotLoopback = errors.New("health: url must point at a loopback address")

// CheckHealth requests rawURL, which must be an http URL on a loopback
// address, and returns nil when it answers 200 within HealthTimeout.
func CheckHealth(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return errors.New("health: want an http://127.0.0.1:PORT/health url")
	}
	if !isLoopback(u.Hostname()) {
		return errNotLoopback
	}

	ctx, cancel := context.WithTimeout(ctx, HealthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}

	// A transport of its own: no proxy from the environment, no pooling
	// for a process that makes one request and exits.
	client := http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: status %d", resp.StatusCode)
	}
	return nil
}

// isLoopback accepts "localhost" and loopback IP literals; other names are
// refused rather than resolved, so a probe never leaves the host.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
