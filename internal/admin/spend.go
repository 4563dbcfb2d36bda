package admin

import (
	"context"
	"net/http"
	"time"

	"nordbid/internal/campaign"
)

// spendJSON is a campaign's spend and pacing. Amounts are micros of the
// campaign's currency; a null remaining or expected amount means the
// budget is unlimited.
type spendJSON struct {
	// Day is today in the campaign's time zone.
	Day         string `json:"day"`
	TodayMicros int64  `json:"today_micros"`
	TotalMicros int64  `json:"total_micros"`
	// RemainingTodayMicros and RemainingTotalMicros never go below 0.
	RemainingTodayMicros *int64 `json:"remaining_today_micros"`
	RemainingTotalMicros *int64 `json:"remaining_total_micros"`
	// DayElapsedPercent is how much of the local day has passed, 0 to 100.
	DayElapsedPercent int `json:"day_elapsed_percent"`
	// ExpectedTodayMicros is the daily budget times the share of the day
	// elapsed: what even pacing would have spent by now.
	ExpectedTodayMicros *int64 `json:"expected_today_micros"`
	// PacePercent is today's spend as a percentage of the expected spend:
	// 100 is on pace, below is behind, above is ahead. Null without a
	// daily budget or in the first moments of the day.
	PacePercent *int64 `json:"pace_percent"`
	// ReservedMicros is what this node's bids hold of the budgets until
	// a notice settles them or they lapse: a campaign stops bidding when
	// spend plus reservations reach a budget. Null when the API has no
	// budget accounts (Options.Book).
	ReservedMicros *int64 `json:"reserved_micros"`
}

// spendOf reads the spend of cs from the ledger and computes their pacing
// at the API's clock.
func (a *API) spendOf(ctx context.Context, cs []campaign.Campaign) (map[int64]*spendJSON, error) {
	now := a.opt.Now()
	out := make(map[int64]*spendJSON, len(cs))
	var days []string
	seen := map[string]bool{}
	for _, c := range cs {
		loc, err := c.Location()
		if err != nil {
			loc = time.UTC
		}
		s := &spendJSON{Day: campaign.Day(now, loc)}
		local := now.In(loc)
		midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
		dayLen := midnight.AddDate(0, 0, 1).Sub(midnight)
		elapsed := local.Sub(midnight)
		s.DayElapsedPercent = int(elapsed * 100 / dayLen)
		if c.DailyBudget > 0 {
			// Integer arithmetic in milliseconds: no float touches money.
			exp := c.DailyBudget / dayLen.Milliseconds() * elapsed.Milliseconds()
			exp += c.DailyBudget % dayLen.Milliseconds() * elapsed.Milliseconds() /
				dayLen.Milliseconds()
			s.ExpectedTodayMicros = &exp
		}
		out[c.ID] = s
		if !seen[s.Day] {
			seen[s.Day] = true
			days = append(days, s.Day)
		}
	}
	if len(cs) == 0 {
		return out, nil
	}
	all, err := a.opt.Store.Spend(ctx, days)
	if err != nil {
		return nil, err
	}
	for _, sp := range all {
		if s := out[sp.CampaignID]; s != nil {
			s.TotalMicros = sp.Total
			s.TodayMicros = sp.Days[s.Day]
		}
	}
	for _, c := range cs {
		s := out[c.ID]
		if c.DailyBudget > 0 {
			left := max(0, c.DailyBudget-s.TodayMicros)
			s.RemainingTodayMicros = &left
			if exp := *s.ExpectedTodayMicros; exp > 0 {
				pace := s.TodayMicros * 100 / exp
				s.PacePercent = &pace
			}
		}
		if c.TotalBudget > 0 {
			left := max(0, c.TotalBudget-s.TotalMicros)
			s.RemainingTotalMicros = &left
		}
		if a.opt.Book != nil {
			var held int64
			if acc := a.opt.Book.Lookup(c.ID); acc != nil {
				held = acc.Reserved(now)
			}
			s.ReservedMicros = &held
		}
	}
	return out, nil
}

func (a *API) getSpend(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.opt.Store.GetCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	spend, err := a.spendOf(r.Context(), []campaign.Campaign{c})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, spend[id])
	return nil
}
