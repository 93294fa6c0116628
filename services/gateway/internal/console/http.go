package console

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	worker := offlineShell(files)
	r.GET("/sw.js", func(c *gin.Context) {
		// Read again on every page load (a new version of the console installs at once) and
		// allowed to control the whole site, the page at / with it.
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", worker)
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/reference", Tag: "reference",
		Summary: "Reference data for forms: provinces, regions, sectors, criteria sets, certifications, units, booth kinds.", Response: Reference{}}, serveReference)
}

func serveReference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, reference())
}

// offlineShell is the service worker (static/sw.js) with the files it keeps for the console to
// open offline (the page at / and every script and style sheet) and their version, a hash of
// them all: a gateway serving other files installs a worker that keeps those and drops the old.
func offlineShell(files fs.FS) []byte {
	src, _ := fs.ReadFile(files, "sw.js")
	shell := []string{"/"}
	sum := sha256.New()
	names, _ := fs.Glob(files, "*")
	for _, name := range names {
		body, _ := fs.ReadFile(files, name)
		fmt.Fprintf(sum, "%s %d\n", name, len(body))
		sum.Write(body)
		if name != "index.html" && name != "sw.js" {
			shell = append(shell, "/static/"+name)
		}
	}
	list, _ := json.Marshal(shell)
	version := hex.EncodeToString(sum.Sum(nil))[:16]
	return []byte(strings.NewReplacer("__VERSION__", version, "__FILES__", string(list)).Replace(string(src)))
}
