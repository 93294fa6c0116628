package httpx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// logLines collects JSON log lines.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// take returns the lines logged since the last take, each decoded, and the raw text.
func (l *logLines) take(t *testing.T) ([]map[string]any, string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	raw := l.buf.String()
	l.buf.Reset()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(raw), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out, raw
}

func accessRouter(level slog.Level, slow time.Duration, w *logLines) *gin.Engine {
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})).With("service", "test")
	r := httpx.NewRouter(httpx.Options{Log: log, SlowRequest: slow})
	r.GET("/api/read", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
	r.GET("/api/missing", func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{}) })
	r.GET("/api/broken", func(c *gin.Context) { c.JSON(http.StatusInternalServerError, gin.H{}) })
	r.POST("/api/write", func(c *gin.Context) {
		httpx.Logger(c).Info("wrote", "what", "a fair")
		c.JSON(http.StatusCreated, gin.H{})
	})
	return r
}

func serve(r http.Handler, method, path string) {
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("X-Correlation-ID", "corr-1")
	req.Header.Set(httpx.RequestIDHeader, "req-1")
	r.ServeHTTP(httptest.NewRecorder(), req)
}

func TestAccessLogLeavesQuickSuccessfulReadsToDebug(t *testing.T) {
	tests := []struct {
		name, method, path string
		level              slog.Level
		slow               time.Duration
		want               string // the access line's level, or "" for none
	}{
		{"a quick read at info", "GET", "/api/read", slog.LevelInfo, 0, ""},
		{"a quick read at debug", "GET", "/api/read", slog.LevelDebug, 0, "DEBUG"},
		{"a slow read", "GET", "/api/read", slog.LevelInfo, time.Nanosecond, "INFO"},
		{"a refused read", "GET", "/api/missing", slog.LevelInfo, 0, "INFO"},
		{"a failed read", "GET", "/api/broken", slog.LevelInfo, 0, "ERROR"},
		{"a write", "POST", "/api/write", slog.LevelInfo, 0, "INFO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w logLines
			serve(accessRouter(tt.level, tt.slow, &w), tt.method, tt.path)
			lines, raw := w.take(t)
			var access map[string]any
			for _, l := range lines {
				if l["msg"] == "http" {
					access = l
				}
			}
			switch {
			case tt.want == "" && access != nil:
				t.Errorf("%s %s logged %s, want no access line", tt.method, tt.path, raw)
			case tt.want != "" && (access == nil || access["level"] != tt.want):
				t.Errorf("%s %s logged %s, want an access line at %s", tt.method, tt.path, raw, tt.want)
			case access != nil && (access["correlation_id"] != "corr-1" || access["request_id"] != "req-1" || access["route"] != tt.path):
				t.Errorf("access line %s, want the request's IDs and route", raw)
			}
		})
	}
}

func TestRequestLoggerCarriesTheRequestIDs(t *testing.T) {
	var w logLines
	serve(accessRouter(slog.LevelInfo, 0, &w), "POST", "/api/write")
	_, raw := w.take(t)
	// The IDs come right after the logger's own attributes and before the line's, as With puts them.
	want := `"msg":"wrote","service":"test","correlation_id":"corr-1","request_id":"req-1","what":"a fair"}`
	if !strings.Contains(raw, want) {
		t.Errorf("a handler's log line is %s, want it to hold %s", raw, want)
	}
}

// A request that matched no route is logged as "unmatched", unless its handler named it
// (SetRoute: the gateway's proxy names the service it forwards to).
func TestAccessLogNamesUnmatchedRoutes(t *testing.T) {
	var w logLines
	r := accessRouter(slog.LevelInfo, 0, &w)
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/proxied/") {
			httpx.SetRoute(c, "proxy:event")
		}
		c.JSON(http.StatusCreated, gin.H{})
	})
	for path, want := range map[string]string{"/api/proxied/fairs": "proxy:event", "/elsewhere": "unmatched"} {
		serve(r, "POST", path)
		lines, raw := w.take(t)
		if len(lines) == 0 || lines[len(lines)-1]["route"] != want {
			t.Errorf("POST %s logged %s, want route %q", path, raw, want)
		}
	}
}
