package openrtb

import (
	"testing"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
)

// The benchmarks below decode the same bodies into the same mirror types
// as the encoding/json ones, with bytedance/sonic (a JIT decoder) and
// with encoding/json/v2 as it stands in go-json-experiment.

func BenchmarkSonicDecode(b *testing.B) {
	benchmarkAltDecode(b, func(body []byte, req *stdRequest) error {
		return sonic.Unmarshal(body, req)
	})
}

func BenchmarkJSONv2Decode(b *testing.B) {
	benchmarkAltDecode(b, func(body []byte, req *stdRequest) error {
		return jsonv2.Unmarshal(body, req)
	})
}

func benchmarkAltDecode(b *testing.B, unmarshal func([]byte, *stdRequest) error) {
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
			_ = unmarshal(f.body, &req)
		}
	}
}

func BenchmarkSonicDecodeBanner(b *testing.B) {
	benchmarkAltDecodeBanner(b, func(body []byte, req *stdRequest) error {
		return sonic.Unmarshal(body, req)
	})
}

func BenchmarkJSONv2DecodeBanner(b *testing.B) {
	benchmarkAltDecodeBanner(b, func(body []byte, req *stdRequest) error {
		return jsonv2.Unmarshal(body, req)
	})
}

func benchmarkAltDecodeBanner(b *testing.B, unmarshal func([]byte, *stdRequest) error) {
	body := bannerBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var req stdRequest
		if err := unmarshal(body, &req); err != nil {
			b.Fatal(err)
		}
	}
}
