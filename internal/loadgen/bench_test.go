package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// BenchmarkRoundTrip is the generator's cost per request, measured
// against the sink on one keep-alive connection; the sink's cost is in
// the figure too, as it runs in the same process.
func BenchmarkRoundTrip(b *testing.B) {
	s := startSink(b)
	c := loadShared(b, CorpusOptions{Variants: 256, Seed: 5})
	ep, err := newEndpoint("http://"+s.Addr()+"/openrtb2/bid", false)
	if err != nil {
		b.Fatal(err)
	}
	cn, err := dial(context.Background(), ep, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer cn.close()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := &c.bodies[i%len(c.bodies)]
		_, _, err := cn.roundTrip(ep, body, uint64(i), uint64(i), time.Now().Add(time.Second))
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripNetHTTP does what BenchmarkRoundTrip does with
// net/http and one Transport per connection, the alternative to the own
// client: the difference is what the own client saves per request.
func BenchmarkRoundTripNetHTTP(b *testing.B) {
	s := startSink(b)
	c := loadShared(b, CorpusOptions{Variants: 256, Seed: 5})
	tr := &http.Transport{MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Second}
	url := "http://" + s.Addr() + "/openrtb2/bid"
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := c.bodies[i%len(c.bodies)].data
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func BenchmarkReadResponse(b *testing.B) {
	const resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
		"X-Openrtb-Version: 2.6\r\nContent-Length: 300\r\n\r\n"
	in := resp + strings.Repeat("x", 300)
	r := strings.NewReader(in)
	br := bufio.NewReaderSize(r, readBufferSize)
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(in)
		br.Reset(r)
		if _, _, err := readResponse(br); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecord(b *testing.B) {
	rec := newRecorder()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec.record(i, outcome{latency: time.Duration(i%5000) * time.Microsecond, status: 204})
	}
}

func BenchmarkRender(b *testing.B) {
	src := []byte(`{"id":"a","imp":[{"id":"1","banner":{"w":300,"h":250}}],` +
		`"device":{"ip":"1.2.3.4","geo":{"country":"USA"}},"user":{"id":"u"}}`)
	tmpl := newBodyTemplate(src)
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		out, _, _ = tmpl.render(out[:0], &testValues)
	}
}
