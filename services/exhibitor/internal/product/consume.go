package product

import (
	"context"
	"fmt"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
)

// Consumers keeps the producer details copied onto products in step with the producers.
type Consumers struct {
	Store  *Store
	Notify func() // wakes the outbox relay after a write
}

// Subscriptions returns the durable consumer of the service's own producer updates.
func (h *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "exhibitor-product-owners", Stream: "EXHIBITOR", Subjects: []string{events.ProducerUpdated}, Handler: h.OnProducerUpdated},
	}
}

// OnProducerUpdated rewrites the producer details copied onto its products after the producer
// changed. It consumes the service's own exhibitor.producer.updated, so the copies follow even
// when the process stops right after the producer is stored, and a failure is retried by the
// bus. The producer revision on each product makes it idempotent and keeps a late event from
// writing an older copy. A payload of an unknown version or of another aggregate is poison.
func (h *Consumers) OnProducerUpdated(ctx context.Context, env events.Envelope) error {
	pl, err := events.DecodeProducerUpdated(env)
	if err != nil {
		return bus.Permanent(err)
	}
	p := pl.Producer
	prov, _ := ocop.ProvinceByCode(p.ProvinceCode)
	certs := make([]string, 0, len(p.Certifications))
	for _, c := range p.Certifications {
		certs = append(certs, c.Code)
	}
	n, err := h.Store.RefreshOwner(ctx, Owner{ProducerID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: prov,
		Certifications: certs, Revision: p.Revision}, correlation.From(ctx))
	if n > 0 {
		h.Notify()
	}
	return err
}

// CatalogueSubjects are the product events the catalogue read model folds. Every replica folds
// every one of them, so it follows the EXHIBITOR stream itself (pkg/readmodel) rather than
// sharing a durable consumer.
var CatalogueSubjects = events.ProductSubjects

// OnProduct brings a product changed by another replica into the catalogue. The event names the
// product and its revision; when the model holds that revision or a newer one (this replica's
// own write, or a copy delivered twice) there is nothing to do. Otherwise the model reads the
// product from the database, the record, because the event leaves out fields the catalogue
// shows (English description, images, producer certifications); that read happens once per
// write, never per request. A failed read is retried a few times, then returned (the follower
// logs it, and the next start reloads the model).
func (m *Catalogue) OnProduct(env events.Envelope) error {
	var pl events.ProductChangedV1
	if err := env.Decode(&pl); err != nil {
		return err
	}
	if have, ok := m.Revision(env.AggregateID); ok && have >= pl.Product.Revision {
		return nil
	}
	var err error
	for attempt := range 4 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		var l Listed
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		l, err = m.store.Get(ctx, env.AggregateID)
		cancel()
		if err == nil {
			m.Put(l)
			return nil
		}
		if apperr.Is(err, apperr.NotFound) {
			return nil // never stored here: nothing the catalogue could show
		}
	}
	return fmt.Errorf("read product %s: %w", env.AggregateID, err)
}
