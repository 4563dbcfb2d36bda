package admin

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// campaignJSON is a campaign on the wire. Money is int64 micros of the
// campaign's currency; times are RFC 3339; a null end means open-ended.
type campaignJSON struct {
	ID                int64           `json:"id"`
	AdvertiserID      int64           `json:"advertiser_id"`
	Name              string          `json:"name"`
	Status            campaign.Status `json:"status"`
	Start             *time.Time      `json:"start"`
	End               *time.Time      `json:"end"`
	TimeZone          string          `json:"time_zone"`
	Currency          string          `json:"currency"`
	TotalBudgetMicros int64           `json:"total_budget_micros"`
	DailyBudgetMicros int64           `json:"daily_budget_micros"`
	BidPriceMicros    int64           `json:"bid_price_micros"`
	FreqCap           freqCapJSON     `json:"freq_cap"`
	Exchanges         []string        `json:"exchanges"`
	Targeting         targetingJSON   `json:"targeting"`
	UpdatedAt         *time.Time      `json:"updated_at,omitempty"`
	Spend             *spendJSON      `json:"spend,omitempty"`
}

type freqCapJSON struct {
	Count         int   `json:"count"`
	WindowSeconds int64 `json:"window_seconds"`
}

type listRuleJSON struct {
	Allow []string `json:"allow,omitempty"`
	Block []string `json:"block,omitempty"`
}

type targetingJSON struct {
	Countries         []string           `json:"countries,omitempty"`
	Regions           []string           `json:"regions,omitempty"`
	DeviceTypes       []int              `json:"device_types,omitempty"`
	OS                []string           `json:"os,omitempty"`
	Domains           listRuleJSON       `json:"domains"`
	Bundles           listRuleJSON       `json:"bundles"`
	Publishers        []string           `json:"publishers,omitempty"`
	BlockedCategories []string           `json:"blocked_categories,omitempty"`
	Deals             []string           `json:"deals,omitempty"`
	Segments          []string           `json:"segments,omitempty"`
	HoursOfWeek       []int              `json:"hours_of_week,omitempty"`
	Channels          []campaign.Channel `json:"channels,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toCampaignJSON(c campaign.Campaign) campaignJSON {
	t := c.Targeting
	return campaignJSON{
		ID: c.ID, AdvertiserID: c.AdvertiserID, Name: c.Name, Status: c.Status,
		Start: timePtr(c.Start), End: timePtr(c.End), TimeZone: c.TimeZone,
		Currency: c.Currency, TotalBudgetMicros: c.TotalBudget,
		DailyBudgetMicros: c.DailyBudget, BidPriceMicros: c.BidPrice,
		FreqCap: freqCapJSON{Count: c.FreqCap.Count,
			WindowSeconds: int64(c.FreqCap.Window / time.Second)},
		Exchanges: c.Exchanges,
		Targeting: targetingJSON{
			Countries: t.Countries, Regions: t.Regions, DeviceTypes: t.DeviceTypes,
			OS: t.OS, Domains: listRuleJSON(t.Domains), Bundles: listRuleJSON(t.Bundles),
			Publishers: t.Publishers, BlockedCategories: t.BlockedCategories,
			Deals: t.Deals, Segments: t.Segments, HoursOfWeek: t.HoursOfWeek,
			Channels: t.Channels,
		},
		UpdatedAt: timePtr(c.UpdatedAt),
	}
}

func (j *campaignJSON) campaign() campaign.Campaign {
	t := j.Targeting
	c := campaign.Campaign{
		ID: j.ID, AdvertiserID: j.AdvertiserID, Name: j.Name, Status: j.Status,
		TimeZone: j.TimeZone, Currency: j.Currency, TotalBudget: j.TotalBudgetMicros,
		DailyBudget: j.DailyBudgetMicros, BidPrice: j.BidPriceMicros,
		FreqCap: campaign.FreqCap{Count: j.FreqCap.Count,
			Window: time.Duration(j.FreqCap.WindowSeconds) * time.Second},
		Exchanges: j.Exchanges,
		Targeting: campaign.Targeting{
			Countries: t.Countries, Regions: t.Regions, DeviceTypes: t.DeviceTypes,
			OS: t.OS, Domains: campaign.ListRule(t.Domains),
			Bundles: campaign.ListRule(t.Bundles), Publishers: t.Publishers,
			BlockedCategories: t.BlockedCategories, Deals: t.Deals, Segments: t.Segments,
			HoursOfWeek: t.HoursOfWeek, Channels: t.Channels,
		},
	}
	if j.Start != nil {
		c.Start = j.Start.UTC()
	}
	if j.End != nil {
		c.End = j.End.UTC()
	}
	return c
}

// Fields no client may write, with the reason the answer gives.
var (
	readOnlyCreate = map[string]string{
		"id":         "read-only: assigned by the server",
		"updated_at": "read-only: set by the server",
		"spend":      "read-only: spend comes from billing notices",
	}
	readOnlyPatch = map[string]string{
		"id":            readOnlyCreate["id"],
		"updated_at":    readOnlyCreate["updated_at"],
		"spend":         readOnlyCreate["spend"],
		"advertiser_id": "read-only after create",
		"campaign_id":   "read-only after create",
		"status":        "read-only: use the pause, resume or archive action",
	}
)

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// validateCampaign reports every problem of c by JSON field name.
func validateCampaign(c *campaign.Campaign) map[string]string {
	p := map[string]string{}
	if c.AdvertiserID <= 0 {
		p["advertiser_id"] = "required"
	}
	if c.Name == "" {
		p["name"] = "required"
	}
	if !c.Status.Valid() {
		p["status"] = "must be active, paused or archived"
	}
	if c.TotalBudget < 0 {
		p["total_budget_micros"] = "must not be negative"
	}
	if c.DailyBudget < 0 {
		p["daily_budget_micros"] = "must not be negative"
	}
	if c.BidPrice <= 0 {
		p["bid_price_micros"] = "must be positive"
	}
	if c.FreqCap.Count < 0 || (c.FreqCap.Count > 0 && c.FreqCap.Window <= 0) {
		p["freq_cap"] = "count must not be negative and needs a positive window_seconds"
	}
	if !c.End.IsZero() && c.End.Before(c.Start) {
		p["end"] = "before start"
	}
	if _, err := c.Location(); err != nil {
		p["time_zone"] = "unknown IANA time zone"
	}
	if c.Currency != "" && !currencyCode.MatchString(c.Currency) {
		p["currency"] = "must be an ISO 4217 code such as USD"
	}
	for _, h := range c.Targeting.HoursOfWeek {
		if h < 0 || h > 167 {
			p["targeting"] = fmt.Sprintf("hours_of_week: %d out of 0..167", h)
		}
	}
	for _, ch := range c.Targeting.Channels {
		if ch != campaign.ChannelSite && ch != campaign.ChannelApp && ch != campaign.ChannelDOOH {
			p["targeting"] = fmt.Sprintf("channels: unknown %q", ch)
		}
	}
	return p
}

func (a *API) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	opt, err := listOptions(r, "advertiser_id")
	if err != nil {
		return err
	}
	cs, err := a.opt.Store.ListCampaigns(r.Context(), opt)
	if err != nil {
		return err
	}
	spend, err := a.spendOf(r.Context(), cs)
	if err != nil {
		return err
	}
	items := make([]campaignJSON, len(cs))
	for i, c := range cs {
		items[i] = toCampaignJSON(c)
		items[i].Spend = spend[c.ID]
	}
	writeJSON(w, http.StatusOK, page(items, opt, func(c campaignJSON) int64 { return c.ID }))
	return nil
}

func (a *API) getCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return a.writeCampaign(w, r, id, http.StatusOK)
}

// writeCampaign answers the campaign id as stored, with its spend.
func (a *API) writeCampaign(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	c, err := a.opt.Store.GetCampaign(r.Context(), id)
	if err != nil {
		return err
	}
	spend, err := a.spendOf(r.Context(), []campaign.Campaign{c})
	if err != nil {
		return err
	}
	j := toCampaignJSON(c)
	j.Spend = spend[c.ID]
	writeJSON(w, status, j)
	return nil
}

func (a *API) createCampaign(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	j := campaignJSON{Status: campaign.StatusPaused}
	problems := apply(&j, obj, readOnlyCreate)
	c := j.campaign()
	problems = merge(problems, validateCampaign(&c))
	if c.Status == campaign.StatusArchived {
		problems["status"] = "must be active or paused"
	}
	if c.AdvertiserID > 0 && problems["advertiser_id"] == "" {
		if err := a.parentExists(r, "advertiser_id", c.AdvertiserID, problems); err != nil {
			return err
		}
	}
	if err := invalid("invalid campaign", problems); err != nil {
		return err
	}
	created, err := a.opt.Store.CreateCampaign(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/campaigns/%d", v1, created.ID))
	return a.writeCampaign(w, r, created.ID, http.StatusCreated)
}

// parentExists adds a problem for field unless the advertiser or campaign
// id exists and is not archived.
func (a *API) parentExists(r *http.Request, field string, id int64,
	problems map[string]string) error {
	var status campaign.Status
	var err error
	if field == "advertiser_id" {
		var adv campaign.Advertiser
		adv, err = a.opt.Store.GetAdvertiser(r.Context(), id)
		status = adv.Status
	} else {
		var c campaign.Campaign
		c, err = a.opt.Store.GetCampaign(r.Context(), id)
		status = c.Status
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		problems[field] = "does not exist"
	case err != nil:
		return err
	case status == campaign.StatusArchived:
		problems[field] = "is archived"
	}
	return nil
}

// patchCampaign applies the fields of the body onto the stored campaign.
func (a *API) patchCampaign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	_, err = update(r.Context(), a.opt.Store, id, store.Store.GetCampaign,
		store.Store.UpdateCampaign,
		func(cur campaign.Campaign) (campaign.Campaign, bool, error) {
			j := toCampaignJSON(cur)
			problems := apply(&j, obj, readOnlyPatch)
			c := j.campaign()
			if err := invalid("invalid campaign",
				merge(problems, validateCampaign(&c))); err != nil {
				return c, false, err
			}
			if cur.Status == campaign.StatusArchived {
				return c, false, errorf(http.StatusConflict, "campaign is archived")
			}
			return c, true, nil
		})
	if err != nil {
		return err
	}
	return a.writeCampaign(w, r, id, http.StatusOK)
}

// campaignAction returns the handler of a lifecycle action.
func (a *API) campaignAction(act action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		_, err = update(r.Context(), a.opt.Store, id, store.Store.GetCampaign,
			store.Store.UpdateCampaign, statusChange(act,
				func(c *campaign.Campaign) *campaign.Status { return &c.Status }))
		if err != nil {
			return err
		}
		return a.writeCampaign(w, r, id, http.StatusOK)
	}
}
