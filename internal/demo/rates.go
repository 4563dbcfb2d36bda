package demo

import "nordbid/internal/campaign"

// rates returns the demo exchange rates as micros of each currency that one
// US dollar buys. They are DEMO VALUES, rounded from mid-2020s market
// rates so that floors in those currencies compare sensibly; they are not
// live and must not be used to bill anyone.
func rates() []campaign.Rate {
	return []campaign.Rate{
		{Currency: "USD", PerUSD: 1_000_000},
		{Currency: "EUR", PerUSD: 920_000},
		{Currency: "GBP", PerUSD: 790_000},
		{Currency: "CHF", PerUSD: 880_000},
		{Currency: "SEK", PerUSD: 10_500_000},
		{Currency: "NOK", PerUSD: 10_700_000},
		{Currency: "DKK", PerUSD: 6_900_000},
		{Currency: "PLN", PerUSD: 4_000_000},
		{Currency: "RUB", PerUSD: 90_000_000},
		{Currency: "JPY", PerUSD: 150_000_000},
		{Currency: "CNY", PerUSD: 7_200_000},
		{Currency: "KRW", PerUSD: 1_350_000_000},
		{Currency: "INR", PerUSD: 83_000_000},
		{Currency: "CAD", PerUSD: 1_360_000},
		{Currency: "AUD", PerUSD: 1_520_000},
		{Currency: "NZD", PerUSD: 1_650_000},
		{Currency: "BRL", PerUSD: 5_000_000},
		{Currency: "MXN", PerUSD: 17_000_000},
		{Currency: "SGD", PerUSD: 1_340_000},
		{Currency: "HKD", PerUSD: 7_800_000},
	}
}
