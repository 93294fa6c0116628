package verify

import (
	"context"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Collection holds one document per flushed batch of counted views: the record the Stats model
// is loaded from, and the carrier of the batch's exhibitor.scan.counted event (outbox).
const Collection = "scan_batches"

type countDoc struct {
	ProductID  string `bson:"product_id"`
	ProducerID string `bson:"producer_id"`
	FairID     string `bson:"fair_id"`
	Day        string `bson:"day"`
	Count      int    `bson:"count"`
}

type batchDoc struct {
	ID     string     `bson:"_id"`
	At     time.Time  `bson:"at"`
	Counts []countDoc `bson:"counts"`
}

// Store keeps the batches of counted views.
type Store struct {
	c *mongo.Collection
	w outbox.Writer
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "scan batch", nil)}
}

// Insert stores a batch of counts with its exhibitor.scan.counted event in one write, and
// returns the batch as published.
func (s *Store) Insert(ctx context.Context, counts []events.ScanCountV1, now time.Time) (events.ScansCountedV1, error) {
	b := events.ScansCountedV1{BatchID: uuid.Must(uuid.NewV7()).String(), Counts: counts, At: now}
	return b, s.insertBatch(ctx, b)
}

// insertBatch stores batch b under its ID: a batch stored already (a write whose answer was lost)
// is a duplicate key.
func (s *Store) insertBatch(ctx context.Context, b events.ScansCountedV1) error {
	d := batchDoc{ID: b.BatchID, At: b.At, Counts: make([]countDoc, len(b.Counts))}
	for i, c := range b.Counts {
		d.Counts[i] = countDoc(c)
	}
	return s.w.Insert(ctx, d, "", "", outbox.Event{Subject: events.ScansCounted, AggregateID: b.BatchID, Payload: b})
}

// Load applies every stored batch and folded day (see Compact) to m, and reports how many
// documents it read. The days are read first: the batches a day's document still lists are left
// out, counted through it; a day folded while the batches are read is not among the days read,
// and its batches, deleted only at a later run, are all read and counted.
func (s *Store) Load(ctx context.Context, m *Stats) (int, error) {
	folded, n := map[string]bool{}, 0
	err := storage.Each(ctx, s.c, bson.M{"kind": dayKind}, nil, "scan batches", func(d dayDoc) error {
		for _, id := range d.Sources {
			folded[id] = true
		}
		m.Apply(batchDoc{ID: d.ID, At: d.At, Counts: d.Counts}.event())
		n++
		return nil
	})
	if err != nil {
		return n, err
	}
	filter := bson.M{"kind": bson.M{"$exists": false}}
	err = storage.Each(ctx, s.c, filter, options.Find().SetProjection(bson.M{outbox.Field: 0}), "scan batches", func(d batchDoc) error {
		if !folded[d.ID] {
			m.Apply(d.event())
		}
		n++
		return nil
	})
	return n, err
}

// event is the batch as its exhibitor.scan.counted event carries it.
func (d batchDoc) event() events.ScansCountedV1 {
	b := events.ScansCountedV1{BatchID: d.ID, At: d.At, Counts: make([]events.ScanCountV1, len(d.Counts))}
	for i, c := range d.Counts {
		b.Counts[i] = events.ScanCountV1(c)
	}
	return b
}

// Flush stores the counts taken from c as one batch, applies it to m and wakes the relay
// (notify). A batch whose write failed is kept, whole and under its ID, and written again first at
// the next flush: a write that was stored though its answer was lost (a timeout) then meets its
// own ID and is not counted twice. The counts made meanwhile follow it in a batch of their own.
func Flush(ctx context.Context, st *Store, c *Counter, m *Stats, now time.Time, notify func()) error {
	// settle applies batch b once its write (whose error is err) stored it, or holds it in c.
	settle := func(b events.ScansCountedV1, err error) error {
		if err != nil && !storage.IsDuplicate(err) {
			c.hold(b)
			return err
		}
		m.Apply(b)
		notify()
		return nil
	}
	if b, again := c.takeHeld(); again {
		if err := settle(b, st.insertBatch(ctx, b)); err != nil {
			return err
		}
	}
	counts := c.Take()
	if len(counts) == 0 {
		return nil
	}
	return settle(st.Insert(ctx, counts, now))
}
