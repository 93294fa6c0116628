package console

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
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
	version, shell := shellFiles(files)
	index := versioned(files, version)
	serveIndex := func(c *gin.Context) {
		c.Header("Cache-Control", "no-cache")
		c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self'; "+httpx.FrameAncestorsNone)
		c.Data(http.StatusOK, "text/html; charset=utf-8", index)
	}
	r.GET("/", serveIndex)
	r.GET("/static/*file", func(c *gin.Context) {
		c.Header("Cache-Control", staticCache(c.Query("v"), version))
		c.FileFromFS(strings.TrimPrefix(c.Param("file"), "/"), http.FS(files))
	})
	worker := offlineShell(files, version, shell)
	r.GET("/sw.js", func(c *gin.Context) {
		// Read again on every page load (a new version of the console installs at once) and
		// allowed to control the whole site, the page at / with it.
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", worker)
	})
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/reference", Tag: "reference",
		Summary: "Reference data for forms: provinces, regions, sectors, criteria sets, certifications, units, booth kinds.", Response: Reference{}}, serveReference)
}

// staticCache is how long a browser may keep a console file asked for at version v: for ever at
// the console's version (its address changes with any file, so a phone on a fair's weak network
// never asks again), five minutes otherwise.
func staticCache(v, version string) string {
	if v == version {
		return "public, max-age=31536000, immutable"
	}
	return "public, max-age=300"
}

func serveReference(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, reference())
}

// shellFiles returns the console's version, a hash of all its files (a gateway serving other
// files has another), and what the offline shell keeps: the page at / and every script and style
// sheet, by their versioned addresses.
func shellFiles(files fs.FS) (version string, shell []string) {
	sum := sha256.New()
	names, _ := fs.Glob(files, "*")
	for _, name := range names {
		body, _ := fs.ReadFile(files, name)
		fmt.Fprintf(sum, "%s %d\n", name, len(body))
		sum.Write(body)
	}
	version = hex.EncodeToString(sum.Sum(nil))[:16]
	shell = []string{"/"}
	for _, name := range names {
		if name != "index.html" && name != "sw.js" {
			shell = append(shell, "/static/"+name+"?v="+version)
		}
	}
	return version, shell
}

// versioned is the page with its scripts and style sheet addressed by version: a page and the
// files it loads are always of one version, however the offline shell answers (see sw.js).
func versioned(files fs.FS, version string) []byte {
	index, _ := fs.ReadFile(files, "index.html")
	return staticRef.ReplaceAll(index, []byte(`$1="/static/$2?v=`+version+`"`))
}

var staticRef = regexp.MustCompile(`(src|href)="/static/([^"?]+)"`)

// offlineShell is the service worker (static/sw.js) with the console's version and the files it
// keeps filled in: a new version installs a worker that keeps the new files and drops the old.
func offlineShell(files fs.FS, version string, shell []string) []byte {
	src, _ := fs.ReadFile(files, "sw.js")
	list, _ := json.Marshal(shell)
	return []byte(strings.NewReplacer("__VERSION__", version, "__FILES__", string(list)).Replace(string(src)))
}
