// Package catalog is the matchmaking service's read model of producers (and, later, their
// products and booths), built from the exhibitor service's events. When its store is empty at
// start-up it is rebuilt by replaying the stream from the beginning.
package catalog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collection holds the projected producers.
const Collection = "catalog_producers"

// Durable is the consumer that feeds the catalog; never rename it.
const Durable = "matchmaking-catalog"

// Certification is a producer's quality certification.
type Certification struct {
	Code       string    `bson:"code"`
	ValidUntil time.Time `bson:"valid_until"`
}

// Producer is a producer as matchmaking sees it.
type Producer struct {
	ID             string          `bson:"_id"`
	AccountID      string          `bson:"account_id"`
	Kind           string          `bson:"kind"`
	LegalName      string          `bson:"legal_name"`
	NameFold       string          `bson:"name_fold"`
	ProvinceCode   string          `bson:"province_code"`
	Region         string          `bson:"region"`
	Phone          string          `bson:"phone"`
	Email          string          `bson:"email"`
	Certifications []Certification `bson:"certifications"`
	Trademark      string          `bson:"trademark"`
	ExportMarkets  []string        `bson:"export_markets"`
	Revision       int64           `bson:"revision"`
	UpdatedAt      time.Time       `bson:"updated_at"`
	// EventsApplied counts the events that changed this record: a redelivered event must not.
	EventsApplied int64     `bson:"events_applied"`
	ProjectedAt   time.Time `bson:"projected_at"`
}

func fromEvent(p events.ProducerV1) Producer {
	certs := make([]Certification, len(p.Certifications))
	for i, c := range p.Certifications {
		certs[i] = Certification{Code: c.Code, ValidUntil: c.ValidUntil}
	}
	return Producer{
		ID: p.ID, AccountID: p.AccountID, Kind: p.Kind, LegalName: p.LegalName, NameFold: vntext.Fold(p.LegalName),
		ProvinceCode: p.ProvinceCode, Region: p.Region, Phone: p.Phone, Email: p.Email, Certifications: certs,
		Trademark: p.Trademark, ExportMarkets: p.ExportMarkets, Revision: p.Revision, UpdatedAt: p.UpdatedAt,
	}
}

// Store is the catalog.
type Store struct {
	db *storage.DB
	c  *mongo.Collection
}

// NewStore returns the catalog on db.
func NewStore(db *storage.DB) *Store { return &Store{db: db, c: db.Collection(Collection)} }

// Consumer returns the durable consumer that projects producer events into the store.
func (s *Store) Consumer() bus.Consumer {
	return bus.Consumer{
		Durable:  Durable,
		Stream:   "EXHIBITOR",
		Subjects: []string{events.ProducerRegistered, events.ProducerUpdated},
		Handler:  s.Handle,
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

// Handle applies one producer event. A payload that does not decode is poison. An event older
// than what is stored (a replay, or out-of-order delivery) changes nothing, so the effect is
// idempotent by the producer's revision as well as by event ID.
func (s *Store) Handle(ctx context.Context, env events.Envelope) error {
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

func (s *Store) upsert(ctx context.Context, p Producer) error {
	p.ProjectedAt = time.Now().UTC()
	set, err := storage.Fields(p)
	if err != nil {
		return bus.Permanent(err)
	}
	delete(set, "_id")
	delete(set, "events_applied")
	// Only a newer revision replaces what is stored; the upsert creates the first. When an older
	// revision arrives the filter misses, the upsert tries to insert the same _id, and the
	// duplicate key means "already newer": nothing to do.
	_, err = s.c.UpdateOne(ctx,
		bson.M{"_id": p.ID, "revision": bson.M{"$lt": p.Revision}},
		bson.M{"$set": set, "$inc": bson.M{"events_applied": 1}},
		options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) {
		return nil
	}
	return err
}

// Get returns the projected producer.
func (s *Store) Get(ctx context.Context, id string) (Producer, error) {
	var p Producer
	if err := s.c.FindOne(ctx, bson.M{"_id": id}).Decode(&p); err != nil {
		return Producer{}, storage.MapError(err, "producer")
	}
	return p, nil
}

// Count returns how many producers the catalog holds.
func (s *Store) Count(ctx context.Context) (int64, error) {
	return s.c.CountDocuments(ctx, bson.M{})
}
