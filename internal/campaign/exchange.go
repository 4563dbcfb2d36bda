package campaign

// Exchange is the per-exchange configuration of the bidder. Exchanges are
// named by the {exchange} path element of the bid endpoint.
type Exchange struct {
	Name string
	// BillOnWin makes the win notice (nurl) the billing event, for
	// exchanges that do not call burl.
	BillOnWin bool
	// Seat is the seat id reported in the response; empty means "nordbid".
	Seat string
}

// Rate is an exchange rate: how many micros of Currency one US dollar buys.
// USD itself has the rate 1_000_000.
type Rate struct {
	Currency string
	PerUSD   int64
}
