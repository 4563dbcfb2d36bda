package admin

import (
	"encoding/json"
	"testing"
)

// FuzzApply feeds arbitrary bodies to the decoder of a campaign PATCH: it
// must never panic, and whatever it accepts must survive a round trip.
func FuzzApply(f *testing.F) {
	f.Add([]byte(`{"name": "x", "bid_price_micros": 5}`))
	f.Add([]byte(`{"targeting": {"countries": ["NOR"], "x": 1}, "end": null}`))
	f.Add([]byte(`{"freq_cap": {"count": 3, "window_seconds": 60}, "id": 4}`))
	f.Add([]byte(`{"start": "2026-01-01T00:00:00Z", "exchanges": "demo"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var obj map[string]json.RawMessage
		if json.Unmarshal(body, &obj) != nil {
			return
		}
		var j campaignJSON
		if len(apply(&j, obj, readOnlyPatch)) > 0 {
			return
		}
		c := j.campaign()
		back := toCampaignJSON(c)
		if back.Name != j.Name || back.BidPriceMicros != j.BidPriceMicros {
			t.Errorf("round trip changed %+v into %+v", j, back)
		}
	})
}
