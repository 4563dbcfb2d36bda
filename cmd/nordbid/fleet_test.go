package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"nordbid/internal/store/postgres/pgtest"
)

// startFleet starts n nodes on one PostgreSQL schema of their own, sharing
// one notice token key as a fleet must. The first node migrates and seeds
// the demo campaigns; the others find them there. The version poll is set
// to a minute, so that only LISTEN/NOTIFY can bring a change within a
// second.
func startFleet(t *testing.T, n int) (string, []*node) {
	t.Helper()
	dbURL := pgtest.Schema(t)
	key := filepath.Join(t.TempDir(), "token.key")
	if err := os.WriteFile(key, []byte("fleet-test-token-key-0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	nodes := make([]*node, n)
	for i := range nodes {
		nodes[i] = startNode(t, "--database-url", dbURL, "--migrate",
			"--token-key-file", key, "--reload-interval", "1m")
	}
	return dbURL, nodes
}

// at aims a notice URL made by node from at node to.
func at(u string, from, to *node) string {
	return to.bid + strings.TrimPrefix(u, from.bid)
}

// bidCampaign posts a corpus request and returns the campaign of the
// first bid, or "" for no bid.
func bidCampaign(t *testing.T, n *node, file string) string {
	t.Helper()
	body, err := os.ReadFile(corpus + "/requests/" + file)
	if err != nil {
		t.Fatal(err)
	}
	resp, rb := n.post(t, "/openrtb2/bid", body)
	if resp.StatusCode == http.StatusNoContent {
		return ""
	}
	var r struct {
		SeatBid []struct{ Bid []struct{ CID string } }
	}
	if err := json.Unmarshal(rb, &r); err != nil || len(r.SeatBid) == 0 {
		t.Fatalf("bid response %q: %v", rb, err)
	}
	return r.SeatBid[0].Bid[0].CID
}

// TestFleetReloadWithinOneSecond: a campaign paused straight in the
// database stops bidding on all three nodes within a second.
func TestFleetReloadWithinOneSecond(t *testing.T) {
	const file = "01_iab26_simple_banner.json"
	dbURL, nodes := startFleet(t, 3)
	cid := bidCampaign(t, nodes[0], file)
	if cid == "" {
		t.Fatal("no bid before the change")
	}

	pgtest.Exec(t, dbURL,
		"UPDATE campaigns SET status = 'paused' WHERE id = $1::text::bigint", cid)
	changed := time.Now()
	for i, n := range nodes {
		for {
			if got := bidCampaign(t, n, file); got != cid {
				break
			}
			if time.Since(changed) > time.Second {
				t.Fatalf("node %d still bids for paused campaign %s after 1 s", i, cid)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestFleetChargesOnce: billing notices for the same bids, sent to every
// node at once, are charged once each.
func TestFleetChargesOnce(t *testing.T) {
	dbURL, nodes := startFleet(t, 3)
	const bids = 5
	var burls []string
	for range bids {
		_, burl, _ := bidFor(t, nodes[0], "01_iab26_simple_banner.json")
		burls = append(burls, withPrice(burl, "0.90"))
	}

	var mu sync.Mutex
	outcomes := map[string]int{}
	var wg sync.WaitGroup
	for _, u := range burls {
		for _, n := range nodes {
			for range 2 {
				wg.Go(func() {
					code, body := get(t, at(u, nodes[0], n))
					mu.Lock()
					defer mu.Unlock()
					outcomes[body]++
					if code != http.StatusOK {
						t.Errorf("notice at %s: status %d %s", n.bid, code, body)
					}
				})
			}
		}
	}
	wg.Wait()
	if got := outcomes[`{"status":"charged"}`]; got != bids {
		t.Errorf("charged %d times for %d bids; outcomes %v", got, bids, outcomes)
	}

	var rows, micros int64
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = conn.QueryRow(ctx, "SELECT count(*), coalesce(sum(price_micros), 0) FROM ledger").
		Scan(&rows, &micros)
	if err != nil {
		t.Fatal(err)
	}
	if rows != bids || micros != bids*900 {
		t.Errorf("ledger holds %d rows, %d micros; want %d and %d", rows, micros, bids, bids*900)
	}
}
