// Package budget keeps campaigns within their total and daily budgets.
//
// Each campaign has an Account in memory. The bid path asks the account to
// Reserve the price of one impression before it bids; the reservation
// holds budget while the auction's outcome is unknown and lapses after the
// reservation TTL, or earlier when a billing or loss notice settles it.
// A campaign stops bidding when spend plus outstanding reservations reach
// either budget. Spend comes from the store's ledger (refreshed in the
// background) plus the charges this process has booked since.
package budget

import (
	"sync"
	"sync/atomic"
	"time"
)

// slots is the number of time slices a reservation window is cut into.
const slots = 16

// Account is the budget state of one campaign. All methods are safe for
// concurrent use and do not allocate.
type Account struct {
	// total and daily are the budgets in micros; 0 means unlimited.
	total atomic.Int64
	daily atomic.Int64

	// spent is the lifetime spend, today the spend on the local day.
	spent atomic.Int64
	today atomic.Int64

	// width is the duration of one reservation slot in nanoseconds.
	width int64
	ring  [slots]slot

	// metered is set by the first Grant: from then on a reservation also
	// needs allowance, the part of the shared budget leased to this node.
	metered atomic.Bool
	// allowance is what this node may still reserve, in micros; it goes
	// down with each reservation and charge and up with each release.
	allowance atomic.Int64
}

// slot holds the reservations made during one slice of time.
type slot struct {
	epoch  atomic.Int64 // index of the time slice, now / width
	amount atomic.Int64 // micros reserved in it
}

// SetLimits sets the budgets in micros (0 = unlimited).
func (a *Account) SetLimits(total, daily int64) {
	a.total.Store(total)
	a.daily.Store(daily)
}

// Reserve holds price micros if the budgets allow it and reports whether
// they did.
//
// The check and the booking are two steps, so callers racing on the last
// of a budget may each get through: the overshoot is bounded by one price
// per concurrent caller (at most GOMAXPROCS bids).
//
// Once the account is metered (see Grant), the reservation is also taken
// from the allowance, atomically, so that this node never bids beyond what
// it leased however many bids race.
func (a *Account) Reserve(price int64, now time.Time) bool {
	if !a.Allows(price, now) {
		return false
	}
	if a.metered.Load() && a.allowance.Add(-price) < 0 {
		a.allowance.Add(price)
		return false
	}
	a.add(price, now)
	return true
}

// Grant sets the allowance to micros newly leased from the ledger, less the
// reservations still live at now (the earlier lease covers those until
// they settle), and meters the account. Grant(0, now) stops new bids.
func (a *Account) Grant(micros int64, now time.Time) {
	a.allowance.Store(micros - a.reserved(now))
	a.metered.Store(true)
}

// Allowance returns the micros this node may still reserve, and whether
// the account is metered at all; an unmetered account needs no allowance.
func (a *Account) Allowance() (micros int64, metered bool) {
	return a.allowance.Load(), a.metered.Load()
}

// Limits returns the total and daily budgets in micros (0 = unlimited).
func (a *Account) Limits() (total, daily int64) {
	return a.total.Load(), a.daily.Load()
}

// add books a reservation in the slot of now.
func (a *Account) add(price int64, now time.Time) {
	e := now.UnixNano() / a.width
	s := &a.ring[e%slots]
	for {
		old := s.epoch.Load()
		if old == e {
			s.amount.Add(price)
			return
		}
		// The slot holds an expired slice: claim it for this one.
		if s.epoch.CompareAndSwap(old, e) {
			s.amount.Store(price)
			return
		}
	}
}

// reserved sums the reservations younger than the window.
func (a *Account) reserved(now time.Time) int64 {
	e := now.UnixNano() / a.width
	var sum int64
	for i := range a.ring {
		s := &a.ring[i]
		if ep := s.epoch.Load(); ep > e-slots && ep <= e {
			sum += s.amount.Load()
		}
	}
	return sum
}

// Release drops a reservation made at the given time, when the auction was
// lost or the bid has been charged. A reservation that has already lapsed
// is left alone.
func (a *Account) Release(price int64, madeAt time.Time) {
	e := madeAt.UnixNano() / a.width
	s := &a.ring[e%slots]
	if s.epoch.Load() != e {
		return
	}
	s.amount.Add(-price)
	if a.metered.Load() {
		a.allowance.Add(price)
	}
}

// Charge books spend that this process recorded in the ledger, so that it
// counts before the next refresh from the store, and takes it from the
// allowance of a metered account.
func (a *Account) Charge(price int64) {
	a.spent.Add(price)
	a.today.Add(price)
	if a.metered.Load() {
		a.allowance.Add(-price)
	}
}

// Spent returns the lifetime spend and the spend of the local day in micros.
func (a *Account) Spent() (total, today int64) {
	return a.spent.Load(), a.today.Load()
}

// Reserved returns the micros held by live reservations at now.
func (a *Account) Reserved(now time.Time) int64 {
	return a.reserved(now)
}

// Book tracks the accounts of all campaigns. It is safe for concurrent use.
type Book struct {
	width    int64
	mu       sync.Mutex
	accounts map[int64]*Account
}

// NewBook returns a Book whose reservations lapse after ttl.
func NewBook(ttl time.Duration) *Book {
	w := int64(ttl) / slots
	if w <= 0 {
		w = 1
	}
	return &Book{width: w, accounts: make(map[int64]*Account)}
}

// Account returns the account of a campaign, creating it on first use.
// The returned pointer stays valid for the life of the Book.
func (b *Book) Account(campaignID int64) *Account {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accounts[campaignID]
	if !ok {
		a = &Account{width: b.width}
		b.accounts[campaignID] = a
	}
	return a
}

// Lookup returns the account of a campaign, or nil if it has none.
func (b *Book) Lookup(campaignID int64) *Account {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.accounts[campaignID]
}

// Sync sets the spend of a campaign to what the ledger holds: total is the
// lifetime spend, today the spend of its current local day.
func (b *Book) Sync(campaignID, total, today int64) {
	a := b.Account(campaignID)
	a.spent.Store(total)
	a.today.Store(today)
}

// Allows reports whether a reservation of price would fit at now, without
// making it.
func (a *Account) Allows(price int64, now time.Time) bool {
	total, daily := a.total.Load(), a.daily.Load()
	if total == 0 && daily == 0 {
		return true
	}
	held := a.reserved(now)
	if total > 0 && a.spent.Load()+held+price > total {
		return false
	}
	return daily == 0 || a.today.Load()+held+price <= daily
}
