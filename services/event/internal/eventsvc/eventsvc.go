// Package eventsvc wires the event service: fairs, trade weeks, floor plans, booth allocation,
// B2B session settings and reports for organisers.
package eventsvc

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/allocation"
	"github.com/ocopfair/ocopfair/services/event/internal/application"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
	"github.com/ocopfair/ocopfair/services/event/internal/httpapi"
)

// Port is the service's default HTTP port.
const Port = 8081

// App is a running event service.
type App struct {
	Host      *service.Host
	handler   http.Handler
	consumers []bus.Consumer
	booths    *booth.Store
}

// Run is the service's main.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := service.LoadConfig("event", Port, getenv)
	if err != nil {
		return err
	}
	return service.Serve(ctx, args, cfg.HTTPAddr, func() (func(context.Context, net.Listener) error, error) {
		a, err := New(ctx, cfg, stdout, nil)
		if err != nil {
			return nil, err
		}
		return a.Run, nil
	})
}

// New opens the service; keys verify tokens (nil fetches the gateway's JWKS).
func New(ctx context.Context, cfg service.Config, logOut io.Writer, keys auth.KeySource) (*App, error) {
	host, err := service.Open(ctx, cfg, logOut, service.Options{Keys: keys})
	if err != nil {
		return nil, err
	}
	indexes := append(append(fair.Indexes(), booth.Indexes()...), application.Indexes()...)
	if err := host.DB.EnsureIndexes(ctx, indexes...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, fair.Collection, booth.AssignmentsCollection); err != nil {
		host.Close()
		return nil, err
	}
	a := &App{Host: host, booths: booth.NewStore(host.DB)}
	apps := application.NewStore(host.DB)
	a.consumers = append(apps.Consumers(a.releaseApplication), bus.Consumer{
		Durable: "event-fair-cancellations", Stream: "EVENT", Subjects: []string{events.FairCancelled}, Handler: a.fairCancelled,
	})
	r, api := host.Router("ocopfair event service", "Fairs, trade weeks, floor plans, booth allocation, B2B session settings and reports.")
	(&httpapi.Server{Fairs: fair.NewStore(host.DB), Booths: a.booths, Applications: apps, Proposals: allocation.NewProposals(host.DB), Notify: host.NotifyRelays, Now: time.Now}).Mount(api)
	a.handler = r
	return a, nil
}

// releaseApplication releases every booth an application holds; it runs when the application is
// withdrawn, cancelled or rejected, and is idempotent.
func (a *App) releaseApplication(ctx context.Context, app application.Application, reason string) error {
	held, err := a.booths.Active(ctx, bson.M{"application_id": app.ID})
	if err != nil {
		return err
	}
	return a.releaseAll(ctx, held, reason)
}

func (a *App) releaseAll(ctx context.Context, held []booth.Assignment, reason string) error {
	for _, h := range held {
		if err := a.booths.Release(ctx, h, reason, time.Now().In(vntext.Zone), correlation.From(ctx)); err != nil {
			return err
		}
	}
	if len(held) > 0 {
		a.Host.NotifyRelays()
	}
	return nil
}

// fairCancelled releases the booths of a cancelled fair. It consumes the service's own event so
// that the release completes even if the process stops right after the cancellation is stored.
func (a *App) fairCancelled(ctx context.Context, env events.Envelope) error {
	var pl events.FairChangedV1
	if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
		return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
	}
	held, err := a.booths.ActiveForFair(ctx, pl.Fair.ID)
	if err != nil {
		return err
	}
	return a.releaseAll(ctx, held, "fair cancelled: "+pl.Fair.CancelReason)
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves on ln and runs the consumers until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.consumers...)
}
