package admin

import (
	"embed"
	"io/fs"
	"net/http"
)

// dashboardFiles are the page, its script and its style sheet. They are
// plain files with no build step, and reference nothing outside the admin
// listener.
//
//go:embed dashboard
var dashboardFiles embed.FS

// csp keeps the page to its own origin: no CDN, font or script from
// anywhere else can load, even if markup from a creative were shown.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// dashboard serves the page at / and its assets under /dashboard/. They
// need no token: the page asks for one and sends it with every API call.
func (a *API) dashboard(mux *http.ServeMux) {
	sub, err := fs.Sub(dashboardFiles, "dashboard")
	if err != nil {
		// The directory is embedded at build time, so this cannot fail.
		panic(err)
	}
	files := http.StripPrefix("/dashboard/", http.FileServerFS(sub))
	secure := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Header().Set("Referrer-Policy", "no-referrer")
			h.ServeHTTP(w, r)
		})
	}
	mux.Handle("GET /dashboard/", secure(files))
	mux.Handle("GET /{$}", secure(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, sub, "index.html")
	})))
}
