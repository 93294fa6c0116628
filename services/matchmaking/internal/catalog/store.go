package catalog

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Store is the catalog.
type Store struct {
	db *storage.DB
	c  *mongo.Collection
}

// NewStore returns the catalog on db.
func NewStore(db *storage.DB) *Store { return &Store{db: db, c: db.Collection(Collection)} }

// upsert stores p unless the catalog holds the same or a newer revision of it.
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
	_, err = storage.Upsert(ctx, s.c,
		bson.M{"_id": p.ID, "revision": bson.M{"$lt": p.Revision}},
		bson.M{"$set": set, "$inc": bson.M{"events_applied": 1}})
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
