package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"nordbid/internal/store/postgres/pgtest"
)

// ledgerPrices returns the price of every ledger row, sorted, or an error
// while the database cannot be read.
func ledgerPrices(dbURL string) ([]int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT price_micros FROM ledger ORDER BY price_micros")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// billings makes n bids on node and returns their billing URLs, each with
// its own clearing price (0.01, 0.02, ... CPM), so that the ledger tells
// which were charged: a price of p CPM charges p*1000 micros.
func billings(t *testing.T, n *node, count int) (urls []string, micros []int64) {
	t.Helper()
	for i := range count {
		_, burl, _ := bidFor(t, n, "01_iab26_simple_banner.json")
		urls = append(urls, withPrice(burl, fmt.Sprintf("0.%02d", i+1)))
		micros = append(micros, int64(10*(i+1)))
	}
	return urls, micros
}

// acks collects the answers to billing notices: the micros of those
// answered "charged", and a count of every other answer.
type acks struct {
	mu      sync.Mutex
	charged []int64
	other   map[string]int
}

// send calls the billing URL u, whose clearing price charges micros.
func (a *acks) send(u string, micros int64) {
	resp, err := http.Get(u)
	if err != nil {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.other["unanswered"]++
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	if resp.StatusCode == http.StatusOK && strings.Contains(string(body), `"charged"`) {
		a.charged = append(a.charged, micros)
		return
	}
	a.other[fmt.Sprint(resp.StatusCode, " ", string(body))]++
}

// TestOutageJournalsAndReplays cuts the link to PostgreSQL while billing
// notices flow: bidding goes on, /ready says degraded, every notice is
// answered, and once the link is back the ledger holds exactly the
// acknowledged charges, each once.
func TestOutageJournalsAndReplays(t *testing.T) {
	const count = 40
	dbURL := pgtest.Schema(t)
	p := startProxy(t, targetOf(t, dbURL))
	n := startNode(t, "--database-url", p.via(t, dbURL), "--migrate",
		"--db-acquire-timeout", "500ms", "--reload-interval", "100ms")
	urls, micros := billings(t, n, count)

	a := &acks{other: map[string]int{}}
	storm := func(from, to int) {
		var wg sync.WaitGroup
		for i := from; i < to; i++ {
			for range 2 {
				wg.Go(func() { a.send(urls[i], micros[i]) })
			}
		}
		wg.Wait()
	}
	storm(0, count/4)
	p.setCut(true)
	storm(count/4, count)

	// Bidding goes on from the last index while the store is away.
	bidFor(t, n, "01_iab26_simple_banner.json")
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := get(t, n.admin+"/ready")
		if code == http.StatusServiceUnavailable && strings.Contains(body, "degraded") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/ready = %d %s during the outage, want 503 degraded", code, body)
		}
		time.Sleep(50 * time.Millisecond)
	}

	p.setCut(false)
	slices.Sort(a.charged)
	if len(a.other) > 0 && len(a.charged) != count {
		t.Errorf("notices not charged: %v", a.other)
	}
	deadline = time.Now().Add(15 * time.Second)
	for {
		got, err := ledgerPrices(dbURL)
		if err == nil && slices.Equal(got, a.charged) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ledger after recovery = %v (%v), want the acknowledged %v",
				got, err, a.charged)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got := len(a.charged); got != count {
		t.Errorf("%d of %d bids acknowledged as charged; others %v", got, count, a.other)
	}
	for time.Now().Before(deadline) {
		if code, _ := get(t, n.admin+"/ready"); code == http.StatusOK {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Error("/ready did not recover after the outage")
}
