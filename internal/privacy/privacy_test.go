package privacy

import "testing"

// Outcomes the tables expect.
func personal() Decision { return Decision{Bid: true, Personal: true} }

func contextual(reason string) Decision {
	return Decision{Bid: true, Reason: reason}
}

func noBid(reason string) Decision { return Decision{Reason: reason} }

// decideCase is one row of a Decide table.
type decideCase struct {
	name   string
	policy Policy
	s      *Signals
	want   Decision
}

func runDecide(t *testing.T, tests []decideCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.Decide(tt.s); got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

var (
	p1234  = []int{1, 2, 3, 4}
	tcfAll = consentString(p1234)
	tcf12  = consentString([]int{1, 2})
	tcfNo  = consentString(nil)
	vendor = Policy{VendorID: testVendor}
)

func TestDecideBasics(t *testing.T) {
	runDecide(t, []decideCase{
		{name: "nil signals", s: nil, want: personal()},
		{name: "nothing sent", s: &Signals{GDPR: -1}, want: personal()},
		{name: "zero value means gdpr=0", s: &Signals{}, want: personal()},
		{name: "coppa", s: &Signals{GDPR: -1, COPPA: 1}, want: contextual(ReasonCOPPA)},
		{name: "coppa out of range", s: &Signals{GDPR: -1, COPPA: 2},
			want: contextual(ReasonCOPPA)},
	})
}

func TestDecideGDPR(t *testing.T) {
	runDecide(t, []decideCase{
		{name: "no consent string", s: &Signals{GDPR: 1}, want: noBid(ReasonGDPRNoConsent)},
		{name: "unreadable", s: &Signals{GDPR: 1, Consent: "not base64!"},
			want: noBid(ReasonGDPRNoConsent)},
		{name: "version 1", s: &Signals{GDPR: 1,
			Consent: encodeTCF(tcfFields{version: 1, purposes: p1234})},
			want: noBid(ReasonGDPRNoConsent)},
		{name: "truncated", s: &Signals{GDPR: 1, Consent: tcfAll[:20]},
			want: noBid(ReasonGDPRNoConsent)},
		{name: "no purposes", s: &Signals{GDPR: 1, Consent: tcfNo},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "purpose 1 only", s: &Signals{GDPR: 1, Consent: consentString([]int{1, 3, 4})},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "purpose 2 only", s: &Signals{GDPR: 1, Consent: consentString([]int{2, 3, 4})},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "purposes 1 2", s: &Signals{GDPR: 1, Consent: tcf12},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "purposes 1 2 3", s: &Signals{GDPR: 1, Consent: consentString([]int{1, 2, 3})},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "purposes 1 2 4", s: &Signals{GDPR: 1, Consent: consentString([]int{1, 2, 4})},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "purposes 1 to 4", s: &Signals{GDPR: 1, Consent: tcfAll}, want: personal()},
		{name: "purposes 1 to 10",
			s:    &Signals{GDPR: 1, Consent: consentString([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})},
			want: personal()},
		{name: "gdpr 2 fails closed", s: &Signals{GDPR: 2}, want: noBid(ReasonGDPRNoConsent)},
		{name: "gdpr 0 ignores consent", s: &Signals{GDPR: 0, Consent: "garbage"},
			want: personal()},
		{name: "gdpr absent ignores consent", s: &Signals{GDPR: -1, Consent: tcfNo},
			want: personal()},
		{name: "other negative is absent", s: &Signals{GDPR: -5}, want: personal()},
	})
}

func TestDecideVendor(t *testing.T) {
	inRange := encodeTCF(tcfFields{purposes: p1234, rangeEncoding: true,
		vendors: []int{10, 11, 12, testVendor - 1, testVendor, testVendor + 1}})
	outOfRange := encodeTCF(tcfFields{purposes: p1234, rangeEncoding: true,
		vendors: []int{1, 2, 3, 100}})
	runDecide(t, []decideCase{
		{name: "bit field consent", policy: vendor,
			s: &Signals{GDPR: 1, Consent: consentString(p1234, testVendor)}, want: personal()},
		{name: "bit field no consent", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString(p1234, testVendor-1, testVendor+1)},
			want: noBid(ReasonGDPRNoVendor)},
		{name: "range consent", policy: vendor, s: &Signals{GDPR: 1, Consent: inRange},
			want: personal()},
		{name: "range no consent", policy: vendor, s: &Signals{GDPR: 1, Consent: outOfRange},
			want: noBid(ReasonGDPRNoVendor)},
		{name: "vendor above max id", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString(p1234, 5)},
			want: noBid(ReasonGDPRNoVendor)},
		{name: "vendor consent but purposes 1 2 only", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString([]int{1, 2}, testVendor)},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "purposes checked before vendor", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString([]int{1})},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "vendor section cut off", policy: vendor,
			s: &Signals{GDPR: 1, Consent: tcfAll[:30]}, want: noBid(ReasonGDPRNoConsent)},
		{name: "vendor section not needed without a vendor id",
			s: &Signals{GDPR: 1, Consent: tcfAll[:30]}, want: personal()},
		{name: "negative vendor id is not checked", policy: Policy{VendorID: -1},
			s: &Signals{GDPR: 1, Consent: tcfAll}, want: personal()},
		{name: "padded string", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString(p1234, testVendor) + "=="},
			want: personal()},
		{name: "extra segments", policy: vendor,
			s:    &Signals{GDPR: 1, Consent: consentString(p1234, testVendor) + ".QA.YAAA"},
			want: personal()},
	})
}

func TestDecideUSPrivacy(t *testing.T) {
	runDecide(t, []decideCase{
		{name: "no opt-out", s: &Signals{GDPR: -1, USPrivacy: "1YNN"}, want: personal()},
		{name: "not applicable", s: &Signals{GDPR: -1, USPrivacy: "1---"}, want: personal()},
		{name: "opt-out", s: &Signals{GDPR: -1, USPrivacy: "1NYN"},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "opt-out lower case", s: &Signals{GDPR: -1, USPrivacy: "1nyn"},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "all yes", s: &Signals{GDPR: -1, USPrivacy: "1YYY"},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "too short", s: &Signals{GDPR: -1, USPrivacy: "1YN"},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "too long", s: &Signals{GDPR: -1, USPrivacy: "1YNNN"},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "version 2", s: &Signals{GDPR: -1, USPrivacy: "2NNN"},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "bad letter", s: &Signals{GDPR: -1, USPrivacy: "1NXN"},
			want: contextual(ReasonUSPrivacyMalformed)},
	})
}

func TestDecideGPP(t *testing.T) {
	gppTCF := gppString([]int{2}, tcfAll)
	runDecide(t, []decideCase{
		{name: "sid 2 makes gdpr apply", s: &Signals{GDPR: -1, GPPSID: []int{2}},
			want: noBid(ReasonGDPRNoConsent)},
		{name: "sid 2 with consent", s: &Signals{GDPR: -1, GPPSID: []int{2}, Consent: tcfAll},
			want: personal()},
		{name: "explicit gdpr 0 beats sid 2", s: &Signals{GDPR: 0, GPPSID: []int{2}},
			want: personal()},
		{name: "tcf taken from gpp section 2",
			s: &Signals{GDPR: -1, GPPSID: []int{2}, GPP: gppTCF}, want: personal()},
		{name: "gpp section 2 with gdpr 1", s: &Signals{GDPR: 1, GPP: gppTCF},
			want: personal()},
		{name: "user.consent beats gpp section 2",
			s:    &Signals{GDPR: 1, Consent: tcfNo, GPP: gppTCF},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "header lists 2 without sid",
			s:    &Signals{GDPR: -1, GPP: gppString([]int{2}, tcf12)},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "section 6 no opt-out",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: gppString([]int{6}, "1YNN")},
			want: personal()},
		{name: "section 6 opt-out",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: gppString([]int{6}, "1YYN")},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "section 6 empty",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: encodeGPPHeader([]int{6})},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "section 6 malformed",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: gppString([]int{6}, "YNN")},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "section 6 not in header",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: gppString([]int{2}, tcfAll)},
			want: contextual(ReasonGPPUnreadable)},
		{name: "section 6 without gpp string", s: &Signals{GDPR: -1, GPPSID: []int{6}},
			want: contextual(ReasonGPPUnreadable)},
		{name: "section 6 with unreadable header",
			s:    &Signals{GDPR: -1, GPPSID: []int{6}, GPP: "header~1YNN"},
			want: contextual(ReasonGPPUnreadable)},
		{name: "section 6 in header, not in sid",
			s:    &Signals{GDPR: -1, GPPSID: []int{3}, GPP: gppString([]int{6}, "1YYN")},
			want: personal()},
		{name: "unreadable header without sid", s: &Signals{GDPR: -1, GPP: "garbage~1YNN"},
			want: contextual(ReasonGPPUnreadable)},
		{name: "unreadable header not needed",
			s: &Signals{GDPR: -1, GPPSID: []int{3, 4}, GPP: "garbage"}, want: personal()},
		{name: "US national", s: &Signals{GDPR: -1, GPPSID: []int{7}},
			want: contextual(ReasonGPPUSSection)},
		{name: "Connecticut", s: &Signals{GDPR: -1, GPPSID: []int{12}},
			want: contextual(ReasonGPPUSSection)},
		{name: "Tennessee", s: &Signals{GDPR: -1, GPPSID: []int{22}},
			want: contextual(ReasonGPPUSSection)},
		{name: "US section from header",
			s:    &Signals{GDPR: -1, GPP: gppString([]int{8}, "BAAAAAAAAQA")},
			want: contextual(ReasonGPPUSSection)},
		{name: "id 23", s: &Signals{GDPR: -1, GPPSID: []int{23}},
			want: contextual(ReasonGPPUnknownSection)},
		{name: "id 1000", s: &Signals{GDPR: -1, GPPSID: []int{1000}},
			want: contextual(ReasonGPPUnknownSection)},
		{name: "Canada", s: &Signals{GDPR: -1, GPPSID: []int{5}},
			want: contextual(ReasonGPPUnknownSection)},
		{name: "TCF v1", s: &Signals{GDPR: -1, GPPSID: []int{1}},
			want: contextual(ReasonGPPUnknownSection)},
		{name: "header and integrity ids", s: &Signals{GDPR: -1, GPPSID: []int{3, 4}},
			want: personal()},
		{name: "zero and negative ids", s: &Signals{GDPR: -1, GPPSID: []int{0, -2}},
			want: personal()},
	})
}

// TestDecideCombinations checks that the strictest rule wins and which
// reason is reported when several fire.
func TestDecideCombinations(t *testing.T) {
	runDecide(t, []decideCase{
		{name: "coppa and gdpr without consent",
			s: &Signals{GDPR: 1, COPPA: 1}, want: noBid(ReasonGDPRNoConsent)},
		{name: "coppa and gdpr no vendor", policy: vendor,
			s: &Signals{GDPR: 1, COPPA: 1, Consent: tcfAll}, want: noBid(ReasonGDPRNoVendor)},
		{name: "coppa and full consent", s: &Signals{GDPR: 1, COPPA: 1, Consent: tcfAll},
			want: contextual(ReasonCOPPA)},
		{name: "coppa before us privacy",
			s: &Signals{GDPR: -1, COPPA: 1, USPrivacy: "1NYN"}, want: contextual(ReasonCOPPA)},
		{name: "gdpr contextual before us privacy",
			s:    &Signals{GDPR: 1, Consent: tcf12, USPrivacy: "1NYN"},
			want: contextual(ReasonGDPRNoPersonalAds)},
		{name: "full consent, us privacy opt-out",
			s:    &Signals{GDPR: 1, Consent: tcfAll, USPrivacy: "1NYN"},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "full consent, us privacy malformed",
			s:    &Signals{GDPR: 1, Consent: tcfAll, USPrivacy: "bad"},
			want: contextual(ReasonUSPrivacyMalformed)},
		{name: "us privacy before gpp",
			s:    &Signals{GDPR: -1, USPrivacy: "1NYN", GPPSID: []int{7}},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "us privacy fine, gpp US section",
			s:    &Signals{GDPR: -1, USPrivacy: "1YNN", GPPSID: []int{7}},
			want: contextual(ReasonGPPUSSection)},
		{name: "us privacy fine, gpp section 6 opt-out",
			s: &Signals{GDPR: -1, USPrivacy: "1YNN", GPPSID: []int{6},
				GPP: gppString([]int{6}, "1NYN")},
			want: contextual(ReasonUSPrivacyOptOut)},
		{name: "gpp sid 2 and 6: no purposes beats opt-out",
			s: &Signals{GDPR: -1, GPPSID: []int{2, 6},
				GPP: gppString([]int{2, 6}, tcfNo, "1NYN")},
			want: noBid(ReasonGDPRNoPurposes)},
		{name: "every signal allows personal", policy: vendor,
			s: &Signals{GDPR: 1, Consent: consentString(p1234, testVendor),
				USPrivacy: "1YNN", GPPSID: []int{2, 6},
				GPP: gppString([]int{2, 6}, tcfAll, "1NNN")},
			want: personal()},
	})
}

// sink keeps benchmark and allocation results alive.
var sink Decision

// hotSignals is a request that exercises every reader on the bid path.
func hotSignals() *Signals {
	return &Signals{
		GDPR: 1,
		Consent: encodeTCF(tcfFields{purposes: p1234, rangeEncoding: true,
			vendors: []int{4, 5, 6, 50, testVendor, 300}}),
		USPrivacy: "1YNN",
		GPP:       gppString([]int{2, 6}, tcfAll, "1YNN"),
		GPPSID:    []int{2, 6},
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	s := hotSignals()
	if got := vendor.Decide(s); got != personal() {
		t.Fatalf("Decide = %+v, want %+v", got, personal())
	}
	allocs := testing.AllocsPerRun(200, func() { sink = vendor.Decide(s) })
	if allocs != 0 {
		t.Errorf("Decide allocates %v times per call, want 0", allocs)
	}
}

func BenchmarkDecide(b *testing.B) {
	cases := []struct {
		name   string
		policy Policy
		s      *Signals
	}{
		{name: "no_signals", s: &Signals{GDPR: -1}},
		{name: "tcf_purposes", s: &Signals{GDPR: 1, Consent: tcfAll}},
		{name: "tcf_bitfield_vendor", policy: vendor,
			s: &Signals{GDPR: 1, Consent: consentString(p1234, 1, 50, testVendor, 900)}},
		{name: "tcf_range_gpp_usp", policy: vendor, s: hotSignals()},
		{name: "gpp_us_section", s: &Signals{GDPR: -1, GPPSID: []int{7},
			GPP: gppString([]int{7}, "BAAAAAAAAQA")}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = c.policy.Decide(c.s)
			}
		})
	}
}

func FuzzDecide(f *testing.F) {
	f.Add(1, tcfAll, "1YNN", gppString([]int{2, 6}, tcfAll, "1NYN"), []byte{2, 6}, 0,
		testVendor)
	f.Add(-1, "", "", "DBACNYA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA~1NYN",
		[]byte{6}, 0, 0)
	f.Add(-1, "", "1---", "header~1YNN", []byte{}, 1, 0)
	f.Add(1, consentString(p1234, testVendor), "", "", []byte{7}, 0, testVendor)
	f.Fuzz(func(t *testing.T, gdpr int, consent, usp, gpp string, sid []byte,
		coppa, vendorID int) {
		s := &Signals{GDPR: gdpr, Consent: consent, USPrivacy: usp, GPP: gpp, COPPA: coppa}
		for _, id := range sid {
			s.GPPSID = append(s.GPPSID, int(id))
		}
		got := Policy{VendorID: vendorID}.Decide(s)

		switch {
		case !got.Bid && (got.Personal || got.Reason == ""):
			t.Errorf("no bid must be impersonal and give a reason: %+v", got)
		case got.Bid && got.Personal && got.Reason != "":
			t.Errorf("personal bid with a reason: %+v", got)
		case got.Bid && !got.Personal && got.Reason == "":
			t.Errorf("contextual bid without a reason: %+v", got)
		case coppa != 0 && got.Personal:
			t.Errorf("coppa=%d allowed personal: %+v", coppa, got)
		case gdpr > 0 && got.Bid && consent == "" && gpp == "":
			t.Errorf("gdpr without any consent string allowed a bid: %+v", got)
		}
	})
}
