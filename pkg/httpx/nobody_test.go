package httpx_test

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// TestAWriteWithoutABodyRefusesOne: an operation that takes no body runs on an empty one, and
// refuses one with content before its handler runs, so options sent as JSON ({"mode":"repair"}
// to the scheduling run) are never silently dropped for the defaults.
func TestAWriteWithoutABodyRefusesOne(t *testing.T) {
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")})
	api := httpx.API{Router: r, Doc: openapi.New("test", "1", "")}
	ran := 0
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/runs"}, func(c *gin.Context) {
		ran++
		c.Status(http.StatusNoContent)
	})
	for _, body := range []string{"", "  \n", "{}", "{ }", "null"} {
		if w := do(r, "POST", "/api/runs", body, nil); w.Code != http.StatusNoContent {
			t.Errorf("body %q: status %d, want 204; %s", body, w.Code, w.Body.String())
		}
	}
	for _, body := range []string{`{"mode":"repair"}`, `[]`, "mode=repair", "nu ll", `""`, "{}" + strings.Repeat(" ", 100) + "x"} {
		before := ran
		w := do(r, "POST", "/api/runs", body, nil)
		if w.Code != http.StatusBadRequest || problemOf(t, w).Code != "body_not_taken" || ran != before {
			t.Errorf("body %.20q: status %d, ran %d times; %s", body, w.Code, ran-before, w.Body.String())
		}
	}
}
