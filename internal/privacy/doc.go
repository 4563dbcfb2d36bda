// Package privacy is the consent gate of the bid path. For each bid request
// it turns the request's privacy signals (GDPR and its TCF v2 consent
// string, the US privacy string, the GPP string and its section ids, COPPA)
// into one Decision: whether to bid at all, and whether the bid may use
// personal data.
//
// The gate runs once per request on a path that must not allocate in
// steady state, so Decide does no I/O and no heap allocation: the TCF and
// GPP readers decode into fixed-size buffers on the stack and return
// sub-strings of their input.
//
// # What the outcomes mean
//
//   - Bid=false: send no bid at all; Reason names why.
//   - Bid=true, Personal=false: bid only contextually. The bidder must not
//     use user ids, audience segments, or frequency caps keyed on the
//     user, so campaigns that need any of those do not match. Reason names
//     the rule that forced this.
//   - Bid=true, Personal=true: nothing in the request limits the bid.
//
// # How the rules combine
//
// Every rule below is evaluated; the strictest outcome wins (no bid over
// contextual over personal). A no-bid reason always wins; among
// contextual reasons the first by rule order (COPPA, GDPR, US privacy
// string, GPP) is reported.
//
// # COPPA
//
// Any non-zero regs.coppa: contextual only ("coppa").
//
// # GDPR
//
// GDPR applies when regs.gdpr is 1 (any value above 0 counts, so an
// out-of-range 2 fails closed), or when regs.gdpr is absent (-1) and the
// applicable GPP sections include 2 (EU TCF v2). An explicit regs.gdpr=0
// wins over GPP section 2. Where GDPR applies, the TCF string is
// user.consent or, when that is empty, section 2 of the GPP string. Then:
//
//   - missing, unreadable, or not TCF version 2: no bid
//     ("gdpr_no_consent");
//   - no consent for purpose 1 (store/access on a device) or purpose 2
//     (basic ads): no bid ("gdpr_no_purposes");
//   - Policy.VendorID > 0 and that vendor has no consent: no bid
//     ("gdpr_no_vendor");
//   - purposes 1 and 2 but not both 3 and 4 (personalised ads profile and
//     selection): contextual only ("gdpr_no_personal_ads");
//   - purposes 1 to 4: personal allowed.
//
// Only the consent legal basis counts: legitimate-interest signals,
// PurposeOneTreatment and publisher restrictions are not read, which can
// only make the gate stricter than the TCF policies require.
//
// # US privacy string
//
// Empty regs.us_privacy: no signal. Version 1 with 'Y' (either case) as
// third character, the opt-out of sale: contextual only
// ("us_privacy_opt_out"). Anything that is not four characters, version
// '1', then three of Y, N or '-': contextual only ("us_privacy_malformed").
// "1---" (not applicable) allows personal.
//
// # GPP
//
// The applicable sections are regs.gpp_sid, or, when gpp_sid is empty,
// every section listed in the GPP header. Then:
//
//   - a GPP string whose header cannot be read while gpp_sid is empty:
//     contextual only ("gpp_unreadable"), as nothing says what applies;
//   - section 6 (the US privacy string inside GPP) applicable: its text
//     goes through the US privacy rule (an empty section is malformed);
//     when it cannot be located in the GPP string: contextual only
//     ("gpp_unreadable");
//   - any of sections 7 to 22 (US national and state sections) applicable:
//     contextual only ("gpp_us_section"), without reading their opt-out
//     fields;
//   - section 1 (TCF EU v1, retired), 5 (TCF Canada) or any id above 22
//     applicable: contextual only ("gpp_unknown_section"): the gate cannot
//     evaluate them, so it fails closed;
//   - sections 3 and 4 (GPP header and signal integrity) and ids below 1
//     carry no consent and are ignored.
//
// # Decoding tolerance
//
// TCF strings are base64url without padding; trailing '=' padding and the
// standard-alphabet '+' and '/' are accepted. Only the first '.'-separated
// segment (the core string) is read. Without a vendor check only its first
// 30 characters (up to PurposesConsent) are decoded, so later characters
// are not validated; with one, at most 2048 characters are decoded and a
// vendor bit beyond them counts as unreadable.
package privacy
