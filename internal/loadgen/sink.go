package loadgen

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"sync"
)

// Sink is a trivial HTTP/1.1 server: it reads each request, discards the
// body and answers POST with 204 and anything else with 200 "ok". Against
// a sink the target costs next to nothing, so a sweep against it finds
// the generator's own ceiling on a machine.
type Sink struct {
	ln net.Listener
	wg sync.WaitGroup

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

var (
	sinkNoContent = []byte("HTTP/1.1 204 No Content\r\n\r\n")
	sinkOK        = []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	sinkBad       = []byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n" +
		"Content-Length: 0\r\n\r\n")
)

// ListenSink listens on addr (host:port; port 0 picks a free one).
func ListenSink(addr string) (*Sink, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Sink{ln: ln, conns: map[net.Conn]struct{}{}}, nil
}

// Addr is the address the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Serve accepts connections until Close; it then returns nil.
func (s *Sink) Serve() error {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			c.Close()
			return nil
		}
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Go(func() { s.serve(c) })
	}
}

// Close stops the listener, closes every connection and waits for their
// goroutines.
func (s *Sink) Close() error {
	s.mu.Lock()
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Sink) serve(c net.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	br := bufio.NewReaderSize(c, readBufferSize)
	for {
		post, err := readRequest(br)
		answer := sinkOK
		switch {
		case errors.Is(err, errMalformed):
			c.Write(sinkBad)
			return
		case err != nil:
			return
		case post:
			answer = sinkNoContent
		}
		if _, err := c.Write(answer); err != nil {
			return
		}
	}
}

// readRequest reads one request and discards its body. Chunked request
// bodies are refused as malformed: the generator never sends them.
func readRequest(br *bufio.Reader) (post bool, err error) {
	line, err := readLine(br)
	if err != nil {
		return false, err
	}
	post = bytes.HasPrefix(line, []byte("POST "))
	length := int64(0)
	for n := 0; ; n++ {
		if n == maxHeaderLines {
			return post, errMalformed
		}
		line, err := readLine(br)
		if err != nil {
			return post, err
		}
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			var ok bool
			if length, ok = parseDecimal(value); !ok {
				return post, errMalformed
			}
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			return post, errMalformed
		}
	}
	_, err = br.Discard(int(length))
	return post, err
}
