package httpx

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// API registers routes on gin and documents them in one step.
type API struct {
	Router gin.IRouter
	Doc    *openapi.Doc
	// Idempotency, when set, guards operations marked Idempotent.
	Idempotency gin.HandlerFunc
}

// Handle registers op's handlers behind a role check (when op.Roles is not empty), a refusal of
// any body when op takes none (a write without Request or RequestTypes), and the idempotency guard
// (when op.Idempotent), and adds op to the document.
func (a API) Handle(op openapi.Op, handlers ...gin.HandlerFunc) {
	chain := make([]gin.HandlerFunc, 0, len(handlers)+3)
	if len(op.Roles) > 0 {
		chain = append(chain, RequireRole(op.Roles...))
	}
	if op.Request == nil && len(op.RequestTypes) == 0 && op.Method != http.MethodGet && op.Method != http.MethodHead {
		chain = append(chain, refuseBody)
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

var msgBodyNotTaken = apperr.M("body_not_taken",
	"Thao tác này không nhận nội dung yêu cầu; các lựa chọn của nó (nếu có) nằm trên địa chỉ, ví dụ ?mode=repair. Xem /openapi.json.",
	"This operation takes no request body; its options, if any, go in the query string, e.g. ?mode=repair. See /openapi.json.")

// bodyPeek is how much of a body refuseBody reads to tell an empty one from one with content.
const bodyPeek = 64

// refuseBody answers 400 body_not_taken to a request with a body on an operation that takes none,
// before its handler runs: a client that sends its options as JSON ({"mode": "repair"}) must not
// see them silently ignored and the operation run with its defaults. No bytes, white space, {}
// and null carry nothing and pass.
func refuseBody(c *gin.Context) {
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return
	}
	head, _ := io.ReadAll(io.LimitReader(c.Request.Body, bodyPeek+1))
	var none map[string]json.RawMessage // {} and null decode to no key
	if len(head) <= bodyPeek && (len(bytes.TrimSpace(head)) == 0 || json.Unmarshal(head, &none) == nil && len(none) == 0) {
		return
	}
	RespondError(c, apperr.New(apperr.Malformed, msgBodyNotTaken))
}
