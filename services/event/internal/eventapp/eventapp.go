// Package eventapp wires the event service: fairs, trade weeks, floor plans, booth allocation,
// B2B session settings and reports for organisers. Each feature brings its routes and its
// consumers; this package opens the host, builds the stores and hands both to it.
package eventapp

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/event/internal/allocation"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
	"github.com/ocopfair/ocopfair/services/event/internal/report"
)

// Port is the service's default HTTP port.
const Port = 8081

// App is a running event service.
type App struct {
	Host      *service.Host
	handler   http.Handler
	consumers []bus.Consumer
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
	indexes := append(append(append(fair.Indexes(), booth.Indexes()...), applicants.Indexes()...), append(report.Indexes(), report.AttendanceIndexes()...)...)
	if err := host.DB.EnsureIndexes(ctx, indexes...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, fair.Collection, booth.AssignmentsCollection, booth.FloorplansCollection); err != nil {
		host.Close()
		return nil, err
	}
	fairs, booths, apps := fair.NewStore(host.DB), booth.NewStore(host.DB), applicants.NewStore(host.DB)
	a := &App{Host: host}
	model := fair.NewModel()
	access := fair.Access{Fairs: fairs, Model: model}
	plans := booth.NewPlans()
	booths.Plans = plans
	a.follow(model, &fair.Feed{Fairs: fairs, Model: model, Log: host.Log.With("component", "fair model")},
		plans, &booth.PlanFeed{Booths: booths, Fairs: fairs, Applicants: apps, Plans: plans, Log: host.Log.With("component", "floor plan model")})
	host.Every("counting floor-plan changes left uncounted", floorplanSweepEvery,
		func(ctx context.Context) (int, error) { return booths.SweepChanging(ctx, floorplanSweepAfter) })
	host.Every("clearing booth edit holds that lapsed", floorplanSweepEvery, booths.ClearLapsedHolds)
	releases := &booth.Consumers{Booths: booths, Notify: host.NotifyRelays}
	scans, attendance := report.NewScanStore(host.DB), report.NewAttendanceStore(host.DB)
	a.consumers = append(append(consumersOf(apps, releases), releases.Subscriptions()...), (&report.Consumers{Scans: scans, Attendance: attendance}).Subscriptions()...)
	r, api := host.Router("ocopfair event service", "Fairs, trade weeks, floor plans, booth allocation, B2B session settings and reports.")
	(&fair.Routes{Fairs: fairs, Model: model, Notify: host.NotifyRelays, Now: time.Now}).Register(api)
	(&booth.Routes{Access: access, Booths: booths, Applicants: apps, Plans: plans, Notify: host.NotifyRelays, Now: time.Now}).Register(api)
	(&allocation.Routes{Access: access, Booths: booths, Applicants: apps, Proposals: allocation.NewProposals(host.DB),
		Notify: host.NotifyRelays, Now: time.Now}).Register(api)
	(&report.Routes{Access: access, Booths: booths, Applicants: apps, Scans: scans, Attendance: attendance, Now: time.Now}).Register(api)
	a.handler = r
	return a, nil
}

// consumersOf returns the applicants read model's consumers, which release an application's
// booths once it has ended.
func consumersOf(apps *applicants.Store, releases *booth.Consumers) []bus.Consumer {
	ended := func(ctx context.Context, app applicants.Application) error {
		return releases.ReleaseApplication(ctx, app.ID, app.Status)
	}
	return (&applicants.Consumers{Store: apps, Ended: ended}).Subscriptions()
}

// follow runs the read models' feeds on the host, which reports ready only once both models have
// loaded and caught up with the streams.
func (a *App) follow(fairs *fair.Model, fairFeed *fair.Feed, plans *booth.Plans, planFeed *booth.PlanFeed) {
	a.Host.Check("read models", func(context.Context) error {
		if !fairs.Ready() || !plans.Ready() {
			return errors.New("the fair and floor plan read models are still loading")
		}
		return nil
	})
	for name, run := range map[string]func(context.Context, jetstream.JetStream) error{"fair": fairFeed.Run, "floor plan": planFeed.Run} {
		a.Host.Job(func(ctx context.Context) {
			if err := run(ctx, a.Host.JS); err != nil && ctx.Err() == nil {
				a.Host.Log.Error("read model stopped", "model", name, "err", err)
			}
		})
	}
}

// Floor-plan changes whose process stopped before counting them are looked for every
// floorplanSweepEvery, once marked for longer than floorplanSweepAfter (booth.Store.SweepChanging):
// far longer than a change takes, even between replicas whose clocks differ a little, so that a
// change is never counted before it is stored.
const (
	floorplanSweepEvery = time.Minute
	floorplanSweepAfter = 5 * time.Minute
)

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Consumers returns the durable consumers the service runs, as Run subscribes them.
func (a *App) Consumers() []bus.Consumer { return a.consumers }

// Run serves on ln and runs the consumers until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.consumers...)
}
