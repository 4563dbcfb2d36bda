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
// CPU: each loop waits on its own epoll set, reads whatever its
// connections sent, answers every complete request in place and writes the
// answers back, so that a request costs one read and one write and no
// goroutine switch. Connections are accepted by a goroutine on Go's
// listener and handed to the loop with the fewest.
type bidListener struct {
	s     *Server
	loops []*loop
	conns atomic.Int64
	// notices counts notices being answered off the loops.
	notices sync.WaitGroup
	// ctx is given to notices; it ends when draining runs out of time.
	ctx    context.Context
	cancel context.CancelFunc
}

func newBidListener(s *Server, n int) (*bidListener, error) {
	b := &bidListener{s: s}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	for range n {
		l, err := newLoop(b)
		if err != nil {
			b.closeLoops()
			return nil, err
		}
		b.loops = append(b.loops, l)
	}
	return b, nil
}

func (b *bidListener) closeLoops() {
	for _, l := range b.loops {
		unix.Close(l.epfd)
		unix.Close(l.wakefd)
	}
}

// serve accepts on ln and runs the loops until ctx ends, then drains for
// at most drain.
func (b *bidListener) serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	var loops sync.WaitGroup
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
	}
	for _, l := range b.loops {
		l.stop.Store(true)
		l.wake()
	}
	stopped := make(chan struct{})
	go func() { loops.Wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(drain):
		err = errors.Join(err, errors.New("drain: connections still open; closed"))
		b.cancel()
		for _, l := range b.loops {
			l.kill.Store(true)
			l.wake()
		}
		<-stopped
	}
	b.cancel()
	b.notices.Wait()
	b.closeLoops()
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
		if b.conns.Load() >= int64(b.s.maxConns()) {
			refuse(fd)
			continue
		}
		var l *loop
		for _, o := range b.loops {
			if !o.dead.Load() && (l == nil || o.count.Load() < l.count.Load()) {
				l = o
			}
		}
		if l == nil {
			refuse(fd)
			continue
		}
		b.conns.Add(1)
		l.count.Add(1)
		l.mu.Lock()
		l.accepted = append(l.accepted, fd)
		l.mu.Unlock()
		l.wake()
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
