// Package console serves the web console: a single page in plain JavaScript (no build step, no
// CDN: every file is embedded in the gateway) that organisers, producers and buyers use in
// Vietnamese or English, plus the live-update stream and the reference data its forms need.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

//go:embed static
var static embed.FS

// Mount serves the console at / and /static/, and GET /api/reference.
func Mount(r *gin.Engine, api httpx.API) {
	files, _ := fs.Sub(static, "static")
	index, _ := fs.ReadFile(files, "index.html")
	serveIndex := func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; "+httpx.FrameAncestorsNone)
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
	r.GET("/", serveIndex)
	r.GET("/static/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(files))
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/reference", Tag: "reference",
		Summary: "Reference data for forms: provinces, regions, sectors, criteria sets, certifications, units, booth kinds.", Response: Reference{}}, reference)
}

// Reference is the data the console's forms offer.
type Reference struct {
	Provinces      []ocop.Province      `json:"provinces"`
	Regions        []ocop.Region        `json:"regions"`
	Sectors        []ocop.Sector        `json:"sectors"`
	CriteriaSets   []ocop.CriteriaSet   `json:"criteria_sets"`
	Certifications []ocop.Certification `json:"certifications"`
	Units          []ocop.Unit          `json:"units"`
	BoothKinds     []string             `json:"booth_kinds"`
}

func reference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, Reference{Provinces: ocop.Provinces(), Regions: ocop.Regions(), Sectors: ocop.Sectors(), CriteriaSets: ocop.CriteriaSets(),
		Certifications: ocop.Certifications(), Units: ocop.Units(), BoothKinds: []string{"standard", "corner", "double", "premium"}})
}
