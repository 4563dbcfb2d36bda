package admin

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestDashboardServedWithoutExternalFetches(t *testing.T) {
	f := newFixture(t, Options{})
	for _, path := range []string{"/", "/dashboard/app.js", "/dashboard/app.css"} {
		req := httptest.NewRequestWithContext(t.Context(), "GET", path, nil)
		rec := httptest.NewRecorder()
		f.api.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, rec.Code)
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp,
			"default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q, want default-src 'self'", path, csp)
		}
	}

	// No asset names another origin: no CDN, no web font, no analytics.
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(`)
	err := fs.WalkDir(dashboardFiles, "dashboard", func(path string, d fs.DirEntry,
		err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := dashboardFiles.ReadFile(path)
		if err != nil {
			return err
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s refers outside the admin listener: %q", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnknownPathIs404(t *testing.T) {
	f := newFixture(t, Options{})
	for _, path := range []string{"/api/v2/campaigns", "/api/v1/nothing", "/admin"} {
		if code, _ := f.do(t, f.operator, "GET", path, ""); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
}
