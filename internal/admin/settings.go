package admin

import (
	"net/http"
	"regexp"

	"nordbid/internal/campaign"
)

// settingsJSON are the global settings on the wire.
type settingsJSON struct {
	// KillSwitch stops all bidding on every node while true.
	KillSwitch bool `json:"kill_switch"`
}

func (a *API) getSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.opt.Store.Settings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsJSON{KillSwitch: s.KillSwitch})
	return nil
}

func (a *API) patchSettings(w http.ResponseWriter, r *http.Request) error {
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	s, err := a.opt.Store.Settings(r.Context())
	if err != nil {
		return err
	}
	j := settingsJSON{KillSwitch: s.KillSwitch}
	if err := invalid("invalid settings", apply(&j, obj, nil)); err != nil {
		return err
	}
	if j.KillSwitch != s.KillSwitch {
		if err := a.opt.Store.SetKillSwitch(r.Context(), j.KillSwitch); err != nil {
			return err
		}
		a.opt.Logger.Warn("kill switch changed", "on", j.KillSwitch,
			"token", tokenFrom(r.Context()).Name)
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}

// exchangeJSON is an exchange's settings on the wire.
type exchangeJSON struct {
	Name      string `json:"name"`
	BillOnWin bool   `json:"bill_on_win"`
	Seat      string `json:"seat"`
}

func (a *API) listExchanges(w http.ResponseWriter, r *http.Request) error {
	snap, err := a.opt.Store.Snapshot(r.Context())
	if err != nil {
		return err
	}
	items := make([]exchangeJSON, len(snap.Exchanges))
	for i, e := range snap.Exchanges {
		items[i] = exchangeJSON(e)
	}
	writeJSON(w, http.StatusOK, listPage[exchangeJSON]{Items: items})
	return nil
}

// exchangeName is what the {exchange} element of the bid URL may be.
var exchangeName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// putExchange creates or replaces the exchange named in the path. Fields
// left out of the body take their zero value, as PUT replaces.
func (a *API) putExchange(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	obj, err := readObject(r)
	if err != nil {
		return err
	}
	j := exchangeJSON{}
	problems := apply(&j, obj, map[string]string{"name": "read-only: named by the path"})
	if !exchangeName.MatchString(name) {
		problems["name"] = "must be 1 to 64 lowercase letters, digits, - or _"
	}
	if err := invalid("invalid exchange", problems); err != nil {
		return err
	}
	j.Name = name
	if err := a.opt.Store.PutExchange(r.Context(), campaign.Exchange(j)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j)
	return nil
}
