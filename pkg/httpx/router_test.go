package httpx_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		peer    string
		xff     string
		want    string
	}{
		{name: "no proxies: the header is ignored", peer: "192.0.2.1:5000", xff: "198.51.100.7", want: "192.0.2.1"},
		{name: "a trusted proxy's header is believed", trusted: []string{"10.0.0.0/8"}, peer: "10.1.2.3:5000", xff: "198.51.100.7", want: "198.51.100.7"},
		{name: "only the part the proxy added", trusted: []string{"10.0.0.0/8"}, peer: "10.1.2.3:5000", xff: "203.0.113.9, 198.51.100.7", want: "198.51.100.7"},
		{name: "an untrusted peer's header is ignored", trusted: []string{"10.0.0.0/8"}, peer: "192.0.2.1:5000", xff: "198.51.100.7", want: "192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: tt.trusted})
			r.GET("/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tt.peer
			req.Header.Set("X-Forwarded-For", tt.xff)
			w := httptest.NewRecorder()
			r.ServeHTTP(w, req)
			if got := w.Body.String(); got != tt.want {
				t.Errorf("ClientIP(peer %s, X-Forwarded-For %q) = %q, want %q", tt.peer, tt.xff, got, tt.want)
			}
		})
	}
}

func TestDeclaredBodyOverTheLimitIsRefusedUpFront(t *testing.T) {
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	reached := false
	// A handler that passes the body on without reading it (as a proxy does) is never reached.
	r.POST("/api/pass", func(c *gin.Context) { reached = true; c.Status(http.StatusOK) })
	req := httptest.NewRequest(http.MethodPost, "/api/pass", strings.NewReader(strings.Repeat("a", httpx.MaxBodyBytes+1)))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.HasPrefix(w.Header().Get("Content-Type"), httpx.ProblemContentType) || reached {
		t.Errorf("POST of %d bytes: %d %q, handler reached %v; want 413 problem+json before the handler", httpx.MaxBodyBytes+1, w.Code, w.Header().Get("Content-Type"), reached)
	}
}

// TestReadyzSaysItsInstance: /readyz carries the instance its process was started with, so that
// the supervisor that started it tells it from another process that took the port.
func TestReadyzSaysItsInstance(t *testing.T) {
	gin.SetMode(gin.TestMode)
	for _, instance := range []string{"5e1f0a", ""} {
		r := gin.New()
		httpx.Ops(r, map[string]func(context.Context) error{}, instance)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if got := w.Header().Get("Ocopfair-Instance"); w.Code != http.StatusOK || got != instance {
			t.Errorf("GET /readyz with instance %q = %d, header %q", instance, w.Code, got)
		}
	}
}
