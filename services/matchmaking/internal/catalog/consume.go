package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Durable is the consumer that feeds the catalog; never rename it.
const Durable = "matchmaking-catalog"

// Consumer returns the durable consumer that projects producer events into the store.
func (s *Store) Consumer() bus.Consumer {
	return bus.Consumer{
		Durable:  Durable,
		Stream:   "EXHIBITOR",
		Subjects: []string{events.ProducerRegistered, events.ProducerUpdated},
		Handler:  s.OnProducer,
	}
}

// PrepareReplay makes an empty catalog rebuild from the whole stream: it deletes the durable
// consumer (recreated from the first message) and forgets which events it had processed.
func (s *Store) PrepareReplay(ctx context.Context, js jetstream.JetStream) (bool, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{})
	if err != nil || n > 0 {
		return false, err
	}
	// Only a consumer that has delivered events into a store that is now empty needs a reset; a
	// fresh consumer starts from the first event anyway, and another replica starting at the same
	// time must not pull the consumer away from under its peer.
	cons, err := js.Consumer(ctx, "EXHIBITOR", Durable)
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("catalog: consumer: %w", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		return false, fmt.Errorf("catalog: consumer info: %w", err)
	}
	if info.Delivered.Stream == 0 {
		return false, nil
	}
	if err := js.DeleteConsumer(ctx, "EXHIBITOR", Durable); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return false, fmt.Errorf("catalog: reset consumer: %w", err)
	}
	if _, err := s.db.Collection(bus.ProcessedCollection).DeleteMany(ctx, bson.M{"_id": bson.M{"$regex": "^" + Durable + ":"}}); err != nil {
		return false, fmt.Errorf("catalog: reset processed events: %w", err)
	}
	return true, nil
}

// OnProducer applies one producer event. A payload that does not decode is poison. An event older
// than what is stored (a replay, or out-of-order delivery) changes nothing, so the effect is
// idempotent by the producer's revision as well as by event ID.
func (s *Store) OnProducer(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var p events.ProducerV1
	switch env.Type {
	case events.ProducerRegistered:
		var pl events.ProducerRegisteredV1
		if err := env.Decode(&pl); err != nil {
			return bus.Permanent(err)
		}
		p = pl.Producer
	case events.ProducerUpdated:
		var pl events.ProducerUpdatedV1
		if err := env.Decode(&pl); err != nil {
			return bus.Permanent(err)
		}
		p = pl.Producer
	default:
		return bus.Permanent(fmt.Errorf("unexpected event type %s", env.Type))
	}
	if p.ID == "" || p.ID != env.AggregateID || p.Revision < 1 {
		return bus.Permanent(errors.New("producer id does not match the aggregate id, or has no revision"))
	}
	return s.upsert(ctx, fromEvent(p))
}
