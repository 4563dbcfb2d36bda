package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"nordbid/internal/lease"
	"nordbid/internal/store/postgres/query"
)

// leaseAttempts bounds the retries of a lease that lost a serialization
// race to another node's lease of the same campaign. Nodes lease a
// campaign about once per lease interval each, so races are rare; the
// retries, spread by a random pause, settle even a burst.
const leaseAttempts = 20

var _ lease.Leaser = (*DB)(nil)

// Lease grants up to req.Want micros of the campaign's budget to
// req.Node, as much as the budgets leave after the ledger's spend and the
// unexpired grants of every node, with one statement in a SERIALIZABLE
// transaction: of two nodes leasing at once, one is rolled back and
// retried against the other's grant.
func (db *DB) Lease(ctx context.Context, req lease.Request) (int64, error) {
	p := query.LeaseParams{
		Node: req.Node, CampaignID: req.CampaignID, Day: req.Day, Want: req.Want,
		TotalBudget: req.TotalBudget, DailyBudget: req.DailyBudget,
		TtlMs: req.TTL.Milliseconds(),
	}
	var got int64
	err := db.serial(ctx, leaseAttempts, func(q *query.Queries) error {
		var err error
		got, err = q.Lease(ctx, p)
		if errors.Is(err, pgx.ErrNoRows) {
			got, err = 0, nil
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("lease campaign %d: %w", req.CampaignID, err)
	}
	return got, nil
}
