package postgres

import (
	"context"
	"fmt"

	"nordbid/internal/campaign"
	"nordbid/internal/store/postgres/query"
)

// CreateAdvertiser inserts a and returns it with its new ID; a.ID is
// ignored.
func (db *DB) CreateAdvertiser(ctx context.Context,
	a campaign.Advertiser) (campaign.Advertiser, error) {
	err := db.run(ctx, func(q *query.Queries) (err error) {
		a.ID, err = q.CreateAdvertiser(ctx, query.CreateAdvertiserParams{
			Name: a.Name, Domain: a.Domain, Status: string(a.Status),
		})
		return err
	})
	if err != nil {
		return campaign.Advertiser{}, fmt.Errorf("create advertiser: %w", err)
	}
	return a, nil
}

// CreateCampaign inserts c and returns it as stored, with its new ID and
// UpdatedAt; c.ID and c.UpdatedAt are ignored. Times come back in UTC,
// the frequency cap window to the millisecond, and empty lists nil. It
// returns an error wrapping store.ErrNotFound when the advertiser does not
// exist.
func (db *DB) CreateCampaign(ctx context.Context, c campaign.Campaign) (campaign.Campaign, error) {
	var row query.Campaign
	err := db.run(ctx, func(q *query.Queries) (err error) {
		row, err = q.CreateCampaign(ctx, campaignParams(&c))
		return notFound(err, "advertiser", c.AdvertiserID)
	})
	if err != nil {
		return campaign.Campaign{}, fmt.Errorf("create campaign: %w", err)
	}
	return campaignFrom(row), nil
}

// UpdateCampaign replaces the campaign with c.ID and sets its UpdatedAt; it
// returns an error wrapping store.ErrNotFound when there is none.
func (db *DB) UpdateCampaign(ctx context.Context, c campaign.Campaign) error {
	err := db.run(ctx, func(q *query.Queries) error {
		n, err := q.UpdateCampaign(ctx, updateParams(&c))
		if err != nil {
			return notFound(err, "advertiser", c.AdvertiserID)
		}
		return missing(n, "campaign", c.ID)
	})
	if err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	return nil
}

// CreateCreative inserts c and returns it as stored, with its new ID; c.ID
// is ignored and empty lists come back nil. It returns an error wrapping
// store.ErrNotFound when the campaign does not exist.
func (db *DB) CreateCreative(ctx context.Context, c campaign.Creative) (campaign.Creative, error) {
	var row query.Creative
	err := db.run(ctx, func(q *query.Queries) (err error) {
		row, err = q.CreateCreative(ctx, creativeParams(&c))
		return notFound(err, "campaign", c.CampaignID)
	})
	if err != nil {
		return campaign.Creative{}, fmt.Errorf("create creative: %w", err)
	}
	return creativeFrom(row), nil
}

// PutExchange inserts or replaces the exchange named e.Name.
func (db *DB) PutExchange(ctx context.Context, e campaign.Exchange) error {
	err := db.run(ctx, func(q *query.Queries) error {
		return q.PutExchange(ctx, query.PutExchangeParams{
			Name: e.Name, BillOnWin: e.BillOnWin, Seat: e.Seat,
		})
	})
	if err != nil {
		return fmt.Errorf("put exchange %q: %w", e.Name, err)
	}
	return nil
}

// PutRate inserts or replaces the rate of r.Currency. PerUSD must be
// positive.
func (db *DB) PutRate(ctx context.Context, r campaign.Rate) error {
	err := db.run(ctx, func(q *query.Queries) error {
		return q.PutRate(ctx, query.PutRateParams{Currency: r.Currency, PerUsd: r.PerUSD})
	})
	if err != nil {
		return fmt.Errorf("put rate %q: %w", r.Currency, err)
	}
	return nil
}
