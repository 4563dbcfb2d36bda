package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"time"
)

// The generator speaks HTTP/1.1 itself over one net.Conn per simulated
// user. net/http's client is built for a different job: it pools
// connections, so it would let a few idle connections carry the load that
// 5,000 users would spread, and its per-request cost (goroutines, header
// maps, body wrappers) would make the generator the bottleneck on a small
// machine. Here a request is one writev of a prebuilt head and a shared
// body, and the answer is parsed in place; BENCHMARKS.md has the figures.

// readBufferSize holds a typical bid response in one read. Bigger answers
// still work; they take more reads.
const readBufferSize = 4096

// endpoint is a target URL prepared for sending.
type endpoint struct {
	// addr is the host:port to dial.
	addr string
	// head is the request line and fixed headers, up to and including
	// "Content-Length: ".
	head []byte
}

// newEndpoint checks a target URL and builds the fixed part of every
// request to it.
func newEndpoint(raw string, gzipped bool) (*endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", raw, err)
	}
	if u.Scheme != "http" {
		// Only http: measuring a bidder behind TLS would take a tls.Client
		// over each connection and a handshake per dial.
		return nil, fmt.Errorf("target %q: scheme must be http", raw)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("target %q: no host", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	path := u.RequestURI()
	head := "POST " + path + " HTTP/1.1\r\n" +
		"Host: " + u.Host + "\r\n" +
		"User-Agent: nordbid-bench\r\n" +
		"Content-Type: application/json\r\n" +
		"X-Openrtb-Version: 2.6\r\n"
	if gzipped {
		head += "Content-Encoding: gzip\r\n"
	}
	head += "Content-Length: "
	return &endpoint{addr: net.JoinHostPort(u.Hostname(), port), head: []byte(head)}, nil
}

// conn is one keep-alive connection carrying one request at a time.
type conn struct {
	nc net.Conn
	// stamp reads nc where the kernel can time the answers' arrival; nil
	// where it cannot.
	stamp *stampReader
	br    *bufio.Reader
	head  []byte
	iov   [6][]byte
	bufs  net.Buffers
	// ids holds the request id and the user id of the request in flight.
	ids [2][idWidth]byte
	// sentWall is when the request in flight was written, by the wall
	// clock.
	sentWall time.Time
}

// dial opens a connection to ep.
func dial(ctx context.Context, ep *endpoint, timeout time.Duration) (*conn, error) {
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", ep.addr)
	if err != nil {
		return nil, err
	}
	c := &conn{nc: nc, head: make([]byte, 0, len(ep.head)+32)}
	var rd io.Reader = nc
	if c.stamp = newStampReader(nc); c.stamp != nil {
		rd = c.stamp
	}
	c.br = bufio.NewReaderSize(rd, readBufferSize)
	return c, nil
}

// close closes the connection.
func (c *conn) close() { c.nc.Close() }

// roundTrip sends b with the given request and user ids and reads the
// answer, all before deadline. keep reports whether the connection can
// carry another request.
func (c *conn) roundTrip(ep *endpoint, b *body, reqID, userID uint64,
	deadline time.Time) (status int, keep bool, err error) {
	if err := c.nc.SetDeadline(deadline); err != nil {
		return 0, false, err
	}
	c.head = append(c.head[:0], ep.head...)
	c.head = strconv.AppendInt(c.head, int64(len(b.data)), 10)
	c.head = append(c.head, "\r\n\r\n"...)

	// The body is shared by all connections; the two ids are written
	// from this connection's own buffers between the body's pieces.
	iov := append(c.iov[:0], c.head)
	first, second := patch{b.idAt, 0}, patch{b.userAt, 1}
	if second.at >= 0 && (first.at < 0 || second.at < first.at) {
		first, second = second, first
	}
	prev := 0
	for _, p := range [2]patch{first, second} {
		if p.at < 0 {
			continue
		}
		ids := &c.ids[p.slot]
		putHex(ids[:], [2]uint64{reqID, userID}[p.slot])
		iov = append(iov, b.data[prev:p.at], ids[:])
		prev = p.at + idWidth
	}
	c.bufs = append(iov, b.data[prev:])
	if c.stamp != nil {
		c.stamp.at = time.Time{}
		// The wall clock, as the kernel's timestamps are.
		c.sentWall = time.Now().Round(0)
	}
	if _, err := c.bufs.WriteTo(c.nc); err != nil {
		return 0, false, err
	}
	return readResponse(c.br)
}

// waited is how long the last answer sat in the kernel before the
// generator read its end, at most since (when the request was sent); ok
// is false where the kernel gave no timestamp, or one from before the
// request went out (bytes that were waiting already).
func (c *conn) waited(since time.Time) (d time.Duration, ok bool) {
	if c.stamp == nil || c.stamp.at.IsZero() || c.stamp.at.Before(c.sentWall) {
		return 0, false
	}
	// The stamp is wall-clock time; a step of the wall clock between the
	// answer and now must not make it older than the request.
	d = time.Now().Round(0).Sub(c.stamp.at)
	return min(max(d, 0), time.Since(since)), true
}

// patch is a place in a body where the id in slot is written.
type patch struct {
	at   int
	slot int
}
