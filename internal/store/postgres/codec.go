package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"nordbid/internal/campaign"
	"nordbid/internal/store/postgres/query"
)

// texts returns v, or an empty list for nil: pgx writes a nil slice as
// NULL, which the NOT NULL array columns refuse.
func texts[T ~string](v []T) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}

// ints converts a list of small codes to the int4 array pgx expects.
func ints(v []int) []int32 {
	out := make([]int32, len(v))
	for i, n := range v {
		out[i] = int32(n)
	}
	return out
}

// fromTexts reads an array column; empty reads as nil, so that a stored
// empty list compares equal to the zero value it was written from.
func fromTexts[T ~string](v []string) []T {
	if len(v) == 0 {
		return nil
	}
	out := make([]T, len(v))
	for i, s := range v {
		out[i] = T(s)
	}
	return out
}

func fromInts(v []int32) []int {
	if len(v) == 0 {
		return nil
	}
	out := make([]int, len(v))
	for i, n := range v {
		out[i] = int(n)
	}
	return out
}

// instant stores t; the zero time is NULL.
func instant(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// fromInstant reads a nullable instant in UTC; NULL is the zero time.
func fromInstant(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func advertiserFrom(a query.Advertiser) campaign.Advertiser {
	return campaign.Advertiser{
		ID: a.ID, Name: a.Name, Domain: a.Domain, Status: campaign.Status(a.Status),
	}
}

// campaignParams returns the column values of c.
func campaignParams(c *campaign.Campaign) query.CreateCampaignParams {
	t := &c.Targeting
	return query.CreateCampaignParams{
		AdvertiserID: c.AdvertiserID, Name: c.Name, Status: string(c.Status),
		StartsAt: instant(c.Start), EndsAt: instant(c.End), TimeZone: c.TimeZone,
		Currency: c.Currency, TotalBudget: c.TotalBudget, DailyBudget: c.DailyBudget,
		BidPrice: c.BidPrice, FreqCapCount: int32(c.FreqCap.Count),
		FreqCapWindowMs:   c.FreqCap.Window.Milliseconds(),
		Exchanges:         texts(c.Exchanges),
		Countries:         texts(t.Countries),
		Regions:           texts(t.Regions),
		DeviceTypes:       ints(t.DeviceTypes),
		Os:                texts(t.OS),
		DomainsAllow:      texts(t.Domains.Allow),
		DomainsBlock:      texts(t.Domains.Block),
		BundlesAllow:      texts(t.Bundles.Allow),
		BundlesBlock:      texts(t.Bundles.Block),
		Publishers:        texts(t.Publishers),
		BlockedCategories: texts(t.BlockedCategories),
		Deals:             texts(t.Deals),
		Segments:          texts(t.Segments),
		HoursOfWeek:       ints(t.HoursOfWeek),
		Channels:          texts(t.Channels),
	}
}

// updateParams returns the column values of c for UpdateCampaign.
func updateParams(c *campaign.Campaign) query.UpdateCampaignParams {
	p := campaignParams(c)
	return query.UpdateCampaignParams{
		ID: c.ID, AdvertiserID: p.AdvertiserID, Name: p.Name, Status: p.Status,
		StartsAt: p.StartsAt, EndsAt: p.EndsAt, TimeZone: p.TimeZone,
		Currency: p.Currency, TotalBudget: p.TotalBudget, DailyBudget: p.DailyBudget,
		BidPrice: p.BidPrice, FreqCapCount: p.FreqCapCount,
		FreqCapWindowMs: p.FreqCapWindowMs, Exchanges: p.Exchanges,
		Countries: p.Countries, Regions: p.Regions, DeviceTypes: p.DeviceTypes,
		Os: p.Os, DomainsAllow: p.DomainsAllow, DomainsBlock: p.DomainsBlock,
		BundlesAllow: p.BundlesAllow, BundlesBlock: p.BundlesBlock,
		Publishers: p.Publishers, BlockedCategories: p.BlockedCategories,
		Deals: p.Deals, Segments: p.Segments, HoursOfWeek: p.HoursOfWeek,
		Channels: p.Channels,
	}
}

func campaignFrom(r query.Campaign) campaign.Campaign {
	return campaign.Campaign{
		ID: r.ID, AdvertiserID: r.AdvertiserID, Name: r.Name,
		Status: campaign.Status(r.Status),
		Start:  fromInstant(r.StartsAt), End: fromInstant(r.EndsAt),
		TimeZone: r.TimeZone, Currency: r.Currency,
		TotalBudget: r.TotalBudget, DailyBudget: r.DailyBudget, BidPrice: r.BidPrice,
		FreqCap: campaign.FreqCap{
			Count:  int(r.FreqCapCount),
			Window: time.Duration(r.FreqCapWindowMs) * time.Millisecond,
		},
		Exchanges: fromTexts[string](r.Exchanges),
		Targeting: campaign.Targeting{
			Countries:   fromTexts[string](r.Countries),
			Regions:     fromTexts[string](r.Regions),
			DeviceTypes: fromInts(r.DeviceTypes),
			OS:          fromTexts[string](r.Os),
			Domains: campaign.ListRule{
				Allow: fromTexts[string](r.DomainsAllow),
				Block: fromTexts[string](r.DomainsBlock),
			},
			Bundles: campaign.ListRule{
				Allow: fromTexts[string](r.BundlesAllow),
				Block: fromTexts[string](r.BundlesBlock),
			},
			Publishers:        fromTexts[string](r.Publishers),
			BlockedCategories: fromTexts[string](r.BlockedCategories),
			Deals:             fromTexts[string](r.Deals),
			Segments:          fromTexts[string](r.Segments),
			HoursOfWeek:       fromInts(r.HoursOfWeek),
			Channels:          fromTexts[campaign.Channel](r.Channels),
		},
		UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func creativeParams(c *campaign.Creative) query.CreateCreativeParams {
	return query.CreateCreativeParams{
		CampaignID: c.CampaignID, Name: c.Name, Status: string(c.Status),
		Format: string(c.Format), W: int32(c.W), H: int32(c.H),
		Mimes: texts(c.Mimes), DurationS: int32(c.Duration),
		Protocols: ints(c.Protocols), NativeAssets: texts(c.NativeAssets),
		Markup: c.Markup, Adomain: texts(c.ADomain),
		Categories: texts(c.Categories), Attributes: ints(c.Attributes),
		ClickUrl: c.ClickURL, Bundle: c.Bundle,
	}
}

func creativeFrom(r query.Creative) campaign.Creative {
	return campaign.Creative{
		ID: r.ID, CampaignID: r.CampaignID, Name: r.Name,
		Status: campaign.Status(r.Status), Format: campaign.Format(r.Format),
		W: int(r.W), H: int(r.H), Mimes: fromTexts[string](r.Mimes),
		Duration: int(r.DurationS), Protocols: fromInts(r.Protocols),
		NativeAssets: fromTexts[string](r.NativeAssets), Markup: r.Markup,
		ADomain:    fromTexts[string](r.Adomain),
		Categories: fromTexts[string](r.Categories),
		Attributes: fromInts(r.Attributes),
		ClickURL:   r.ClickUrl,
		Bundle:     r.Bundle,
	}
}

// mapAll converts every row with fn.
func mapAll[R, T any](rows []R, fn func(R) T) []T {
	if len(rows) == 0 {
		return nil
	}
	out := make([]T, len(rows))
	for i, r := range rows {
		out[i] = fn(r)
	}
	return out
}
