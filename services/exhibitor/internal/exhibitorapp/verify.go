package exhibitorapp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
	"github.com/ocopfair/ocopfair/pkg/service"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/verify"
)

// followVerify builds the verification routes on the catalogue and applications models, with
// two models of their own: the producers as the page shows them, and the counted views. Both
// are loaded from the database and kept current from the EXHIBITOR stream; /readyz waits for
// them. Jobs give products stored before public codes existed a code, and flush the counted
// views every cfg.ScanFlushInterval (and once more at shutdown). The booth posters, which print
// the same URLs, come with them.
func followVerify(ctx context.Context, host *service.Host, a *App, cfg Config) (fairDay, error) {
	producers, stats := verify.NewProducers(), verify.NewStats()
	store := verify.NewStore(host.DB)
	begin := time.Now()
	if err := loadProducers(ctx, a.producers, producers); err != nil {
		return fairDay{}, fmt.Errorf("load the producers of the verification page: %w", err)
	}
	n, err := store.Load(ctx, stats)
	if err != nil {
		return fairDay{}, fmt.Errorf("load the counted views: %w", err)
	}
	host.Log.Info("verification models loaded", "scan_batches", n, "took", time.Since(begin).Round(time.Millisecond))
	log := host.Log.With("component", "verification models")
	followers := []*readmodel.Follower{
		readmodel.New(host.JS, readmodel.Config{Stream: "EXHIBITOR", Subjects: verify.ProducerSubjects, Start: begin.Add(-outbox.Lag), Apply: producers.OnProducer, Log: log}),
		readmodel.New(host.JS, readmodel.Config{Stream: "EXHIBITOR", Subjects: verify.StatsSubjects, Start: begin.Add(-outbox.Lag), Apply: stats.OnScansCounted, Log: log}),
	}
	for _, f := range followers {
		host.Job(func(ctx context.Context) { _ = f.Run(ctx) })
	}
	host.Check("verification models", func(context.Context) error {
		for _, f := range followers {
			if !f.Ready() {
				return errors.New("the verification models are still catching up with the stream")
			}
		}
		return nil
	})
	counter := verify.NewCounter()
	host.Job(func(ctx context.Context) {
		if n, err := product.BackfillCodes(ctx, a.products, a.catalogue, host.NotifyRelays); err != nil && ctx.Err() == nil {
			host.Log.Warn("public codes of older products not all given", "err", err, "given", n)
		} else if n > 0 {
			host.Log.Info("gave older products their public codes", "count", n)
		}
	})
	// A configuration built by hand (tests) may leave these out: the defaults of LoadConfig.
	every, public := cmp.Or(cfg.ScanFlushInterval, DefaultScanFlushInterval), cmp.Or(cfg.PublicURL, DefaultPublicURL)
	host.Job(func(ctx context.Context) { flushLoop(ctx, host, store, counter, stats, every) })
	host.Job(func(ctx context.Context) { compactLoop(ctx, host, store) })
	routes := &verify.Routes{Catalogue: a.catalogue, Producers: producers, Places: placesOf(a.apps), FairName: fairNameOf(a.apps),
		Counter: counter, Stats: stats, PublicURL: public, Now: time.Now}
	return fairDay{verify: routes, posters: posterRoutes(a, routes, host.Log)}, nil
}

// flushLoop stores the counted views every interval, and once more when ctx ends, on a context
// of its own: views counted since the last flush would otherwise be lost at every deploy.
func flushLoop(ctx context.Context, host *service.Host, store *verify.Store, c *verify.Counter, m *verify.Stats, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := verify.Flush(last, store, c, m, time.Now(), host.NotifyRelays); err != nil {
				host.Log.Warn("counted views not stored at shutdown", "err", err)
			}
			return
		case <-t.C:
			if err := verify.Flush(ctx, store, c, m, time.Now(), host.NotifyRelays); err != nil && ctx.Err() == nil {
				host.Log.Warn("counted views not stored; kept for the next flush", "err", err)
			}
		}
	}
}

// compactEvery is how often the counted views' old batches are folded into one document a day
// (see verify.Compact); the first time a minute after start, once the models are loaded.
const compactEvery = 24 * time.Hour

// compactLoop folds the old batches of counted views now and then, so that a replica starting
// after months of fairs reads a document a day rather than every flush.
func compactLoop(ctx context.Context, host *service.Host, store *verify.Store) {
	wait := time.Minute
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = compactEvery
		if folded, deleted, err := store.Compact(ctx, time.Now()); err != nil && ctx.Err() == nil {
			host.Log.Warn("old batches of counted views not all folded; tried again tomorrow", "err", err, "folded", folded, "deleted", deleted)
		} else if folded+deleted > 0 {
			host.Log.Info("folded old batches of counted views into one a day", "folded", folded, "deleted", deleted)
		}
	}
}

// loadProducers pages through every producer profile into m.
func loadProducers(ctx context.Context, producers *producer.Store, m *verify.Producers) error {
	after := ""
	for range 100_000 { // 100 million profiles: a bound for the loop
		page, err := producers.List(ctx, producer.Filter{After: after, Limit: 1000})
		if err != nil || len(page) == 0 {
			return err
		}
		for _, p := range page {
			m.Put(verify.Producer{ID: p.ID, Name: p.LegalName, Kind: p.Kind, Commune: p.Commune, Province: p.Province.Code,
				Phone: p.Phone, Email: p.Email, Revision: p.Revision})
		}
		after = page[len(page)-1].ID
	}
	return nil
}

// placesOf answers where a producer holds booths from the applications model: its approved
// applications' booths with their fairs.
func placesOf(m *application.Model) func(string) []verify.Place {
	return func(producerID string) []verify.Place {
		var out []verify.Place
		for _, app := range m.ByProducer(producerID, "", 100) {
			if app.Status != application.Approved || len(app.Booths) == 0 {
				continue
			}
			f, ok := m.Fair(app.FairID)
			if !ok {
				continue
			}
			p := verify.Place{FairID: f.ID, FairName: f.NameVI, Status: f.Status, StartDate: f.StartDate, EndDate: f.EndDate}
			for _, code := range app.Booths {
				p.Booths = append(p.Booths, verify.Booth{Code: code, Zone: app.BoothZones[code]})
			}
			out = append(out, p)
		}
		return out
	}
}

// fairNameOf names a fair from the applications model.
func fairNameOf(m *application.Model) func(string) string {
	return func(id string) string {
		f, _ := m.Fair(id)
		return f.NameVI
	}
}
