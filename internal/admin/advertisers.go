package admin

import (
	"fmt"
	"net/http"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// advertiserJSON is an advertiser on the wire.
type advertiserJSON struct {
	ID     int64           `json:"id"`
	Name   string          `json:"name"`
	Domain string          `json:"domain"`
	Status campaign.Status `json:"status"`
}

func validateAdvertiser(a *campaign.Advertiser) map[string]string {
	p := map[string]string{}
	if a.Name == "" {
		p["name"] = "required"
	}
	if !a.Status.Valid() {
		p["status"] = "must be active, paused or archived"
	}
	return p
}

func (a *API) listAdvertisers(w http.ResponseWriter, r *http.Request) error {
	opt, err := listOptions(r, "")
	if err != nil {
		return err
	}
	as, err := a.opt.Store.ListAdvertisers(r.Context(), opt)
	if err != nil {
		return err
	}
	items := make([]advertiserJSON, len(as))
	for i, adv := range as {
		items[i] = advertiserJSON(adv)
	}
	writeJSON(w, http.StatusOK, page(items, opt, func(j advertiserJSON) int64 { return j.ID }))
	return nil
}

func (a *API) getAdvertiser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	adv, err := a.opt.Store.GetAdvertiser(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, advertiserJSON(adv))
	return nil
}

func (a *API) createAdvertiser(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	j := advertiserJSON{Status: campaign.StatusActive}
	problems := apply(&j, obj, readOnlyCreate)
	adv := campaign.Advertiser(j)
	problems = merge(problems, validateAdvertiser(&adv))
	if adv.Status == campaign.StatusArchived {
		problems["status"] = "must be active or paused"
	}
	if err := invalid("invalid advertiser", problems); err != nil {
		return err
	}
	adv, err = a.opt.Store.CreateAdvertiser(r.Context(), adv)
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/advertisers/%d", v1, adv.ID))
	writeJSON(w, http.StatusCreated, advertiserJSON(adv))
	return nil
}

func (a *API) patchAdvertiser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	adv, err := update(r.Context(), a.opt.Store, id, store.Store.GetAdvertiser,
		store.Store.UpdateAdvertiser,
		func(cur campaign.Advertiser) (campaign.Advertiser, bool, error) {
			j := advertiserJSON(cur)
			problems := apply(&j, obj, readOnlyPatch)
			adv := campaign.Advertiser(j)
			if err := invalid("invalid advertiser",
				merge(problems, validateAdvertiser(&adv))); err != nil {
				return adv, false, err
			}
			if cur.Status == campaign.StatusArchived {
				return adv, false, errorf(http.StatusConflict, "advertiser is archived")
			}
			return adv, true, nil
		})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, advertiserJSON(adv))
	return nil
}

func (a *API) advertiserAction(act action) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		adv, err := update(r.Context(), a.opt.Store, id, store.Store.GetAdvertiser,
			store.Store.UpdateAdvertiser, statusChange(act,
				func(a *campaign.Advertiser) *campaign.Status { return &a.Status }))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, advertiserJSON(adv))
		return nil
	}
}
