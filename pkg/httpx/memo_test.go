package httpx_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

func TestMemoBuildsOncePerVersion(t *testing.T) {
	gin.SetMode(gin.TestMode)
	memo := httpx.NewMemo(1 << 20)
	builds, version := 0, "v1"
	r := gin.New()
	r.GET("/plan", func(c *gin.Context) {
		memo.JSON(c, "plan", version, func() any { builds++; return map[string]any{"version": version} })
	})
	get := func(inm string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/plan", nil)
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		r.ServeHTTP(w, req)
		return w
	}
	first := get("")
	second := get("")
	if builds != 1 || first.Body.String() != second.Body.String() || first.Header().Get("ETag") == "" {
		t.Fatalf("two reads at one version built %d times, bodies %q and %q", builds, first.Body, second.Body)
	}
	if w := get(first.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("matching If-None-Match = %d, want 304", w.Code)
	}
	version = "v2"
	third := get(first.Header().Get("ETag"))
	if builds != 2 || third.Code != http.StatusOK || third.Body.String() != `{"version":"v2"}` {
		t.Errorf("read after a change = %d %q after %d builds, want 200 with the new answer built again", third.Code, third.Body, builds)
	}
}

func TestMemoStaysWithinItsBytes(t *testing.T) {
	gin.SetMode(gin.TestMode)
	memo := httpx.NewMemo(100)
	builds := 0
	r := gin.New()
	r.GET("/:k", func(c *gin.Context) {
		memo.JSON(c, c.Param("k"), "v", func() any { builds++; return map[string]string{"pad": "0123456789012345678901234567890123456789"} })
	})
	for _, k := range []string{"a", "b", "c", "a"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/"+k, nil))
	}
	if builds != 4 {
		t.Errorf("builds = %d, want 4: three 50-byte answers do not fit in 100 bytes, so a was dropped", builds)
	}
}

// Queries of one small answer each, under long keys (a public list asked with a different
// search each time), fill the memo by their keys: it starts afresh instead of growing without
// end, as it did when it counted the answers alone.
func TestMemoCountsItsKeys(t *testing.T) {
	gin.SetMode(gin.TestMode)
	memo := httpx.NewMemo(10_000)
	builds := 0
	r := gin.New()
	r.GET("/", func(c *gin.Context) {
		memo.JSON(c, c.Request.URL.RawQuery, "v", func() any { builds++; return []int{} })
	})
	ask := func(i int) {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, fmt.Sprintf("/?q=%04d%s", i, strings.Repeat("x", 996)), nil))
	}
	for i := range 20 {
		ask(i)
	}
	ask(0)
	if builds != 21 {
		t.Errorf("builds = %d, want 21: twenty keys of 1,000 bytes do not fit in 10,000, so the first was dropped", builds)
	}
}
