package doctor

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCheckHealth(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /ready", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "loading", http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	defer srv.Close()

	tests := []struct {
		name    string
		url     string
		wantErr bool
	}{
		{"healthy", srv.URL + "/health", false},
		{"not ready", srv.URL + "/ready", true},
		{"not found", srv.URL + "/nope", true},
		{"not http", "https://127.0.0.1:1/health", true},
		{"no host", "http:///health", true},
		{"unparsable", "http://[::1/health", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckHealth(context.Background(), tt.url)
			if (err != nil) != tt.wantErr {
				t.Errorf("got %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestCheckHealthRefusesOtherHosts(t *testing.T) {
	// None of these is dialled: the check refuses before any traffic.
	for _, u := range []string{
		"http://192.0.2.1:8080/health",
		"http://example.invalid/health",
		"http://[2001:db8::1]:8080/health",
	} {
		t.Run(u, func(t *testing.T) {
			if err := CheckHealth(context.Background(), u); !errors.Is(err, errNotLoopback) {
				t.Errorf("got %v, want %v", err, errNotLoopback)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true}, {"127.3.2.1", true}, {"::1", true}, {"localhost", true},
		{"10.0.0.1", false}, {"localhost.example", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			if got := isLoopback(tt.host); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
