// Package lease keeps each node's budget allowances topped up from the
// shared ledger.
//
// The bid path never asks the database for budget: a campaign's account
// (package budget) may only reserve from the allowance leased to this
// node. A Loop leases a new allowance for a campaign when the last one runs
// low or grows old, with one atomic statement of the store (Leaser). The
// store grants only what the campaign's budgets leave after the ledger's
// spend and every node's unexpired grants, so the fleet's spend is bounded
// by the budget plus the allowances outstanding (see the README).
//
// When the store is unreachable, accounts keep the allowance they have:
// bidding goes on from it, and stops where it runs out.
package lease

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"nordbid/internal/campaign"
	"nordbid/internal/index"
)

// Request asks for an allowance of one campaign's budget.
type Request struct {
	CampaignID int64
	// Node names the process asking; grants are kept per node.
	Node string
	// Day is the campaign-local day ("2006-01-02") the daily budget counts.
	Day string
	// Want is the allowance asked for, in micros.
	Want int64
	// TotalBudget and DailyBudget are the campaign's budgets in micros;
	// 0 means unlimited.
	TotalBudget, DailyBudget int64
	// TTL is how long the grant counts against the budget.
	TTL time.Duration
}

// Leaser grants allowances. Lease returns the micros granted, between 0
// (nothing left) and req.Want; it must be one atomic step, so that nodes
// leasing at once never grant the same budget twice.
type Leaser interface {
	Lease(ctx context.Context, req Request) (int64, error)
}

// Options configure a Loop. Every field is required unless noted.
type Options struct {
	Leaser Leaser
	// Index returns the current campaign index; nil before the first build.
	Index  func() *index.Index
	Node   string
	Logger *slog.Logger
	// Interval is how often allowances are checked.
	Interval time.Duration
	// TTL is how long a grant counts against the budget. It must outlast
	// the reservation TTL, so that a grant still covers the bids made from
	// it until their reservations settle or lapse; renewal comes at half.
	TTL time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Loop tops allowances up. Its methods must not be called concurrently,
// except Err.
type Loop struct {
	opt Options
	// granted is when each campaign last got a grant, in unix nanos.
	granted map[int64]int64
	err     atomic.Pointer[error]
}

// New returns a Loop.
func New(opt Options) *Loop {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Loop{opt: opt, granted: make(map[int64]int64)}
}

// Run leases every Interval until ctx ends.
func (l *Loop) Run(ctx context.Context) {
	t := time.NewTicker(l.opt.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			l.note(l.Step(ctx))
		}
	}
}

// Err returns the last lease failure, or nil once a step succeeds.
func (l *Loop) Err() error {
	if p := l.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (l *Loop) note(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		l.err.Store(nil)
		return
	}
	if l.err.Load() == nil {
		l.opt.Logger.Warn("lease failed; bidding from the allowances held", "err", err)
	}
	l.err.Store(&err)
}

// Step leases for every campaign with a budget whose allowance is low or
// whose grant is half way to expiry. It stops at the first store failure
// and returns it; the accounts keep what they hold.
func (l *Loop) Step(ctx context.Context) error {
	ix := l.opt.Index()
	if ix == nil {
		return nil
	}
	now := l.opt.Now()
	for _, c := range ix.Campaigns() {
		total, daily := c.Account.Limits()
		if total == 0 && daily == 0 {
			continue
		}
		want := slice(c.Price, total, daily)
		left, metered := c.Account.Allowance()
		age := time.Duration(now.UnixNano() - l.granted[c.ID])
		if metered && left >= want/2 && age < l.opt.TTL/2 {
			continue
		}
		got, err := l.opt.Leaser.Lease(ctx, Request{
			CampaignID: c.ID, Node: l.opt.Node, Day: campaign.Day(now, c.Loc),
			Want: want, TotalBudget: total, DailyBudget: daily, TTL: l.opt.TTL,
		})
		if err != nil {
			return fmt.Errorf("lease campaign %d: %w", c.ID, err)
		}
		c.Account.Grant(got, now)
		l.granted[c.ID] = now.UnixNano()
	}
	return nil
}

// slice is the allowance asked for at once: a twentieth of the tighter
// budget, and at least a hundred impressions at the bid price (CPM), so
// that a busy campaign does not lease on every step. A smaller slice
// lowers the overspend bound and a larger one the lease traffic.
func slice(cpm, total, daily int64) int64 {
	tight := int64(math.MaxInt64)
	for _, b := range []int64{total, daily} {
		if b > 0 {
			tight = min(tight, b)
		}
	}
	return max(tight/20, cpm/10, 1)
}
