// Package httpapi is the event service's HTTP API for organisers (and the public fair list and
// floor-plan map).
package httpapi

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/allocation"
	"github.com/ocopfair/ocopfair/services/event/internal/application"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// Server holds what the handlers need.
type Server struct {
	Fairs        *fair.Store
	Booths       *booth.Store
	Applications *application.Store
	Proposals    *allocation.Proposals
	// Notify wakes the outbox relay after a write.
	Notify func()
	Now    func() time.Time

	// commitBooths replaces Booths when committing an allocation; nil uses Booths.
	commitBooths boothWriter
}

// Mount registers every route.
func (s *Server) Mount(api httpx.API) {
	s.mountFairs(api)
	s.mountBooths(api)
	s.mountAllocation(api)
	s.mountReports(api)
}

func (s *Server) now() time.Time { return s.Now().In(vntext.Zone).Truncate(time.Millisecond) }

// loadFair returns the fair of the :id parameter if the caller may see it: published fairs are
// public, drafts only for their organisers and admins (others get 404, not a hint).
func (s *Server) loadFair(c *gin.Context) (fair.Fair, bool) {
	f, err := s.Fairs.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return fair.Fair{}, false
	}
	if f.Status == fair.Draft && !canManage(c, f) {
		httpx.RespondError(c, apperr.E(apperr.NotFound, "fair not found"))
		return fair.Fair{}, false
	}
	return f, true
}

// manageFair returns the fair if the caller organises it or is an admin; 403 otherwise, or 404
// for a draft, which loadFair hides from everyone else too (a 403 would confirm it exists).
func (s *Server) manageFair(c *gin.Context) (fair.Fair, bool) {
	f, err := s.Fairs.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return fair.Fair{}, false
	}
	if !canManage(c, f) && f.Status == fair.Draft {
		httpx.RespondError(c, apperr.E(apperr.NotFound, "fair not found"))
		return fair.Fair{}, false
	}
	if !canManage(c, f) {
		httpx.RespondError(c, apperr.E(apperr.Forbidden, "only the fair's organisers can change it"))
		return fair.Fair{}, false
	}
	return f, true
}

func canManage(c *gin.Context, f fair.Fair) bool {
	p, ok := httpx.PrincipalFrom(c)
	return ok && (p.Role == auth.RoleAdmin || (p.Role == auth.RoleOrganiser && f.IsOrganiser(p.AccountID)))
}

var organisers = []string{auth.RoleOrganiser, auth.RoleAdmin}

func parseDate(v *apperr.Validation, field, s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), vntext.Zone)
	v.Check(err == nil, field, "must be a date written YYYY-MM-DD")
	return d
}

func parseTime(v *apperr.Validation, field, s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		// A bare date means the start of that day in Vietnam.
		if d, derr := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), vntext.Zone); derr == nil {
			return d
		}
	}
	v.Check(err == nil, field, "must be a date-time such as 2026-12-01T08:00:00+07:00, or a date YYYY-MM-DD")
	return t.In(vntext.Zone)
}
