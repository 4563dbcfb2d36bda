package admin

import (
	"fmt"
	"net/http"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// creativeJSON is a creative on the wire; w and h are pixels.
type creativeJSON struct {
	ID              int64           `json:"id"`
	CampaignID      int64           `json:"campaign_id"`
	Name            string          `json:"name"`
	Status          campaign.Status `json:"status"`
	Format          campaign.Format `json:"format"`
	W               int             `json:"w"`
	H               int             `json:"h"`
	Mimes           []string        `json:"mimes,omitempty"`
	DurationSeconds int             `json:"duration_seconds"`
	Protocols       []int           `json:"protocols,omitempty"`
	NativeAssets    []string        `json:"native_assets,omitempty"`
	Markup          string          `json:"markup"`
	ClickURL        string          `json:"click_url,omitempty"`
	Bundle          string          `json:"bundle,omitempty"`
	ADomain         []string        `json:"adomain,omitempty"`
	Categories      []string        `json:"categories,omitempty"`
	Attributes      []int           `json:"attributes,omitempty"`
}

func toCreativeJSON(c campaign.Creative) creativeJSON {
	return creativeJSON{
		ID: c.ID, CampaignID: c.CampaignID, Name: c.Name, Status: c.Status,
		Format: c.Format, W: c.W, H: c.H, Mimes: c.Mimes, DurationSeconds: c.Duration,
		Protocols: c.Protocols, NativeAssets: c.NativeAssets, Markup: c.Markup,
		ClickURL: c.ClickURL, Bundle: c.Bundle, ADomain: c.ADomain,
		Categories: c.Categories, Attributes: c.Attributes,
	}
}

func (j *creativeJSON) creative() campaign.Creative {
	return campaign.Creative{
		ID: j.ID, CampaignID: j.CampaignID, Name: j.Name, Status: j.Status,
		Format: j.Format, W: j.W, H: j.H, Mimes: j.Mimes, Duration: j.DurationSeconds,
		Protocols: j.Protocols, NativeAssets: j.NativeAssets, Markup: j.Markup,
		ClickURL: j.ClickURL, Bundle: j.Bundle, ADomain: j.ADomain,
		Categories: j.Categories, Attributes: j.Attributes,
	}
}

// validateCreative reports every problem of c by JSON field name.
func validateCreative(c *campaign.Creative) map[string]string {
	p := map[string]string{}
	if c.CampaignID <= 0 {
		p["campaign_id"] = "required"
	}
	if !c.Status.Valid() {
		p["status"] = "must be active, paused or archived"
	}
	if c.W < 0 {
		p["w"] = "must not be negative"
	}
	if c.H < 0 {
		p["h"] = "must not be negative"
	}
	if c.Duration < 0 {
		p["duration_seconds"] = "must not be negative"
	}
	switch c.Format {
	case campaign.FormatBanner:
		if c.W <= 0 {
			p["w"] = "required for a banner"
		}
		if c.H <= 0 {
			p["h"] = "required for a banner"
		}
	case campaign.FormatVideo, campaign.FormatAudio:
		if len(c.Mimes) == 0 {
			p["mimes"] = "required for video and audio"
		}
	case campaign.FormatNative:
	case "":
		p["format"] = "required"
	default:
		p["format"] = "must be banner, video, audio or native"
	}
	if c.Markup == "" {
		p["markup"] = "required"
	}
	if msg := campaign.CheckClickURL(c.ClickURL); msg != "" {
		p["click_url"] = msg
	}
	if msg := campaign.CheckBundle(c.Bundle); msg != "" {
		p["bundle"] = msg
	}
	return p
}

func (a *API) listCreatives(w http.ResponseWriter, r *http.Request) error {
	opt, err := listOptions(r, "campaign_id")
	if err != nil {
		return err
	}
	cs, err := a.opt.Store.ListCreatives(r.Context(), opt)
	if err != nil {
		return err
	}
	items := make([]creativeJSON, len(cs))
	for i, c := range cs {
		items[i] = toCreativeJSON(c)
	}
	writeJSON(w, http.StatusOK, page(items, opt, func(j creativeJSON) int64 { return j.ID }))
	return nil
}

func (a *API) getCreative(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := a.opt.Store.GetCreative(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCreativeJSON(c))
	return nil
}

func (a *API) createCreative(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	j := creativeJSON{Status: campaign.StatusActive}
	problems := apply(&j, obj, readOnlyCreate)
	c := j.creative()
	problems = merge(problems, validateCreative(&c))
	if c.Status == campaign.StatusArchived {
		problems["status"] = "must be active or paused"
	}
	if c.CampaignID > 0 && problems["campaign_id"] == "" {
		if err := a.parentExists(r, "campaign_id", c.CampaignID, problems); err != nil {
			return err
		}
	}
	if err := invalid("invalid creative", problems); err != nil {
		return err
	}
	c, err = a.opt.Store.CreateCreative(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/creatives/%d", v1, c.ID))
	writeJSON(w, http.StatusCreated, toCreativeJSON(c))
	return nil
}

func (a *API) patchCreative(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	c, err := update(r.Context(), a.opt.Store, id, store.Store.GetCreative,
		store.Store.UpdateCreative,
		func(cur campaign.Creative) (campaign.Creative, bool, error) {
			j := toCreativeJSON(cur)
			problems := apply(&j, obj, readOnlyPatch)
			c := j.creative()
			if err := invalid("invalid creative",
				merge(problems, validateCreative(&c))); err != nil {
				return c, false, err
			}
			if cur.Status == campaign.StatusArchived {
				return c, false, errorf(http.StatusConflict, "creative is archived")
			}
			return c, true, nil
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCreativeJSON(c))
	return nil
}

func (a *API) creativeAction(act action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		c, err := update(r.Context(), a.opt.Store, id, store.Store.GetCreative,
			store.Store.UpdateCreative, statusChange(act,
				func(c *campaign.Creative) *campaign.Status { return &c.Status }))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, toCreativeJSON(c))
		return nil
	}
}
