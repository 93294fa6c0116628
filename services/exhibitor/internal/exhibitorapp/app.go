// Package exhibitorapp wires the exhibitor service: producer profiles, products and certificates,
// booth applications, spreadsheet imports, the certificate-expiry sweep, its outbox and consumers.
package exhibitorapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/importer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/verify"
)

// App is a running exhibitor service.
type App struct {
	Host      *service.Host
	handler   http.Handler
	consumers []bus.Consumer
	producers *producer.Store
	products  *product.Store
	claims    *producer.ClaimStore
	apps      *application.Model
	appStore  *application.Store
	catalogue *product.Catalogue
	holds     *product.Holds
}

// Run is the service's main.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := LoadConfig(getenv)
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
func New(ctx context.Context, cfg Config, logOut io.Writer, keys auth.KeySource) (*App, error) {
	host, err := service.Open(ctx, cfg.Config, logOut, service.Options{Keys: keys, Uploads: map[string]int64{importer.Path: importer.MaxFileBytes, product.PhotoPath: product.MaxPhotoBytes}})
	if err != nil {
		return nil, err
	}
	indexes := append(append(append(append(producer.Indexes(), producer.ClaimIndexes()...), product.Indexes()...), product.HoldIndexes()...), application.Indexes()...)
	if err := host.DB.EnsureIndexes(ctx, indexes...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, producer.Collection, product.Collection, product.NoticesCollection, application.Collection, verify.Collection); err != nil {
		host.Close()
		return nil, err
	}
	a := &App{Host: host, producers: producer.NewStore(host.DB), products: product.NewStore(host.DB), claims: producer.NewClaimStore(host.DB),
		holds: product.NewHolds(host.DB, time.Now)}
	products, err := followCatalogue(ctx, host, a.products)
	a.catalogue = products
	if err != nil {
		host.Close()
		return nil, err
	}
	apps := application.NewStore(host.DB)
	a.appStore = apps
	if a.apps, err = followApplications(ctx, host, apps, a.producers); err != nil {
		host.Close()
		return nil, err
	}
	host.Job(storage.NewPruner(host.DB, host.Log.With("component", "product holds pruner"), product.HoldsRetention()).Run)
	verification, err := followVerify(ctx, host, a, cfg)
	if err != nil {
		host.Close()
		return nil, err
	}
	a.consumers = append((&application.Consumers{Store: apps, Notify: host.NotifyRelays, Now: time.Now, Producers: catalog{a}.Producer}).Subscriptions(),
		(&product.Consumers{Store: a.products, Notify: host.NotifyRelays}).Subscriptions()...)

	r, api := host.Router("ocopfair exhibitor service", "OCOP producers, their products and certificates, and booth applications.")
	(&producer.Routes{Store: a.producers, Claims: a.claims, Notify: host.NotifyRelays, Now: time.Now}).Register(api)
	(&importer.Routes{Stores: importer.Stores{Producers: a.producers, Products: a.products, Claims: a.claims}, Notify: host.NotifyRelays, Now: time.Now}).Register(api)
	productRoutes := &product.Routes{Store: a.products, Owners: catalog{a}, Catalogue: products, Notify: host.NotifyRelays, Now: time.Now,
		Holding: catalog{a}.FairsHolding, Holds: a.holds}
	productRoutes.Register(api)
	(&product.PhotoRoutes{Routes: productRoutes, Photos: product.NewPhotoStore(host.DB, product.DefaultPhotoCacheBytes)}).Register(api)
	(&application.Routes{Store: apps, Catalog: catalog{a}, Notify: host.NotifyRelays, Now: time.Now, Model: a.apps}).Register(api)
	verification.Register(api)
	a.handler = r
	host.Every("certificate expiry sweep", cfg.SweepInterval, func(ctx context.Context) (int, error) { return a.Sweep(ctx, time.Now()) })
	return a, nil
}

// followCatalogue loads the catalogue read model from the database and keeps it current: the
// store hands it this replica's writes as they succeed, and a follower of the EXHIBITOR stream
// brings in the other replicas' writes. The follower starts from before the load began (less
// the relay's lag), so no write stored during the load is missed; /readyz waits for it to catch
// up with the stream.
func followCatalogue(ctx context.Context, host *service.Host, store *product.Store) (*product.Catalogue, error) {
	m := product.NewCatalogue(store)
	store.OnSaved(m.Put)
	store.OwnedFrom(m.BehindOwner)
	begin := time.Now()
	n, err := m.Load(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the product catalogue: %w", err)
	}
	host.Log.Info("product catalogue loaded", "products", n, "took", time.Since(begin).Round(time.Millisecond))
	f := readmodel.New(host.JS, readmodel.Config{Stream: "EXHIBITOR", Subjects: product.CatalogueSubjects, Start: begin.Add(-outbox.Lag),
		Apply: m.OnProduct, Log: host.Log.With("component", "product catalogue")})
	host.Check("product catalogue", func(context.Context) error {
		if !f.Ready() {
			return errors.New("the product catalogue is still catching up with the stream")
		}
		return nil
	})
	host.Job(func(ctx context.Context) { _ = f.Run(ctx) })
	return m, nil
}

// Sweep announces every certificate that expired by now and was not announced yet, and returns
// how many it announced (see product.Sweep).
func (a *App) Sweep(ctx context.Context, now time.Time) (int, error) {
	return product.Sweep(ctx, a.products, a.catalogue, now, a.Host.NotifyRelays)
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Consumers returns the durable consumers the service runs: every subscription of its features.
func (a *App) Consumers() []bus.Consumer { return a.consumers }

// Run serves on ln and runs the consumers and the sweep until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.consumers...)
}
