// Package exhibitorapp wires the exhibitor service: producer profiles, products and certificates,
// booth applications, spreadsheet imports, the certificate-expiry sweep, its outbox and consumers.
package exhibitorapp

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/importer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// Port is the service's default HTTP port.
const Port = 8082

// Config is the exhibitor service's configuration.
type Config struct {
	service.Config
	// SweepInterval is how often expired certificates are looked for.
	SweepInterval time.Duration
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	base, err := service.LoadConfig("exhibitor", Port, getenv)
	c := Config{Config: base, SweepInterval: time.Hour}
	if s := getenv("OCOPFAIR_EXPIRY_SWEEP_INTERVAL"); s != "" {
		d, perr := time.ParseDuration(s)
		if perr != nil || d < time.Second {
			return c, fmt.Errorf("OCOPFAIR_EXPIRY_SWEEP_INTERVAL=%q: must be a duration of at least 1s", s)
		}
		c.SweepInterval = d
	}
	return c, err
}

// App is a running exhibitor service.
type App struct {
	Host      *service.Host
	handler   http.Handler
	consumers []bus.Consumer
	producers *producer.Store
	products  *product.Store
	claims    *producer.ClaimStore
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
	host, err := service.Open(ctx, cfg.Config, logOut, service.Options{Keys: keys, Uploads: map[string]int64{importer.Path: importer.MaxFileBytes}})
	if err != nil {
		return nil, err
	}
	indexes := append(append(append(producer.Indexes(), producer.ClaimIndexes()...), product.Indexes()...), application.Indexes()...)
	if err := host.DB.EnsureIndexes(ctx, indexes...); err != nil {
		host.Close()
		return nil, err
	}
	if _, err := host.Relay(ctx, producer.Collection, product.Collection, product.NoticesCollection, application.Collection); err != nil {
		host.Close()
		return nil, err
	}
	a := &App{Host: host, producers: producer.NewStore(host.DB), products: product.NewStore(host.DB), claims: producer.NewClaimStore(host.DB)}
	apps := &application.Handlers{Store: application.NewStore(host.DB), Catalog: catalog{a}, Notify: host.NotifyRelays, Now: time.Now}
	a.consumers = append(apps.Consumers(), bus.Consumer{
		Durable: "exhibitor-product-owners", Stream: "EXHIBITOR", Subjects: []string{events.ProducerUpdated}, Handler: a.refreshProductOwners,
	})

	r, api := host.Router("ocopfair exhibitor service", "OCOP producers, their products and certificates, and booth applications.")
	(&producer.Handlers{Store: a.producers, Claims: a.claims, Notify: host.NotifyRelays, Now: time.Now}).Mount(api)
	(&importer.Handlers{Stores: importer.Stores{Producers: a.producers, Products: a.products, Claims: a.claims}, Notify: host.NotifyRelays, Now: time.Now}).Mount(api)
	(&product.Handlers{Store: a.products, Owners: catalog{a}, Notify: host.NotifyRelays, Now: time.Now}).Mount(api)
	apps.Mount(api)
	a.handler = r
	host.Job(func(ctx context.Context) { a.sweepLoop(ctx, cfg.SweepInterval) })
	return a, nil
}

// catalog adapts the producer and product stores to what products and applications ask.
type catalog struct{ a *App }

func ownerOf(p producer.Producer) product.Owner {
	certs := make([]string, 0, len(p.Certifications))
	for _, c := range p.Certifications {
		certs = append(certs, c.Code)
	}
	return product.Owner{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: p.Province, Certifications: certs, Revision: p.Revision}
}

func (c catalog) OwnerOf(ctx context.Context, producerID string) (product.Owner, error) {
	p, err := c.a.producers.Get(ctx, producerID)
	if err != nil {
		return product.Owner{}, err
	}
	return ownerOf(p), nil
}

func (c catalog) ApplicantOf(ctx context.Context, accountID string) (application.Applicant, error) {
	p, err := c.a.producers.ByAccount(ctx, accountID)
	if err != nil {
		return application.Applicant{}, err
	}
	return application.Applicant{ProducerID: p.ID, Name: p.LegalName, Province: p.Province.Code}, nil
}

func (c catalog) ProductsOf(ctx context.Context, producerID string, ids []string) ([]application.Product, error) {
	found, err := c.a.products.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := map[string]product.Listed{}
	for _, l := range found {
		byID[l.ID] = l
	}
	var v apperr.Validation
	out := make([]application.Product, 0, len(ids))
	for i, id := range ids {
		l, ok := byID[id]
		if !v.Check(ok && l.ProducerID == producerID, fmt.Sprintf("product_ids[%d]", i), "is not one of your products") {
			continue
		}
		out = append(out, application.Product{ProductID: l.ID, Name: l.NameVI, CriteriaSet: l.CriteriaSet, Sector: l.Sector(),
			Stars: l.Rating.Stars, PotentialFive: l.Rating.PotentialFive, ExpiresOn: l.Certificate.ExpiresOn})
	}
	return out, v.Err()
}

// refreshProductOwners rewrites the producer details copied onto its products after the
// producer changed. It consumes the service's own exhibitor.producer.updated, so the copies
// follow even when the process stops right after the producer is stored, and a failure is
// retried by the bus. The producer revision on each product makes it idempotent and keeps a late
// event from writing an older copy.
func (a *App) refreshProductOwners(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var pl events.ProducerUpdatedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	p := pl.Producer
	if p.ID == "" || p.ID != env.AggregateID || p.Revision < 1 {
		return bus.Permanent(fmt.Errorf("producer %q does not match the aggregate %q, or has no revision", p.ID, env.AggregateID))
	}
	prov, _ := ocop.ProvinceByCode(p.ProvinceCode)
	certs := make([]string, 0, len(p.Certifications))
	for _, c := range p.Certifications {
		certs = append(certs, c.Code)
	}
	n, err := a.products.RefreshOwner(ctx, product.Owner{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: prov,
		Certifications: certs, Revision: p.Revision}, correlation.From(ctx))
	if n > 0 {
		a.Host.NotifyRelays()
	}
	return err
}

// Sweep announces every certificate that expired by now and was not announced yet, and returns
// how many it announced. Safe to run on several replicas at once: each announcement is an insert
// with a unique key.
func (a *App) Sweep(ctx context.Context, now time.Time) (int, error) {
	announced := 0
	for round := 0; round < 100; round++ {
		batch, err := a.products.ExpiredUnannounced(ctx, now, 200)
		if err != nil || len(batch) == 0 {
			return announced, err
		}
		for _, l := range batch {
			ok, err := a.products.AnnounceExpiry(ctx, l, now)
			if err != nil {
				return announced, err
			}
			if ok {
				announced++
			}
		}
		a.Host.NotifyRelays()
	}
	return announced, nil
}

func (a *App) sweepLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := a.Sweep(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.Host.Log.Warn("certificate expiry sweep failed", "err", err)
		} else if n > 0 {
			a.Host.Log.Info("announced expired certificates", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handler returns the HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Run serves on ln and runs the consumers and the sweep until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	return a.Host.Run(ctx, ln, a.handler, a.consumers...)
}
