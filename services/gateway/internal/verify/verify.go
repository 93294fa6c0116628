// Package verify serves the public page a visitor's phone opens after scanning a product's QR
// code at a fair, /v/<code>: a small page of its own (no sign-in, no cookies, no console code)
// that asks the exhibitor service's /api/verify/<code> through the gateway and shows the OCOP
// certificate's status in green, amber or red, in Vietnamese with an English switch.
package verify

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

//go:embed static
var static embed.FS

// policy lets the page load only its own script, style and images (the product's photo uploaded
// here) and call only the gateway: a visitor's browser reaches no other site.
const policy = "default-src 'self'; img-src 'self' data:; connect-src 'self'; " + httpx.FrameAncestorsNone

// Routes serves the verification page.
type Routes struct{}

// Register mounts the page at /v/:code and its script and style at /verify/.
func (Routes) Register(r *gin.Engine) {
	files, _ := fs.Sub(static, "static")
	page, _ := fs.ReadFile(files, "page.html")
	r.GET("/v/:code", func(c *gin.Context) {
		// The page is the same for every code (its script reads the code from the address), so
		// phones and proxies may keep it; the answer it fetches says how long the status holds.
		c.Header("Cache-Control", "public, max-age=300")
		c.Header("Content-Security-Policy", policy)
		c.Header("Referrer-Policy", "no-referrer")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	})
	r.GET("/verify/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(files))
	})
}
