package privacy

// Reasons reported in Decision.Reason. They are stable snake_case labels,
// fit for a metrics label or a log field; the package doc gives the rule
// behind each one.
const (
	// ReasonCOPPA: the request is child-directed; contextual only.
	ReasonCOPPA = "coppa"
	// ReasonGDPRNoConsent: GDPR applies and there is no readable TCF v2
	// consent string; no bid.
	ReasonGDPRNoConsent = "gdpr_no_consent"
	// ReasonGDPRNoPurposes: the TCF string lacks consent for purpose 1 or
	// 2; no bid.
	ReasonGDPRNoPurposes = "gdpr_no_purposes"
	// ReasonGDPRNoVendor: the TCF string lacks consent for Policy.VendorID;
	// no bid.
	ReasonGDPRNoVendor = "gdpr_no_vendor"
	// ReasonGDPRNoPersonalAds: the TCF string lacks consent for purpose 3
	// or 4; contextual only.
	ReasonGDPRNoPersonalAds = "gdpr_no_personal_ads"
	// ReasonUSPrivacyOptOut: a US privacy string opts out of sale;
	// contextual only.
	ReasonUSPrivacyOptOut = "us_privacy_opt_out"
	// ReasonUSPrivacyMalformed: a US privacy string cannot be read;
	// contextual only.
	ReasonUSPrivacyMalformed = "us_privacy_malformed"
	// ReasonGPPUnreadable: an applicable GPP section cannot be located, or
	// the GPP header cannot be read and no section ids were sent;
	// contextual only.
	ReasonGPPUnreadable = "gpp_unreadable"
	// ReasonGPPUSSection: a US national or state GPP section applies;
	// contextual only.
	ReasonGPPUSSection = "gpp_us_section"
	// ReasonGPPUnknownSection: a GPP section the gate cannot evaluate
	// applies; contextual only.
	ReasonGPPUnknownSection = "gpp_unknown_section"
)

// Signals are the privacy fields of one bid request, already folded from
// their OpenRTB 2.5 ext locations into the 2.6 ones by the decoder.
// Decide only reads them; the strings may alias the request buffer.
type Signals struct {
	// GDPR is regs.gdpr: -1 when absent, 0 when GDPR does not apply, 1
	// when it does. Zero is a real value (does not apply), so a caller
	// must set -1 for an absent field. Other negative values count as
	// absent, values above 1 as 1.
	GDPR int
	// Consent is the TCF v2 consent string (user.consent); empty when
	// absent.
	Consent string
	// USPrivacy is the US privacy string (regs.us_privacy), such as
	// "1YNN"; empty when absent.
	USPrivacy string
	// GPP is the Global Privacy Platform string (regs.gpp); empty when
	// absent.
	GPP string
	// GPPSID lists the GPP section ids that apply (regs.gpp_sid); nil or
	// empty when absent, and then the sections in the GPP header apply.
	GPPSID []int
	// COPPA is regs.coppa: 0 when absent or not child-directed, 1 when
	// child-directed. Any non-zero value counts as 1.
	COPPA int
}

// Policy is the bidder's fixed privacy configuration. The zero value is
// usable: it checks purposes but no vendor consent.
type Policy struct {
	// VendorID is our IAB Global Vendor List id. When above 0, a request
	// under GDPR is bid on only if its TCF string gives consent to this
	// vendor; 0 (or negative) means vendor consent is not checked.
	VendorID int
}

// Decision is what the bidder may do with one request. The zero value
// means no bid, without a reason; Decide always fills Reason when Bid is
// false.
type Decision struct {
	// Bid is false when the request must get no bid at all.
	Bid bool
	// Personal is true when user ids, segments and user-keyed frequency
	// caps may be used; false means contextual bidding only (or no bid).
	Personal bool
	// Reason is a snake_case label (one of the Reason constants): why no
	// bid when Bid is false, why contextual when Personal is false, empty
	// when Personal is true.
	Reason string
}

// contextual downgrades d to contextual bidding, keeping the first reason.
// An empty reason means the rule did not fire.
func (d *Decision) contextual(reason string) {
	if reason != "" && d.Personal {
		d.Personal = false
		d.Reason = reason
	}
}

// Decide applies the rules of the package doc to s. A nil s is a request
// with no privacy signals at all, which allows personal bidding. Decide
// does not allocate, never panics, and is safe for concurrent use.
func (p Policy) Decide(s *Signals) Decision {
	d := Decision{Bid: true, Personal: true}
	if s == nil {
		return d
	}

	g := readGPP(s.GPP)
	applicable := g.listed
	if len(s.GPPSID) > 0 {
		applicable = sectionsOf(s.GPPSID)
	}

	if s.COPPA != 0 {
		d.contextual(ReasonCOPPA)
	}

	if s.GDPR > 0 || (s.GDPR < 0 && applicable.has(sectionTCFEU)) {
		consent := s.Consent
		if consent == "" && g.hasTCF {
			consent = g.tcf
		}
		bid, reason := p.gdpr(consent)
		if !bid {
			return Decision{Reason: reason}
		}
		d.contextual(reason)
	}

	if s.USPrivacy != "" {
		d.contextual(uspReason(s.USPrivacy))
	}
	d.contextual(g.reason(applicable, len(s.GPPSID) > 0))
	return d
}

// gdpr judges a TCF consent string where GDPR applies. It reports whether
// a bid is allowed and, when the answer is no bid or contextual, why.
func (p Policy) gdpr(consent string) (bid bool, reason string) {
	c, err := readTCF(consent, p.VendorID)
	if err != nil {
		return false, ReasonGDPRNoConsent
	}
	if !c.purpose(1) || !c.purpose(2) {
		return false, ReasonGDPRNoPurposes
	}
	if p.VendorID > 0 && !c.vendor {
		return false, ReasonGDPRNoVendor
	}
	if !c.purpose(3) || !c.purpose(4) {
		return true, ReasonGDPRNoPersonalAds
	}
	return true, ""
}

// uspReason judges a non-empty US privacy string: "" when it allows
// personal bidding, else the contextual reason.
func uspReason(s string) string {
	if len(s) != 4 || s[0] != '1' {
		return ReasonUSPrivacyMalformed
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case 'Y', 'y', 'N', 'n', '-':
		default:
			return ReasonUSPrivacyMalformed
		}
	}
	// The third character is the opt-out of sale.
	if s[2] == 'Y' || s[2] == 'y' {
		return ReasonUSPrivacyOptOut
	}
	return ""
}
