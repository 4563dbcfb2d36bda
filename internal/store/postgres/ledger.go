package postgres

import (
	"context"
	"errors"
	"fmt"

	"nordbid/internal/store"
	"nordbid/internal/store/postgres/query"
)

// Charge records the spend of one billed bid, once per BidID across every
// node sharing the database: the ledger row and the day's spend are
// written by one statement, and the commit is durable when Charge returns
// true.
func (db *DB) Charge(ctx context.Context, c store.Charge) (bool, error) {
	if c.BidID == "" {
		return false, errors.New("charge: empty bid id")
	}
	if c.Price < 0 {
		return false, fmt.Errorf("charge %s: negative price %d", c.BidID, c.Price)
	}
	var n int64
	err := db.run(ctx, func(q *query.Queries) (err error) {
		n, err = q.Charge(ctx, query.ChargeParams{
			BidID: c.BidID, CampaignID: c.CampaignID, CreativeID: c.CreativeID,
			PriceMicros: c.Price, Day: c.Day, ChargedAt: c.At,
		})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("charge %s: %w", c.BidID, err)
	}
	return n > 0, nil
}

// RecordNotice records n once per (BidID, Kind) and reports whether it was
// new.
func (db *DB) RecordNotice(ctx context.Context, n store.Notice) (bool, error) {
	if n.BidID == "" || n.Kind == "" {
		return false, errors.New("record notice: empty bid id or kind")
	}
	var rows int64
	err := db.run(ctx, func(q *query.Queries) (err error) {
		rows, err = q.RecordNotice(ctx, query.RecordNoticeParams{
			BidID: n.BidID, Kind: string(n.Kind), CampaignID: n.CampaignID,
			PriceMicros: n.Price, Reason: int32(n.Reason), At: n.At,
		})
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record notice %s %s: %w", n.Kind, n.BidID, err)
	}
	return rows > 0, nil
}

// Spend returns, in campaign ID order, every campaign with any spend, its
// lifetime total and its spend on those of days that have some. Days is
// never nil.
func (db *DB) Spend(ctx context.Context, days []string) ([]store.Spend, error) {
	var out []store.Spend
	err := db.tx(ctx, readOnly, func(q *query.Queries) error {
		totals, err := q.SpendTotals(ctx)
		if err != nil {
			return err
		}
		out = make([]store.Spend, len(totals))
		index := make(map[int64]int, len(totals))
		for i, t := range totals {
			out[i] = store.Spend{CampaignID: t.CampaignID, Total: t.Total,
				Days: map[string]int64{}}
			index[t.CampaignID] = i
		}
		if len(days) == 0 || len(out) == 0 {
			return nil
		}
		rows, err := q.SpendOnDays(ctx, days)
		if err != nil {
			return err
		}
		// Both queries read one snapshot, so every campaign has a total.
		for _, r := range rows {
			out[index[r.CampaignID]].Days[r.Day] = r.Micros
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("spend: %w", err)
	}
	return out, nil
}
