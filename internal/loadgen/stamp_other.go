//go:build !(linux && (amd64 || arm64))

package loadgen

import (
	"io"
	"net"
	"time"
)

// stampReader would read with the kernel's receive timestamps; here there
// are none, and answers are timed when the generator reads them.
type stampReader struct {
	at time.Time
}

func newStampReader(net.Conn) *stampReader { return nil }

func (*stampReader) Read([]byte) (int, error) { return 0, io.EOF }
