package postgres

import (
	"context"
	"fmt"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
	"nordbid/internal/store/postgres/query"
)

// Snapshot returns every advertiser, campaign and creative in ID order,
// exchanges by name, rates by currency and the settings, all read in one
// repeatable-read transaction.
func (db *DB) Snapshot(ctx context.Context) (*store.Snapshot, error) {
	s := &store.Snapshot{}
	err := db.tx(ctx, readOnly, func(q *query.Queries) error {
		advs, err := q.AllAdvertisers(ctx)
		if err != nil {
			return err
		}
		s.Advertisers = mapAll(advs, advertiserFrom)
		camps, err := q.AllCampaigns(ctx)
		if err != nil {
			return err
		}
		s.Campaigns = mapAll(camps, campaignFrom)
		crs, err := q.AllCreatives(ctx)
		if err != nil {
			return err
		}
		s.Creatives = mapAll(crs, creativeFrom)
		exs, err := q.AllExchanges(ctx)
		if err != nil {
			return err
		}
		s.Exchanges = mapAll(exs, func(e query.Exchange) campaign.Exchange {
			return campaign.Exchange{Name: e.Name, BillOnWin: e.BillOnWin, Seat: e.Seat}
		})
		rates, err := q.AllRates(ctx)
		if err != nil {
			return err
		}
		s.Rates = mapAll(rates, func(r query.Rate) campaign.Rate {
			return campaign.Rate{Currency: r.Currency, PerUSD: r.PerUsd}
		})
		s.Settings.KillSwitch, err = q.GetSettings(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return s, nil
}

// Version returns the change counter, which a trigger raises on every
// statement that changes advertisers, campaigns, creatives, exchanges,
// rates or settings, whoever runs it.
func (db *DB) Version(ctx context.Context) (int64, error) {
	var v int64
	err := db.run(ctx, func(q *query.Queries) (err error) {
		v, err = q.Version(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("version: %w", err)
	}
	return v, nil
}
