package openrtb

import (
	"strconv"
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

// Validate checks the rules that make a request unusable as a whole: a
// missing id; a negative tmax; more than one of site, app and dooh;
// regs.gdpr other than 0 or 1; no impression; an impression without id;
// duplicate impression ids; a bid floor, of an impression or a deal, that
// is not a price in range; and impressions of which none offers usable
// media (see Imp.Problem; an unreadable native request alone is a no-bid,
// not a rejection). It returns a *ValidationError naming the first
// field at fault, or nil. It allocates only when it fails, or for
// duplicate checks of more than 16 impressions.
func Validate(req *BidRequest) error {
	if req.ID == "" {
		return &ValidationError{Field: "id", Reason: "required"}
	}
	if req.TMax < 0 {
		return &ValidationError{Field: "tmax", Reason: "negative: " + strconv.Itoa(req.TMax)}
	}
	if err := validateContext(req); err != nil {
		return err
	}
	if g := req.Regs.GDPR; g != -1 && g != 0 && g != 1 {
		return &ValidationError{Field: "regs.gdpr", Reason: "not 0 or 1: " + strconv.Itoa(g)}
	}
	if len(req.Imp) == 0 {
		return &ValidationError{Field: "imp", Reason: "at least one required"}
	}
	if err := validateImpIDs(req.Imp); err != nil {
		return err
	}
	if err := validateFloors(req.Imp); err != nil {
		return err
	}
	for i := range req.Imp {
		// A native request that cannot be read is the exchange's payload
		// problem, not a malformed bid request: it is a no-bid.
		if p := req.Imp[i].Problem(); p == "" || p == ProblemNativeUnreadable {
			return nil
		}
	}
	return unusable(&req.Imp[0], 0)
}

// validateContext rejects a request carrying more than one of site, app
// and dooh. It names the second one.
func validateContext(req *BidRequest) error {
	first := ""
	for _, c := range [...]struct {
		name    string
		present bool
	}{
		{"site", req.Site.Present},
		{"app", req.App.Present},
		{"dooh", req.DOOH.Present},
	} {
		switch {
		case !c.present:
		case first == "":
			first = c.name
		default:
			return &ValidationError{Field: c.name, Reason: "not allowed with " + first}
		}
	}
	return nil
}

// validateImpIDs rejects empty and duplicate impression ids.
func validateImpIDs(imps []Imp) error {
	for i := range imps {
		if imps[i].ID == "" {
			return &ValidationError{Field: impField(i, ".id"), Reason: "required"}
		}
	}
	if len(imps) <= smallImpCount {
		for i := 1; i < len(imps); i++ {
			for j := range i {
				if imps[i].ID == imps[j].ID {
					return duplicateImp(imps, i)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, len(imps))
	for i := range imps {
		if _, dup := seen[imps[i].ID]; dup {
			return duplicateImp(imps, i)
		}
		seen[imps[i].ID] = struct{}{}
	}
	return nil
}

// validateFloors rejects a bid floor that is not a number, is negative, or
// is beyond what int64 micros hold (about 9e12): the exchange gets told,
// rather than a bid made as if the impression had no floor.
func validateFloors(imps []Imp) error {
	const reason = "not a price (a number from 0 to 9e12)"
	for i := range imps {
		if imps[i].BadFloor {
			return &ValidationError{Field: impField(i, ".bidfloor"), Reason: reason}
		}
		for j := range imps[i].PMP.Deals {
			if imps[i].PMP.Deals[j].BadFloor {
				return &ValidationError{
					Field:  impField(i, ".pmp.deals["+strconv.Itoa(j)+"].bidfloor"),
					Reason: reason,
				}
			}
		}
	}
	return nil
}

// duplicateImp reports imps[i] as repeating an earlier id.
func duplicateImp(imps []Imp, i int) error {
	return &ValidationError{
		Field:  impField(i, ".id"),
		Reason: "duplicate " + strconv.Quote(imps[i].ID),
	}
}

// unusable reports that no impression can be bid on, naming the field
// behind the problem of imp, the i-th impression.
func unusable(imp *Imp, i int) error {
	p := imp.Problem()
	field := impField(i, "")
	switch p {
	case ProblemBannerNoSize:
		field = impField(i, ".banner")
	}
	return &ValidationError{Field: field, Reason: "no impression can be bid on: " + p}
}

// impField names a field of the i-th impression, e.g. "imp[2].id".
func impField(i int, suffix string) string {
	return "imp[" + strconv.Itoa(i) + "]" + suffix
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
