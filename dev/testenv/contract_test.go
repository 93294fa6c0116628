package testenv_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// recorder is a testing.TB that keeps the failures a helper reports instead of failing.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

type item struct {
	ID   string `json:"id" format:"uuid"`
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
}

type itemRequest struct {
	Name string `json:"name" required:"true"`
}

// driftApp documents every route with item and then answers, on purpose, what the document
// does not say, next to one route that tells the truth.
func driftApp(t *testing.T) string {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	api := httpx.API{Router: r, Doc: openapi.New("drift", "1", "")}
	const id = "0190a3c4-0000-7000-8000-000000000001"
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/items/:id", Response: item{}}, func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"id": id, "name": "Mật ong", "colour": "vàng"}) // a field the document lacks
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/items", Response: item{}}, func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"id": id}) // misses the required name
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/good", Response: item{}}, func(c *gin.Context) {
		c.JSON(http.StatusOK, item{ID: id, Name: "Mật ong"})
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/teapot", Response: item{}}, func(c *gin.Context) {
		httpx.RespondError(c, fmt.Errorf("boom")) // 500 is documented; the body is a problem document
	})
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/gone", Status: http.StatusNoContent}, func(c *gin.Context) {
		c.JSON(http.StatusConflict, gin.H{"oops": true}) // 409 is not among this operation's statuses
	})
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/lenient", Request: itemRequest{}, Status: http.StatusCreated, Response: item{}},
		func(c *gin.Context) { c.JSON(http.StatusCreated, item{ID: id, Name: "x"}) }) // takes any body, even one the document refuses
	api.ServeDoc(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestClientChecksExchangesAgainstTheDocument(t *testing.T) {
	base := driftApp(t)
	tests := []struct {
		name, method, path string
		body               any
		want               []string // substrings of the one failure; none for an exchange that follows the document
	}{
		{"a field the document lacks", "GET", "/api/items/1", nil, []string{"getItemsId", "colour"}},
		{"a required field missing", "GET", "/api/items", nil, []string{"getItems", `"name"`}},
		{"an undocumented status", "DELETE", "/api/gone", nil, []string{"deleteGone", "409"}},
		{"an accepted request the document refuses", "POST", "/api/lenient", map[string]any{"nom": "x"}, []string{"postLenient", "request"}},
		{"the truth", "GET", "/api/good", nil, nil},
		{"a documented problem", "GET", "/api/teapot", nil, nil},
		{"a path no document has", "GET", "/api/unknown", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			testenv.Client{Base: base}.Do(rec, tt.method, tt.path, tt.body)
			if len(tt.want) == 0 {
				if len(rec.failed) > 0 {
					t.Errorf("Do(%s %s) failed the test: %q, want no failure", tt.method, tt.path, rec.failed)
				}
				return
			}
			if len(rec.failed) != 1 {
				t.Fatalf("Do(%s %s) reported %d failures %q, want 1", tt.method, tt.path, len(rec.failed), rec.failed)
			}
			for _, w := range tt.want {
				if !strings.Contains(rec.failed[0], w) {
					t.Errorf("Do(%s %s) failure = %q, want it to name %q", tt.method, tt.path, rec.failed[0], w)
				}
			}
		})
	}
}

func TestUncheckedClientDoesNotCheck(t *testing.T) {
	rec := &recorder{TB: t}
	testenv.Client{Base: driftApp(t), Unchecked: true}.Do(rec, "GET", "/api/items/1", nil)
	if len(rec.failed) > 0 {
		t.Errorf("an unchecked client failed the test: %q", rec.failed)
	}
}

// TestClientChecksProxiedExchangesAgainstTheOwnersDocument stands a gateway whose document has
// none of the routes it proxies in front of driftApp: the check falls back to the document of
// the service named in Contracts.
func TestClientChecksProxiedExchangesAgainstTheOwnersDocument(t *testing.T) {
	owner := driftApp(t)
	target, err := url.Parse(owner)
	if err != nil {
		t.Fatal(err)
	}
	r := gin.New()
	httpx.API{Router: r, Doc: openapi.New("gateway", "1", "")}.ServeDoc(r)
	r.NoRoute(gin.WrapH(httputil.NewSingleHostReverseProxy(target)))
	gw := httptest.NewServer(r)
	t.Cleanup(gw.Close)

	rec := &recorder{TB: t}
	testenv.Client{Base: gw.URL, Contracts: []string{owner}}.Do(rec, "GET", "/api/items/1", nil)
	if len(rec.failed) != 1 || !strings.Contains(rec.failed[0], "colour") {
		t.Errorf("Do through the gateway reported %q, want the undocumented colour from the owner's document", rec.failed)
	}
}
