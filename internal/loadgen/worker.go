package loadgen

import (
	"context"
	"math/rand/v2"
	"time"
)

// schedule is the timetable of one segment. In the open loop, request j
// of the segment is due at start + j/rate and goes to connection j mod
// conns, so each connection carries rate/conns at an even spacing and the
// connections take turns, as that many independent users would.
type schedule struct {
	// start is when the first request is due; measure is when recording
	// begins (after the warmup); end is when the window closes. Requests
	// due before end that are still waiting for their connection may go
	// out until drain (end plus one timeout); later ones count as unsent.
	start, measure, end, drain time.Time
	// rate is the offered requests per second over all connections; zero
	// means closed loop.
	rate  float64
	conns int
}

// at is the due time of the global request number j.
func (s *schedule) at(j int64) time.Time {
	return s.start.Add(time.Duration(float64(j) * float64(time.Second) / s.rate))
}

// connAt is the due time of connection i's k-th request.
func (s *schedule) connAt(i int, k int64) time.Time {
	return s.at(k*int64(s.conns) + int64(i))
}

// clock tells the time and waits for due times. The real clocks are
// wakeClock (open loop) and sleepClock; tests pass a fake to check the
// accounting without a network.
type clock interface {
	now() time.Time
	// waitUntil returns at t or later, or false as soon as ctx ends.
	waitUntil(ctx context.Context, t time.Time) bool
}

// exchanger sends one request and waits for its answer, reconnecting as
// needed. The real one is httpExchanger.
type exchanger interface {
	// waited is how long before its return the answer had arrived; -1
	// when that is not known, and the answer is timed at the return.
	exchange(ctx context.Context, sent time.Time) (status int, waited time.Duration, err error)
}

// runOpen drives connection i in the open loop until the window closes.
// Every request is timed from its due time, so a request that had to wait
// for a slow answer on its connection is charged that wait: a stalled
// target cannot hide its stall by slowing the generator down.
func runOpen(ctx context.Context, s *schedule, i int, clk clock, ex exchanger, rec *recorder) {
	prevDone := s.start
	for k := int64(0); ; k++ {
		due := s.connAt(i, k)
		if !due.Before(s.end) {
			return
		}
		if !clk.waitUntil(ctx, due) {
			return
		}
		sent := clk.now()
		if !sent.Before(s.drain) {
			rec.unsent(i, overdue(s, i, k, sent))
			return
		}
		status, waited, err := ex.exchange(ctx, sent)
		done := clk.now().Add(-max(waited, 0))
		if !due.Before(s.measure) {
			rec.record(i, outcome{
				latency: done.Sub(due),
				lag:     sent.Sub(later(due, prevDone)),
				waited:  waited,
				status:  status,
				err:     err,
			})
		}
		prevDone = done
	}
}

// overdue lists, for connection i's requests from the k-th on that were
// due in the measured window, how late they were at now.
func overdue(s *schedule, i int, k int64, now time.Time) []time.Duration {
	var late []time.Duration
	for ; ; k++ {
		due := s.connAt(i, k)
		if !due.Before(s.end) {
			return late
		}
		if !due.Before(s.measure) {
			late = append(late, now.Sub(due))
		}
	}
}

// closedBackoff spaces the reconnection attempts of a closed-loop
// connection whose target refuses it, so that a dead target is not
// hammered in a tight loop.
const closedBackoff = 10 * time.Millisecond

// runClosed drives connection i in the closed loop: the next request goes
// out when the previous answer is in, and is timed from its actual send.
func runClosed(ctx context.Context, s *schedule, i int, clk clock, ex exchanger,
	rec *recorder) {
	for ctx.Err() == nil {
		sent := clk.now()
		if !sent.Before(s.end) {
			return
		}
		status, waited, err := ex.exchange(ctx, sent)
		done := clk.now().Add(-max(waited, 0))
		if !sent.Before(s.measure) {
			rec.record(i, outcome{latency: done.Sub(sent), lag: -1, waited: waited,
				status: status, err: err})
		}
		if err != nil && !isTimeout(err) {
			clk.waitUntil(ctx, done.Add(closedBackoff))
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// sleepClock waits with the runtime's timers; it is used where the exact
// moment does not matter (closed-loop backoff).
type sleepClock struct{}

func (sleepClock) now() time.Time { return time.Now() }

func (sleepClock) waitUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// wakeClock waits for the dispatcher, which wakes the connection at each
// of its due times (see pace.go). A wake that arrives while the connection
// is busy stays buffered; the loop below re-checks the time, so an early
// wake only costs a second look.
type wakeClock struct {
	wake chan struct{}
}

func (c wakeClock) now() time.Time { return time.Now() }

func (c wakeClock) waitUntil(ctx context.Context, t time.Time) bool {
	for time.Now().Before(t) {
		select {
		case <-c.wake:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// httpExchanger is one simulated user: a connection, its own random
// stream for picking bodies and user ids, and its request counter.
type httpExchanger struct {
	ep      *endpoint
	corpus  *Corpus
	timeout time.Duration
	c       *conn
	rng     *rand.Rand
	users   users
	// idBase makes request ids unique across connections and runs; seq
	// counts this connection's requests.
	idBase uint64
	seq    uint64
	// sent counts every request this connection sent, warmup included.
	sent int64
}

func (x *httpExchanger) exchange(ctx context.Context, sent time.Time) (int, time.Duration,
	error) {
	deadline := sent.Add(x.timeout)
	if x.c == nil {
		c, err := dial(ctx, x.ep, time.Until(deadline))
		if err != nil {
			return 0, 0, errDial{err}
		}
		x.c = c
	}
	x.seq++
	x.sent++
	b := &x.corpus.bodies[x.rng.IntN(len(x.corpus.bodies))]
	status, keep, err := x.c.roundTrip(x.ep, b, x.idBase|x.seq, x.users.next(), deadline)
	waited := time.Duration(-1)
	if err == nil {
		if d, ok := x.c.waited(sent); ok {
			waited = d
		}
	}
	if err != nil || !keep {
		x.close()
	}
	return status, waited, err
}

func (x *httpExchanger) close() {
	if x.c != nil {
		x.c.close()
		x.c = nil
	}
}
