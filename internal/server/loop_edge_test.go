//go:build linux

package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"nordbid/internal/budget"
	"nordbid/internal/freqcap"
	"nordbid/internal/index"
	"nordbid/internal/notice"
	"nordbid/internal/store"
)

// blockingStore holds every notice it records until it is opened, so that
// a notice stays in flight off the event loop for as long as a test needs.
// The embedded Store is nil: notices use no other method.
type blockingStore struct {
	store.Store
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *blockingStore) RecordNotice(ctx context.Context, _ store.Notice) (bool, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// open lets every held and future notice through.
func (s *blockingStore) open() { s.once.Do(func() { close(s.release) }) }

// slowNoticeServer is a test server (ReadTimeout and IdleTimeout 1 s) whose
// notices wait for st, and a win notice request with a valid token.
func slowNoticeServer(t *testing.T) (s *Server, st *blockingStore, req string) {
	t.Helper()
	s = buildServer(t, testSnapshot(), 1024, 4096)
	st = &blockingStore{entered: make(chan struct{}, 1), release: make(chan struct{})}
	signer := notice.NewSigner([]byte("slow-notice-key"), time.Hour)
	s.opt.Notices = notice.NewHandler(notice.Options{Store: st, Signer: signer,
		Index: func() *index.Index { return nil }, Book: budget.NewBook(time.Minute),
		Caps: freqcap.New(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tok := signer.Append(nil, &notice.Token{BidID: "b1", ImpID: "1", CampaignID: 1,
		CreativeID: 1, Price: 1_000_000, Currency: "USD", Issued: time.Now()})
	req = "GET /notice/win?t=" + string(tok) + " HTTP/1.1\r\nHost: x\r\n\r\n"
	return s, st, req
}

// awaitNotice waits until a notice reached the store.
func awaitNotice(t *testing.T, st *blockingStore) {
	t.Helper()
	select {
	case <-st.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the notice never reached the store")
	}
}

// noticeInFlight serves s and sends req, a notice, on a new connection,
// returning once the notice waits for st.
func noticeInFlight(t *testing.T, s *Server, st *blockingStore,
	req string) (*testServer, *net.TCPConn) {
	t.Helper()
	ts := serveTest(t, s)
	t.Cleanup(st.open) // runs before the server's cleanup drains
	c := dial(t, ts)
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	awaitNotice(t, st)
	return ts, c
}

// cpuTime is the CPU time the test process used so far.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestResetWhileNoticeInFlightDoesNotSpin(t *testing.T) {
	s, st, req := slowNoticeServer(t)
	_, c := noticeInFlight(t, s, st, req)

	// End the input, then abort: the server's socket has seen the end of
	// the input and a reset while its notice still waits for the store.
	c.CloseWrite()
	time.Sleep(50 * time.Millisecond)
	c.SetLinger(0)
	c.Close()
	time.Sleep(100 * time.Millisecond)

	before := cpuTime(t)
	time.Sleep(time.Second)
	used := cpuTime(t) - before
	st.open()
	if used > 300*time.Millisecond {
		t.Errorf("process used %v of CPU in 1 s while one notice waited for its store; "+
			"want next to none", used)
	}
}

func TestIdleTimeoutCountsFromNoticeAnswer(t *testing.T) {
	s, st, req := slowNoticeServer(t) // IdleTimeout 1 s
	_, c := noticeInFlight(t, s, st, req)
	time.Sleep(1300 * time.Millisecond) // the store takes longer than IdleTimeout
	st.open()
	r := bufio.NewReader(c)
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != http.StatusOK {
		t.Fatalf("notice: status %d, want 200", got.StatusCode)
	}

	// Idle for 400 ms since its last answer: well within IdleTimeout.
	time.Sleep(400 * time.Millisecond)
	if _, err := c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
		t.Fatalf("write 400 ms after the notice's answer: %v", err)
	}
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatalf("request 400 ms after the notice's answer: %v; want an answer "+
			"(IdleTimeout is 1 s)", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
}

func TestNoticeAnsweredDuringDrainSaysClose(t *testing.T) {
	s, st, req := slowNoticeServer(t)
	bidLn, adminLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, bidLn, adminLn, 5*time.Second) }()
	defer st.open()
	c := dial(t, &testServer{URL: "http://" + bidLn.Addr().String()})
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	awaitNotice(t, st)

	cancel()
	time.Sleep(100 * time.Millisecond) // the loops begin draining
	st.open()
	got := readAnswers(t, bufio.NewReader(c), 1)[0]
	if got.StatusCode != http.StatusOK || !got.Close {
		t.Errorf("notice answered while draining: status %d close %v, want 200 and close",
			got.StatusCode, got.Close)
	}
	awaitServe(t, done)
}

func TestRequestsWaitBehindSlowNotice(t *testing.T) {
	s, st, req := slowNoticeServer(t)
	ts := serveTest(t, s)
	t.Cleanup(st.open)
	c := dial(t, ts)
	health := "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
	bid := string(postRequest("/openrtb2/bid", []byte(banner), false))
	if _, err := c.Write([]byte(health + req + bid + health)); err != nil {
		t.Fatal(err)
	}
	awaitNotice(t, st)
	r := bufio.NewReader(c)
	if got := readAnswers(t, r, 1)[0]; got.StatusCode != http.StatusOK {
		t.Fatalf("request before the notice: status %d, want 200", got.StatusCode)
	}

	// Nothing may overtake the notice while it waits for the store.
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if b, err := r.Peek(1); err == nil {
		t.Fatalf("answered %q before the notice's answer", b)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	st.open()
	got := statuses(readAnswers(t, r, 3))
	if want := []int{200, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
}

func TestServeReturnsAfterBidListenerClosed(t *testing.T) {
	s := buildServer(t, testSnapshot(), 1024, 4096)
	bidLn, adminLn := listen(t), listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, bidLn, adminLn, time.Second) }()
	c := dial(t, &testServer{URL: "http://" + bidLn.Addr().String()})
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	readAnswers(t, bufio.NewReader(c), 1)

	// Whoever owns the listener closes it; the caller then stops Serve.
	bidLn.Close()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return within 5 s after its context ended")
	}
}

func TestPendingAnswersStayBounded(t *testing.T) {
	s := buildServer(t, testSnapshot(), 1024, 4096)
	l, peer := loopWithConn(t, s)
	c := l.b.conn(peer.local)
	// A small send buffer stands for a client that does not read: the
	// answers the socket does not take wait in c.out.
	if err := unix.SetsockoptInt(peer.local, unix.SOL_SOCKET, unix.SO_SNDBUF, 4096); err != nil {
		t.Fatal(err)
	}
	req := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	batch := bytes.Repeat(req, readBuffer/len(req))
	if n, err := unix.Write(peer.remote, batch); n != len(batch) {
		t.Fatalf("wrote %d of %d bytes: %v", n, len(batch), err)
	}
	l.now = time.Now()
	l.readable(c)
	if len(c.out) > 2*readBuffer {
		t.Errorf("one read of %d bytes of requests left %d bytes of answers waiting for a "+
			"client that does not read; want at most %d", len(batch), len(c.out), 2*readBuffer)
	}
}

func TestNoContinueForHTTP10(t *testing.T) {
	ts := newTestServer(t)
	c := dial(t, ts)
	head := "POST /openrtb2/bid HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: " +
		itoa(len(banner)) + "\r\n\r\n"
	c.Write([]byte(head))
	time.Sleep(100 * time.Millisecond) // the head is read on its own
	c.Write([]byte(banner))
	got := readAnswers(t, bufio.NewReader(c), 1)[0]
	if got.StatusCode != http.StatusOK {
		t.Errorf("HTTP/1.0 request expecting 100-continue: first answer %d, want 200 "+
			"(an HTTP/1.0 client's expectation is ignored)", got.StatusCode)
	}
}

func TestInvalidBidsToUnknownExchangesCountAsOther(t *testing.T) {
	ts := newTestServer(t)
	for _, ex := range []string{"made-up-1", "made-up-2", "made-up-3"} {
		resp, err := http.Post(ts.URL+"/openrtb2/bid/"+ex, "application/json",
			strings.NewReader("not json"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: status %d, want 400", ex, resp.StatusCode)
		}
	}
	body := scrape(t, ts)
	if bytes.Contains(body, []byte(`exchange="made-up-`)) {
		t.Errorf("names from request paths became metric labels:\n%s",
			grepLines(body, "nordbid_bid_requests_total"))
	}
}

// recordingListener remembers the client address of every connection it
// accepted.
type recordingListener struct {
	net.Listener
	mu       sync.Mutex
	accepted map[string]bool
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.accepted[c.RemoteAddr().String()] = true
		l.mu.Unlock()
	}
	return c, err
}

func (l *recordingListener) took(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.accepted[c.LocalAddr().String()]
}

func TestDrainAnswersRequestsOnAcceptedConnections(t *testing.T) {
	// Connections still in the listen queue when the listener closes may
	// be reset; one the server accepted, whose request was sent before
	// the drain began, is owed its answer.
	lost, accepted := 0, 0
	for range 20 {
		s := buildServer(t, testSnapshot(), 1024, 4096)
		s.opt.Loops = 1
		bidLn := &recordingListener{Listener: listen(t), accepted: map[string]bool{}}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, bidLn, listen(t), 5*time.Second) }()
		var conns []net.Conn
		for range 20 {
			conns = append(conns, dial(t, &testServer{URL: "http://" + bidLn.Addr().String()}))
		}
		for _, c := range conns {
			c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		}
		cancel()
		for _, c := range conns {
			_, err := http.ReadResponse(bufio.NewReader(c), nil)
			if bidLn.took(c) {
				accepted++
				if err != nil {
					lost++
				}
			}
			c.Close()
		}
		if err := <-done; err != nil {
			t.Fatalf("Serve: %v", err)
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d accepted connections lost the request they sent before the drain",
			lost, accepted)
	}
}

func TestStuckLoopHoldsUpNoOtherConnection(t *testing.T) {
	// One loop is kept busy inside a request (a /ready check that does
	// not return); every other connection, whichever loop took it before,
	// is served by the loop still free.
	s := buildServer(t, testSnapshot(), 1024, 4096)
	s.opt.Loops = 2
	stuck, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s.opt.Ready = func() error {
		once.Do(func() { close(stuck); <-release })
		return nil
	}
	ts := serveTest(t, s)
	defer close(release)
	var conns []*net.TCPConn
	for range 8 {
		c := dial(t, ts)
		// Each connection is served once before one loop is stuck.
		c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		readAnswers(t, bufio.NewReader(c), 1)
		conns = append(conns, c)
	}
	blocked := dial(t, ts)
	blocked.Write([]byte("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n"))
	select {
	case <-stuck:
	case <-time.After(5 * time.Second):
		t.Fatal("the /ready request did not reach its handler")
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("connection %d of %d, while a loop is stuck: %v", i+1, len(conns), err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Errorf("connection %d: status %d, want 200", i+1, resp.StatusCode)
		}
	}
}

func TestBrokenConnectionWaitingForNoticeFreesItsSlot(t *testing.T) {
	// A connection reset while its notice waits for the store is closed
	// then, not when the notice returns: its slot is free for the next.
	s, st, req := slowNoticeServer(t)
	s.opt.MaxConns = 1
	ts, c := noticeInFlight(t, s, st, req)
	c.SetLinger(0)
	c.Close()
	deadline := time.Now().Add(2 * time.Second)
	for {
		next := dial(t, ts)
		next.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
		status := readAnswers(t, bufio.NewReader(next), 1)[0].StatusCode
		next.Close()
		if status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a new connection still gets %d 2 s after the only other one was "+
				"reset while its notice waits; want 200", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEventForClosedConnectionIsDropped(t *testing.T) {
	// An event a loop took for a connection that another loop closed
	// meanwhile must not be applied to a new connection that got the same
	// descriptor.
	s := buildServer(t, testSnapshot(), 1024, 4096)
	l, peer := loopWithConn(t, s)
	b := l.b
	old := b.conn(peer.local)
	stale := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLHUP, Fd: int32(old.fd),
		Pad: old.gen}
	if b.event(&stale) != old {
		t.Fatal("an event for an open connection does not find it")
	}
	old.mu.Lock()
	b.close(old)
	old.mu.Unlock()

	fds, err := unix.Socketpair(unix.AF_UNIX,
		unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[1]) })
	// The new connection on the old descriptor's number, which the
	// kernel hands out again as the lowest free one.
	if fds[0] != old.fd {
		if err := unix.Dup3(fds[0], old.fd, unix.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		unix.Close(fds[0])
	}
	c := b.add(old.fd)
	if c == nil {
		t.Fatal("the listener did not take the new connection")
	}
	if got := b.event(&stale); got != nil {
		t.Errorf("the closed connection's event was taken for the new one (generation %d, "+
			"event's %d)", got.gen, stale.Pad)
	}
	fresh := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(c.fd), Pad: c.gen}
	if b.event(&fresh) != c {
		t.Error("an event for the new connection does not find it")
	}
}

func TestFailedEpollSetStopsTheListener(t *testing.T) {
	// If the epoll set fails, the listener closes its connections and
	// returns the error instead of refusing every client from then on.
	s := buildServer(t, testSnapshot(), 1024, 4096)
	b, err := newBidListener(s, 2)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t)
	done := make(chan error, 1)
	go func() { done <- b.serve(context.Background(), ln, time.Second) }()
	c := dial(t, &testServer{URL: "http://" + ln.Addr().String()})
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	readAnswers(t, bufio.NewReader(c), 1)

	// Put a descriptor that is no epoll set where the set was.
	null, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup3(null, b.epfd, unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	unix.Close(null)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "epoll_wait") {
			t.Errorf("serve returned %v, want the epoll_wait error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not return after its epoll set failed")
	}
	expectClosed(t, c, 2*time.Second)
}
