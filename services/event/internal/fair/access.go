package fair

import (
	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// OrganiserRoles are the roles a route for a fair's organisers admits; whether the caller
// organises this fair is Access.Managed's check.
var OrganiserRoles = []string{auth.RoleOrganiser, auth.RoleAdmin}

// Access answers who may see and who may change the fair of a request's :id parameter. Every
// route under /api/fairs/:id, whichever feature serves it, asks it, so that the answer (and the
// 404 that hides a draft) is the same everywhere.
type Access struct {
	Fairs *Store
	// Model answers Visible once ready (nil: the database answers).
	Model *Model
}

// Visible returns the fair of the :id parameter if the caller may see it: published fairs are
// public, drafts only for their organisers and admins (others get 404, not a hint). It has
// answered the request when it returns false.
func (a Access) Visible(c *gin.Context) (Fair, bool) {
	f, err := a.get(c)
	if err != nil {
		httpx.RespondError(c, err)
		return Fair{}, false
	}
	if f.Private() && !CanManage(c, f) {
		httpx.RespondError(c, errNotFound)
		return Fair{}, false
	}
	return f, true
}

// Managed returns the fair if the caller organises it or is an admin; 403 otherwise, or 404 for a
// draft, which Visible hides from everyone else too (a 403 would confirm it exists). It has
// answered the request when it returns false.
func (a Access) Managed(c *gin.Context) (Fair, bool) {
	f, err := a.Fairs.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return Fair{}, false
	}
	if !CanManage(c, f) && f.Private() {
		httpx.RespondError(c, errNotFound)
		return Fair{}, false
	}
	if !CanManage(c, f) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgForbidden))
		return Fair{}, false
	}
	return f, true
}

// CanManage reports whether the caller of c organises f or is an admin.
func CanManage(c *gin.Context, f Fair) bool {
	p, ok := httpx.PrincipalFrom(c)
	return ok && (p.Role == auth.RoleAdmin || (p.Role == auth.RoleOrganiser && f.IsOrganiser(p.AccountID)))
}

// editor is the caller of c as the Editor of a fair's Fields: an organiser stays on the lists it
// gives, an admin (empty) may set any.
func editor(c *gin.Context) string {
	if p, ok := httpx.PrincipalFrom(c); ok && p.Role != auth.RoleAdmin {
		return p.AccountID
	}
	return ""
}

// get reads the fair of the :id parameter from the model once it is ready, from the database
// before; a fair the model lacks is not found, in the database's words.
func (a Access) get(c *gin.Context) (Fair, error) {
	if !a.Model.Ready() {
		return a.Fairs.Get(c.Request.Context(), c.Param("id"))
	}
	if f, ok := a.Model.Get(c.Param("id")); ok {
		return f, nil
	}
	return Fair{}, errNotFound
}

// draftsOf is the account whose drafts the caller sees in lists: a fair's organisers may name any
// account ID, so only an organiser sees the drafts that list it, never a producer or buyer who
// happens to be listed.
func draftsOf(p auth.Principal) string {
	if p.Role == auth.RoleOrganiser {
		return p.AccountID
	}
	return ""
}
