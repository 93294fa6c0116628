package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// API registers routes on gin and documents them in one step.
type API struct {
	Router gin.IRouter
	Doc    *openapi.Doc
	// Idempotency, when set, guards operations marked Idempotent.
	Idempotency gin.HandlerFunc
}

// Handle registers op's handlers behind a role check (when op.Roles is not empty) and the
// idempotency guard (when op.Idempotent), and adds op to the document.
func (a API) Handle(op openapi.Op, handlers ...gin.HandlerFunc) {
	chain := make([]gin.HandlerFunc, 0, len(handlers)+2)
	if len(op.Roles) > 0 {
		chain = append(chain, RequireRole(op.Roles...))
	}
	if op.Idempotent && a.Idempotency != nil {
		chain = append(chain, a.Idempotency)
	}
	chain = append(chain, handlers...)
	a.Router.Handle(op.Method, op.Path, chain...)
	a.Doc.SetProblem(Problem{}) // error responses are this struct, whatever its fields become
	a.Doc.Add(op)
}

// ServeDoc mounts GET /openapi.json.
func (a API) ServeDoc(r *gin.Engine) {
	a.Doc.SetProblem(Problem{})
	r.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", a.Doc.JSON()) })
}
