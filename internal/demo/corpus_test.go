package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"nordbid/internal/campaign"
	"nordbid/internal/money"
	"nordbid/internal/store"
)

// corpusDir holds the shared bid requests; /work/main and /work/shared are
// siblings here and in CI.
const corpusDir = "../../../shared/corpus/requests"

// TestCorpusCoverage checks, before the real bidder exists, that the demo
// set is broad enough: a deliberately simple re-implementation of the
// bidder's channel, format, size, deal, block-list and floor rules must
// find a fitting demo creative for at least 40 of the 50 corpus requests.
// It also names requests that no honest matcher may fit, so that a matcher
// grown too lenient fails here as well.
func TestCorpusCoverage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.json"))
	if err != nil || len(files) != 50 {
		t.Fatalf("corpus %s: %d request files, %v; want 50", corpusDir, len(files), err)
	}
	_, snap := seeded(t, Options{Now: seedNow})
	m := newMatcher(snap)

	mustNotFit := map[string]string{
		"08_mxm_native_25_placeholder.json":       "native request is not JSON",
		"11_bsm_native_wseat_bseat.json":          "native request is prose",
		"41_pbs_invalid_currency_code.json":       "floor currency INVALID",
		"45_pbs_banner_swapped_floor_in_ext.json": "banner 90x728",
		"50_pbs_audio_wrong_mime.json":            "audio mime video/mp4",
	}
	fit := 0
	for _, f := range files {
		name := filepath.Base(f)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		var req request
		if err := json.Unmarshal(raw, &req); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		found := m.fit(&req)
		if found != "" {
			fit++
			t.Logf("%-45s fits: %s", name, found)
		} else {
			t.Logf("%-45s no fit", name)
		}
		if why, ok := mustNotFit[name]; ok && found != "" {
			t.Errorf("%s fits %s, want no fit (%s)", name, found, why)
		}
	}
	if fit < 40 {
		t.Errorf("demo creatives fit %d of %d corpus requests, want at least 40", fit, len(files))
	}
}

// request is the part of an OpenRTB bid request the matcher reads.
type request struct {
	Imp  []imp           `json:"imp"`
	Site json.RawMessage `json:"site"`
	App  json.RawMessage `json:"app"`
	DOOH json.RawMessage `json:"dooh"`
	BCat []string        `json:"bcat"`
	BAdv []string        `json:"badv"`
}

type imp struct {
	BidFloor    json.Number `json:"bidfloor"`
	BidFloorCur string      `json:"bidfloorcur"`
	Banner      *struct {
		W      int `json:"w"`
		H      int `json:"h"`
		Format []struct {
			W int `json:"w"`
			H int `json:"h"`
		} `json:"format"`
		BAttr []int `json:"battr"`
	} `json:"banner"`
	Video  *media `json:"video"`
	Audio  *media `json:"audio"`
	Native *struct {
		Request json.RawMessage `json:"request"`
		BAttr   []int           `json:"battr"`
	} `json:"native"`
	PMP *struct {
		PrivateAuction int    `json:"private_auction"`
		Deals          []deal `json:"deals"`
	} `json:"pmp"`
}

type deal struct {
	ID          string      `json:"id"`
	BidFloor    json.Number `json:"bidfloor"`
	BidFloorCur string      `json:"bidfloorcur"`
}

type media struct {
	Mimes       []string `json:"mimes"`
	MinDuration int      `json:"minduration"`
	MaxDuration int      `json:"maxduration"`
	Protocols   []int    `json:"protocols"`
	BAttr       []int    `json:"battr"`
}

// present reports whether a context object is there and not JSON null.
func present(raw json.RawMessage) bool {
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// channel names the request's one channel; "" when it has none, and false
// when it has more than one, which the matcher treats as invalid.
func (r *request) channel() (campaign.Channel, bool) {
	var found []campaign.Channel
	if present(r.Site) {
		found = append(found, campaign.ChannelSite)
	}
	if present(r.App) {
		found = append(found, campaign.ChannelApp)
	}
	if present(r.DOOH) {
		found = append(found, campaign.ChannelDOOH)
	}
	switch len(found) {
	case 0:
		return "", true
	case 1:
		return found[0], true
	}
	return "", false
}

// matcher holds the seeded data the way the checks need it.
type matcher struct {
	campaigns []campaign.Campaign
	creatives map[int64][]campaign.Creative
	domains   map[int64]string // advertiser domain by campaign ID
	rates     map[string]int64
}

func newMatcher(s *store.Snapshot) *matcher {
	m := &matcher{
		creatives: map[int64][]campaign.Creative{},
		domains:   map[int64]string{},
		rates:     map[string]int64{},
	}
	advDomain := map[int64]string{}
	for _, a := range s.Advertisers {
		advDomain[a.ID] = a.Domain
	}
	for _, c := range s.Campaigns {
		if c.Status == campaign.StatusActive && !c.Start.After(seedNow) && simple(c) {
			m.campaigns = append(m.campaigns, c)
			m.domains[c.ID] = advDomain[c.AdvertiserID]
		}
	}
	for _, cr := range s.Creatives {
		if cr.Status == campaign.StatusActive {
			m.creatives[cr.CampaignID] = append(m.creatives[cr.CampaignID], cr)
		}
	}
	for _, r := range s.Rates {
		m.rates[r.Currency] = r.PerUSD
	}
	return m
}

// simple reports whether c uses only what the matcher models: channels,
// deals and the demo exchange. Campaigns with other targeting are left out
// rather than guessed at.
func simple(c campaign.Campaign) bool {
	t := c.Targeting
	other := len(t.Countries) + len(t.Regions) + len(t.DeviceTypes) + len(t.OS) +
		len(t.Domains.Allow) + len(t.Domains.Block) + len(t.Bundles.Allow) +
		len(t.Bundles.Block) + len(t.Publishers) + len(t.BlockedCategories) +
		len(t.Segments) + len(t.HoursOfWeek)
	return other == 0 && (len(c.Exchanges) == 0 || slices.Contains(c.Exchanges, ExchangeName))
}

// fit returns "campaign / creative on imp N" for the first demo creative
// that may bid on some imp of r, or "" when none may.
func (m *matcher) fit(r *request) string {
	ch, ok := r.channel()
	if !ok {
		return ""
	}
	for i := range r.Imp {
		im := &r.Imp[i]
		for _, c := range m.campaigns {
			if len(c.Targeting.Channels) > 0 && !slices.Contains(c.Targeting.Channels, ch) {
				continue
			}
			if !m.priceClears(c, im) || slices.Contains(r.BAdv, m.domains[c.ID]) {
				continue
			}
			for _, cr := range m.creatives[c.ID] {
				if blockedCategory(r.BCat, cr.Categories) {
					continue
				}
				if creativeFits(cr, im) {
					return fmt.Sprintf("%s / %s on imp %d", c.Name, cr.Name, i)
				}
			}
		}
	}
	return ""
}

// priceClears applies the deal rules and compares the campaign's price,
// converted into the floor's currency, with the floor that applies.
func (m *matcher) priceClears(c campaign.Campaign, im *imp) bool {
	private := im.PMP != nil && im.PMP.PrivateAuction == 1
	floor, cur := im.BidFloor, im.BidFloorCur
	if len(c.Targeting.Deals) > 0 {
		if im.PMP == nil {
			return false
		}
		i := slices.IndexFunc(im.PMP.Deals, func(d deal) bool {
			return slices.Contains(c.Targeting.Deals, d.ID)
		})
		if i < 0 {
			return false
		}
		floor = im.PMP.Deals[i].BidFloor
		if d := im.PMP.Deals[i].BidFloorCur; d != "" {
			cur = d
		}
	} else if private {
		return false
	}

	floorMicros := int64(0)
	if floor != "" {
		v, ok := money.ParseString(string(floor))
		if !ok {
			return false
		}
		floorMicros = v
	}
	if cur == "" {
		cur = "USD"
	}
	campCur := c.Currency
	if campCur == "" {
		campCur = "USD"
	}
	to, from := m.rates[cur], m.rates[campCur]
	if to == 0 || from == 0 {
		return false
	}
	return c.BidPrice*to/from >= floorMicros
}

func blockedCategory(bcat, cats []string) bool {
	for _, c := range cats {
		if slices.Contains(bcat, c) {
			return true
		}
	}
	return false
}

// creativeFits applies the size, mime, duration, protocol, native asset
// and attribute rules of the creative's format.
func creativeFits(cr campaign.Creative, im *imp) bool {
	switch cr.Format {
	case campaign.FormatBanner:
		b := im.Banner
		if b == nil || anyIn(cr.Attributes, b.BAttr) {
			return false
		}
		if b.W == cr.W && b.H == cr.H {
			return true
		}
		for _, f := range b.Format {
			if f.W == cr.W && f.H == cr.H {
				return true
			}
		}
		return false
	case campaign.FormatVideo:
		return im.Video != nil && mediaFits(cr, im.Video)
	case campaign.FormatAudio:
		return im.Audio != nil && mediaFits(cr, im.Audio)
	case campaign.FormatNative:
		if im.Native == nil || anyIn(cr.Attributes, im.Native.BAttr) {
			return false
		}
		need, ok := requiredAssets(im.Native.Request)
		if !ok {
			return false
		}
		for _, a := range need {
			if !slices.Contains(cr.NativeAssets, a) {
				return false
			}
		}
		return true
	}
	return false
}

func mediaFits(cr campaign.Creative, m *media) bool {
	if anyIn(cr.Attributes, m.BAttr) || !anyIn(cr.Mimes, m.Mimes) {
		return false
	}
	if (m.MinDuration > 0 && cr.Duration < m.MinDuration) ||
		(m.MaxDuration > 0 && cr.Duration > m.MaxDuration) {
		return false
	}
	return len(m.Protocols) == 0 || len(cr.Protocols) == 0 || anyIn(cr.Protocols, m.Protocols)
}

func anyIn[T comparable](have, set []T) bool {
	for _, v := range have {
		if slices.Contains(set, v) {
			return true
		}
	}
	return false
}

// requiredAssets reads a native request given as a JSON string or object,
// with or without the "native" wrapper, and names its required assets in
// the demo's vocabulary. It reports false when the request is unreadable.
func requiredAssets(raw json.RawMessage) ([]string, bool) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		raw = json.RawMessage(s)
	}
	var req struct {
		Native *struct {
			Assets []asset `json:"assets"`
		} `json:"native"`
		Assets []asset `json:"assets"`
	}
	if json.Unmarshal(raw, &req) != nil {
		return nil, false
	}
	assets := req.Assets
	if req.Native != nil {
		assets = req.Native.Assets
	}
	var need []string
	for _, a := range assets {
		if a.Required != 1 {
			continue
		}
		need = append(need, a.name())
	}
	return need, true
}

// asset is one asset of a native request.
type asset struct {
	Required int        `json:"required"`
	Title    *struct{}  `json:"title"`
	Img      *typedItem `json:"img"`
	Data     *typedItem `json:"data"`
	Video    *struct{}  `json:"video"`
}

type typedItem struct {
	Type int `json:"type"`
}

// name maps the asset to the names creatives list in NativeAssets.
func (a asset) name() string {
	switch {
	case a.Title != nil:
		return "title"
	case a.Img != nil && a.Img.Type == 1:
		return "icon"
	case a.Img != nil:
		return "image"
	case a.Data != nil && a.Data.Type == 1:
		return "sponsored"
	case a.Data != nil && a.Data.Type == 2:
		return "description"
	case a.Data != nil && a.Data.Type == 12:
		return "cta"
	case a.Data != nil:
		return fmt.Sprintf("data type %d", a.Data.Type)
	case a.Video != nil:
		return "video"
	}
	return "unknown"
}
