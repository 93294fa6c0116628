// Package matchmaking wires the matchmaking service: its read model of producers built from
// events, and (as they come) buyers, sourcing requests, matches, meetings and B2B scheduling.
package matchmaking

import (
	"context"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/catalog"
)

// Port is the service's default HTTP port.
const Port = 8083

// App is a running matchmaking service.
type App struct {
	Host      *service.Host
	catalog   *catalog.Store
	handler   http.Handler
	consumers []bus.Consumer
}

// Run is the service's main.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := service.LoadConfig("matchmaking", Port, getenv)
	if err != nil {
		return err
	}
	if service.IsProbe(args) {
		return service.Probe(ctx, cfg.HTTPAddr)
	}
	a, err := New(ctx, cfg, stdout, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		a.Host.Close()
		return err
	}
	return a.Run(ctx, ln)
}

// New opens the service; keys verify tokens (nil fetches the gateway's JWKS).
func New(ctx context.Context, cfg service.Config, logOut io.Writer, keys auth.KeySource) (*App, error) {
	host, err := service.Open(ctx, cfg, logOut, service.Options{Keys: keys})
	if err != nil {
		return nil, err
	}
	a := &App{Host: host, catalog: catalog.NewStore(host.DB)}
	replay, err := a.catalog.PrepareReplay(ctx, host.JS)
	if err != nil {
		host.Close()
		return nil, err
	}
	if replay {
		host.Log.Info("catalog is empty: rebuilding it from the EXHIBITOR stream")
	}
	a.consumers = []bus.Consumer{a.catalog.Consumer()}
	r, api := host.Router("ocopfair matchmaking service", "Buyers, sourcing requests, ranked matches, meetings and B2B scheduling.")
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/admin/matchmaking/catalog/producers/:id", Tag: "operations", Roles: []string{auth.RoleAdmin},
		Summary: "A producer as the matchmaking read model holds it, with how many events built it.", Response: catalogProducer{}}, a.catalogProducer)
	a.handler = r
	return a, nil
}

type catalogProducer struct {
	ID            string    `json:"id"`
	LegalName     string    `json:"legal_name"`
	ProvinceCode  string    `json:"province_code"`
	Region        string    `json:"region"`
	Revision      int64     `json:"revision"`
	EventsApplied int64     `json:"events_applied"`
	ProjectedAt   time.Time `json:"projected_at"`
}

func (a *App) catalogProducer(c *gin.Context) {
	p, err := a.catalog.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.JSON(http.StatusOK, catalogProducer{ID: p.ID, LegalName: p.LegalName, ProvinceCode: p.ProvinceCode, Region: p.Region,
		Revision: p.Revision, EventsApplied: p.EventsApplied, ProjectedAt: p.ProjectedAt})
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves on ln and runs the consumers until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.consumers...)
}
