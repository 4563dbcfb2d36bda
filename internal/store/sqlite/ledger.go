package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"nordbid/internal/store"
)

// Charge records the spend of one billed bid, once per BidID: the ledger
// row and the day's spend are written in one transaction, and the commit
// is on disk when Charge returns true.
func (db *DB) Charge(ctx context.Context, c store.Charge) (bool, error) {
	if c.BidID == "" {
		return false, errors.New("charge: empty bid id")
	}
	if c.Price < 0 {
		return false, fmt.Errorf("charge %s: negative price %d", c.BidID, c.Price)
	}
	var inserted bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO ledger
			(bid_id, campaign_id, creative_id, price_micros, day, charged_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			c.BidID, c.CampaignID, c.CreativeID, c.Price, c.Day, c.At.UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		inserted = true
		_, err = tx.ExecContext(ctx, `INSERT INTO spend_daily (campaign_id, day, micros)
			VALUES (?, ?, ?)
			ON CONFLICT (campaign_id, day) DO UPDATE SET micros = micros + excluded.micros`,
			c.CampaignID, c.Day, c.Price)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("charge %s: %w", c.BidID, err)
	}
	return inserted, nil
}

// RecordNotice records n once per (BidID, Kind) and reports whether it was
// new.
func (db *DB) RecordNotice(ctx context.Context, n store.Notice) (bool, error) {
	if n.BidID == "" || n.Kind == "" {
		return false, errors.New("record notice: empty bid id or kind")
	}
	var inserted bool
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO notices
			(bid_id, kind, campaign_id, price_micros, reason, at_ms)
			VALUES (?, ?, ?, ?, ?, ?)`,
			n.BidID, string(n.Kind), n.CampaignID, n.Price, n.Reason, n.At.UnixMilli())
		if err != nil {
			return err
		}
		rows, err := res.RowsAffected()
		inserted = rows > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record notice %s %s: %w", n.Kind, n.BidID, err)
	}
	return inserted, nil
}

// Spend returns, in campaign ID order, every campaign with any spend, its
// lifetime total and its spend on those of days that have some. Days is
// never nil.
func (db *DB) Spend(ctx context.Context, days []string) ([]store.Spend, error) {
	var out []store.Spend
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = spendTotals(ctx, tx)
		if err != nil || len(days) == 0 || len(out) == 0 {
			return err
		}
		return spendDays(ctx, tx, days, out)
	})
	if err != nil {
		return nil, fmt.Errorf("spend: %w", err)
	}
	return out, nil
}

func spendTotals(ctx context.Context, tx *sql.Tx) ([]store.Spend, error) {
	return queryAll(ctx, tx, `SELECT campaign_id, SUM(micros) FROM spend_daily
		GROUP BY campaign_id ORDER BY campaign_id`,
		func(r scanner) (s store.Spend, err error) {
			err = r.Scan(&s.CampaignID, &s.Total)
			s.Days = map[string]int64{}
			return s, err
		})
}

// spendDays fills the Days of out from the spend on days.
func spendDays(ctx context.Context, tx *sql.Tx, days []string, out []store.Spend) error {
	args := make([]any, len(days))
	for i, d := range days {
		args[i] = d
	}
	marks := strings.Repeat("?, ", len(days)-1) + "?"
	rows, err := tx.QueryContext(ctx, `SELECT campaign_id, day, micros FROM spend_daily
		WHERE day IN (`+marks+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	index := make(map[int64]int, len(out))
	for i, s := range out {
		index[s.CampaignID] = i
	}
	for rows.Next() {
		var id, micros int64
		var day string
		if err := rows.Scan(&id, &day, &micros); err != nil {
			return err
		}
		// Both queries read one snapshot, so every id has a total.
		out[index[id]].Days[day] = micros
	}
	return rows.Err()
}
