// Package freqcap caps how many impressions one user sees of a campaign.
//
// Counters live in process memory, keyed by a hash of the user's id and the
// campaign. A cap of N per window W lets a user see at most N impressions
// in a window that opens with the first impression counted and lasts W.
// The bid path only reads; impressions are counted from notices.
package freqcap

import (
	"sync"
	"time"
)

const shardCount = 64

// Counter holds the impression counts. It is safe for concurrent use; the
// zero value is not ready, use New.
type Counter struct {
	shards [shardCount]shard
}

type shard struct {
	mu sync.RWMutex
	m  map[key]window
}

type key struct {
	user     uint64
	campaign int64
}

// window is the count of impressions since start (unix nanoseconds).
type window struct {
	start int64
	count int32
	span  int64 // window length in nanoseconds, for Sweep
}

// New returns an empty Counter.
func New() *Counter {
	c := &Counter{}
	for i := range c.shards {
		c.shards[i].m = make(map[key]window)
	}
	return c
}

func (c *Counter) shard(user uint64) *shard {
	return &c.shards[user%shardCount]
}

// Allow reports whether the user may see another impression of the
// campaign under a cap of limit per span. A zero user (unknown) or a zero
// limit is always allowed: uncapped campaigns do not need a user id, and
// the bidder refuses capped campaigns to unknown users itself.
func (c *Counter) Allow(user uint64, campaign int64, limit int, span time.Duration,
	now time.Time) bool {
	if limit <= 0 || user == 0 {
		return true
	}
	s := c.shard(user)
	s.mu.RLock()
	w, ok := s.m[key{user, campaign}]
	s.mu.RUnlock()
	if !ok || now.UnixNano()-w.start >= int64(span) {
		return true
	}
	return int(w.count) < limit
}

// Count records one impression of the campaign for the user.
func (c *Counter) Count(user uint64, campaign int64, span time.Duration, now time.Time) {
	if user == 0 || span <= 0 {
		return
	}
	k := key{user, campaign}
	ns := now.UnixNano()
	s := c.shard(user)
	s.mu.Lock()
	w := s.m[k]
	if ns-w.start >= int64(span) {
		w = window{start: ns, span: int64(span)}
	}
	w.count++
	s.m[k] = w
	s.mu.Unlock()
}

// Sweep deletes the windows that have closed by now, to bound memory. It
// returns how many entries remain.
func (c *Counter) Sweep(now time.Time) int {
	ns := now.UnixNano()
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for k, w := range s.m {
			if ns-w.start >= w.span {
				delete(s.m, k)
			}
		}
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}
