package openrtb

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// bannerBody returns the request the banner benchmarks decode: corpus
// 35, a 2.6 site banner request with two formats, a user and a supply
// chain, compacted to about 420 bytes as exchanges send it.
func bannerBody(b *testing.B) []byte {
	var buf bytes.Buffer
	if err := json.Compact(&buf, corpusRequest(b, "35_")); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	files := corpusFiles(b, "requests")
	var size int64
	for _, f := range files {
		size += int64(len(f.body))
	}
	var d Decoder
	var req BidRequest
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if err := d.Decode(f.body, &req); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkDecodeBanner(b *testing.B) {
	body := bannerBody(b)
	var d Decoder
	var req BidRequest
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Decode(body, &req); err != nil {
			b.Fatal(err)
		}
	}
}

// benchResponse is sampleResponse with markup of a realistic size.
func benchResponse() *BidResponse {
	r := sampleResponse()
	r.SeatBid[0].Bid[0].AdM = strings.Repeat(r.SeatBid[0].Bid[0].AdM+"\n", 40)
	return r
}

func BenchmarkAppendResponse(b *testing.B) {
	r := benchResponse()
	buf := AppendResponse(nil, r)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendResponse(buf[:0], r)
	}
}

// The benchmarks below decode the same bodies with encoding/json into
// structs holding the same fields, as a first Go bidder would, to compare
// against Decode. They ignore type errors: encoding/json reports the
// first one after decoding the rest, so the work done is comparable.
// Unlike Decode they neither parse native requests nor fold 2.5 ext
// fields, and floors stay float64.

func BenchmarkStdlibDecode(b *testing.B) {
	files := corpusFiles(b, "requests")
	var size int64
	for _, f := range files {
		size += int64(len(f.body))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			var req stdRequest
			_ = json.Unmarshal(f.body, &req)
		}
	}
}

func BenchmarkStdlibDecodeBanner(b *testing.B) {
	body := bannerBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var req stdRequest
		if err := json.Unmarshal(body, &req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibAppendResponse(b *testing.B) {
	r := benchResponse()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}

// stdRequest and the types below mirror BidRequest for encoding/json.
type stdRequest struct {
	ID      string          `json:"id"`
	Imp     []stdImp        `json:"imp"`
	Site    *stdSite        `json:"site"`
	App     *stdSite        `json:"app"`
	DOOH    *stdSite        `json:"dooh"`
	Device  *stdDev         `json:"device"`
	User    *stdUser        `json:"user"`
	Regs    *stdRegs        `json:"regs"`
	Source  *stdSrc         `json:"source"`
	Test    int             `json:"test"`
	AT      int             `json:"at"`
	TMax    int             `json:"tmax"`
	WSeat   []string        `json:"wseat"`
	BSeat   []string        `json:"bseat"`
	AllImps int             `json:"allimps"`
	Cur     []string        `json:"cur"`
	WLang   []string        `json:"wlang"`
	BCat    []string        `json:"bcat"`
	CatTax  int             `json:"cattax"`
	BAdv    []string        `json:"badv"`
	BApp    []string        `json:"bapp"`
	Ext     json.RawMessage `json:"ext"`
}

type stdImp struct {
	ID     string     `json:"id"`
	Banner *stdBanner `json:"banner"`
	Video  *stdVideo  `json:"video"`
	Audio  *stdVideo  `json:"audio"`
	Native *stdNative `json:"native"`
	PMP    *struct {
		PrivateAuction int       `json:"private_auction"`
		Deals          []stdDeal `json:"deals"`
	} `json:"pmp"`
	DisplayManager string                        `json:"displaymanager"`
	Instl          int                           `json:"instl"`
	TagID          string                        `json:"tagid"`
	BidFloor       float64                       `json:"bidfloor"`
	BidFloorCur    string                        `json:"bidfloorcur"`
	Secure         int                           `json:"secure"`
	Exp            int                           `json:"exp"`
	Rwdd           int                           `json:"rwdd"`
	Qty            *struct{ Multiplier float64 } `json:"qty"`
	Ext            json.RawMessage               `json:"ext"`
}

type stdFormat struct {
	W, H, WRatio, HRatio, WMin int
}

type stdBanner struct {
	W, H, WMin, HMin, WMax, HMax, Pos int
	Format                            []stdFormat
	BType, BAttr, API                 []int
	Mimes                             []string
}

type stdVideo struct {
	Mimes                              []string
	MinDuration, MaxDuration, W, H     int
	Protocols, BAttr, API              []int
	StartDelay, Placement, Plcmt, Skip int
	Linearity, PodSeq, SlotInPod, Feed int
	PodID                              string
	MaxBitrate, BoxingAllowed          int
}

type stdNative struct {
	Request    json.RawMessage `json:"request"`
	Ver        string          `json:"ver"`
	API, BAttr []int
}

type stdDeal struct {
	ID              string  `json:"id"`
	BidFloor        float64 `json:"bidfloor"`
	BidFloorCur     string  `json:"bidfloorcur"`
	AT              int     `json:"at"`
	WSeat, WADomain []string
}

type stdPub struct {
	ID, Name, Domain string
	Cat              []string
}

type stdSite struct {
	ID, Name, Domain, Bundle, StoreURL, Page, Ref, Keywords, Ver string
	Cat, SectionCat, PageCat, VenueType                          []string
	Mobile, PrivacyPolicy, Paid, VenueTypeTax                    int
	InventoryPartnerDomain                                       string
	Publisher                                                    *stdPub
	Content                                                      *struct {
		ID, Title, Language string
		Cat                 []string
		Livestream          int
	}
}

type stdDev struct {
	UA, IP, IPv6, Make, Model, OS, OSV, Language, Carrier, IFA string
	DNT, LMT, DeviceType, JS, ConnectionType, W, H             int
	Geo                                                        *struct {
		Lat, Lon                          float64
		Type, UTCOffset                   int
		Country, Region, Metro, City, ZIP string
	}
}

type stdUser struct {
	ID, BuyerUID, Gender, Keywords, Consent string
	Yob                                     int
	Data                                    []struct {
		ID, Name string
		Segment  []struct{ ID, Name, Value string }
	}
	EIDs []struct {
		Source string
		UIDs   []struct {
			ID    string
			AType int
		}
	}
	Ext json.RawMessage `json:"ext"`
}

type stdRegs struct {
	COPPA     int
	GDPR      *int
	USPrivacy string `json:"us_privacy"`
	GPP       string
	GPPSID    []int           `json:"gpp_sid"`
	Ext       json.RawMessage `json:"ext"`
}

type stdSrc struct {
	FD          int
	TID, PChain string
	SChain      *struct {
		Complete int
		Ver      string
		Nodes    []struct {
			ASI, SID, RID string
			HP            int
		}
	}
	Ext json.RawMessage `json:"ext"`
}
