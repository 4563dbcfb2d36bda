package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// bidListener serves the bid listener's connections on one event loop per
// CPU. All loops wait on one epoll set, in which each connection is armed
// for one event at a time (EPOLLONESHOT): whichever loop is on a core
// takes the next ready connections, reads what they sent, answers every
// complete request in place and writes the answers back, so that a request
// costs one read and one write and no goroutine switch, and a loop the
// kernel keeps off its core holds up only the few connections it took
// events for. Connections are accepted by a goroutine on Go's listener.
type bidListener struct {
	s      *Server
	epfd   int
	wakefd int
	loops  []*loop
	conns  atomic.Int64

	// table holds the open connections by file descriptor. Readers load
	// it without a lock; writers hold tableMu.
	table   atomic.Pointer[[]atomic.Pointer[conn]]
	tableMu sync.Mutex
	// gen numbers connections, so that an event taken for a connection
	// since closed is not applied to a new one on the same descriptor.
	gen atomic.Int32

	postMu   sync.Mutex
	answered []answered

	// stop asks the loops to drain; kill to close every connection now
	// (also when the set failed). drained is set by the loop that starts
	// the drain.
	stop, kill, drained atomic.Bool
	// failed receives the error of an epoll set that failed.
	failed chan error
	// nextSweep is when timeouts are checked next, in Unix nanoseconds.
	nextSweep atomic.Int64

	// notices counts notices being answered off the loops.
	notices sync.WaitGroup
	// ctx is given to notices; it ends when draining runs out of time.
	ctx    context.Context
	cancel context.CancelFunc
}

func newBidListener(s *Server, n int) (*bidListener, error) {
	b := &bidListener{s: s, epfd: -1, wakefd: -1, failed: make(chan error, 1)}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.table.Store(new([]atomic.Pointer[conn]))
	var err error
	if b.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return nil, err
	}
	if b.wakefd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		b.release()
		return nil, err
	}
	// Edge-triggered: a wake reaches one waiting loop, which takes all
	// that was posted; the others learn of stop and kill at their next
	// wait, or from a loop that exits and passes the wake on.
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(b.wakefd)}
	if err := unix.EpollCtl(b.epfd, unix.EPOLL_CTL_ADD, b.wakefd, &ev); err != nil {
		b.release()
		return nil, err
	}
	for range n {
		b.loops = append(b.loops, newLoop(b))
	}
	return b, nil
}

// release closes the epoll set and the wake descriptor.
func (b *bidListener) release() {
	for _, fd := range []int{b.epfd, b.wakefd} {
		if fd >= 0 {
			unix.Close(fd)
		}
	}
}

// wake has one waiting loop look at what was posted and at the flags.
func (b *bidListener) wake() {
	one := [8]byte{1}
	unix.Write(b.wakefd, one[:])
}

// exiting reports whether the loops are done: killed, or drained of every
// connection.
func (b *bidListener) exiting() bool {
	return b.kill.Load() || b.stop.Load() && b.conns.Load() == 0
}

// conn returns the open connection on fd, or nil.
func (b *bidListener) conn(fd int) *conn {
	t := *b.table.Load()
	if fd < 0 || fd >= len(t) {
		return nil
	}
	return t[fd].Load()
}

// event returns the open connection that ev was reported for, or nil.
func (b *bidListener) event(ev *unix.EpollEvent) *conn {
	if c := b.conn(int(ev.Fd)); c != nil && c.gen == ev.Pad {
		return c
	}
	return nil
}

// each calls fn on every open connection.
func (b *bidListener) each(fn func(*conn)) {
	t := *b.table.Load()
	for i := range t {
		if c := t[i].Load(); c != nil {
			fn(c)
		}
	}
}

// add takes fd as a new connection and arms it for reading.
func (b *bidListener) add(fd int) *conn {
	c := &conn{fd: fd, gen: b.gen.Add(1), since: time.Now(), mask: unix.EPOLLIN,
		armed: unix.EPOLLIN}
	// Nothing else touches c before it is armed.
	c.mu.Lock()
	defer c.mu.Unlock()
	b.tableMu.Lock()
	t := b.table.Load()
	if fd >= len(*t) {
		grown := make([]atomic.Pointer[conn], max(2*len(*t), fd+1, 64))
		for i := range *t {
			grown[i].Store((*t)[i].Load())
		}
		b.table.Store(&grown)
		t = &grown
	}
	(*t)[fd].Store(c)
	b.tableMu.Unlock()
	b.conns.Add(1)
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLONESHOT, Fd: int32(fd), Pad: c.gen}
	if err := unix.EpollCtl(b.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		b.s.opt.Logger.Debug("epoll add", "err", err)
		b.close(c)
		return nil
	}
	if b.kill.Load() {
		// The loops may have closed every connection and returned.
		b.close(c)
		return nil
	}
	return c
}

// close closes c, which the caller holds.
func (b *bidListener) close(c *conn) {
	if c.closed {
		return
	}
	c.closed = true
	b.tableMu.Lock()
	(*b.table.Load())[c.fd].CompareAndSwap(c, nil)
	b.tableMu.Unlock()
	unix.EpollCtl(b.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
	unix.Close(c.fd)
	c.in, c.out = nil, nil
	b.conns.Add(-1)
}

// post hands a notice's answer to the loops.
func (b *bidListener) post(c *conn, res response) {
	b.postMu.Lock()
	b.answered = append(b.answered, answered{c: c, res: res})
	b.postMu.Unlock()
	b.wake()
}

// taken returns the answers posted since the last call.
func (b *bidListener) taken() []answered {
	b.postMu.Lock()
	defer b.postMu.Unlock()
	done := b.answered
	b.answered = nil
	return done
}

// serve accepts on ln and runs the loops until ctx ends, then drains for
// at most drain.
func (b *bidListener) serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	var loops sync.WaitGroup
	b.nextSweep.Store(time.Now().Add(sweepEvery).UnixNano())
	for _, l := range b.loops {
		loops.Add(1)
		go func() { defer loops.Done(); l.run() }()
	}
	errc := make(chan error, 1)
	go func() { errc <- b.accept(ln) }()

	var err error
	select {
	case <-ctx.Done():
		ln.Close()
		<-errc
	case err = <-errc:
		// The listener failed or was closed under the server.
		ln.Close()
		if err == nil {
			err = errors.New("listener closed")
		}
	case err = <-b.failed:
		// The loops closed every connection and stopped.
		ln.Close()
		<-errc
	}
	b.stop.Store(true)
	b.wake()
	stopped := make(chan struct{})
	go func() { loops.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(drain):
		err = errors.Join(err, errors.New("drain: connections still open; closed"))
		b.cancel()
		b.kill.Store(true)
		b.wake()
		<-stopped
	}
	b.cancel()
	b.notices.Wait()
	b.release()
	return err
}

// accept hands new connections to the loops until ln is closed.
func (b *bidListener) accept(ln net.Listener) error {
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// Out of file descriptors and the like: wait, as they pass.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			b.s.opt.Logger.Warn("accept", "err", err, "retry_in", backoff)
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		fd, err := detach(nc)
		if err != nil {
			b.s.opt.Logger.Debug("accept", "err", err)
			continue
		}
		if b.kill.Load() || b.conns.Load() >= int64(b.s.maxConns()) {
			refuse(fd)
			continue
		}
		b.add(fd)
	}
}

// detach takes a connection's socket from Go's poller: a duplicate of its
// descriptor, non-blocking like the original, is the loop's to close.
func detach(nc net.Conn) (int, error) {
	defer nc.Close()
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return -1, errors.New("connection without a descriptor")
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	cerr := rc.Control(func(orig uintptr) {
		fd, err = unix.FcntlInt(orig, unix.F_DUPFD_CLOEXEC, 0)
	})
	if cerr != nil {
		return -1, cerr
	}
	return fd, err
}

// refuse answers a connection beyond the limit with 503 and closes it.
func refuse(fd int) {
	var res response
	res.error(503, "server: too many open connections; retry later")
	res.close = true
	unix.Write(fd, res.appendTo(nil, httpDate(time.Now())))
	unix.Close(fd)
}
