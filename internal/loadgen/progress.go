package loadgen

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws one status line that rewrites itself once a second. A
// nil *progress draws nothing, which is what a non-terminal gets.
type progress struct {
	mu sync.Mutex
	w  io.Writer
	// drawn reports a line on screen that the next one must overwrite.
	drawn bool
}

// newProgress draws on w; a nil w gives a silent (nil) progress.
func newProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	return &progress{w: w}
}

// progressLine is what one update shows.
type progressLine struct {
	label          string
	elapsed, total time.Duration
	rps            float64
	p99            time.Duration
	errors         int64
}

func (p *progress) update(l progressLine) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// \r returns to the line start and \x1b[K clears what a longer
	// previous line left behind.
	fmt.Fprintf(p.w, "\r\x1b[K%s  %3.0fs/%.0fs  %8.0f req/s  p99 %s  errors %d",
		l.label, l.elapsed.Seconds(), l.total.Seconds(), l.rps, fmtMillis(l.p99), l.errors)
	p.drawn = true
}

// done ends the current line so that the next output starts clean.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// fmtMillis renders d in milliseconds with three significant digits.
func fmtMillis(d time.Duration) string {
	return fmtMS(float64(d) / float64(time.Millisecond))
}

// fmtMS renders a millisecond figure with about three significant digits.
func fmtMS(ms float64) string {
	switch {
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	case ms >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}
