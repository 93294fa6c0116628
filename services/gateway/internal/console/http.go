package console

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// Routes serves the console at / and /static/, and GET /api/reference.
type Routes struct{}

// Register mounts the console's page and files on r and the reference data on api.
func (Routes) Register(r *gin.Engine, api httpx.API) {
	files, _ := fs.Sub(static, "static")
	index, _ := fs.ReadFile(files, "index.html")
	serveIndex := func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self'; "+httpx.FrameAncestorsNone)
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
	r.GET("/", serveIndex)
	r.GET("/static/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(files))
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/reference", Tag: "reference",
		Summary: "Reference data for forms: provinces, regions, sectors, criteria sets, certifications, units, booth kinds.", Response: Reference{}}, serveReference)
}

func serveReference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, reference())
}
