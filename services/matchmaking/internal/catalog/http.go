package catalog

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

type producerResponse struct {
	ID            string    `json:"id"`
	LegalName     string    `json:"legal_name"`
	ProvinceCode  string    `json:"province_code"`
	Region        string    `json:"region"`
	Revision      int64     `json:"revision"`
	EventsApplied int64     `json:"events_applied"`
	ProjectedAt   time.Time `json:"projected_at"`
}

// Routes serves the catalog to operators over HTTP.
type Routes struct {
	Store *Store
}

// Register registers the routes.
func (rt *Routes) Register(api httpx.API) {
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/admin/matchmaking/catalog/producers/:id", Tag: "operations", Roles: []string{auth.RoleAdmin},
		Summary: "A producer as the matchmaking read model holds it, with how many events built it.", Response: producerResponse{}}, rt.producer)
}

func (rt *Routes) producer(c *gin.Context) {
	p, err := rt.Store.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, producerResponse{ID: p.ID, LegalName: p.LegalName, ProvinceCode: p.ProvinceCode, Region: p.Region,
		Revision: p.Revision, EventsApplied: p.EventsApplied, ProjectedAt: p.ProjectedAt})
}
