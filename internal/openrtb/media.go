package openrtb

// Format is one allowed banner size: either an exact size (W, H) or a
// flexible one given by a ratio and a minimum width.
type Format struct {
	// W is the width in device-independent pixels; 0 when absent.
	W int
	// H is the height in device-independent pixels; 0 when absent.
	H int
	// WRatio is the width part of a flexible size's aspect ratio.
	WRatio int
	// HRatio is the height part of a flexible size's aspect ratio.
	HRatio int
	// WMin is the minimum width of a flexible size, in pixels.
	WMin int
}

// Banner offers display ads in an impression.
type Banner struct {
	// Present is true when the impression offers a banner.
	Present bool
	// W is the exact width in device-independent pixels; 0 when absent.
	W int
	// H is the exact height in device-independent pixels; 0 when absent.
	H int
	// Format lists the allowed sizes; it takes precedence over W and H.
	Format []Format
	// WMin, HMin, WMax and HMax bound the size in pixels (deprecated in
	// 2.6 in favour of Format); 0 when absent.
	WMin, HMin, WMax, HMax int
	// BType lists blocked banner types (list "Banner Ad Types").
	BType []int
	// BAttr lists blocked creative attributes (list "Creative Attributes").
	BAttr []int
	// Pos is the position on screen (list "Ad Position"); 0 when unknown.
	Pos int
	// Mimes lists the content types allowed, e.g. "image/png".
	Mimes []string
	// API lists the supported API frameworks (list "API Frameworks").
	API []int
}

// reset empties b, keeping its slices' storage.
func (b *Banner) reset() {
	*b = Banner{
		Format: b.Format[:0],
		BType:  b.BType[:0],
		BAttr:  b.BAttr[:0],
		Mimes:  b.Mimes[:0],
		API:    b.API[:0],
	}
}

// Video offers video ads in an impression.
type Video struct {
	// Present is true when the impression offers video.
	Present bool
	// Mimes lists the content types allowed, e.g. "video/mp4".
	Mimes []string
	// MinDuration and MaxDuration bound the ad's length in seconds;
	// 0 when absent.
	MinDuration, MaxDuration int
	// Protocols lists the supported video protocols (VAST versions). The
	// deprecated single "protocol" field, sent as a number or an array,
	// is merged in.
	Protocols []int
	// W and H are the player size in device-independent pixels; 0 when
	// absent.
	W, H int
	// StartDelay is the start offset in seconds, or 0 pre-roll, -1
	// generic mid-roll, -2 generic post-roll. It is also 0 when absent.
	StartDelay int
	// Placement is the 2.5 placement type; 0 when absent.
	Placement int
	// Plcmt is the 2.6 placement type (list "Plcmt Subtypes - Video");
	// 0 when absent.
	Plcmt int
	// Linearity is 1 for in-stream, 2 for overlay; 0 when absent.
	Linearity int
	// Skip is 1 when the player lets the viewer skip the ad.
	Skip int
	// BAttr lists blocked creative attributes.
	BAttr []int
	// API lists the supported API frameworks.
	API []int
	// PodID identifies the ad pod this impression belongs to; "" when
	// not in a pod.
	PodID string
	// PodSeq is the pod's place in the content stream (1 first, -1 last);
	// 0 when absent or any.
	PodSeq int
	// SlotInPod is the impression's place in its pod (1 first, -1 last);
	// 0 when absent or any.
	SlotInPod int
	// MaxBitrate is the highest bit rate allowed, in kilobits per second;
	// 0 when absent.
	MaxBitrate int
	// BoxingAllowed is 0 when letterboxing a 4:3 creative into a 16:9
	// player is forbidden. It is 1, the spec's default, when absent.
	BoxingAllowed int
}

// reset empties v, keeping its slices' storage.
func (v *Video) reset() {
	*v = Video{
		Mimes:     v.Mimes[:0],
		Protocols: v.Protocols[:0],
		BAttr:     v.BAttr[:0],
		API:       v.API[:0],
	}
}

// Audio offers audio ads in an impression.
type Audio struct {
	// Present is true when the impression offers audio.
	Present bool
	// Mimes lists the content types allowed, e.g. "audio/mp4".
	Mimes []string
	// MinDuration and MaxDuration bound the ad's length in seconds;
	// 0 when absent.
	MinDuration, MaxDuration int
	// Protocols lists the supported audio protocols (DAAST or VAST).
	Protocols []int
	// StartDelay is as in Video; 0 when absent.
	StartDelay int
	// BAttr lists blocked creative attributes.
	BAttr []int
	// API lists the supported API frameworks.
	API []int
	// Feed is the type of audio feed (list "Feed Types"); 0 when absent.
	Feed int
}

// reset empties a, keeping its slices' storage.
func (a *Audio) reset() {
	*a = Audio{
		Mimes:     a.Mimes[:0],
		Protocols: a.Protocols[:0],
		BAttr:     a.BAttr[:0],
		API:       a.API[:0],
	}
}

// Native offers native ads in an impression, with the native request
// (OpenRTB Native 1.x) already parsed.
type Native struct {
	// Present is true when the impression offers native.
	Present bool
	// Ver is the version of the native request, e.g. "1.2".
	Ver string
	// API lists the supported API frameworks.
	API []int
	// BAttr lists blocked creative attributes.
	BAttr []int
	// Assets lists the assets of the native request.
	Assets []NativeAsset
	// Unreadable is true when native.request was present but was not a
	// native request that could be parsed (for example a string holding
	// prose); Assets is then empty. It is not a request error: the bidder
	// skips the impression.
	Unreadable bool
}

// reset empties n, keeping its slices' storage.
func (n *Native) reset() {
	*n = Native{API: n.API[:0], BAttr: n.BAttr[:0], Assets: n.Assets[:0]}
}

// NativeAsset is one element a native ad must or may supply. Exactly one
// of Title, Img, Data and Video is normally present.
type NativeAsset struct {
	// ID identifies the asset; the response refers to it.
	ID int
	// Required is 1 when the ad must supply this asset.
	Required int
	// Title asks for a title text.
	Title NativeTitle
	// Img asks for an image.
	Img NativeImage
	// Data asks for a data element such as a rating or a price.
	Data NativeData
	// Video asks for a video; only its presence is read.
	Video NativeVideo
}

// NativeTitle asks for a title text.
type NativeTitle struct {
	// Present is true when the asset is a title.
	Present bool
	// Len is the maximum length in characters; 0 when absent.
	Len int
}

// NativeImage asks for an image.
type NativeImage struct {
	// Present is true when the asset is an image.
	Present bool
	// Type is the image type: 1 icon, 3 main image; 0 when absent.
	Type int
	// W and H are the exact size in pixels; 0 when absent.
	W, H int
	// WMin and HMin are the minimum size in pixels; 0 when absent.
	WMin, HMin int
}

// NativeData asks for a data element.
type NativeData struct {
	// Present is true when the asset is a data element.
	Present bool
	// Type is the data type (list "Data Asset Types"); 0 when absent.
	Type int
	// Len is the maximum length in characters; 0 when absent.
	Len int
}

// NativeVideo asks for a video.
type NativeVideo struct {
	// Present is true when the asset is a video.
	Present bool
}
