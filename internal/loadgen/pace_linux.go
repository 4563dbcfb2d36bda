package loadgen

import (
	"time"

	"golang.org/x/sys/unix"
)

// preciseThread asks the kernel to wake this thread within a nanosecond of
// its timers instead of the default 50 µs slack. Call it on a locked
// thread that is retired afterwards, so the setting stays with it.
func preciseThread() {
	// An error leaves the default slack, which only costs precision.
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
}

// preciseSleep blocks the thread in nanosleep for d.
func preciseSleep(d time.Duration) {
	ts := unix.NsecToTimespec(int64(d))
	// An interrupted sleep only returns early; the caller re-checks.
	_ = unix.Nanosleep(&ts, nil)
}
