//go:build linux

package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dial opens a raw connection to a test server's bid listener.
func dial(t *testing.T, ts *testServer) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c.(*net.TCPConn)
}

// readAnswers reads n answers in order from r.
func readAnswers(t *testing.T, r *bufio.Reader, n int) []*http.Response {
	t.Helper()
	var out []*http.Response
	for i := range n {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("answer %d of %d: %v", i+1, n, err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("answer %d body: %v", i+1, err)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		out = append(out, resp)
	}
	return out
}

func statuses(rs []*http.Response) []int {
	var s []int
	for _, r := range rs {
		s = append(s, r.StatusCode)
	}
	return s
}

// scrape returns the admin listener's /metrics text.
func scrape(t *testing.T, ts *testServer) []byte {
	t.Helper()
	resp, err := http.Get(ts.Admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// awaitServe waits for Serve, fed into done, to return nil after draining.
func awaitServe(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after draining")
	}
}

// expectClosed reads until the server closes the connection and fails if
// it sends anything else or does not close in time.
func expectClosed(t *testing.T, c net.Conn, within time.Duration) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(within))
	rest, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("connection still open after %v", within)
	}
	if len(rest) > 0 {
		t.Fatalf("unexpected bytes before close: %q", rest)
	}
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	bid := postRequest("/openrtb2/bid", []byte(banner), false)
	var batch []byte
	batch = append(batch, bid...)
	batch = append(batch, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"...)
	batch = append(batch, postRequest("/openrtb2/bid", []byte("nope"), false)...)
	batch = append(batch, "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"...)
	batch = append(batch, bid...)
	if _, err := c.Write(batch); err != nil {
		t.Fatal(err)
	}
	got := statuses(readAnswers(t, bufio.NewReader(c), 5))
	if want := []int{200, 200, 400, 404, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestRequestArrivingInPieces(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	req := postRequest("/openrtb2/bid", []byte(banner), false)
	for i := 0; i < len(req); i += 7 {
		if _, err := c.Write(req[i:min(i+7, len(req))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	r := bufio.NewReader(c)
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != 200 {
		t.Fatalf("status %d, want 200", got.StatusCode)
	}
	// The connection stays usable for the next request.
	c.Write(req)
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != 200 {
		t.Fatalf("second request: status %d, want 200", got.StatusCode)
	}
}

func TestLargeBodyAcrossReads(t *testing.T) {
	s := buildServer(t, testSnapshot(), 256<<10, 1<<20)
	ts := serveTest(t, s)
	c := dial(t, ts)
	body := []byte(`{"id":"r1","pad":"` + strings.Repeat("x", 200<<10) +
		`","imp":[{"id":"1","banner":{"w":300,"h":250}}]}`)
	go c.Write(postRequest("/openrtb2/bid", body, false))
	if got := readAnswers(t, bufio.NewReader(c), 1)[0]; got.StatusCode != 200 {
		b, _ := io.ReadAll(got.Body)
		t.Fatalf("status %d, want 200: %s", got.StatusCode, b)
	}
}

func TestExpectContinue(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	head := "POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n" +
		"Content-Length: " + itoa(len(banner)) + "\r\n\r\n"
	c.Write([]byte(head))
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("first line %q (%v), want 100 Continue", line, err)
	}
	if blank, _ := r.ReadString('\n'); blank != "\r\n" {
		t.Fatalf("100 Continue followed by %q, want an empty line", blank)
	}
	c.Write([]byte(banner))
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != 200 {
		t.Fatalf("status %d, want 200", got.StatusCode)
	}
}

func TestChunkedBody(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	half := len(banner) / 2
	req := "POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
		hex(half) + "\r\n" + banner[:half] + "\r\n" +
		hex(len(banner)-half) + ";ext=1\r\n" + banner[half:] + "\r\n0\r\n\r\n"
	c.Write([]byte(req))
	if got := readAnswers(t, bufio.NewReader(c), 1)[0]; got.StatusCode != 200 {
		t.Fatalf("status %d, want 200", got.StatusCode)
	}
}

func TestHTTP10(t *testing.T) {
	ts := newTestServer(t)

	// Without keep-alive the connection closes after the answer.
	c := dial(t, ts)
	c.Write([]byte("GET /health HTTP/1.0\r\n\r\n"))
	r := bufio.NewReader(c)
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != 200 || !got.Close {
		t.Fatalf("HTTP/1.0: status %d close %v, want 200 and close", got.StatusCode, got.Close)
	}
	if rest, _ := io.ReadAll(r); len(rest) > 0 {
		t.Fatalf("bytes after the answer: %q", rest)
	}

	// With keep-alive it stays open and says so.
	c = dial(t, ts)
	r = bufio.NewReader(c)
	for range 2 {
		c.Write([]byte("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
		got := readAnswers(t, r, 1)[0]
		if got.StatusCode != 200 || got.Header.Get("Connection") != "keep-alive" {
			t.Fatalf("HTTP/1.0 keep-alive: status %d, Connection %q", got.StatusCode,
				got.Header.Get("Connection"))
		}
	}
}

func TestConnectionClose(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" +
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	r := bufio.NewReader(c)
	if got := readAnswers(t, r, 1)[0]; !got.Close {
		t.Fatal("answer to Connection: close does not say close")
	}
	// The request after it is not answered.
	if rest, _ := io.ReadAll(r); len(rest) > 0 {
		t.Fatalf("bytes after the closing answer: %q", rest)
	}
}

func TestIdleConnectionClosed(t *testing.T) {
	ts := newTestServer(t) // IdleTimeout 1 s
	c := dial(t, ts)
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	r := bufio.NewReader(c)
	readAnswers(t, r, 1)
	start := time.Now()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: read %v, want EOF", err)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("idle connection closed after %v, before its timeout of 1 s", d)
	}
}

func TestSlowRequestTimesOut(t *testing.T) {
	ts := newTestServer(t) // ReadTimeout 1 s
	c := dial(t, ts)
	c.Write([]byte("POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"))
	r := bufio.NewReader(c)
	got := readAnswers(t, r, 1)[0]
	body, _ := io.ReadAll(got.Body)
	if got.StatusCode != http.StatusRequestTimeout || !bytes.Contains(body, []byte(`"error"`)) {
		t.Fatalf("slow request: %d %s, want 408 with a JSON error", got.StatusCode, body)
	}
	expectClosed(t, c, 5*time.Second)
}

func TestConnectionsBeyondLimitRefused(t *testing.T) {
	s := buildServer(t, testSnapshot(), 1024, 4096)
	s.opt.MaxConns = 2
	ts := serveTest(t, s)
	for range 2 {
		c := dial(t, ts)
		c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		readAnswers(t, bufio.NewReader(c), 1)
	}
	c := dial(t, ts)
	got := readAnswers(t, bufio.NewReader(c), 1)[0]
	body, _ := io.ReadAll(got.Body)
	if got.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte(`"error"`)) {
		t.Fatalf("third connection: %d %s, want 503 with a JSON error", got.StatusCode, body)
	}
}

func TestClientThatReadsLate(t *testing.T) {
	// A thousand pipelined bids whose answers exceed the socket buffers:
	// the server must hold off reading, then answer every one in order.
	ts := newTestServer(t)
	c := dial(t, ts)
	bid := postRequest("/openrtb2/bid", []byte(banner), false)
	const n = 1000
	go func() {
		for range n {
			if _, err := c.Write(bid); err != nil {
				return
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // let the buffers fill before reading
	got := readAnswers(t, bufio.NewReader(c), n)
	for i, r := range got {
		if r.StatusCode != 200 {
			t.Fatalf("answer %d: status %d, want 200", i, r.StatusCode)
		}
	}
}

func TestHalfClosedClientGetsItsAnswer(t *testing.T) {
	ts := newTestServer(t)
	for _, req := range []string{
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
		// A notice is answered off the event loop.
		"GET /notice/bill HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		c := dial(t, ts)
		c.Write([]byte(req))
		c.CloseWrite()
		r := bufio.NewReader(c)
		got := readAnswers(t, r, 1)[0]
		if got.StatusCode != 200 && got.StatusCode != 400 {
			t.Fatalf("%q: status %d", req, got.StatusCode)
		}
		expectClosed(t, c, 5*time.Second)
	}
}

func TestNoticeKeepsOrderWithPipelinedBids(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	bid := postRequest("/openrtb2/bid", []byte(banner), false)
	var batch []byte
	batch = append(batch, bid...)
	batch = append(batch, "GET /notice/bill HTTP/1.1\r\nHost: x\r\n\r\n"...)
	batch = append(batch, bid...)
	batch = append(batch, "GET /notice/nope HTTP/1.1\r\nHost: x\r\n\r\n"...)
	batch = append(batch, bid...)
	c.Write(batch)
	got := statuses(readAnswers(t, bufio.NewReader(c), 5))
	if want := []int{200, 400, 200, 404, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestDrainAnswersRequestsUnderWay(t *testing.T) {
	s := buildServer(t, testSnapshot(), 1024, 4096)
	bidLn, adminLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, bidLn, adminLn, 5*time.Second) }()
	ts := &testServer{URL: "http://" + bidLn.Addr().String()}

	idle, busy := dial(t, ts), dial(t, ts)
	idle.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	readAnswers(t, bufio.NewReader(idle), 1)
	req := postRequest("/openrtb2/bid", []byte(banner), false)
	busy.Write(req[:20])
	time.Sleep(100 * time.Millisecond)

	cancel()
	expectClosed(t, idle, 3*time.Second)
	busy.Write(req[20:])
	got := readAnswers(t, bufio.NewReader(busy), 1)[0]
	if got.StatusCode != 200 || !got.Close {
		t.Errorf("request under way: status %d close %v, want 200 and close",
			got.StatusCode, got.Close)
	}
	awaitServe(t, done)
	if c, err := net.Dial("tcp", bidLn.Addr().String()); err == nil {
		c.Close()
		t.Error("the listener still accepts after draining")
	}
}

func TestDrainGivesUpOnStalledRequests(t *testing.T) {
	s := buildServer(t, testSnapshot(), 1024, 4096)
	s.opt.ReadTimeout = time.Minute
	bidLn, adminLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, bidLn, adminLn, 300*time.Millisecond) }()
	c := dial(t, &testServer{URL: "http://" + bidLn.Addr().String()})
	c.Write([]byte("POST /openrtb2/bid HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{"))
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve: nil, want an error naming the connections it had to close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not give up draining")
	}
	expectClosed(t, c, 3*time.Second)
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func itoa(n int) string { return strconv.Itoa(n) }

func hex(n int) string { return strconv.FormatInt(int64(n), 16) }

func TestHeadAnswersWithoutBody(t *testing.T) {
	// Any body bytes after a HEAD answer would garble the next one. A
	// notice refuses HEAD (it would record), and the refusal, answered off
	// the loop, carries no body either.
	for _, tc := range []struct {
		path   string
		status int
		length int64 // the Content-Length announced; -1: any
	}{
		{"/health", http.StatusOK, int64(len(bodyOK))},
		{"/notice/win?t=x", http.StatusMethodNotAllowed, -1},
	} {
		ts := newTestServer(t)
		c := dial(t, ts)
		c.Write([]byte("HEAD " + tc.path + " HTTP/1.1\r\nHost: x\r\n\r\n" +
			"GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		r := bufio.NewReader(c)
		head, err := http.ReadResponse(r, &http.Request{Method: http.MethodHead})
		if err != nil || head.StatusCode != tc.status ||
			tc.length >= 0 && head.ContentLength != tc.length {
			t.Fatalf("HEAD %s: %v, %+v; want %d with Content-Length %d (-1: any)",
				tc.path, err, head, tc.status, tc.length)
		}
		if got := readAnswers(t, r, 1)[0]; got.StatusCode != 200 {
			t.Fatalf("GET after HEAD %s: status %d, want 200", tc.path, got.StatusCode)
		}
	}
}

func TestHealthRefusesOtherMethods(t *testing.T) {
	ts := newTestServer(t)
	resp, err := http.Post(ts.URL+"/health", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /health: %d, Allow %q; want 405 with Allow GET, HEAD", resp.StatusCode,
			resp.Header.Get("Allow"))
	}
}

func TestRefusedBodiesKeepTheirExchangeLabel(t *testing.T) {
	ts := newTestServer(t)
	for _, path := range []string{"/openrtb2/bid", "/openrtb2/bid/made-up"} {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(banner))
		req.Header.Set("Content-Encoding", "br")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	body := scrape(t, ts)
	for _, want := range []string{
		`nordbid_bid_requests_total{exchange="",result="invalid"} 1`,
		`nordbid_bid_requests_total{exchange="other",result="invalid"} 1`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(body, "invalid"))
		}
	}
	if bytes.Contains(body, []byte("made-up")) {
		t.Error("a made-up exchange name became a metric label")
	}
}
