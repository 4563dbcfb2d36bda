package campaign

import (
	"strings"
	"testing"
)

func TestCheckClickURL(t *testing.T) {
	long := "https://brand.example.com/" + strings.Repeat("a", MaxClickURL)
	tests := []struct {
		url  string
		want string // a fragment of the problem; "" means accepted
	}{
		{"", ""},
		{"https://brand.example.com/", ""},
		{"http://brand.example.com:8080/spring?utm_source=nordbid&x=%20y#top", ""},
		{"HTTPS://Brand.Example.com/", ""},
		{long[:MaxClickURL], ""},
		{long, "longer than 2048 bytes"},
		{"/relative/path", "absolute http or https"},
		{"brand.example.com/spring", "absolute http or https"},
		{"javascript:alert(1)", "absolute http or https"},
		{"ftp://brand.example.com/", "absolute http or https"},
		{"https:///no-host", "absolute http or https"},
		{"https://brand.example.com/a b", "percent-encoded"},
		{"https://brand.example.com/\r\nSet-Cookie: x=1", "percent-encoded"},
		{"https://brand.example.com/\x7f", "percent-encoded"},
		{"https://brand.example.com/späť", "percent-encoded"},
		{"https://[::1", "absolute http or https"},
		{"https://[::1]:8443/", ""},
		{"https://brand.example.com:99999/", "port must be from 1 to 65535"},
		{"https://brand.example.com:0/", "port must be from 1 to 65535"},
		{"https://:443/", "absolute http or https"},
		{"https://brand.example.com@elsewhere.example.net/", "user name or password"},
		{"https://user:pw@brand.example.com/", "user name or password"},
	}
	for _, tt := range tests {
		got := CheckClickURL(tt.url)
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("CheckClickURL(%.40q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestCheckBundle(t *testing.T) {
	for b, want := range map[string]string{
		"":                               "",
		"com.example.game":               "",
		"1234567890":                     "",
		"com.example game":               "printable ASCII",
		"com.exämple":                    "printable ASCII",
		"com.example\n":                  "printable ASCII",
		strings.Repeat("a", MaxBundle):   "",
		strings.Repeat("a", MaxBundle+1): "longer than 256 bytes",
	} {
		got := CheckBundle(b)
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("CheckBundle(%.20q) = %q, want %q", b, got, want)
		}
	}
}

func TestCreativeValidateNamesClickURL(t *testing.T) {
	c := Creative{Status: StatusActive, Format: FormatNative, Markup: "{}",
		ClickURL: "mailto:sales@brand.example.com"}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "click_url: must be an absolute") {
		t.Fatalf("Validate() = %v, want a click_url problem", err)
	}
	c.ClickURL = "https://brand.example.com/"
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate() = %v, want nil", err)
	}
}
