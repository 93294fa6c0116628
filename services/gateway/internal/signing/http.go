package signing

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// Routes serves the JWKS.
type Routes struct {
	keys Keys
}

// NewRoutes returns the routes that publish keys.
func NewRoutes(keys Keys) *Routes { return &Routes{keys: keys} }

// Register mounts GET /.well-known/jwks.json on r.
func (rt *Routes) Register(r *gin.Engine) {
	r.GET("/.well-known/jwks.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.JSON(http.StatusOK, rt.keys.JWKS())
	})
}
