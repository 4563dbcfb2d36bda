package index

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// NativeMarkup is a native creative's response, taken apart so that the
// bidder can answer each request with the request's own asset ids: the
// Native 1.2 response must name every asset by the id the request gave
// it, which differs from exchange to exchange.
type NativeMarkup struct {
	// Assets maps each asset kind (an Asset bit) to the JSON members that
	// follow "id" in the response asset, e.g. `"title":{"text":"Hi"}`.
	Assets map[uint8]string
	// Tail holds the members after "assets" (link, trackers), with macros.
	Tail Template
}

// nativeKinds names the asset kind of Native 1.2 image and data types.
var (
	imageKinds = map[int]uint8{1: AssetIcon, 3: AssetImage}
	dataKinds  = map[int]uint8{1: AssetSponsored, 2: AssetDescription, 12: AssetCTA}
)

// parseNative reads a creative's Native 1.2 response markup.
func parseNative(markup string) (*NativeMarkup, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(markup), &doc); err != nil {
		return nil, fmt.Errorf("native markup: %w", err)
	}
	if inner, ok := doc["native"]; ok {
		doc = nil
		if err := json.Unmarshal(inner, &doc); err != nil {
			return nil, fmt.Errorf("native markup: %w", err)
		}
	}
	var assets []map[string]json.RawMessage
	if err := json.Unmarshal(doc["assets"], &assets); err != nil {
		return nil, fmt.Errorf("native markup: assets: %w", err)
	}
	nm := &NativeMarkup{Assets: make(map[uint8]string)}
	for _, a := range assets {
		kind, member, err := assetKind(a)
		if err != nil {
			return nil, err
		}
		if kind != 0 {
			nm.Assets[kind] = member
		}
	}
	var tail strings.Builder
	keys := make([]string, 0, len(doc))
	for k := range doc {
		if k != "assets" && k != "ver" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&tail, ",%q:%s", k, doc[k])
	}
	t, err := ParseTemplate(tail.String())
	if err != nil {
		return nil, fmt.Errorf("native markup: %w", err)
	}
	nm.Tail = t
	return nm, nil
}

// assetKind classifies one response asset and returns its members
// without the id.
func assetKind(a map[string]json.RawMessage) (uint8, string, error) {
	var typed struct{ Type int }
	for _, name := range []string{"title", "img", "data", "video"} {
		raw, ok := a[name]
		if !ok {
			continue
		}
		member := fmt.Sprintf("%q:%s", name, raw)
		switch name {
		case "title":
			return AssetTitle, member, nil
		case "img", "data":
			if err := json.Unmarshal(raw, &typed); err != nil {
				return 0, "", fmt.Errorf("native markup: %s: %w", name, err)
			}
			kinds := imageKinds
			if name == "data" {
				kinds = dataKinds
			}
			return kinds[typed.Type], member, nil
		}
	}
	return 0, "", nil
}
