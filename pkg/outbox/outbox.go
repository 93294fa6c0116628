// Package outbox makes a state change and the events it causes one write, without multi-document
// transactions: the events ride in an "outbox" array on the changed document, appended by the
// same single-document write that changes it. A Relay publishes each event to JetStream with
// Nats-Msg-Id set to the event ID, waits for the stream's acknowledgement, and then records the
// event as sent in a separate, insert-only collection (its _id is the event ID).
//
// The relay never writes to the changed documents. That matters where several replicas share a
// database whose conditional updates are atomic only per connection (FerretDB v1): a relay
// rewriting a document could lose a concurrent change made by another replica. Sent markers are
// inserts with a unique key, which every engine enforces.
//
// A crash before the write leaves neither change nor event; after it, the next relay pass finds
// the unsent event; between publish and marker, the event is published again and the stream drops
// it as a duplicate within its window (consumers skip it by event ID beyond). So an event is never
// lost and never published for an unsaved change.
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
	// Field is the array of the document's events, oldest first.
	Field = "outbox"
	// AtField is when the document last got events; the relay scans by it.
	AtField = "outbox_at"
	// SentCollection holds one marker per published event.
	SentCollection = "outbox_sent"
)

// Lag is how far behind the newest change the relay keeps looking, to cover clock differences
// between replicas and writes that commit a moment after they were stamped.
const Lag = 2 * time.Minute

// Entry is one event as stored on its aggregate.
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
	set[AtField] = time.Now().UTC()
	update["$set"] = set
	return update, nil
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
	m[Field], m[AtField] = entries, time.Now().UTC()
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

// Indexes are the indexes the relay needs on each aggregate collection.
func Indexes(collections ...string) []storage.Index {
	out := make([]storage.Index, 0, len(collections))
	for _, c := range collections {
		out = append(out, storage.Index{Collection: c, Keys: bson.D{{Key: AtField, Value: 1}, {Key: "_id", Value: 1}}})
	}
	return out
}

// Relay publishes the unsent events of a set of collections.
type Relay struct {
	js          jetstream.JetStream
	sent        *mongo.Collection
	collections []*mongo.Collection
	log         *slog.Logger
	metrics     *metrics.Metrics
	interval    time.Duration
	wake        chan struct{}
	mu          sync.Mutex // one pass at a time per relay
	since       map[string]time.Time
}

// NewRelay returns a relay for collections of db. It polls every interval (crash recovery, work
// of other replicas) and at once after Notify. Its first pass looks at every document with
// events; later passes only at documents changed since the newest seen, less Lag.
func NewRelay(js jetstream.JetStream, db *mongo.Database, log *slog.Logger, m *metrics.Metrics, interval time.Duration, collections ...string) *Relay {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	r := &Relay{js: js, sent: db.Collection(SentCollection), log: log, metrics: m, interval: interval, wake: make(chan struct{}, 1), since: map[string]time.Time{}}
	for _, c := range collections {
		r.collections = append(r.collections, db.Collection(c))
	}
	return r
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

type pendingDoc struct {
	ID     any       `bson:"_id"`
	Outbox []Entry   `bson:"outbox"`
	At     time.Time `bson:"outbox_at"`
}

// Flush publishes every unsent event it finds and returns how many it published.
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
		n, left, newest, err := r.flushCollection(ctx, c)
		published += n
		backlog += left
		if err != nil {
			return published, err
		}
		if !newest.IsZero() && left == 0 {
			r.since[c.Name()] = newest.Add(-Lag)
		}
	}
	return published, nil
}

// flushCollection pages through the documents changed since the collection's mark, by
// (outbox_at, _id), publishing what is unsent. It returns the published count, the count it
// could not publish, and the newest change seen.
func (r *Relay) flushCollection(ctx context.Context, c *mongo.Collection) (published, left int, newest time.Time, err error) {
	since := r.since[c.Name()]
	var afterAt time.Time
	var afterID any
	for page := 0; page < 10000; page++ {
		filter := bson.M{AtField: bson.M{"$gte": since}}
		if afterID != nil {
			filter = bson.M{"$or": bson.A{
				bson.M{AtField: bson.M{"$gt": afterAt}},
				bson.M{AtField: afterAt, "_id": bson.M{"$gt": afterID}},
			}}
		}
		cur, err := c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: AtField, Value: 1}, {Key: "_id", Value: 1}}).
			SetProjection(bson.M{"_id": 1, Field: 1, AtField: 1}).SetLimit(200))
		if err != nil {
			return published, left, newest, fmt.Errorf("outbox: scan %s: %w", c.Name(), err)
		}
		var docs []pendingDoc
		if err := cur.All(ctx, &docs); err != nil {
			return published, left, newest, fmt.Errorf("outbox: read %s: %w", c.Name(), err)
		}
		if len(docs) == 0 {
			return published, left, newest, nil
		}
		n, l, err := r.publishUnsent(ctx, docs)
		published += n
		left += l
		if err != nil {
			return published, left, newest, err
		}
		last := docs[len(docs)-1]
		afterAt, afterID = last.At, last.ID
		if last.At.After(newest) {
			newest = last.At
		}
		if len(docs) < 200 {
			return published, left, newest, nil
		}
	}
	return published, left, newest, nil
}

func (r *Relay) publishUnsent(ctx context.Context, docs []pendingDoc) (published, left int, err error) {
	var ids bson.A
	for _, d := range docs {
		for _, e := range d.Outbox {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) == 0 {
		return 0, 0, nil
	}
	sent := map[string]bool{}
	cur, err := r.sent.Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return 0, len(ids), fmt.Errorf("outbox: read sent markers: %w", err)
	}
	var marks []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &marks); err != nil {
		return 0, len(ids), fmt.Errorf("outbox: read sent markers: %w", err)
	}
	for _, m := range marks {
		sent[m.ID] = true
	}
	unsent := len(ids) - len(sent)
	for _, d := range docs {
		for _, e := range d.Outbox { // per aggregate, in order
			if sent[e.ID] {
				continue
			}
			if err := r.publish(ctx, e); err != nil {
				return published, unsent - published, err
			}
			if err := r.markSent(ctx, e); err != nil {
				return published, unsent - published, err
			}
			published++
		}
	}
	return published, 0, nil
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

func (r *Relay) markSent(ctx context.Context, e Entry) error {
	_, err := r.sent.InsertOne(ctx, bson.M{"_id": e.ID, "subject": e.Subject, "at": time.Now().UTC()})
	if err != nil && !storage.IsDuplicate(err) {
		return fmt.Errorf("outbox: mark %s sent: %w", e.ID, err)
	}
	return nil
}

// Pending returns the entries of one document that are not yet marked sent, for tests and
// operators.
func Pending(ctx context.Context, db *mongo.Database, collection string, docID any) ([]Entry, error) {
	var d pendingDoc
	err := db.Collection(collection).FindOne(ctx, bson.M{"_id": docID}, options.FindOne().SetProjection(bson.M{Field: 1})).Decode(&d)
	if err != nil {
		return nil, storage.MapError(err, "document")
	}
	var out []Entry
	for _, e := range d.Outbox {
		err := db.Collection(SentCollection).FindOne(ctx, bson.M{"_id": e.ID}).Err()
		switch {
		case err == nil:
		case storage.IsNotFound(err):
			out = append(out, e)
		default:
			return nil, err
		}
	}
	return out, nil
}
