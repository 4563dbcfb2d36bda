//go:build !linux

package server

import (
	"context"
	"errors"
	"net"
	"time"
)

// bidListener needs epoll: on other systems nordbid builds (its tools and
// tests of other packages work) but does not serve bids.
type bidListener struct{}

func newBidListener(*Server, int) (*bidListener, error) {
	return nil, errors.New("serving bids needs Linux (the bid listener runs on epoll)")
}

func (*bidListener) serve(context.Context, net.Listener, time.Duration) error { return nil }
