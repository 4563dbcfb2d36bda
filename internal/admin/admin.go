// Package admin is nordbid's admin API and dashboard, served on the admin
// listener. Under /api/v1 it lets operators list, create, change, pause,
// resume and archive advertisers, campaigns and creatives, set exchange
// settings and the global kill switch, and read spend, pacing and live
// bidder statistics. Every /api/v1 route except the OpenAPI document
// needs a bearer token; readers may only read. The dashboard at / is one
// page of embedded HTML, CSS and JavaScript that calls the same API.
//
// Changes are written to the store; the bidder's refresher sees the
// store's version move and rebuilds its index within one reload interval.
package admin

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"nordbid/internal/budget"
	"nordbid/internal/store"
	"nordbid/internal/telemetry"
)

// Options configure the admin handler.
type Options struct {
	// Store holds the entities, the tokens and the ledger; required.
	Store store.Store
	// Logger receives internal failures and lockouts; required.
	Logger *slog.Logger
	// Metrics are the counters the stats endpoint reads; nil answers
	// stats with zeros.
	Metrics *telemetry.Metrics
	// AuthFailures is how many bad tokens one client IP may present per
	// minute before it gets 429; 0 means 10.
	AuthFailures int
	// Now is the clock of pacing and rate limits; nil means time.Now.
	Now func() time.Time
	// Book holds the bidder's budget accounts, for the live reservations
	// in a campaign's spend; nil leaves them out.
	Book *budget.Book
}

// route is one API endpoint. Routes are a table so that the OpenAPI test
// and the auth test can walk every one of them.
type route struct {
	method, pattern string
	// role is the least role that may call the route; empty means the
	// route needs no token.
	role    store.Role
	handler func(w http.ResponseWriter, r *http.Request) error
}

// API is the admin http.Handler.
type API struct {
	opt    Options
	mux    *http.ServeMux
	routes []route
	limit  *limiter
	stats  *sampler
}

// New builds the admin handler.
func New(opt Options) *API {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.AuthFailures <= 0 {
		opt.AuthFailures = 10
	}
	a := &API{opt: opt, mux: http.NewServeMux(),
		limit: newLimiter(opt.AuthFailures, time.Minute),
		stats: newSampler(opt.Metrics)}
	a.routes = a.table()
	for _, rt := range a.routes {
		a.mux.Handle(rt.method+" "+rt.pattern, a.guard(rt))
	}
	a.dashboard(a.mux)
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+strconv.Quote(r.URL.Path))
	})
	return a
}

// ServeHTTP serves the API and the dashboard.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mux.ServeHTTP(w, r)
}

const v1 = "/api/v1"

// table lists every API route.
func (a *API) table() []route {
	rd, op := store.RoleReader, store.RoleOperator
	return []route{
		{"GET", v1 + "/openapi.json", "", a.openAPI},
		{"GET", v1 + "/me", rd, a.me},
		{"GET", v1 + "/stats", rd, a.getStats},
		{"GET", v1 + "/settings", rd, a.getSettings},
		{"PATCH", v1 + "/settings", op, a.patchSettings},
		{"GET", v1 + "/exchanges", rd, a.listExchanges},
		{"PUT", v1 + "/exchanges/{name}", op, a.putExchange},

		{"GET", v1 + "/advertisers", rd, a.listAdvertisers},
		{"POST", v1 + "/advertisers", op, a.createAdvertiser},
		{"GET", v1 + "/advertisers/{id}", rd, a.getAdvertiser},
		{"PATCH", v1 + "/advertisers/{id}", op, a.patchAdvertiser},
		{"POST", v1 + "/advertisers/{id}/pause", op, a.advertiserAction(actPause)},
		{"POST", v1 + "/advertisers/{id}/resume", op, a.advertiserAction(actResume)},
		{"POST", v1 + "/advertisers/{id}/archive", op, a.advertiserAction(actArchive)},

		{"GET", v1 + "/campaigns", rd, a.listCampaigns},
		{"POST", v1 + "/campaigns", op, a.createCampaign},
		{"GET", v1 + "/campaigns/{id}", rd, a.getCampaign},
		{"PATCH", v1 + "/campaigns/{id}", op, a.patchCampaign},
		{"GET", v1 + "/campaigns/{id}/spend", rd, a.getSpend},
		{"POST", v1 + "/campaigns/{id}/pause", op, a.campaignAction(actPause)},
		{"POST", v1 + "/campaigns/{id}/resume", op, a.campaignAction(actResume)},
		{"POST", v1 + "/campaigns/{id}/archive", op, a.campaignAction(actArchive)},

		{"GET", v1 + "/creatives", rd, a.listCreatives},
		{"POST", v1 + "/creatives", op, a.createCreative},
		{"GET", v1 + "/creatives/{id}", rd, a.getCreative},
		{"PATCH", v1 + "/creatives/{id}", op, a.patchCreative},
		{"POST", v1 + "/creatives/{id}/pause", op, a.creativeAction(actPause)},
		{"POST", v1 + "/creatives/{id}/resume", op, a.creativeAction(actResume)},
		{"POST", v1 + "/creatives/{id}/archive", op, a.creativeAction(actArchive)},
	}
}

// guard authenticates and authorizes a request for rt, then runs its
// handler and maps a returned error to a status.
func (a *API) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if rt.role != "" {
			tok, ok := a.authenticate(w, r)
			if !ok {
				return
			}
			if rt.role == store.RoleOperator && tok.Role != store.RoleOperator {
				writeError(w, http.StatusForbidden,
					"token "+strconv.Quote(tok.Name)+" may only read")
				return
			}
			r = r.WithContext(withToken(r.Context(), tok))
		}
		if err := rt.handler(w, r); err != nil {
			a.fail(w, r, err)
		}
	})
}

// apiError is an error meant for the client, with its status and, for
// validation failures, the problem of each field by its JSON name.
type apiError struct {
	status int
	msg    string
	fields map[string]string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, msg string) error { return &apiError{status: status, msg: msg} }

// update reads entity id with get, lets change work out its new state and
// writes that with put, all in one store transaction (Store.Atomic), so
// that a change another operator makes between the read and the write is
// never overwritten. change reports write=false to leave the entity as it
// is; it may run more than once. update returns the entity as written (or
// as read, when left alone).
func update[T any](ctx context.Context, st store.Store, id int64,
	get func(store.Store, context.Context, int64) (T, error),
	put func(store.Store, context.Context, T) error,
	change func(cur T) (next T, write bool, err error)) (T, error) {
	var out T
	err := st.Atomic(ctx, func(st store.Store) error {
		cur, err := get(st, ctx, id)
		if err != nil {
			return err
		}
		next, write, err := change(cur)
		if err != nil {
			return err
		}
		out = next
		if !write {
			return nil
		}
		return put(st, ctx, next)
	})
	return out, err
}

// invalid is a 400 naming every bad field; nil when fields is empty.
func invalid(msg string, fields map[string]string) error {
	if len(fields) == 0 {
		return nil
	}
	return &apiError{status: http.StatusBadRequest, msg: msg, fields: fields}
}

// fail answers err: client errors with their message, store.ErrNotFound
// with 404, anything else with 500 and a log line, since the detail of an
// internal failure is for the operator, not the client.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		writeJSON(w, ae.status, errorBody{Error: ae.msg, Fields: ae.fields})
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	default:
		a.opt.Logger.Error("admin request failed", "method", r.Method,
			"path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// pathID reads the {id} path element.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusNotFound, "not found: id must be a positive integer")
	}
	return id, nil
}
