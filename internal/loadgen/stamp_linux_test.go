//go:build linux && (amd64 || arm64)

package loadgen

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// loopbackPair returns both ends of a TCP connection on loopback.
func loopbackPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			accepted <- nil
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() {
		client.Close()
		server.Close()
	})
	return client, server
}

// primeStamps waits until the kernel stamps what r receives: the first
// socket in the system to ask for timestamps turns them on for all of
// them a moment later.
func primeStamps(t *testing.T, server net.Conn, r *stampReader) {
	t.Helper()
	buf := make([]byte, 1)
	for range 100 {
		if _, err := server.Write([]byte{'.'}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(buf); err != nil {
			t.Fatal(err)
		}
		if !r.at.IsZero() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the kernel gives no receive timestamps after a second")
}

// TestStampReaderTimesArrival: bytes that sat in the kernel before they
// were read carry the time they arrived, not the time of the read.
func TestStampReaderTimesArrival(t *testing.T) {
	client, server := loopbackPair(t)
	r := newStampReader(client)
	if r == nil {
		t.Fatal("no receive timestamps on a loopback TCP connection")
	}
	primeStamps(t, server, r)
	before := time.Now()
	if _, err := server.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	time.Sleep(30 * time.Millisecond)
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read = %q, %v; want hello", buf[:n], err)
	}
	// The wall clock may be stepped during a test only in theory; allow
	// the kernel's stamp a millisecond of slack on either side.
	if r.at.Before(before.Add(-time.Millisecond)) || r.at.After(after.Add(time.Millisecond)) {
		t.Errorf("arrival %v, want between %v and %v", r.at, before, after)
	}
}

const answer204 = "HTTP/1.1 204 No Content\r\n\r\n"

// stampedConn is the client end of a loopback connection, read with
// receive timestamps, and the server end.
func stampedConn(t *testing.T) (*conn, net.Conn) {
	t.Helper()
	client, server := loopbackPair(t)
	c := &conn{nc: client, stamp: newStampReader(client)}
	primeStamps(t, server, c.stamp)
	c.br = bufio.NewReaderSize(c.stamp, readBufferSize)
	return c, server
}

// TestConnWaited: after a round trip, waited tells how long the answer
// had been in before it was read, and never more than since the send.
func TestConnWaited(t *testing.T) {
	c, server := stampedConn(t)
	sent := time.Now()
	c.sentWall = sent.Round(0)
	if _, err := server.Write([]byte(answer204)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	status, keep, err := readResponse(c.br)
	if err != nil || status != 204 || !keep {
		t.Fatalf("readResponse = %d, %v, %v", status, keep, err)
	}
	w, ok := c.waited(sent)
	if !ok || w < 15*time.Millisecond || w > time.Since(sent) {
		t.Errorf("waited %v (known %v), want about 20 ms and at most %v", w, ok,
			time.Since(sent))
	}
	// Timed from a later send, the same answer waited at most that long.
	later := time.Now().Add(-2 * time.Millisecond)
	if w, ok := c.waited(later); !ok || w > time.Since(later) {
		t.Errorf("waited since 2 ms ago: %v (known %v), want at most 2 ms", w, ok)
	}
}

// TestConnWaitedIgnoresEarlierBytes: an answer that was already waiting
// when the request went out has no arrival to be timed by.
func TestConnWaitedIgnoresEarlierBytes(t *testing.T) {
	c, server := stampedConn(t)
	if _, err := server.Write([]byte(answer204)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	sent := time.Now()
	c.sentWall = sent.Round(0)
	if _, _, err := readResponse(c.br); err != nil {
		t.Fatal(err)
	}
	if w, ok := c.waited(sent); ok {
		t.Errorf("waited %v for an answer older than the request, want not known", w)
	}
}

// TestStampReaderAllocs: reading with timestamps allocates nothing.
func TestStampReaderAllocs(t *testing.T) {
	client, server := loopbackPair(t)
	r := newStampReader(client)
	msg := []byte("x")
	buf := make([]byte, 16)
	got := testing.AllocsPerRun(100, func() {
		if _, err := server.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Read(buf); err != nil {
			t.Fatal(err)
		}
	})
	if got != 0 {
		t.Errorf("Read allocates %v times per call, want 0", got)
	}
}

// TestStampReaderEnds: a deadline reads as a timeout and a closed peer as
// the end of the stream, as with net.Conn's own Read.
func TestStampReaderEnds(t *testing.T) {
	client, server := loopbackPair(t)
	r := newStampReader(client)
	buf := make([]byte, 16)
	if err := client.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(buf); !isTimeout(err) {
		t.Errorf("Read past the deadline: %v, want a timeout", err)
	}
	if err := client.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	server.Close()
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("Read after the peer closed = %d, %v; want 0, EOF", n, err)
	}
}
