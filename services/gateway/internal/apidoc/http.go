package apidoc

import (
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// Paths of the merged document and the reference page. The merged document is also the
// gateway's /openapi.json (see AtRoot).
const (
	DocPath  = "/docs/openapi.json"
	PagePath = "/docs"
	RootPath = "/openapi.json"
)

// pagePolicy lets the page use its own inline style and nothing from anywhere else.
const pagePolicy = "default-src 'none'; style-src 'unsafe-inline'; " + httpx.FrameAncestorsNone

// Routes serves the merged document and the reference page.
type Routes struct {
	docs *Docs

	mu     sync.Mutex
	pageAt time.Time
	page   []byte
}

// NewRoutes returns the routes of docs.
func NewRoutes(docs *Docs) *Routes { return &Routes{docs: docs} }

// Register mounts GET /docs/openapi.json and GET /docs on r.
func (rt *Routes) Register(r gin.IRoutes) {
	r.GET(DocPath, rt.serveDoc)
	r.GET(PagePath, rt.servePage)
}

func (rt *Routes) serveDoc(c *gin.Context) {
	snap := rt.docs.Current(c.Request.Context())
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", snap.JSON)
}

func (rt *Routes) servePage(c *gin.Context) {
	snap := rt.docs.Current(c.Request.Context())
	rt.mu.Lock()
	if !rt.pageAt.Equal(snap.At) || rt.page == nil {
		page, err := render(snap)
		if err != nil {
			rt.mu.Unlock()
			httpx.RespondError(c, err)
			return
		}
		rt.page, rt.pageAt = page, snap.At
	}
	page := rt.page
	rt.mu.Unlock()
	c.Header("Cache-Control", "no-cache")
	c.Header("Content-Security-Policy", pagePolicy)
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}

// AtRoot serves the merged document at GET /openapi.json too, where clients of any service look
// for it: h is the gateway's router, on which the service host mounted the gateway's own
// document at that path, and the request reaches it as a request for DocPath, through the same
// edge (logs, metrics, headers) as every other.
func AtRoot(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == RootPath && r.Method == http.MethodGet {
			u := *r.URL
			u.Path, u.RawPath = DocPath, ""
			r2 := *r
			r2.URL = &u
			r = &r2
		}
		h.ServeHTTP(w, r)
	})
}
