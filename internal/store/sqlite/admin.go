package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

var _ store.Admin = (*DB)(nil)

// GetAdvertiser returns the advertiser with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetAdvertiser(ctx context.Context, id int64) (campaign.Advertiser, error) {
	var a campaign.Advertiser
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = scanAdvertiser(tx.QueryRowContext(ctx, selectAdvertisers+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return campaign.Advertiser{}, fmt.Errorf("get advertiser %d: %w", id, notFound(err))
	}
	return a, nil
}

// GetCampaign returns the campaign with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetCampaign(ctx context.Context, id int64) (campaign.Campaign, error) {
	var c campaign.Campaign
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanCampaign(tx.QueryRowContext(ctx, selectCampaigns+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return campaign.Campaign{}, fmt.Errorf("get campaign %d: %w", id, notFound(err))
	}
	return c, nil
}

// GetCreative returns the creative with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetCreative(ctx context.Context, id int64) (campaign.Creative, error) {
	var c campaign.Creative
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanCreative(tx.QueryRowContext(ctx, selectCreatives+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return campaign.Creative{}, fmt.Errorf("get creative %d: %w", id, notFound(err))
	}
	return c, nil
}

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

const selectAdvertisers = "SELECT id, name, domain, status FROM advertisers"

func scanAdvertiser(r scanner) (campaign.Advertiser, error) {
	var a campaign.Advertiser
	var status string
	err := r.Scan(&a.ID, &a.Name, &a.Domain, &status)
	a.Status = campaign.Status(status)
	return a, err
}

// ListAdvertisers returns advertisers by id, filtered and paged by opt;
// opt.ParentID is ignored.
func (db *DB) ListAdvertisers(ctx context.Context,
	opt store.ListOptions) ([]campaign.Advertiser, error) {
	opt.ParentID = 0
	out, err := list(ctx, db, selectAdvertisers, "", opt, scanAdvertiser)
	if err != nil {
		return nil, fmt.Errorf("list advertisers: %w", err)
	}
	return out, nil
}

// ListCampaigns returns campaigns by id, filtered and paged by opt;
// opt.ParentID is the advertiser.
func (db *DB) ListCampaigns(ctx context.Context,
	opt store.ListOptions) ([]campaign.Campaign, error) {
	out, err := list(ctx, db, selectCampaigns, "advertiser_id", opt, scanCampaign)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return out, nil
}

// ListCreatives returns creatives by id, filtered and paged by opt;
// opt.ParentID is the campaign.
func (db *DB) ListCreatives(ctx context.Context,
	opt store.ListOptions) ([]campaign.Creative, error) {
	out, err := list(ctx, db, selectCreatives, "campaign_id", opt, scanCreative)
	if err != nil {
		return nil, fmt.Errorf("list creatives: %w", err)
	}
	return out, nil
}

// list runs the select query of one entity table with the filters of opt.
// parent is the column ParentID filters on; it and query are constants of
// this package.
func list[T any](ctx context.Context, db *DB, query, parent string, opt store.ListOptions,
	scan func(scanner) (T, error)) ([]T, error) {
	where := []string{"id > ?"}
	args := []any{opt.AfterID}
	if opt.Status != "" {
		where = append(where, "status = ?")
		args = append(args, string(opt.Status))
	}
	if opt.ParentID != 0 && parent != "" {
		where = append(where, parent+" = ?")
		args = append(args, opt.ParentID)
	}
	if opt.Name != "" {
		// instr instead of LIKE: no wildcard in the name needs escaping.
		where = append(where, "instr(lower(name), lower(?)) > 0")
		args = append(args, opt.Name)
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	args = append(args, limit)
	q := query + " WHERE " + strings.Join(where, " AND ") + " ORDER BY id LIMIT ?"

	var out []T
	err := db.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateAdvertiser replaces the advertiser with a.ID; it returns an error
// wrapping store.ErrNotFound when there is none.
func (db *DB) UpdateAdvertiser(ctx context.Context, a campaign.Advertiser) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "advertisers", a.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			"UPDATE advertisers SET name = ?, domain = ?, status = ? WHERE id = ?",
			a.Name, a.Domain, string(a.Status), a.ID)
		return err
	})
	if err != nil {
		return fmt.Errorf("update advertiser: %w", err)
	}
	return nil
}

// UpdateCreative replaces the creative with c.ID; it returns an error
// wrapping store.ErrNotFound when there is none, or when c.CampaignID names
// no campaign.
func (db *DB) UpdateCreative(ctx context.Context, c campaign.Creative) error {
	args, err := creativeArgs(&c)
	if err != nil {
		return fmt.Errorf("update creative: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "creatives", c.ID); err != nil {
			return err
		}
		if err := mustExist(ctx, tx, "campaigns", c.CampaignID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE creatives SET ("+creativeColumns+
			") = (?"+strings.Repeat(", ?", len(args)-1)+") WHERE id = ?", append(args, c.ID)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("update creative: %w", err)
	}
	return nil
}

// Settings returns the global settings.
func (db *DB) Settings(ctx context.Context) (store.Settings, error) {
	var s store.Settings
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = readSettings(ctx, tx)
		return err
	})
	if err != nil {
		return store.Settings{}, fmt.Errorf("settings: %w", err)
	}
	return s, nil
}

func readSettings(ctx context.Context, tx *sql.Tx) (store.Settings, error) {
	var s store.Settings
	err := tx.QueryRowContext(ctx,
		"SELECT kill_switch FROM settings WHERE id = 1").Scan(&s.KillSwitch)
	return s, err
}

// SetKillSwitch turns all bidding off (true) or back on. A trigger bumps
// the change counter, so every bidder on this file reloads.
func (db *DB) SetKillSwitch(ctx context.Context, on bool) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			"UPDATE settings SET kill_switch = ? WHERE id = 1", boolInt(on))
		return err
	})
	if err != nil {
		return fmt.Errorf("set kill switch: %w", err)
	}
	return nil
}

// CreateToken stores t and returns it with its ID and, when t.Created is
// zero, the current time (kept to the millisecond, in UTC).
func (db *DB) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	if t.Created.IsZero() {
		t.Created = time.Now()
	}
	t.Created = time.UnixMilli(t.Created.UnixMilli()).UTC()
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			"INSERT INTO api_tokens (name, role, hash, created_ms) VALUES (?, ?, ?, ?)",
			t.Name, string(t.Role), t.Hash, t.Created.UnixMilli())
		if err != nil {
			return err
		}
		t.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return store.Token{}, fmt.Errorf("create token: %w", err)
	}
	return t, nil
}

const selectTokens = "SELECT id, name, role, hash, created_ms FROM api_tokens"

func scanToken(r scanner) (store.Token, error) {
	var t store.Token
	var role string
	var ms int64
	err := r.Scan(&t.ID, &t.Name, &role, &t.Hash, &ms)
	t.Role = store.Role(role)
	t.Created = time.UnixMilli(ms).UTC()
	return t, err
}

// TokenByHash returns the token whose secret hashes to hash, or an error
// wrapping store.ErrNotFound.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	var t store.Token
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, selectTokens+" WHERE hash = ?", hash))
		return err
	})
	if err != nil {
		return store.Token{}, fmt.Errorf("token by hash: %w", notFound(err))
	}
	return t, nil
}

// ListTokens returns every token by id.
func (db *DB) ListTokens(ctx context.Context) ([]store.Token, error) {
	var out []store.Token
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryAll(ctx, tx, selectTokens+" ORDER BY id", scanToken)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// DeleteToken removes the token with id; it returns an error wrapping
// store.ErrNotFound when there is none.
func (db *DB) DeleteToken(ctx context.Context, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE id = ?", id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err == nil && n == 0 {
			err = store.ErrNotFound
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("delete token %d: %w", id, err)
	}
	return nil
}
