package postgres

import (
	"context"
	"fmt"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
	"nordbid/internal/store/postgres/query"
)

// GetAdvertiser returns the advertiser with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetAdvertiser(ctx context.Context, id int64) (campaign.Advertiser, error) {
	var r query.Advertiser
	err := db.run(ctx, func(q *query.Queries) (err error) {
		r, err = q.GetAdvertiser(ctx, id)
		return notFound(err, "advertiser", id)
	})
	if err != nil {
		return campaign.Advertiser{}, fmt.Errorf("get advertiser: %w", err)
	}
	return advertiserFrom(r), nil
}

// GetCampaign returns the campaign with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetCampaign(ctx context.Context, id int64) (campaign.Campaign, error) {
	var r query.Campaign
	err := db.run(ctx, func(q *query.Queries) (err error) {
		r, err = q.GetCampaign(ctx, id)
		return notFound(err, "campaign", id)
	})
	if err != nil {
		return campaign.Campaign{}, fmt.Errorf("get campaign: %w", err)
	}
	return campaignFrom(r), nil
}

// GetCreative returns the creative with id, or an error wrapping
// store.ErrNotFound.
func (db *DB) GetCreative(ctx context.Context, id int64) (campaign.Creative, error) {
	var r query.Creative
	err := db.run(ctx, func(q *query.Queries) (err error) {
		r, err = q.GetCreative(ctx, id)
		return notFound(err, "creative", id)
	})
	if err != nil {
		return campaign.Creative{}, fmt.Errorf("get creative: %w", err)
	}
	return creativeFrom(r), nil
}

// limit applies the paging bounds of store.ListOptions.
func limit(n int) int32 {
	switch {
	case n <= 0:
		return store.DefaultLimit
	case n > store.MaxLimit:
		return store.MaxLimit
	}
	return int32(n)
}

// ListAdvertisers returns advertisers in ID order, filtered and paged by
// opt; opt.ParentID is ignored.
func (db *DB) ListAdvertisers(ctx context.Context,
	opt store.ListOptions) ([]campaign.Advertiser, error) {
	var rows []query.Advertiser
	err := db.run(ctx, func(q *query.Queries) (err error) {
		rows, err = q.ListAdvertisers(ctx, query.ListAdvertisersParams{
			AfterID: opt.AfterID, Status: string(opt.Status), Name: opt.Name,
			MaxRows: limit(opt.Limit),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list advertisers: %w", err)
	}
	return mapAll(rows, advertiserFrom), nil
}

// ListCampaigns returns campaigns in ID order, filtered and paged by opt.
func (db *DB) ListCampaigns(ctx context.Context,
	opt store.ListOptions) ([]campaign.Campaign, error) {
	var rows []query.Campaign
	err := db.run(ctx, func(q *query.Queries) (err error) {
		rows, err = q.ListCampaigns(ctx, query.ListCampaignsParams{
			AfterID: opt.AfterID, Status: string(opt.Status), ParentID: opt.ParentID,
			Name: opt.Name, MaxRows: limit(opt.Limit),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return mapAll(rows, campaignFrom), nil
}

// ListCreatives returns creatives in ID order, filtered and paged by opt.
func (db *DB) ListCreatives(ctx context.Context,
	opt store.ListOptions) ([]campaign.Creative, error) {
	var rows []query.Creative
	err := db.run(ctx, func(q *query.Queries) (err error) {
		rows, err = q.ListCreatives(ctx, query.ListCreativesParams{
			AfterID: opt.AfterID, Status: string(opt.Status), ParentID: opt.ParentID,
			Name: opt.Name, MaxRows: limit(opt.Limit),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list creatives: %w", err)
	}
	return mapAll(rows, creativeFrom), nil
}

// UpdateAdvertiser replaces the advertiser with a.ID, or returns an error
// wrapping store.ErrNotFound.
func (db *DB) UpdateAdvertiser(ctx context.Context, a campaign.Advertiser) error {
	err := db.run(ctx, func(q *query.Queries) error {
		n, err := q.UpdateAdvertiser(ctx, query.UpdateAdvertiserParams{
			ID: a.ID, Name: a.Name, Domain: a.Domain, Status: string(a.Status),
		})
		if err != nil {
			return err
		}
		return missing(n, "advertiser", a.ID)
	})
	if err != nil {
		return fmt.Errorf("update advertiser: %w", err)
	}
	return nil
}

// UpdateCreative replaces the creative with c.ID, or returns an error
// wrapping store.ErrNotFound (also when its new campaign does not exist).
func (db *DB) UpdateCreative(ctx context.Context, c campaign.Creative) error {
	p := creativeParams(&c)
	err := db.run(ctx, func(q *query.Queries) error {
		n, err := q.UpdateCreative(ctx, query.UpdateCreativeParams{
			ID: c.ID, CampaignID: p.CampaignID, Name: p.Name, Status: p.Status,
			Format: p.Format, W: p.W, H: p.H, Mimes: p.Mimes, DurationS: p.DurationS,
			Protocols: p.Protocols, NativeAssets: p.NativeAssets, Markup: p.Markup,
			Adomain: p.Adomain, Categories: p.Categories, Attributes: p.Attributes,
			ClickUrl: p.ClickUrl, Bundle: p.Bundle,
		})
		if err != nil {
			return notFound(err, "campaign", c.CampaignID)
		}
		return missing(n, "creative", c.ID)
	})
	if err != nil {
		return fmt.Errorf("update creative: %w", err)
	}
	return nil
}

// missing reports store.ErrNotFound when a statement affected no row.
func missing(affected int64, what string, id int64) error {
	if affected == 0 {
		return fmt.Errorf("%s %d: %w", what, id, store.ErrNotFound)
	}
	return nil
}
