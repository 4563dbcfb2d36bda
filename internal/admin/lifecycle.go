package admin

import (
	"net/http"
	"strconv"

	"nordbid/internal/campaign"
	"nordbid/internal/store"
)

// action is a lifecycle change of an advertiser, campaign or creative.
type action string

const (
	actPause   action = "pause"
	actResume  action = "resume"
	actArchive action = "archive"
)

// next returns the status after act. Pausing a paused or resuming an
// active entity changes nothing and succeeds, so that scripts may repeat
// them; archived is final, so anything on an archived entity is a 409.
func (act action) next(cur campaign.Status) (campaign.Status, error) {
	if cur == campaign.StatusArchived {
		if act == actArchive {
			return "", errorf(http.StatusConflict, "already archived")
		}
		return "", errorf(http.StatusConflict, "archived; cannot "+string(act))
	}
	switch act {
	case actPause:
		return campaign.StatusPaused, nil
	case actResume:
		return campaign.StatusActive, nil
	default:
		return campaign.StatusArchived, nil
	}
}

// listPage is the JSON of every list answer. NextAfterID, when present,
// is the after_id of the next page.
type listPage[T any] struct {
	Items       []T    `json:"items"`
	NextAfterID *int64 `json:"next_after_id,omitempty"`
}

// page wraps items; a full page points to the next one.
func page[T any](items []T, opt store.ListOptions, id func(T) int64) listPage[T] {
	p := listPage[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	limit := opt.Limit
	if limit == 0 {
		limit = store.DefaultLimit
	}
	if len(items) > 0 && len(items) >= limit {
		last := id(items[len(items)-1])
		p.NextAfterID = &last
	}
	return p
}

// listOptions reads the query of a list: limit, after_id, status, name and,
// when parent is not empty, the parent id under that name. Every bad
// parameter is reported at once.
func listOptions(r *http.Request, parent string) (store.ListOptions, error) {
	q := r.URL.Query()
	var opt store.ListOptions
	problems := map[string]string{}
	allowed := map[string]bool{"limit": true, "after_id": true, "status": true, "name": true}
	if parent != "" {
		allowed[parent] = true
	}
	for k := range q {
		if !allowed[k] {
			problems[k] = "unknown parameter"
		}
	}
	num := func(name string, lo, hi int64) int64 {
		s := q.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < lo || n > hi {
			problems[name] = "must be an integer from " + strconv.FormatInt(lo, 10) +
				" to " + strconv.FormatInt(hi, 10)
		}
		return n
	}
	opt.Limit = int(num("limit", 1, store.MaxLimit))
	opt.AfterID = num("after_id", 0, 1<<62)
	if parent != "" {
		opt.ParentID = num(parent, 1, 1<<62)
	}
	opt.Status = campaign.Status(q.Get("status"))
	if opt.Status != "" && !opt.Status.Valid() {
		problems["status"] = "must be active, paused or archived"
	}
	opt.Name = q.Get("name")
	if err := invalid("invalid query", problems); err != nil {
		return store.ListOptions{}, err
	}
	return opt, nil
}

// statusChange is update's change for act on an entity whose status field
// status points to: it writes only when the status moves.
func statusChange[T any](act action, status func(*T) *campaign.Status) func(T) (T, bool, error) {
	return func(cur T) (T, bool, error) {
		s := status(&cur)
		next, err := act.next(*s)
		if err != nil || next == *s {
			return cur, false, err
		}
		*s = next
		return cur, true, nil
	}
}
