package privacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared request corpus, relative to this package.
const corpusDir = "../../../shared/corpus"

// corpusRegs holds the privacy fields of a corpus request at both their
// OpenRTB 2.6 and their 2.5 ext locations.
type corpusRegs struct {
	COPPA     int    `json:"coppa"`
	GDPR      *int   `json:"gdpr"`
	USPrivacy string `json:"us_privacy"`
	GPP       string `json:"gpp"`
	GPPSID    []int  `json:"gpp_sid"`
	Ext       struct {
		GDPR      *int   `json:"gdpr"`
		USPrivacy string `json:"us_privacy"`
		GPP       string `json:"gpp"`
		GPPSID    []int  `json:"gpp_sid"`
	} `json:"ext"`
}

type corpusRequest struct {
	Regs corpusRegs `json:"regs"`
	User struct {
		Consent json.RawMessage `json:"consent"`
		Ext     struct {
			Consent json.RawMessage `json:"consent"`
		} `json:"ext"`
	} `json:"user"`
}

// consentText reads a consent value the way a tolerant decoder does: a
// JSON string gives its text, any other scalar (the number in invalid/i10)
// its literal text, null or absent nothing.
func consentText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] != '"' {
		return string(raw)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("consent %s: %v", raw, err)
	}
	return s
}

// corpusSignals loads one corpus file and folds its 2.5 ext locations
// into the 2.6 fields, the 2.6 field winning when both are present.
func corpusSignals(t *testing.T, name string) *Signals {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	var req corpusRequest
	if err := json.Unmarshal(data, &req); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}

	r := req.Regs
	s := &Signals{GDPR: -1, COPPA: r.COPPA, USPrivacy: r.USPrivacy, GPP: r.GPP,
		GPPSID: r.GPPSID}
	switch {
	case r.GDPR != nil:
		s.GDPR = *r.GDPR
	case r.Ext.GDPR != nil:
		s.GDPR = *r.Ext.GDPR
	}
	if s.USPrivacy == "" {
		s.USPrivacy = r.Ext.USPrivacy
	}
	if s.GPP == "" {
		s.GPP = r.Ext.GPP
	}
	if len(s.GPPSID) == 0 {
		s.GPPSID = r.Ext.GPPSID
	}
	s.Consent = consentText(t, req.User.Consent)
	if s.Consent == "" {
		s.Consent = consentText(t, req.User.Ext.Consent)
	}
	return s
}

// TestCorpusDecisions runs the privacy cases of the corpus through Decide,
// with and without a vendor check; none of them turns on the vendor.
func TestCorpusDecisions(t *testing.T) {
	tests := []struct {
		file string
		want Decision
	}{
		// gpp_sid [6] but "header" is no GPP header: section 6 is lost.
		{file: "requests/31_pbs_yahoo_regs_gpp.json", want: contextual(ReasonGPPUnreadable)},
		// The spec's example TC string consents to no purpose at all.
		{file: "requests/32_pbs_gdpr_gpp_conflict.json", want: noBid(ReasonGDPRNoPurposes)},
		// "1YYY" opts out of sale, and so does the GPP section 6 "1NYN".
		{file: "requests/33_pbs_uspriv_gpp_conflict.json",
			want: contextual(ReasonUSPrivacyOptOut)},
		// regs.ext.gdpr 1 with "some-consent-string", which is not TCF v2.
		{file: "requests/34_pbs_25_ext_locations.json", want: noBid(ReasonGDPRNoConsent)},
		// gdpr 1; user.ext.gdpr "consent-covering" is no consent field.
		{file: "requests/42_pbs_nulls_and_string_gdpr.json",
			want: noBid(ReasonGDPRNoConsent)},
		{file: "requests/46_pbs_coppa.json", want: contextual(ReasonCOPPA)},
		// regs.ext.gdpr 1 with "gdpr-consent-string".
		{file: "requests/49_pbs_all_ext_multi_bidder.json", want: noBid(ReasonGDPRNoConsent)},
		// user.ext.consent is the number 1, read as the text "1".
		{file: "invalid/i10_pbs_user_ext_consent_int.json", want: noBid(ReasonGDPRNoConsent)},
		{file: "requests/12_google_full_dupkeys_native_string.json",
			want: contextual(ReasonCOPPA)},
		{file: "requests/13_google_full_native_object_sua.json", want: contextual(ReasonCOPPA)},
		// coppa 1 and gdpr 1 with consent "0101": the no bid wins.
		{file: "requests/14_conv_all_app_25_kitchen_sink.json",
			want: noBid(ReasonGDPRNoConsent)},
		{file: "requests/16_conv_audio_app_25.json", want: noBid(ReasonGDPRNoConsent)},
		{file: "requests/17_conv_native_app_25_string.json", want: noBid(ReasonGDPRNoConsent)},
		{file: "requests/19_conv_banner_dooh_in_ext_25.json",
			want: noBid(ReasonGDPRNoConsent)},
		// A consent string without any GDPR signal is not read.
		{file: "requests/43_pbs_imp_ext_array.json", want: personal()},
		{file: "requests/01_iab26_simple_banner.json", want: personal()},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := corpusSignals(t, tt.file)
			for _, p := range []Policy{{}, vendor} {
				if got := p.Decide(s); got != tt.want {
					t.Errorf("Policy%+v.Decide(%+v) = %+v, want %+v", p, s, got, tt.want)
				}
			}
		})
	}
}

// TestCorpusConsentStrings reads every consent string of the corpus
// requests and asserts what each holds. A file with a consent string that
// this table does not know fails the test, so a new one gets a look.
func TestCorpusConsentStrings(t *testing.T) {
	tests := map[string]struct {
		consent string
		wantErr error
	}{
		"14_conv_all_app_25_kitchen_sink.json": {consent: "0101", wantErr: errTCFVersion},
		"16_conv_audio_app_25.json":            {consent: "0101", wantErr: errTCFVersion},
		"17_conv_native_app_25_string.json":    {consent: "0101", wantErr: errTCFVersion},
		"19_conv_banner_dooh_in_ext_25.json":   {consent: "0101", wantErr: errTCFVersion},
		"32_pbs_gdpr_gpp_conflict.json": {
			consent: "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"},
		"34_pbs_25_ext_locations.json": {consent: "some-consent-string",
			wantErr: errTCFVersion},
		"43_pbs_imp_ext_array.json": {consent: "consent-string", wantErr: errTCFVersion},
		"49_pbs_all_ext_multi_bidder.json": {consent: "gdpr-consent-string",
			wantErr: errTCFVersion},
	}

	entries, err := os.ReadDir(filepath.Join(corpusDir, "requests"))
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	seen := 0
	for _, e := range entries {
		s := corpusSignals(t, "requests/"+e.Name())
		if s.Consent == "" {
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			want, ok := tests[e.Name()]
			if !ok {
				t.Fatalf("consent %q is not in the table", s.Consent)
			}
			if s.Consent != want.consent {
				t.Fatalf("consent = %q, want %q", s.Consent, want.consent)
			}
			got, err := readTCF(s.Consent, testVendor)
			if !errors.Is(err, want.wantErr) {
				t.Fatalf("readTCF error = %v, want %v", err, want.wantErr)
			}
			if err == nil && (got.purposes != 0 || got.vendor) {
				t.Errorf("readTCF = %+v, want no purpose and no vendor", got)
			}
		})
	}
	if seen != len(tests) {
		t.Errorf("found %d consent strings in the corpus, want %d", seen, len(tests))
	}
}

// TestCorpusTCFString rebuilds the one real TC string of the corpus from
// the field values it is known to carry, which pins both the encoder and
// the field offsets to a string made by a real CMP.
func TestCorpusTCFString(t *testing.T) {
	s := corpusSignals(t, "requests/32_pbs_gdpr_gpp_conflict.json")
	want := tcfFields{
		created:           16504920000, // deciseconds: 2022-04-20 22:00 UTC
		updated:           16504920000,
		cmpID:             31,
		cmpVersion:        640,
		consentScreen:     1,
		language:          "EN",
		vendorListVersion: 126,
		policyVersion:     2,
		serviceSpecific:   true,
		publisherCC:       "DE",
	}
	if got := encodeTCF(want); got != s.Consent {
		t.Errorf("encodeTCF = %q, want the corpus string %q", got, s.Consent)
	}
}

// TestCorpusGPPStrings reads the GPP strings of the corpus.
func TestCorpusGPPStrings(t *testing.T) {
	const tcf = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA"
	tests := []struct {
		file string
		want gppInfo
	}{
		{file: "requests/31_pbs_yahoo_regs_gpp.json", want: gppInfo{present: true}},
		{file: "requests/32_pbs_gdpr_gpp_conflict.json", want: gppInfo{present: true,
			readable: true, listed: 1<<2 | 1<<6, tcf: tcf, hasTCF: true,
			usp: "1NYN", hasUSP: true}},
		{file: "requests/33_pbs_uspriv_gpp_conflict.json", want: gppInfo{present: true,
			readable: true, listed: 1<<2 | 1<<6, tcf: tcf, hasTCF: true,
			usp: "1NYN", hasUSP: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := corpusSignals(t, tt.file)
			if got := readGPP(s.GPP); got != tt.want {
				t.Errorf("readGPP(%q) =\n%+v, want\n%+v", s.GPP, got, tt.want)
			}
		})
	}
}

// TestCorpusAllRequests runs every corpus request through Decide: none may
// panic, and no child-directed one may allow personal bidding.
func TestCorpusAllRequests(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(corpusDir, "requests"))
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	if len(entries) == 0 {
		t.Fatal("corpus has no requests")
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		s := corpusSignals(t, "requests/"+e.Name())
		got := vendor.Decide(s)
		if s.COPPA != 0 && got.Personal {
			t.Errorf("%s: coppa request allowed personal: %+v", e.Name(), got)
		}
	}
}
