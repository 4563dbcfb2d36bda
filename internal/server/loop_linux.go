package server

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"nordbid/internal/telemetry"
)

// loop is one event loop. Connections belong to no loop: a loop serves a
// connection while it holds the connection's lock, which it takes for an
// event the epoll set reported (to one loop only), to deliver a notice's
// answer, to check timeouts or drain, or to close it.
type loop struct {
	b      *bidListener
	events []unix.EpollEvent

	work   *work
	parser parser
	req    request
	res    response
	rbuf   []byte
	wbuf   []byte
	now    time.Time
	date   []byte
	dateAt int64
}

// conn is one connection's state between reads.
type conn struct {
	mu  sync.Mutex
	fd  int
	gen int32
	// in holds received bytes not yet answered: the start of a request.
	in []byte
	// out holds answers the socket did not take yet.
	out []byte
	// since is when the connection went idle, began its current request,
	// or began waiting to write, as its state says.
	since time.Time
	// mask is the events the connection waits for; armed is what the
	// epoll set was last told, or disarmed once it reported an event (a
	// mask of 0 still reports errors and hang-ups).
	mask, armed uint32
	// waiting: a notice is being answered off the loop; later requests
	// wait for it, in order.
	waiting bool
	// continued: "100 Continue" went out for the request being read.
	continued bool
	// closing: no more requests are read; the connection closes once its
	// answers are written. lingering: its write side is shut and what the
	// client still sends is discarded until it closes too.
	closing, lingering bool
	closed             bool
}

// answered is a notice's answer, posted back to the loops.
type answered struct {
	c   *conn
	res response
}

// disarmed is conn.armed once the set reported an event for it and
// reports nothing more until armed again.
const disarmed = ^uint32(0)

const (
	readBuffer = 64 << 10
	// sweepEvery is how often timeouts are checked.
	sweepEvery = 250 * time.Millisecond
	// eventsPerWait bounds the events a loop takes from the set at once:
	// those it took wait while it runs, the rest go to the first loop free.
	eventsPerWait = 16
)

func newLoop(b *bidListener) *loop {
	l := &loop{b: b, events: make([]unix.EpollEvent, eventsPerWait), work: newWork(),
		rbuf: make([]byte, readBuffer)}
	l.parser.maxBody = b.s.opt.MaxBody
	return l
}

// run is the loop: wait, read, answer, write; check timeouts now and then.
func (l *loop) run() {
	b := l.b
	for {
		n, err := unix.EpollWait(b.epfd, l.events, int(sweepEvery/time.Millisecond))
		if err != nil && err != unix.EINTR {
			// Cannot happen with a valid epoll set; if it does, the
			// listener closes its connections and stops with the error.
			b.kill.Store(true)
			select {
			case b.failed <- fmt.Errorf("epoll_wait: %w", err):
			default:
			}
		}
		l.now = time.Now()
		for i := range max(n, 0) {
			ev := &l.events[i]
			if int(ev.Fd) == b.wakefd {
				l.woken()
				continue
			}
			c := b.event(ev)
			if c == nil {
				continue
			}
			c.mu.Lock()
			c.armed = disarmed
			l.ready(c, ev.Events)
			l.arm(c)
			c.mu.Unlock()
		}
		if b.kill.Load() {
			l.closeAll()
		}
		if b.exiting() {
			// Pass the wake on to the next loop.
			b.wake()
			return
		}
		// The first loop to see stop drains at once; later sweeps drain
		// what was being served then.
		drainNow := b.stop.Load() && b.drained.CompareAndSwap(false, true)
		if next := b.nextSweep.Load(); drainNow || l.now.UnixNano() > next &&
			b.nextSweep.CompareAndSwap(next, l.now.Add(sweepEvery).UnixNano()) {
			l.sweep()
		}
	}
}

// ready serves c for the events the set reported.
func (l *loop) ready(c *conn, events uint32) {
	switch {
	case c.closed:
	case c.waiting && events&(unix.EPOLLERR|unix.EPOLLHUP) != 0:
		// The connection broke while its notice is answered.
		l.close(c)
	default:
		if events&unix.EPOLLOUT != 0 {
			l.flush(c)
		}
		if events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) != 0 && !c.closed {
			l.readable(c)
		}
	}
}

// woken delivers the notices' answers posted to the loops.
func (l *loop) woken() {
	var b [8]byte
	unix.Read(l.b.wakefd, b[:])
	done := l.b.taken()
	for i := range done {
		c := done[i].c
		c.mu.Lock()
		l.deliver(c, &done[i].res)
		l.arm(c)
		c.mu.Unlock()
	}
}

// deliver writes a notice's answer and goes on with the requests that
// came after it.
func (l *loop) deliver(c *conn, res *response) {
	if c.closed {
		return
	}
	c.waiting = false
	if l.b.stop.Load() {
		res.close = true
	}
	c.closing = c.closing || res.close
	// The idle and read timeouts count from the answer.
	c.since = l.now
	l.wbuf = res.appendTo(l.wbuf[:0], l.httpDate())
	l.send(c, l.wbuf)
	if !c.closed && !c.closing && len(c.in) > 0 {
		// Requests pipelined behind the notice.
		l.answer(c, c.in)
	}
}

// drain starts closing c for shutdown: an idle connection is closed,
// after answering a request that may already wait in its socket; one with
// a request under way closes after its answer.
func (l *loop) drain(c *conn) {
	if c.closed || c.lingering {
		return
	}
	if !c.waiting && len(c.in) == 0 && len(c.out) == 0 {
		l.readable(c)
		if !c.closed && !c.waiting && len(c.in) == 0 && len(c.out) == 0 && !c.lingering {
			l.close(c)
		}
		return
	}
	if len(c.in) == 0 && !c.waiting {
		c.closing = true
		l.update(c)
	}
}

// readable reads what the connection sent and answers the requests it
// completes.
func (l *loop) readable(c *conn) {
	if c.lingering {
		if n, err := unix.Read(c.fd, l.rbuf); n <= 0 && err != unix.EAGAIN {
			l.close(c)
		}
		return
	}
	var buf []byte
	if len(c.in) > 0 {
		if len(c.in) == cap(c.in) {
			c.in = append(c.in, make([]byte, max(len(c.in), 4<<10))...)[:len(c.in)]
		}
		buf = c.in[len(c.in):cap(c.in)]
	} else {
		buf = l.rbuf
	}
	n, err := unix.Read(c.fd, buf)
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	l.now = time.Now()
	if n == 0 && (c.waiting || len(c.out) > 0) {
		// The client shut its side after its last request: answer it,
		// then close.
		c.closing = true
		l.update(c)
		return
	}
	if n <= 0 {
		// The client closed, or the connection broke.
		l.close(c)
		return
	}
	if len(c.in) > 0 {
		c.in = c.in[:len(c.in)+n]
		l.answer(c, c.in)
	} else {
		l.answer(c, l.rbuf[:n])
	}
}

// maxBatch bounds the answers built from one read before they are
// written: a client that pipelines many small requests gets them answered
// in batches, and the rest of its input waits in c.in.
const maxBatch = 64 << 10

// answer answers the complete requests at the start of data and keeps the
// rest in c.in.
func (l *loop) answer(c *conn, data []byte) {
	for {
		more := l.answerBatch(c, data)
		if !more || c.closed || len(c.out) > 0 {
			// Pending output resumes c.in once it is written (flush).
			return
		}
		data = c.in
	}
}

// answerBatch answers requests from data until it ends or maxBatch bytes
// of answers are built, and sends them. It reports whether it stopped at
// the bound with complete requests possibly left in c.in.
func (l *loop) answerBatch(c *conn, data []byte) (more bool) {
	out := l.wbuf[:0]
	if len(c.out) > 0 {
		out = c.out
	}
	off := 0
	for off < len(data) && !c.waiting && !c.closing && !c.closed {
		if len(out) >= maxBatch {
			more = true
			break
		}
		n, head, herr := l.parser.parse(data[off:], &l.req)
		if herr != nil {
			l.res.reset()
			l.res.error(herr.status, herr.msg)
			l.res.close = true
			c.closing = true
			out = l.res.appendTo(out, l.httpDate())
			off = len(data)
			if label, ok := l.b.s.bidLabel(l.req.path); ok {
				l.b.s.opt.Metrics.Request(label, telemetry.ResultInvalid)
			}
			break
		}
		if n == 0 {
			if head && l.req.expect && !c.continued {
				out = append(out, "HTTP/1.1 100 Continue\r\n\r\n"...)
				c.continued = true
			}
			break
		}
		off += n
		c.continued = false
		l.res.reset()
		if !l.route() {
			l.notice(c)
			continue
		}
		if l.req.close || l.b.stop.Load() {
			l.res.close = true
			c.closing = true
		}
		l.res.keepAlive = l.req.keepAlive
		l.res.head = string(l.req.method) == http.MethodHead
		out = l.res.appendTo(out, l.httpDate())
	}
	// Keep what is left: the start of the next request.
	rest := data[off:]
	wasPartial := len(c.in) > 0
	switch {
	case c.closed:
		return false
	case len(rest) == 0:
		// A buffer of a request that came in pieces is kept for the next
		// such request, unless it is large.
		c.in = c.in[:0]
		if cap(c.in) > keepIn {
			c.in = nil
		}
		c.since = l.now
	case len(c.in) > 0:
		c.in = c.in[:copy(c.in, rest)]
	default:
		c.in = append(c.in, rest...)
	}
	if len(rest) > 0 && (!wasPartial || off > 0) {
		c.since = l.now
	}
	if len(c.out) > 0 {
		c.out = out
		l.update(c)
		return more
	}
	l.wbuf = out[:0]
	l.send(c, out)
	return more
}

// keepIn is the largest input buffer a connection keeps between requests.
const keepIn = 16 << 10

// route answers l.req into l.res, recovering from a panic in the handler:
// one request that trips a bug gets a 500 and the process goes on.
func (l *loop) route() (answered bool) {
	answered = true
	l.b.s.safely(&l.res, func() {
		answered = l.b.s.route(l.work, &l.req, &l.res, l.now)
	})
	return answered
}

// notice answers the current request, a notice, on its own goroutine.
func (l *loop) notice(c *conn) {
	c.waiting = true
	l.update(c)
	method, path := string(l.req.method), string(l.req.path)
	query, closeAfter, keepAlive := string(l.req.query), l.req.close, l.req.keepAlive
	head := method == http.MethodHead
	b := l.b
	b.notices.Add(1)
	go func() {
		defer b.notices.Done()
		var res response
		b.s.safely(&res, func() {
			b.s.handleNotice(b.ctx, method, path, query, &res)
		})
		res.close, res.keepAlive, res.head = closeAfter, keepAlive, head
		b.post(c, res)
	}()
}

// send writes b, keeping what the socket does not take for later.
func (l *loop) send(c *conn, b []byte) {
	if c.closed {
		return
	}
	if len(c.out) > 0 {
		c.out = append(c.out, b...)
		return
	}
	if len(b) > 0 {
		n, err := unix.Write(c.fd, b)
		if err != nil && err != unix.EAGAIN && err != unix.EINTR {
			l.close(c)
			return
		}
		if n < len(b) {
			c.out = append(c.out[:0], b[max(n, 0):]...)
			c.since = l.now
		}
	}
	l.settle(c)
}

// flush writes what is left of the answers.
func (l *loop) flush(c *conn) {
	if c.closed || len(c.out) == 0 {
		return
	}
	n, err := unix.Write(c.fd, c.out)
	if err != nil && err != unix.EAGAIN && err != unix.EINTR {
		l.close(c)
		return
	}
	if n > 0 {
		c.out = c.out[:copy(c.out, c.out[n:])]
		c.since = l.now
	}
	if len(c.out) > 0 {
		return
	}
	c.out = nil
	if len(c.in) > 0 && !c.closing && !c.waiting {
		// Requests that arrived while the answers waited for the socket.
		l.answer(c, c.in)
		return
	}
	l.settle(c)
}

// settle closes a closing connection once its answers are out, or waits
// for what it needs next.
func (l *loop) settle(c *conn) {
	if c.closing && !c.waiting && len(c.out) == 0 && !c.lingering {
		// Shut the write side and read until the client closes: closing
		// with its unread bytes pending would reset the connection and
		// could destroy the answer before the client read it.
		unix.Shutdown(c.fd, unix.SHUT_WR)
		c.lingering = true
		c.in = nil
		c.since = l.now
	}
	l.update(c)
}

// update sets the events c waits for; arm tells the epoll set.
func (l *loop) update(c *conn) {
	// A connection whose answers wait for the socket reads nothing more
	// until they are out, so a client that sends without reading cannot
	// pile answers up in memory.
	switch {
	case c.closed:
	case len(c.out) > 0:
		c.mask = unix.EPOLLOUT
	case c.lingering || !c.waiting && !c.closing:
		c.mask = unix.EPOLLIN
	default:
		c.mask = 0
	}
}

// arm has the epoll set report c's next event, of those it waits for, to
// one loop. Bytes already waiting are reported at once.
func (l *loop) arm(c *conn) {
	if c.closed || c.mask == c.armed {
		return
	}
	ev := unix.EpollEvent{Events: c.mask | unix.EPOLLONESHOT, Fd: int32(c.fd), Pad: c.gen}
	if err := unix.EpollCtl(l.b.epfd, unix.EPOLL_CTL_MOD, c.fd, &ev); err != nil {
		l.close(c)
		return
	}
	c.armed = c.mask
}

func (l *loop) close(c *conn) { l.b.close(c) }

func (l *loop) closeAll() {
	l.b.each(func(c *conn) {
		c.mu.Lock()
		l.close(c)
		c.mu.Unlock()
	})
}

// sweep enforces the timeouts: a request not read whole in ReadTimeout is
// answered 408; an idle connection closes after IdleTimeout; one that does
// not take its answers for writeTimeout, or keeps its side open for
// lingerTimeout after the server closed its own, is dropped.
//
// While the listener stops, sweep also drains each connection it finds.
// A connection being served is left to the next sweep.
func (l *loop) sweep() {
	stop := l.b.stop.Load()
	l.b.each(func(c *conn) {
		if !c.mu.TryLock() {
			return
		}
		if stop && !c.closed {
			l.drain(c)
		}
		if !c.closed && !c.waiting {
			l.expire(c)
		}
		l.arm(c)
		c.mu.Unlock()
	})
}

func (l *loop) expire(c *conn) {
	opt := l.b.s.opt
	age := l.now.Sub(c.since)
	switch {
	case c.lingering:
		if age > lingerTimeout {
			l.close(c)
		}
	case len(c.out) > 0:
		if age > writeTimeout {
			l.close(c)
		}
	case len(c.in) > 0:
		if age > opt.ReadTimeout {
			l.res.reset()
			l.res.error(408, "request: not read in time")
			l.res.close = true
			c.closing = true
			c.in = nil
			l.send(c, l.res.appendTo(l.wbuf[:0], l.httpDate()))
		}
	case age > opt.IdleTimeout:
		l.close(c)
	}
}

// writeTimeout bounds how long a client may take to accept its answers.
// Answers are small and due within tmax; a client that cannot take one in
// 5 s is gone.
const writeTimeout = 5 * time.Second

// lingerTimeout bounds how long a closed connection's remaining input is
// read and discarded: long enough for a client to read its last answer,
// short enough that a draining server does not wait on clients that keep
// the connection open.
const lingerTimeout = 500 * time.Millisecond

// httpDate returns the Date header's value, formatted once a second.
func (l *loop) httpDate() []byte {
	if sec := l.now.Unix(); sec != l.dateAt || l.date == nil {
		l.date = l.now.UTC().AppendFormat(l.date[:0], timeFormat)
		l.dateAt = sec
	}
	return l.date
}

const timeFormat = "Mon, 02 Jan 2006 15:04:05 GMT"

func httpDate(t time.Time) []byte { return t.UTC().AppendFormat(nil, timeFormat) }
