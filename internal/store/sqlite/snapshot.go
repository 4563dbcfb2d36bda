package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

const selectCampaigns = "SELECT id, " + campaignColumns + " FROM campaigns"

// scanCampaign reads one row of selectCampaigns.
func scanCampaign(row scanner) (campaign.Campaign, error) {
	var (
		c                            campaign.Campaign
		status                       string
		start, end                   sql.NullInt64
		windowMS, updatedMS          int64
		exchanges, countries         string
		regions, deviceTypes, osList string
		domAllow, domBlock           string
		bunAllow, bunBlock           string
		publishers, blockedCats      string
		deals, segments              string
		hours, channels              string
	)
	err := row.Scan(&c.ID, &c.AdvertiserID, &c.Name, &status, &start, &end,
		&c.TimeZone, &c.Currency, &c.TotalBudget, &c.DailyBudget, &c.BidPrice,
		&c.FreqCap.Count, &windowMS, &exchanges, &countries, &regions,
		&deviceTypes, &osList, &domAllow, &domBlock, &bunAllow, &bunBlock,
		&publishers, &blockedCats, &deals, &segments, &hours, &channels,
		&updatedMS)
	if err != nil {
		return campaign.Campaign{}, err
	}

	c.Status = campaign.Status(status)
	c.Start = decodeTime(start)
	c.End = decodeTime(end)
	c.FreqCap.Window = time.Duration(windowMS) * time.Millisecond
	c.UpdatedAt = time.UnixMilli(updatedMS).UTC()

	var lc listCodec
	t := &c.Targeting
	c.Exchanges = decodeField[string](&lc, exchanges)
	t.Countries = decodeField[string](&lc, countries)
	t.Regions = decodeField[string](&lc, regions)
	t.DeviceTypes = decodeField[int](&lc, deviceTypes)
	t.OS = decodeField[string](&lc, osList)
	t.Domains.Allow = decodeField[string](&lc, domAllow)
	t.Domains.Block = decodeField[string](&lc, domBlock)
	t.Bundles.Allow = decodeField[string](&lc, bunAllow)
	t.Bundles.Block = decodeField[string](&lc, bunBlock)
	t.Publishers = decodeField[string](&lc, publishers)
	t.BlockedCategories = decodeField[string](&lc, blockedCats)
	t.Deals = decodeField[string](&lc, deals)
	t.Segments = decodeField[string](&lc, segments)
	t.HoursOfWeek = decodeField[int](&lc, hours)
	t.Channels = decodeField[campaign.Channel](&lc, channels)
	if lc.err != nil {
		return campaign.Campaign{}, fmt.Errorf("campaign %d: %w", c.ID, lc.err)
	}
	return c, nil
}

const selectCreatives = "SELECT id, " + creativeColumns + " FROM creatives"

// scanCreative reads one row of selectCreatives.
func scanCreative(row scanner) (campaign.Creative, error) {
	var (
		c                       campaign.Creative
		status, format          string
		mimes, protocols, asset string
		adomain, cats, attrs    string
	)
	err := row.Scan(&c.ID, &c.CampaignID, &c.Name, &status, &format, &c.W, &c.H,
		&mimes, &c.Duration, &protocols, &asset, &c.Markup, &adomain, &cats, &attrs,
		&c.ClickURL, &c.Bundle)
	if err != nil {
		return campaign.Creative{}, err
	}

	c.Status = campaign.Status(status)
	c.Format = campaign.Format(format)
	var lc listCodec
	c.Mimes = decodeField[string](&lc, mimes)
	c.Protocols = decodeField[int](&lc, protocols)
	c.NativeAssets = decodeField[string](&lc, asset)
	c.ADomain = decodeField[string](&lc, adomain)
	c.Categories = decodeField[string](&lc, cats)
	c.Attributes = decodeField[int](&lc, attrs)
	if lc.err != nil {
		return campaign.Creative{}, fmt.Errorf("creative %d: %w", c.ID, lc.err)
	}
	return c, nil
}

// Snapshot returns every advertiser, campaign and creative in ID order,
// exchanges by name, rates by currency and the settings, all read in one
// transaction.
func (db *DB) Snapshot(ctx context.Context) (*store.Snapshot, error) {
	s := &store.Snapshot{}
	err := db.read(ctx, func(tx *sql.Tx) error {
		var err error
		s.Advertisers, err = queryAll(ctx, tx,
			"SELECT id, name, domain, status FROM advertisers ORDER BY id",
			func(r scanner) (a campaign.Advertiser, err error) {
				var status string
				err = r.Scan(&a.ID, &a.Name, &a.Domain, &status)
				a.Status = campaign.Status(status)
				return a, err
			})
		if err != nil {
			return err
		}
		s.Campaigns, err = queryAll(ctx, tx, selectCampaigns+" ORDER BY id", scanCampaign)
		if err != nil {
			return err
		}
		s.Creatives, err = queryAll(ctx, tx, selectCreatives+" ORDER BY id", scanCreative)
		if err != nil {
			return err
		}
		s.Exchanges, err = queryAll(ctx, tx,
			"SELECT name, bill_on_win, seat FROM exchanges ORDER BY name",
			func(r scanner) (e campaign.Exchange, err error) {
				err = r.Scan(&e.Name, &e.BillOnWin, &e.Seat)
				return e, err
			})
		if err != nil {
			return err
		}
		s.Rates, err = queryAll(ctx, tx,
			"SELECT currency, per_usd FROM rates ORDER BY currency",
			func(r scanner) (rt campaign.Rate, err error) {
				err = r.Scan(&rt.Currency, &rt.PerUSD)
				return rt, err
			})
		if err != nil {
			return err
		}
		s.Settings, err = readSettings(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return s, nil
}

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, tx *sql.Tx, query string,
	scan func(scanner) (T, error)) ([]T, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Version returns the change counter, which triggers in the schema raise on
// every insert, update and delete of advertisers, campaigns, creatives,
// exchanges and rates and on every update of the settings, whoever makes it.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			"SELECT value FROM change_counter WHERE id = 1").Scan(&v)
	})
	if err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}
