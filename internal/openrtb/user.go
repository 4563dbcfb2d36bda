package openrtb

// User describes the person using the device.
type User struct {
	// Present is true when the request carried a user object.
	Present bool
	// ID is the exchange's id for the user.
	ID string
	// BuyerUID is the buyer's id for the user, as synced with the
	// exchange.
	BuyerUID string
	// Yob is the year of birth; 0 when absent.
	Yob int
	// Gender is "M", "F" or "O"; "" when absent.
	Gender string
	// Keywords is a comma-separated list of interests.
	Keywords string
	// Consent is the GDPR consent string (TCF), from user.consent or
	// user.ext.consent. A number sent there becomes its text, which the
	// privacy layer treats as unreadable consent.
	Consent string
	// Data lists audience data from data providers.
	Data []Data
	// EIDs lists extended identifiers, from user.eids or user.ext.eids.
	EIDs []EID
}

// reset empties u, keeping its slices' storage.
func (u *User) reset() {
	*u = User{Data: u.Data[:0], EIDs: u.EIDs[:0]}
}

// Data is audience data from one provider.
type Data struct {
	// ID identifies the data provider.
	ID string
	// Name names the data provider.
	Name string
	// Segment lists the audience segments.
	Segment []Segment
}

// reset empties d, keeping its slices' storage.
func (d *Data) reset() {
	*d = Data{Segment: d.Segment[:0]}
}

// Segment is one audience segment.
type Segment struct {
	// ID identifies the segment.
	ID string
	// Name names the segment.
	Name string
	// Value is the segment's value, as text.
	Value string
}

// EID is a set of user ids from one identity source.
type EID struct {
	// Source is the identity source's domain, e.g. "id5-sync.com".
	Source string
	// UIDs lists the user's ids at that source.
	UIDs []UID
}

// reset empties e, keeping its slices' storage.
func (e *EID) reset() {
	*e = EID{UIDs: e.UIDs[:0]}
}

// UID is one user id.
type UID struct {
	// ID is the identifier; it may be "", as some exchanges send it.
	ID string
	// AType is the kind of agent the id belongs to (list "Agent Types");
	// 0 when absent.
	AType int
}

// Regs carries the regulations and consent signals that apply.
type Regs struct {
	// Present is true when the request carried a regs object.
	Present bool
	// COPPA is 1 when the request falls under the US COPPA rules.
	COPPA int
	// GDPR is -1 when absent, else the value as sent: 1 when the GDPR
	// applies, 0 when not. Validate rejects any other value. It is read
	// from regs.gdpr or regs.ext.gdpr.
	GDPR int
	// USPrivacy is the US privacy (CCPA) string, e.g. "1YNN".
	USPrivacy string
	// GPP is the Global Privacy Platform string.
	GPP string
	// GPPSID lists the GPP sections in force.
	GPPSID []int
}

// reset empties r, keeping its slices' storage.
func (r *Regs) reset() {
	*r = Regs{GDPR: -1, GPPSID: r.GPPSID[:0]}
}

// Source describes the supply chain of the request.
type Source struct {
	// Present is true when the request carried a source object.
	Present bool
	// FD is 1 when an upstream source, not the exchange, decides the
	// sale; 0 when the exchange does or when absent.
	FD int
	// TID is the transaction id shared by every party of the sale.
	TID string
	// PChain is the payment id chain.
	PChain string
	// SChain is the supply chain, from source.schain or
	// source.ext.schain.
	SChain SChain
}

// reset empties s, keeping its slices' storage.
func (s *Source) reset() {
	*s = Source{SChain: s.SChain}
	s.SChain.reset()
}

// SChain is a supply chain: every seller the request passed through.
type SChain struct {
	// Present is true when the request carried a supply chain.
	Present bool
	// Complete is 1 when the chain reaches back to the owner of the
	// inventory.
	Complete int
	// Ver is the supply chain format's version, e.g. "1.0".
	Ver string
	// Nodes lists the sellers in order, the first being the closest to
	// the inventory.
	Nodes []SChainNode
}

// reset empties c, keeping its slices' storage.
func (c *SChain) reset() {
	*c = SChain{Nodes: c.Nodes[:0]}
}

// SChainNode is one seller in a supply chain.
type SChainNode struct {
	// ASI is the domain of the seller's advertising system.
	ASI string
	// SID is the seller's id in that system.
	SID string
	// HP is 1 when this seller takes part in the payment.
	HP int
	// RID is the request id issued by this seller.
	RID string
}
