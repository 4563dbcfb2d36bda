package demo

import (
	"encoding/json"
	"fmt"
	"html"

	"nordbid/internal/campaign"
)

// Creative assets live under this host. They are never fetched: the demo
// only needs markup that looks like a real ad, and example.com is reserved
// for documentation, so no real server is ever contacted.
const assetBase = "https://ads.example.com"

// vastProtocols are the OpenRTB protocol codes the demo VAST documents are
// offered for: VAST 2.0, 3.0, their wrappers and 4.0, which accept a simple
// VAST 3 inline document.
var vastProtocols = []int{2, 3, 5, 6, 7}

// nativeAssets is everything the demo native response supplies.
var nativeAssets = []string{"title", "image", "icon", "description", "sponsored", "cta"}

// brand is what the creative builders need to know about an advertiser.
type brand struct {
	slug       string // path element of the asset URLs
	name       string // shown in alt texts and as the native "sponsored" line
	headline   string // native title
	pitch      string // native description
	landing    string // where a click on the brand's ads leads
	categories []string
}

// banner is an HTML snippet: a linked image and an impression pixel.
func (b brand) banner(w, h int) campaign.Creative {
	markup := fmt.Sprintf(`<a href="${CLICK_URL}" target="_blank" rel="noopener">`+
		`<img src="%s/creative/%s/%dx%d.png" width="%d" height="%d" alt="%s"></a>`+
		`<img src="${IMP_URL}" width="1" height="1" alt="" style="display:none">`,
		assetBase, b.slug, w, h, w, h, html.EscapeString(b.name))
	return campaign.Creative{
		Name:       fmt.Sprintf("%s %dx%d", b.name, w, h),
		Status:     campaign.StatusActive,
		Format:     campaign.FormatBanner,
		W:          w,
		H:          h,
		Markup:     markup,
		ClickURL:   b.landing,
		Categories: b.categories,
	}
}

// video is a 16:9 MP4 spot wrapped in a VAST 3 inline document.
func (b brand) video(seconds int) campaign.Creative {
	media := fmt.Sprintf(`<MediaFile delivery="progressive" type="video/mp4" `+
		`width="1920" height="1080"><![CDATA[%s/creative/%s/spot-%ds.mp4]]></MediaFile>`,
		assetBase, b.slug, seconds)
	return campaign.Creative{
		Name:       fmt.Sprintf("%s video %ds", b.name, seconds),
		Status:     campaign.StatusActive,
		Format:     campaign.FormatVideo,
		W:          1920,
		H:          1080,
		Mimes:      []string{"video/mp4"},
		Duration:   seconds,
		Protocols:  vastProtocols,
		Markup:     b.vast(seconds, media),
		ClickURL:   b.landing,
		Categories: b.categories,
	}
}

// audio is an audio spot, offered as MP4 (AAC) and MPEG (MP3), in a VAST 3
// inline document.
func (b brand) audio(seconds int) campaign.Creative {
	media := fmt.Sprintf(`<MediaFile delivery="progressive" type="audio/mp4" `+
		`width="0" height="0"><![CDATA[%[1]s/creative/%[2]s/audio-%[3]ds.m4a]]></MediaFile>`+
		`<MediaFile delivery="progressive" type="audio/mpeg" `+
		`width="0" height="0"><![CDATA[%[1]s/creative/%[2]s/audio-%[3]ds.mp3]]></MediaFile>`,
		assetBase, b.slug, seconds)
	return campaign.Creative{
		Name:       fmt.Sprintf("%s audio %ds", b.name, seconds),
		Status:     campaign.StatusActive,
		Format:     campaign.FormatAudio,
		Mimes:      []string{"audio/mp4", "audio/mpeg"},
		Duration:   seconds,
		Protocols:  vastProtocols,
		Markup:     b.vast(seconds, media),
		ClickURL:   b.landing,
		Categories: b.categories,
	}
}

// vast wraps media files in a VAST 3.0 inline linear ad.
func (b brand) vast(seconds int, mediaFiles string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+
		`<VAST version="3.0"><Ad id="${AUCTION_BID_ID}"><InLine>`+
		`<AdSystem version="1">nordbid</AdSystem><AdTitle>%s</AdTitle>`+
		`<Impression><![CDATA[${IMP_URL}]]></Impression>`+
		`<Creatives><Creative><Linear><Duration>%02d:%02d:%02d</Duration>`+
		`<VideoClicks><ClickThrough><![CDATA[${CLICK_URL}]]></ClickThrough></VideoClicks>`+
		`<MediaFiles>%s</MediaFiles></Linear></Creative></Creatives>`+
		`</InLine></Ad></VAST>`,
		html.EscapeString(b.name), seconds/3600, seconds/60%60, seconds%60, mediaFiles)
}

// native is an OpenRTB Native 1.2 response. Its asset ids are placeholders
// numbered in the order of nativeAssets; the bidder must renumber them to
// the ids of the request it answers.
func (b brand) native() campaign.Creative {
	markup := fmt.Sprintf(`{"ver":"1.2","assets":[`+
		`{"id":1,"title":{"text":%[5]s}},`+
		`{"id":2,"img":{"type":3,"url":"%[1]s/creative/%[2]s/main-1200x627.jpg",`+
		`"w":1200,"h":627}},`+
		`{"id":3,"img":{"type":1,"url":"%[1]s/creative/%[2]s/icon-100x100.png","w":100,"h":100}},`+
		`{"id":4,"data":{"type":2,"value":%[4]s}},`+
		`{"id":5,"data":{"type":1,"value":%[3]s}},`+
		`{"id":6,"data":{"type":12,"value":"Learn more"}}],`+
		`"link":{"url":"${CLICK_URL}"},`+
		`"eventtrackers":[{"event":1,"method":1,"url":"${IMP_URL}"}]}`,
		assetBase, b.slug, jsonString(b.name), jsonString(b.pitch), jsonString(b.headline))
	return campaign.Creative{
		Name:         b.name + " native",
		Status:       campaign.StatusActive,
		Format:       campaign.FormatNative,
		W:            1200,
		H:            627,
		NativeAssets: nativeAssets,
		Markup:       markup,
		ClickURL:     b.landing,
		Categories:   b.categories,
	}
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}
