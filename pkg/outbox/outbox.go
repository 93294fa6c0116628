// Package outbox makes a state change and the events it causes one write, without multi-document
// transactions: the events ride in an "outbox" array on the changed document, written by the same
// single-document update. A Relay publishes each pending event to JetStream with Nats-Msg-Id set
// to the event ID, waits for the stream's acknowledgement, and only then removes it from the
// document with a conditional $pop of that very entry.
//
// A crash before the update leaves neither change nor event; a crash after it leaves the event
// pending, and the next relay pass publishes it; a crash between publish and removal makes the
// relay publish it again, which the stream drops as a duplicate within its window (and consumers
// skip by event ID beyond it). So an event is never lost and never published for an unsaved change.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Field names on an aggregate document.
const (
	// Field is the array of pending events.
	Field = "outbox"
	// PendingField is true while Field is not empty; it is indexed so the relay finds work without
	// scanning every document.
	PendingField = "outbox_pending"
)

// Entry is one pending event as stored on its aggregate.
type Entry struct {
	ID        string    `bson:"id"`
	Subject   string    `bson:"subject"`
	Version   int       `bson:"version"`
	Envelope  string    `bson:"envelope"`
	CreatedAt time.Time `bson:"created_at"`
}

// Entries encodes envelopes as outbox entries.
func Entries(envs ...events.Envelope) ([]Entry, error) {
	out := make([]Entry, 0, len(envs))
	for _, e := range envs {
		data, err := json.Marshal(e)
		if err != nil {
			return nil, fmt.Errorf("outbox: encode %s: %w", e.ID, err)
		}
		out = append(out, Entry{ID: e.ID, Subject: e.Type, Version: e.Version, Envelope: string(data), CreatedAt: e.OccurredAt})
	}
	return out, nil
}

// Update adds the envelopes to update, a MongoDB update document ($set, $inc, ...), so that the
// one update that changes the aggregate also appends its events. It returns update.
func Update(update bson.M, envs ...events.Envelope) (bson.M, error) {
	entries, err := Entries(envs...)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return update, nil
	}
	push, _ := update["$push"].(bson.M)
	if push == nil {
		push = bson.M{}
	}
	push[Field] = bson.M{"$each": entries}
	update["$push"] = push
	set, _ := update["$set"].(bson.M)
	if set == nil {
		set = bson.M{}
	}
	set[PendingField] = true
	update["$set"] = set
	return update, nil
}

// Indexes are the indexes the relay needs on each aggregate collection.
func Indexes(collections ...string) []storage.Index {
	out := make([]storage.Index, 0, len(collections))
	for _, c := range collections {
		out = append(out, storage.Index{Collection: c, Keys: bson.D{{Key: PendingField, Value: 1}}, Sparse: true})
	}
	return out
}

// Relay publishes pending events of a set of collections.
type Relay struct {
	js          jetstream.JetStream
	collections []*mongo.Collection
	log         *slog.Logger
	metrics     *metrics.Metrics
	interval    time.Duration
	wake        chan struct{}
	mu          sync.Mutex // one pass at a time per relay
}

// NewRelay returns a relay for the collections. It polls every interval (crash recovery, work of
// other replicas) and at once after Notify.
func NewRelay(js jetstream.JetStream, log *slog.Logger, m *metrics.Metrics, interval time.Duration, collections ...*mongo.Collection) *Relay {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	return &Relay{js: js, collections: collections, log: log, metrics: m, interval: interval, wake: make(chan struct{}, 1)}
}

// Notify asks the relay to run a pass soon; it never blocks.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run runs passes until ctx ends, then runs a last pass so that events stored just before a
// graceful shutdown are not left for the next start.
func (r *Relay) Run(ctx context.Context) error {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		if _, err := r.Flush(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("outbox relay pass failed; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_, _ = r.Flush(final)
			cancel()
			return nil
		case <-t.C:
		case <-r.wake:
		}
	}
}

// Flush publishes every pending event it finds and returns how many it published.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	published, backlog := 0, 0
	defer func() {
		if r.metrics != nil {
			r.metrics.OutboxBacklog.Set(float64(backlog))
		}
	}()
	for _, c := range r.collections {
		// Bounded: each round publishes at least one event or stops.
		for round := 0; round < 1000; round++ {
			n, left, err := r.flushBatch(ctx, c)
			published += n
			if err != nil {
				backlog += left
				return published, err
			}
			if n == 0 {
				backlog += left
				break
			}
		}
	}
	return published, nil
}

type pendingDoc struct {
	ID     any     `bson:"_id"`
	Outbox []Entry `bson:"outbox"`
}

func (r *Relay) flushBatch(ctx context.Context, c *mongo.Collection) (published, left int, err error) {
	cur, err := c.Find(ctx, bson.M{PendingField: true},
		options.Find().SetProjection(bson.M{"_id": 1, Field: 1}).SetLimit(100))
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: find pending in %s: %w", c.Name(), err)
	}
	var docs []pendingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, 0, fmt.Errorf("outbox: read pending in %s: %w", c.Name(), err)
	}
	for i, d := range docs {
		if len(d.Outbox) == 0 {
			// Pending flag without entries: clear it unless an entry arrived meanwhile.
			_, err := c.UpdateOne(ctx, bson.M{"_id": d.ID, Field + ".0": bson.M{"$exists": false}}, bson.M{"$unset": bson.M{PendingField: ""}})
			if err != nil {
				return published, countLeft(docs[i:]), err
			}
			continue
		}
		for j, e := range d.Outbox {
			if err := r.publish(ctx, e); err != nil {
				return published, countLeft(docs[i+1:]) + len(d.Outbox) - j, err
			}
			published++
			if err := markSent(ctx, c, d.ID, e.ID); err != nil {
				return published, countLeft(docs[i+1:]) + len(d.Outbox) - j - 1, err
			}
		}
	}
	return published, 0, nil
}

func countLeft(docs []pendingDoc) int {
	n := 0
	for _, d := range docs {
		n += len(d.Outbox)
	}
	return n
}

func (r *Relay) publish(ctx context.Context, e Entry) error {
	var head struct {
		CorrelationID string `json:"correlation_id"`
	}
	_ = json.Unmarshal([]byte(e.Envelope), &head)
	if err := bus.PublishRaw(ctx, r.js, e.Subject, e.ID, head.CorrelationID, e.Version, []byte(e.Envelope)); err != nil {
		return err
	}
	if r.metrics != nil {
		r.metrics.EventsPublished.WithLabelValues(e.Subject).Inc()
	}
	return nil
}

// markSent removes entry id from the head of the document's outbox, only if it is still there
// (another relay replica may have done it), and clears the pending flag with the last entry.
func markSent(ctx context.Context, c *mongo.Collection, docID any, id string) error {
	res, err := c.UpdateOne(ctx,
		bson.M{"_id": docID, Field + ".0.id": id, Field + ".1": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{Field: bson.A{}}, "$unset": bson.M{PendingField: ""}})
	if err != nil {
		return fmt.Errorf("outbox: mark %s sent: %w", id, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	if _, err := c.UpdateOne(ctx, bson.M{"_id": docID, Field + ".0.id": id}, bson.M{"$pop": bson.M{Field: -1}}); err != nil {
		return fmt.Errorf("outbox: mark %s sent: %w", id, err)
	}
	return nil
}

// Pending returns the entries still waiting on one document, for tests and operators.
func Pending(ctx context.Context, c *mongo.Collection, docID any) ([]Entry, error) {
	var d pendingDoc
	err := c.FindOne(ctx, bson.M{"_id": docID}, options.FindOne().SetProjection(bson.M{Field: 1})).Decode(&d)
	if err != nil {
		return nil, storage.MapError(err, "document")
	}
	return d.Outbox, nil
}

// Document converts doc (a struct with bson tags) to a map that Insert and Set can extend.
func Document(doc any) (bson.M, error) {
	raw, err := bson.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("outbox: encode document: %w", err)
	}
	var m bson.M
	if err := bson.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("outbox: encode document: %w", err)
	}
	return m, nil
}

// Insert inserts doc with its events in one write. Errors are the driver's (check
// storage.IsDuplicate for unique-index violations).
func Insert(ctx context.Context, c *mongo.Collection, doc any, envs ...events.Envelope) error {
	m, err := Document(doc)
	if err != nil {
		return err
	}
	entries, err := Entries(envs...)
	if err != nil {
		return err
	}
	m[Field], m[PendingField] = entries, true
	_, err = c.InsertOne(ctx, m)
	return err
}

// Set replaces the fields of the document matching filter with doc's (all but _id) and appends
// the events, in one conditional update. It reports whether a document matched.
func Set(ctx context.Context, c *mongo.Collection, filter bson.M, doc any, envs ...events.Envelope) (bool, error) {
	set, err := Document(doc)
	if err != nil {
		return false, err
	}
	delete(set, "_id")
	update, err := Update(bson.M{"$set": set}, envs...)
	if err != nil {
		return false, err
	}
	res, err := c.UpdateOne(ctx, filter, update)
	if err != nil {
		return false, err
	}
	return res.MatchedCount > 0, nil
}
