//go:build !linux

package loadgen

import "time"

// preciseThread has nothing to tune outside Linux.
func preciseThread() {}

// preciseSleep falls back to the runtime's timers, which are coarser.
func preciseSleep(d time.Duration) { time.Sleep(d) }
