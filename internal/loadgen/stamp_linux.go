//go:build linux && (amd64 || arm64)

package loadgen

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// stampReader reads a TCP connection with recvmsg and keeps the kernel's
// receive timestamp of the bytes it read last: the moment the answer
// reached this machine's network stack, before the generator's own
// threads were scheduled to read it.
type stampReader struct {
	rc syscall.RawConn
	// msg and iov describe one recvmsg into p; oob receives the timestamp
	// control message. They live here so that a read allocates nothing.
	msg unix.Msghdr
	iov unix.Iovec
	oob [64]byte
	// p, n and err carry one read through recv, which is bound once so
	// that a read allocates nothing.
	p    []byte
	n    int
	err  error
	recv func(fd uintptr) bool
	// at is the wall-clock arrival of the bytes read last; zero when the
	// kernel gave none.
	at time.Time
}

// newStampReader turns on receive timestamps for nc. It returns nil when
// nc cannot carry them; the caller then reads nc directly.
func newStampReader(nc net.Conn) *stampReader {
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	})
	if err != nil || serr != nil {
		return nil
	}
	r := &stampReader{rc: rc}
	r.recv = r.recvOnce
	return r
}

func (r *stampReader) Read(p []byte) (int, error) {
	r.p, r.n, r.err = p, 0, nil
	if err := r.rc.Read(r.recv); err != nil {
		return 0, err
	}
	if r.n == 0 && r.err == nil && len(p) > 0 {
		return 0, io.EOF
	}
	return r.n, r.err
}

// recvOnce is one recvmsg; false asks the poller to wait for more input.
func (r *stampReader) recvOnce(fd uintptr) bool {
	if len(r.p) == 0 {
		return true
	}
	r.iov.Base = &r.p[0]
	r.iov.SetLen(len(r.p))
	r.msg = unix.Msghdr{Iov: &r.iov, Control: &r.oob[0]}
	r.msg.SetIovlen(1)
	r.msg.SetControllen(len(r.oob))
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
	for errno == unix.EINTR {
		n, _, errno = unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&r.msg)), 0)
	}
	if errno == unix.EAGAIN {
		return false
	}
	if errno != 0 {
		r.err = os.NewSyscallError("recvmsg", errno)
		return true
	}
	r.n = int(n)
	if n > 0 {
		r.at = stampOf(r.oob[:r.msg.Controllen])
	}
	return true
}

// stampOf finds the SCM_TIMESTAMPNS message in oob.
func stampOf(oob []byte) time.Time {
	const hdr = unix.SizeofCmsghdr
	for len(oob) >= hdr {
		size := int(binary.NativeEndian.Uint64(oob[0:8]))
		level := int32(binary.NativeEndian.Uint32(oob[8:12]))
		typ := int32(binary.NativeEndian.Uint32(oob[12:16]))
		if size < hdr || size > len(oob) {
			return time.Time{}
		}
		if level == unix.SOL_SOCKET && typ == unix.SCM_TIMESTAMPNS && size >= hdr+16 {
			sec := int64(binary.NativeEndian.Uint64(oob[hdr : hdr+8]))
			nsec := int64(binary.NativeEndian.Uint64(oob[hdr+8 : hdr+16]))
			return time.Unix(sec, nsec)
		}
		oob = oob[min(unix.CmsgSpace(size-hdr), len(oob)):]
	}
	return time.Time{}
}
