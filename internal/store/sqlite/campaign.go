package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// CreateAdvertiser inserts a and returns it with its new ID; a.ID is
// ignored.
func (db *DB) CreateAdvertiser(ctx context.Context,
	a campaign.Advertiser) (campaign.Advertiser, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			"INSERT INTO advertisers (name, domain, status) VALUES (?, ?, ?)",
			a.Name, a.Domain, string(a.Status))
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return campaign.Advertiser{}, fmt.Errorf("create advertiser: %w", err)
	}
	return a, nil
}

// campaignColumns are the columns campaignArgs fills, in its order.
const campaignColumns = `advertiser_id, name, status, start_ms, end_ms, time_zone,
	currency, total_budget, daily_budget, bid_price, freq_cap_count,
	freq_cap_window_ms, exchanges, countries, regions, device_types, os,
	domains_allow, domains_block, bundles_allow, bundles_block, publishers,
	blocked_categories, deals, segments, hours_of_week, channels,
	updated_at_ms`

// campaignArgs returns the column values of c, with updatedMS as its
// UpdatedAt.
func campaignArgs(c *campaign.Campaign, updatedMS int64) ([]any, error) {
	var lc listCodec
	t := &c.Targeting
	args := []any{
		c.AdvertiserID, c.Name, string(c.Status),
		encodeTime(c.Start), encodeTime(c.End), c.TimeZone,
		c.Currency, c.TotalBudget, c.DailyBudget, c.BidPrice,
		c.FreqCap.Count, c.FreqCap.Window.Milliseconds(),
		encodeField(&lc, c.Exchanges),
		encodeField(&lc, t.Countries),
		encodeField(&lc, t.Regions),
		encodeField(&lc, t.DeviceTypes),
		encodeField(&lc, t.OS),
		encodeField(&lc, t.Domains.Allow),
		encodeField(&lc, t.Domains.Block),
		encodeField(&lc, t.Bundles.Allow),
		encodeField(&lc, t.Bundles.Block),
		encodeField(&lc, t.Publishers),
		encodeField(&lc, t.BlockedCategories),
		encodeField(&lc, t.Deals),
		encodeField(&lc, t.Segments),
		encodeField(&lc, t.HoursOfWeek),
		encodeField(&lc, t.Channels),
		updatedMS,
	}
	return args, lc.err
}

// CreateCampaign inserts c and returns it as stored, with its new ID and
// UpdatedAt; c.ID and c.UpdatedAt are ignored. Times and the frequency cap
// window are kept to the millisecond and come back in UTC; empty lists come
// back nil. It returns an error wrapping store.ErrNotFound when the
// advertiser does not exist.
func (db *DB) CreateCampaign(ctx context.Context, c campaign.Campaign) (campaign.Campaign, error) {
	args, err := campaignArgs(&c, nowMS())
	if err != nil {
		return campaign.Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "advertisers", c.AdvertiserID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO campaigns ("+campaignColumns+
			") VALUES (?"+strings.Repeat(", ?", len(args)-1)+")", args...)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		c, err = scanCampaign(tx.QueryRowContext(ctx, selectCampaigns+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return campaign.Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	return c, nil
}

// UpdateCampaign replaces the campaign with c.ID and sets its UpdatedAt; it
// returns an error wrapping store.ErrNotFound when there is none.
func (db *DB) UpdateCampaign(ctx context.Context, c campaign.Campaign) error {
	args, err := campaignArgs(&c, nowMS())
	if err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "campaigns", c.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE campaigns SET ("+campaignColumns+
			") = (?"+strings.Repeat(", ?", len(args)-1)+") WHERE id = ?", append(args, c.ID)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	return nil
}

// creativeColumns are the columns creativeArgs fills, in its order.
const creativeColumns = `campaign_id, name, status, format, w, h, mimes,
	duration_s, protocols, native_assets, markup, adomain, categories,
	attributes, click_url, bundle`

func creativeArgs(c *campaign.Creative) ([]any, error) {
	var lc listCodec
	args := []any{
		c.CampaignID, c.Name, string(c.Status), string(c.Format), c.W, c.H,
		encodeField(&lc, c.Mimes),
		c.Duration,
		encodeField(&lc, c.Protocols),
		encodeField(&lc, c.NativeAssets),
		c.Markup,
		encodeField(&lc, c.ADomain),
		encodeField(&lc, c.Categories),
		encodeField(&lc, c.Attributes),
		c.ClickURL,
		c.Bundle,
	}
	return args, lc.err
}

// CreateCreative inserts c and returns it as stored, with its new ID; c.ID
// is ignored and empty lists come back nil. It returns an error wrapping
// store.ErrNotFound when the campaign does not exist.
func (db *DB) CreateCreative(ctx context.Context, c campaign.Creative) (campaign.Creative, error) {
	args, err := creativeArgs(&c)
	if err != nil {
		return campaign.Creative{}, fmt.Errorf("create creative: %w", err)
	}
	err = db.write(ctx, func(tx *sql.Tx) error {
		if err := mustExist(ctx, tx, "campaigns", c.CampaignID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO creatives ("+creativeColumns+
			") VALUES (?"+strings.Repeat(", ?", len(args)-1)+")", args...)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		c, err = scanCreative(tx.QueryRowContext(ctx, selectCreatives+" WHERE id = ?", id))
		return err
	})
	if err != nil {
		return campaign.Creative{}, fmt.Errorf("create creative: %w", err)
	}
	return c, nil
}

// PutExchange inserts or replaces the exchange named e.Name.
func (db *DB) PutExchange(ctx context.Context, e campaign.Exchange) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO exchanges (name, bill_on_win, seat)
			VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE
			SET bill_on_win = excluded.bill_on_win, seat = excluded.seat`,
			e.Name, boolInt(e.BillOnWin), e.Seat)
		return err
	})
	if err != nil {
		return fmt.Errorf("put exchange %q: %w", e.Name, err)
	}
	return nil
}

// PutRate inserts or replaces the rate of r.Currency. PerUSD must be
// positive.
func (db *DB) PutRate(ctx context.Context, r campaign.Rate) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO rates (currency, per_usd) VALUES (?, ?)
			ON CONFLICT (currency) DO UPDATE SET per_usd = excluded.per_usd`,
			r.Currency, r.PerUSD)
		return err
	})
	if err != nil {
		return fmt.Errorf("put rate %q: %w", r.Currency, err)
	}
	return nil
}

// mustExist reports store.ErrNotFound unless table holds a row with id.
// table is always a constant of this package.
func mustExist(ctx context.Context, tx *sql.Tx, table string, id int64) error {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table+" WHERE id = ?", id).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", table[:len(table)-1], id, store.ErrNotFound)
	}
	return nil
}
