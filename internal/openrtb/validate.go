package openrtb

import (
	"strconv"
	"strings"
	"unsafe"
)

// ValidationError reports a well-formed request that breaks an OpenRTB
// rule the bidder relies on. The exchange should be answered with HTTP 400.
type ValidationError struct {
	// Field names the offending field as a JSON path, e.g. "imp[1].id".
	Field string
	// Reason says what is wrong with it, in lowercase words.
	Reason string
}

// Error implements error, e.g. `imp[1].id: duplicate "1"`.
func (e *ValidationError) Error() string {
	return e.Field + ": " + e.Reason
}

// No-bid reasons that Imp.Problem returns.
const (
	// ProblemNoMedia: the impression offers no banner, video, audio or
	// native.
	ProblemNoMedia = "no_media"
	// ProblemBannerNoSize: the only media is a banner with no size.
	ProblemBannerNoSize = "banner_no_size"
	// ProblemNativeUnreadable: the only media is a native offer whose
	// request could not be parsed.
	ProblemNativeUnreadable = "native_unreadable"
)

// smallImpCount is the largest impression count whose ids are compared
// pairwise; above it a map is cheaper than the quadratic loop.
const smallImpCount = 16

// floorReason is the rejection reason of a bid floor that is no price.
const floorReason = "not a price (a number from 0 to 9e12)"

// Validate checks the rules that make a request unusable as a whole (see
// Checker.Check) and returns a *ValidationError naming the first field at
// fault, or nil.
func Validate(req *BidRequest) error {
	var c Checker
	if c.Check(req) {
		return nil
	}
	return &ValidationError{Field: strings.Clone(c.Err.Field), Reason: strings.Clone(c.Err.Reason)}
}

// Checker validates requests one after another. It keeps the text of the
// last rejection, so that once warm a rejection allocates nothing. The
// zero value is ready to use; a Checker is not safe for concurrent use.
type Checker struct {
	// Err is why the last checked request was refused. Its strings may
	// share the Checker's memory: they are valid until the next Check.
	Err  ValidationError
	text []byte
}

// Check checks the rules that make a request unusable as a whole: a
// missing id; a negative tmax; more than one of site, app and dooh;
// regs.gdpr other than 0 or 1; no impression; an impression without id;
// duplicate impression ids; a bid floor, of an impression or a deal, that
// is not a price in range; and impressions of which none offers usable
// media (see Imp.Problem; an unreadable native request alone is a no-bid,
// not a rejection). It reports whether req passed; if not, c.Err names
// the first field at fault. It allocates only to grow its text, or for
// duplicate checks of more than 16 impressions.
func (c *Checker) Check(req *BidRequest) bool {
	if req.ID == "" {
		return c.fail("id", "required")
	}
	if req.TMax < 0 {
		c.text = strconv.AppendInt(append(c.text[:0], "negative: "...), int64(req.TMax), 10)
		return c.failText("tmax")
	}
	if !c.checkContext(req) {
		return false
	}
	if g := req.Regs.GDPR; g != -1 && g != 0 && g != 1 {
		c.text = strconv.AppendInt(append(c.text[:0], "not 0 or 1: "...), int64(g), 10)
		return c.failText("regs.gdpr")
	}
	if len(req.Imp) == 0 {
		return c.fail("imp", "at least one required")
	}
	if !c.checkImpIDs(req.Imp) || !c.checkFloors(req.Imp) {
		return false
	}
	for i := range req.Imp {
		// A native request that cannot be read is the exchange's payload
		// problem, not a malformed bid request: it is a no-bid.
		if p := req.Imp[i].Problem(); p == "" || p == ProblemNativeUnreadable {
			return true
		}
	}
	return c.unusable(&req.Imp[0], 0)
}

// checkContext refuses a request carrying more than one of site, app and
// dooh. It names the second one.
func (c *Checker) checkContext(req *BidRequest) bool {
	site, app, dooh := req.Site.Present, req.App.Present, req.DOOH.Present
	switch {
	case site && app:
		return c.fail("app", "not allowed with site")
	case site && dooh:
		return c.fail("dooh", "not allowed with site")
	case app && dooh:
		return c.fail("dooh", "not allowed with app")
	}
	return true
}

// checkImpIDs refuses empty and duplicate impression ids.
func (c *Checker) checkImpIDs(imps []Imp) bool {
	for i := range imps {
		if imps[i].ID == "" {
			return c.failImp(i, ".id", "required")
		}
	}
	if len(imps) <= smallImpCount {
		for i := 1; i < len(imps); i++ {
			for j := range i {
				if imps[i].ID == imps[j].ID {
					return c.duplicateImp(imps, i)
				}
			}
		}
		return true
	}
	seen := make(map[string]struct{}, len(imps))
	for i := range imps {
		if _, dup := seen[imps[i].ID]; dup {
			return c.duplicateImp(imps, i)
		}
		seen[imps[i].ID] = struct{}{}
	}
	return true
}

// checkFloors refuses a bid floor that is not a number, is negative, or is
// beyond what int64 micros hold (about 9e12): the exchange gets told,
// rather than a bid made as if the impression had no floor.
func (c *Checker) checkFloors(imps []Imp) bool {
	for i := range imps {
		if imps[i].BadFloor {
			return c.failImp(i, ".bidfloor", floorReason)
		}
		for j := range imps[i].PMP.Deals {
			if imps[i].PMP.Deals[j].BadFloor {
				t := appendImpField(c.text[:0], i, ".pmp.deals[")
				t = append(strconv.AppendInt(t, int64(j), 10), "].bidfloor"...)
				n := len(t)
				c.text = append(t, floorReason...)
				return c.failSplit(n)
			}
		}
	}
	return true
}

// duplicateImp refuses imps[i] for repeating an earlier id.
func (c *Checker) duplicateImp(imps []Imp, i int) bool {
	t := appendImpField(c.text[:0], i, ".id")
	n := len(t)
	c.text = strconv.AppendQuote(append(t, "duplicate "...), imps[i].ID)
	return c.failSplit(n)
}

// unusable refuses a request none of whose impressions can be bid on,
// naming the field behind the problem of imp, the i-th impression.
func (c *Checker) unusable(imp *Imp, i int) bool {
	p := imp.Problem()
	suffix := ""
	if p == ProblemBannerNoSize {
		suffix = ".banner"
	}
	t := appendImpField(c.text[:0], i, suffix)
	n := len(t)
	c.text = append(append(t, "no impression can be bid on: "...), p...)
	return c.failSplit(n)
}

// fail records a rejection of constant text and returns false.
func (c *Checker) fail(field, reason string) bool {
	c.Err = ValidationError{Field: field, Reason: reason}
	return false
}

// failImp records a rejection of a field of the i-th impression.
func (c *Checker) failImp(i int, suffix, reason string) bool {
	t := appendImpField(c.text[:0], i, suffix)
	n := len(t)
	c.text = append(t, reason...)
	return c.failSplit(n)
}

// failText records a rejection of field whose reason is c.text.
func (c *Checker) failText(field string) bool {
	c.Err = ValidationError{Field: field, Reason: c.textString(0, len(c.text))}
	return false
}

// failSplit records a rejection whose field is c.text before n and whose
// reason is the rest.
func (c *Checker) failSplit(n int) bool {
	c.Err = ValidationError{Field: c.textString(0, n), Reason: c.textString(n, len(c.text))}
	return false
}

// textString returns c.text[i:j] as a string sharing its memory. The next
// Check overwrites it, or leaves it alone and writes to a larger array.
func (c *Checker) textString(i, j int) string {
	if i == j {
		return ""
	}
	return unsafe.String(&c.text[i], j-i)
}

// appendImpField appends the name of a field of the i-th impression,
// e.g. "imp[2].id".
func appendImpField(dst []byte, i int, suffix string) []byte {
	dst = strconv.AppendInt(append(dst, "imp["...), int64(i), 10)
	return append(append(dst, ']'), suffix...)
}

// Problem returns "" when the impression can be bid on, else a short
// snake_case no-bid reason: ProblemNoMedia, ProblemBannerNoSize or
// ProblemNativeUnreadable. A banner or native offer that cannot be used
// is a problem only when the impression offers no usable media besides.
func (imp *Imp) Problem() string {
	b, v, a, n := &imp.Banner, &imp.Video, &imp.Audio, &imp.Native
	switch {
	case !b.Present && !v.Present && !a.Present && !n.Present:
		return ProblemNoMedia
	case v.Present || a.Present:
		return ""
	case b.Present && b.sized():
		return ""
	case n.Present && !n.Unreadable:
		return ""
	case b.Present:
		return ProblemBannerNoSize
	}
	return ProblemNativeUnreadable
}

// sized reports whether the banner gives a size: W and H, or a format
// with an exact size or an aspect ratio.
func (b *Banner) sized() bool {
	if b.W > 0 && b.H > 0 {
		return true
	}
	for _, f := range b.Format {
		if (f.W > 0 && f.H > 0) || (f.WRatio > 0 && f.HRatio > 0) {
			return true
		}
	}
	return false
}
