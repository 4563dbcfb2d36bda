package openrtb

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"nordbid/internal/money"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleResponse returns a response using every field.
func sampleResponse() *BidResponse {
	r := &BidResponse{ID: "req-1", BidID: "resp-1", Cur: "EUR", NBR: 0}
	seat := r.AddSeat("nordbid")
	b := seat.AddBid()
	*b = Bid{
		ID:      "bid-1",
		ImpID:   "imp-1",
		Price:   1_250_000,
		AdM:     `<a href="https://example.com/?a=1&b=2">ad</a>`,
		NURL:    "https://bid.example/notice/win?p=${AUCTION_PRICE}",
		BURL:    "https://bid.example/notice/bill?p=${AUCTION_PRICE}",
		LURL:    "https://bid.example/notice/loss?r=${AUCTION_LOSS}",
		ADomain: []string{"example.com"},
		Bundle:  "com.example.app",
		CrID:    "cr-9",
		CID:     "c-3",
		Cat:     []string{"IAB1", "IAB1-2"},
		Attr:    []int{1, 3},
		W:       300,
		H:       250,
		DealID:  "deal-7",
		MType:   1,
	}
	b = seat.AddBid()
	*b = Bid{ID: "bid-2", ImpID: "imp-2", Price: 65_445}
	return r
}

// wireBid mirrors Bid as encoding/json reads it back.
type wireBid struct {
	ID      string      `json:"id"`
	ImpID   string      `json:"impid"`
	Price   json.Number `json:"price"`
	AdM     string      `json:"adm"`
	NURL    string      `json:"nurl"`
	BURL    string      `json:"burl"`
	LURL    string      `json:"lurl"`
	ADomain []string    `json:"adomain"`
	Bundle  string      `json:"bundle"`
	CrID    string      `json:"crid"`
	CID     string      `json:"cid"`
	Cat     []string    `json:"cat"`
	Attr    []int       `json:"attr"`
	W       int         `json:"w"`
	H       int         `json:"h"`
	DealID  string      `json:"dealid"`
	MType   int         `json:"mtype"`
}

// wireResponse mirrors BidResponse as encoding/json reads it back.
type wireResponse struct {
	ID      string `json:"id"`
	BidID   string `json:"bidid"`
	Cur     string `json:"cur"`
	NBR     int    `json:"nbr"`
	SeatBid []struct {
		Seat string    `json:"seat"`
		Bid  []wireBid `json:"bid"`
	} `json:"seatbid"`
}

// readBack parses encoded JSON with encoding/json into the response it
// describes, turning each price back into micros.
func readBack(t *testing.T, out []byte) *BidResponse {
	t.Helper()
	if !json.Valid(out) {
		t.Fatalf("output is not valid JSON: %s", out)
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields()
	var w wireResponse
	if err := dec.Decode(&w); err != nil {
		t.Fatalf("read back: %v", err)
	}
	r := &BidResponse{ID: w.ID, BidID: w.BidID, Cur: w.Cur, NBR: w.NBR}
	for _, ws := range w.SeatBid {
		seat := r.AddSeat(ws.Seat)
		for _, wb := range ws.Bid {
			price, ok := money.ParseString(string(wb.Price))
			if !ok {
				t.Fatalf("price %q is not a decimal", wb.Price)
			}
			*seat.AddBid() = Bid{
				ID: wb.ID, ImpID: wb.ImpID, Price: price, AdM: wb.AdM,
				NURL: wb.NURL, BURL: wb.BURL, LURL: wb.LURL, ADomain: wb.ADomain,
				Bundle: wb.Bundle, CrID: wb.CrID, CID: wb.CID, Cat: wb.Cat, Attr: wb.Attr,
				W: wb.W, H: wb.H, DealID: wb.DealID, MType: wb.MType,
			}
		}
	}
	return r
}

func TestAppendResponseRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		r    *BidResponse
	}{
		{"full", sampleResponse()},
		{"no bid with reason", &BidResponse{ID: "r", NBR: 2}},
		{"negative and tiny prices", &BidResponse{ID: "r", SeatBid: []SeatBid{
			{Bid: []Bid{{ID: "a", ImpID: "1", Price: -1}, {ID: "b", ImpID: "1", Price: 1}}},
		}}},
		{"two seats", &BidResponse{ID: "r", SeatBid: []SeatBid{
			{Seat: "s1", Bid: []Bid{{ID: "a", ImpID: "1", Price: 3_000_000}}},
			{Seat: "s2", Bid: []Bid{{ID: "b", ImpID: "2", Price: 600_000_000}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AppendResponse(nil, tt.r)
			if got := readBack(t, out); !reflect.DeepEqual(got, tt.r) {
				t.Errorf("round trip of %s:\ngot  %+v\nwant %+v", out, got, tt.r)
			}
		})
	}
}

func TestAppendResponseOmitsEmpty(t *testing.T) {
	tests := []struct {
		name string
		r    *BidResponse
		want string
	}{
		{"empty", &BidResponse{}, `{}`},
		{"no bid", &BidResponse{ID: "r", NBR: 8}, `{"id":"r","nbr":8}`},
		{"zero price kept", &BidResponse{SeatBid: []SeatBid{{Bid: []Bid{{}}}}},
			`{"seatbid":[{"bid":[{"price":0}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendResponse(nil, tt.r)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAppendResponseEscapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the encoded JSON string, quotes included
		back string // what encoding/json reads back
	}{
		{"plain", "abc", `"abc"`, "abc"},
		{"quote and backslash", `say "hi" \o/`, `"say \"hi\" \\o/"`, `say "hi" \o/`},
		{"markup unescaped", `<script>a && b</script>`, `"<script>a && b</script>"`,
			`<script>a && b</script>`},
		{"short escapes", "a\nb\rc\td\be\ff", `"a\nb\rc\td\be\ff"`, "a\nb\rc\td\be\ff"},
		{"other controls", "\x00\x01\x1f", `"\u0000\u0001\u001f"`, "\x00\x01\x1f"},
		{"delete kept", "\x7f", "\"\x7f\"", "\x7f"},
		{"line separators", "a\u2028b\u2029c", `"a\u2028b\u2029c"`, "a\u2028b\u2029c"},
		{"multibyte kept", "é😀", `"é😀"`, "é😀"},
		{"invalid utf-8 replaced", "a\xffb\xc3", `"a\ufffdb\ufffd"`, "a\uFFFDb\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendString(nil, tt.in))
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			out := AppendResponse(nil, &BidResponse{ID: tt.in})
			if back := readBack(t, out).ID; back != tt.back {
				t.Errorf("read back %q, want %q", back, tt.back)
			}
		})
	}
}

func TestAppendResponseGolden(t *testing.T) {
	path := filepath.Join("testdata", "response.golden")
	got := AppendResponse(nil, sampleResponse())
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestResponseReset(t *testing.T) {
	r := sampleResponse()
	seats, bids := &r.SeatBid[0], &r.SeatBid[0].Bid[0]
	r.Reset()
	if got := AppendResponse(nil, r); string(got) != `{}` {
		t.Errorf("got %s after Reset, want {}", got)
	}
	if got := r.SeatBid[:1][0].Bid[:1][0]; !reflect.DeepEqual(got, Bid{}) {
		t.Errorf("Reset kept %+v, want a zero bid", got)
	}
	seat := r.AddSeat("s")
	b := seat.AddBid()
	if seat != seats || b != bids {
		t.Error("AddSeat and AddBid did not reuse the storage kept by Reset")
	}
	if !reflect.DeepEqual(*b, Bid{}) || seat.Seat != "s" || len(seat.Bid) != 1 {
		t.Errorf("got seat %+v, want seat s with one zero bid", *seat)
	}
}

// TestAppendResponseAllocs asserts that building and encoding a
// response into reused storage allocates nothing.
func TestAppendResponseAllocs(t *testing.T) {
	r := sampleResponse()
	buf := AppendResponse(nil, r)
	adm := r.SeatBid[0].Bid[0].AdM
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset()
		r.ID = "req-1"
		b := r.AddSeat("nordbid").AddBid()
		b.ID, b.ImpID, b.Price, b.AdM = "bid-1", "imp-1", 1_250_000, adm
		buf = AppendResponse(buf[:0], r)
	})
	if allocs != 0 {
		t.Errorf("got %v allocations, want 0", allocs)
	}
}
