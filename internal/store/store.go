// Package store defines what nordbid keeps durably: campaigns and their
// creatives, exchange settings, currency rates, the spend ledger and the
// record of notices. Adapters live in sub-packages (sqlite, postgres); the
// contract tests in storetest hold every adapter to the same behaviour.
package store

import (
	"context"
	"errors"
	"time"

	"nordbid/internal/campaign"
)

// ErrNotFound is returned when a looked-up entity does not exist.
var ErrNotFound = errors.New("not found")

// Store is the durable state of nordbid. Implementations are safe for
// concurrent use. No method is called on the bid path: the bidder reads a
// compiled snapshot and writes only from notice handlers and background
// loops.
type Store interface {
	// Admin is what the admin API reads and changes.
	Admin

	// Snapshot returns every advertiser, campaign, creative, exchange and
	// rate, whatever their status, as one consistent read.
	Snapshot(ctx context.Context) (*Snapshot, error)

	// Version returns a number that changes whenever campaigns, creatives,
	// advertisers, exchanges or rates change, so that a poller knows when
	// to rebuild its index.
	Version(ctx context.Context) (int64, error)

	// CreateAdvertiser, CreateCampaign and CreateCreative insert a new
	// entity and return it with its assigned ID.
	CreateAdvertiser(ctx context.Context, a campaign.Advertiser) (campaign.Advertiser, error)
	CreateCampaign(ctx context.Context, c campaign.Campaign) (campaign.Campaign, error)
	CreateCreative(ctx context.Context, c campaign.Creative) (campaign.Creative, error)

	// UpdateCampaign replaces the campaign with c.ID; ErrNotFound if none.
	UpdateCampaign(ctx context.Context, c campaign.Campaign) error

	// PutExchange inserts or replaces the exchange named e.Name.
	PutExchange(ctx context.Context, e campaign.Exchange) error
	// PutRate inserts or replaces the rate of r.Currency.
	PutRate(ctx context.Context, r campaign.Rate) error

	// Charge records the spend of one billed bid. It is idempotent by
	// BidID: the first call records it and returns true; any later call
	// with the same BidID records nothing and returns false. When Charge
	// returns, a recorded charge is durable.
	Charge(ctx context.Context, c Charge) (bool, error)

	// RecordNotice records a non-billing notice (win, loss, imp, click)
	// once per bid and kind; it returns false for a repeat.
	RecordNotice(ctx context.Context, n Notice) (bool, error)

	// Spend returns, for every campaign with any spend, its lifetime spend
	// and its spend on each of the given local days.
	Spend(ctx context.Context, days []string) ([]Spend, error)

	// Atomic runs fn with a view of the store whose reads and writes form
	// one transaction, committed when fn returns nil and rolled back when
	// it returns an error. Atomic calls behave as if they ran one after
	// the other, and no write made meanwhile is lost, so a
	// read-modify-write in fn loses no concurrent change. fn may run more
	// than once (a transaction that lost a race is run again), so it must
	// do nothing but store calls and work without side effects. Atomic on
	// the view joins the same transaction; the view must not be used
	// after fn returns.
	Atomic(ctx context.Context, fn func(st Store) error) error

	// Close releases the store's resources.
	Close() error
}

// Admin is what the admin API needs beyond the bidder's reads and the
// ledger: single reads, paged lists, updates, the kill switch and the API
// tokens.
type Admin interface {
	// GetAdvertiser, GetCampaign and GetCreative return one entity, or
	// ErrNotFound.
	GetAdvertiser(ctx context.Context, id int64) (campaign.Advertiser, error)
	GetCampaign(ctx context.Context, id int64) (campaign.Campaign, error)
	GetCreative(ctx context.Context, id int64) (campaign.Creative, error)

	// ListAdvertisers, ListCampaigns and ListCreatives return entities
	// ordered by id, filtered and paged by opt.
	ListAdvertisers(ctx context.Context, opt ListOptions) ([]campaign.Advertiser, error)
	ListCampaigns(ctx context.Context, opt ListOptions) ([]campaign.Campaign, error)
	ListCreatives(ctx context.Context, opt ListOptions) ([]campaign.Creative, error)

	// UpdateAdvertiser and UpdateCreative replace the entity with the same
	// ID; ErrNotFound if none.
	UpdateAdvertiser(ctx context.Context, a campaign.Advertiser) error
	UpdateCreative(ctx context.Context, c campaign.Creative) error

	// Settings returns the global settings; SetKillSwitch turns bidding
	// off (true) or on for every node. Both count as a change for Version.
	Settings(ctx context.Context) (Settings, error)
	SetKillSwitch(ctx context.Context, on bool) error

	// CreateToken stores an API token by the hash of its secret and
	// returns it with its ID. TokenByHash finds a token by that hash, or
	// ErrNotFound. ListTokens returns all tokens (hashes included) ordered
	// by ID; DeleteToken removes one, or returns ErrNotFound.
	CreateToken(ctx context.Context, t Token) (Token, error)
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	ListTokens(ctx context.Context) ([]Token, error)
	DeleteToken(ctx context.Context, id int64) error
}

// ListOptions filter and page a list. The zero value lists the first
// DefaultLimit entities of any status.
type ListOptions struct {
	// AfterID returns entities with an ID greater than it (keyset paging).
	AfterID int64
	// Limit bounds the count returned; 0 means DefaultLimit, and values
	// above MaxLimit are cut to MaxLimit.
	Limit int
	// Status keeps only entities in this status; empty keeps all.
	Status campaign.Status
	// ParentID keeps campaigns of this advertiser or creatives of this
	// campaign; 0 keeps all. Advertisers ignore it.
	ParentID int64
	// Name keeps entities whose name contains it, case-insensitively.
	Name string
}

// Paging bounds of ListOptions.Limit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Settings are global switches shared by every node.
type Settings struct {
	// KillSwitch stops all bidding when true.
	KillSwitch bool
}

// Role is what an API token may do.
type Role string

// Roles: a reader may only read; an operator may also change.
const (
	RoleReader   Role = "reader"
	RoleOperator Role = "operator"
)

// Token is an admin API credential. Only the SHA-256 hash of its secret
// is kept.
type Token struct {
	ID      int64
	Name    string
	Role    Role
	Hash    []byte
	Created time.Time
}

// Snapshot is everything the bid index is compiled from.
type Snapshot struct {
	Advertisers []campaign.Advertiser
	Campaigns   []campaign.Campaign
	Creatives   []campaign.Creative
	Exchanges   []campaign.Exchange
	Rates       []campaign.Rate
	Settings    Settings
}

// Charge is the spend of one billed impression.
type Charge struct {
	BidID      string
	CampaignID int64
	CreativeID int64
	// Price is the clearing price of one impression in micros of the
	// campaign's currency.
	Price int64
	// Day is the campaign-local date ("2006-01-02") the spend counts to.
	Day string
	At  time.Time
}

// NoticeKind names a notice endpoint.
type NoticeKind string

// Notice kinds.
const (
	NoticeWin   NoticeKind = "win"
	NoticeBill  NoticeKind = "bill"
	NoticeLoss  NoticeKind = "loss"
	NoticeImp   NoticeKind = "imp"
	NoticeClick NoticeKind = "click"
)

// Notice is one non-billing event about a bid.
type Notice struct {
	BidID      string
	Kind       NoticeKind
	CampaignID int64
	// Price is the clearing price in micros when the notice carried one.
	Price int64
	// Reason is the loss reason code of a loss notice, else 0.
	Reason int
	At     time.Time
}

// Spend is the spend of one campaign.
type Spend struct {
	CampaignID int64
	// Total is the lifetime spend in micros.
	Total int64
	// Days maps each requested local day to its spend in micros; days
	// without spend are absent.
	Days map[string]int64
}
