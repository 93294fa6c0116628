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
//
// A publish that fails holds back only the later events of the same aggregate (so one aggregate's
// events stay in order) and is retried with a growing delay; every other event goes on. A publish
// that finds its stream unreachable (no answer in time, no stream) leaves every other event of that
// stream for the next pass, so that an outage costs a pass one publish timeout per stream rather
// than one per aggregate.
//
// # Retention
//
// The relay publishes only events created within Horizon. That bound is what lets the sent
// markers go (SentRetention): a marker outlives every event the relay could still look at. The
// array on the document is trimmed by the store's own next write (Set), which keeps only the
// entries not yet marked sent and within Horizon: FerretDB ignores $push's $slice and cannot
// $pull by a sub-document field, so the trim rewrites the array, fenced on the outbox's stamp and
// count so that it never drops an entry appended in between. The fence is as good as the engine's
// conditional update: atomic on MongoDB, and on FerretDB v1 only among the writes of one
// connection. Across FerretDB connections any two updates of one document can overwrite each
// other, trim or not: a write lost that way loses its events with it, or, if a relay read the
// document in between, leaves them published for a change no longer stored.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
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
	// CountField counts the entries in Field, so that a write knows when to trim without reading.
	CountField = "outbox_n"
	// SentCollection holds one marker per published event.
	SentCollection = "outbox_sent"
)

// Lag is how far behind the newest change the relay keeps looking, to cover clock differences
// between replicas and writes that commit a moment after they were stamped.
const Lag = 2 * time.Minute

// Retention of events and their markers.
const (
	// Horizon is how old an event may be and still be published. An unmarked event older than
	// that is left: its marker, had it been sent, could be gone by now, and publishing it again
	// could apply it twice. It is logged as an error only when this relay itself failed to publish
	// it (JetStream unreachable for a week); any other is most likely sent long ago.
	Horizon = 7 * 24 * time.Hour
	// SentRetention is how long a sent marker is kept: past Horizon (plus a day for clocks and
	// slow passes), the relay never asks for it again. It is far longer than the stream's
	// duplicate window, the other thing that needs a marker.
	SentRetention = Horizon + 24*time.Hour
	// TrimAt is the count of entries at which a document's next Set trims its outbox to the
	// entries still unsent; below it, Set only appends (one write, no reads).
	TrimAt = 16
	// publishTimeout bounds one publish, so an unreachable stream does not hold up the pass.
	publishTimeout = 5 * time.Second
)

// BookkeepingRetention is the pruner's rule for the sent markers.
func BookkeepingRetention() []storage.Retention {
	return []storage.Retention{{Collection: SentCollection, Field: "at", Keep: SentRetention}}
}

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
// one update that changes the aggregate also appends its events. It returns update. It does not
// trim: use it for aggregates written a bounded number of times, and Set for the others.
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
	// The count only tells Set when to trim; an $inc of another shape is left as the caller wrote it.
	switch inc := update["$inc"].(type) {
	case nil:
		update["$inc"] = bson.M{CountField: len(entries)}
	case bson.M:
		inc[CountField] = len(entries)
	}
	return update, nil
}

// Insert inserts doc with its events in one write. Errors are the driver's (check
// storage.IsDuplicate for unique-index violations).
func Insert(ctx context.Context, c *mongo.Collection, doc any, envs ...events.Envelope) error {
	m, err := storage.Fields(doc)
	if err != nil {
		return err
	}
	entries, err := Entries(envs...)
	if err != nil {
		return err
	}
	m[Field], m[AtField], m[CountField] = entries, time.Now().UTC(), len(entries)
	_, err = c.InsertOne(ctx, m)
	return err
}

// Set replaces the fields of the document matching filter with doc's (all but _id) and appends
// the events, in one conditional update. It reports whether a document matched.
//
// While the outbox holds fewer than TrimAt entries, that is the whole of it. Once it holds more,
// Set reads the outbox and the markers of its entries and writes the document with an outbox of
// the entries still unsent (and within Horizon) plus the new ones, conditional on filter and on
// the outbox's stamp and count being those it read: an entry appended in between makes the write
// miss (reported as no match, as a stale revision is), so no unsent entry is ever dropped.
func Set(ctx context.Context, c *mongo.Collection, filter bson.M, doc any, envs ...events.Envelope) (bool, error) {
	set, err := storage.Fields(doc)
	if err != nil {
		return false, err
	}
	delete(set, "_id")
	entries, err := Entries(envs...)
	if err != nil {
		return false, err
	}
	short := bson.M{CountField: bson.M{"$not": bson.M{"$gte": TrimAt}}}
	for k, v := range filter {
		short[k] = v
	}
	update := bson.M{"$set": set}
	if len(entries) > 0 {
		set[AtField] = time.Now().UTC()
		update["$push"] = bson.M{Field: bson.M{"$each": entries}}
		update["$inc"] = bson.M{CountField: len(entries)}
	}
	res, err := c.UpdateOne(ctx, short, update)
	if err != nil {
		return false, err
	}
	if res.MatchedCount > 0 {
		return true, nil
	}
	delete(set, AtField)
	return trimAndSet(ctx, c, filter, set, entries)
}

// trimAndSet is Set's write for a document whose outbox is long (or that does not match filter).
func trimAndSet(ctx context.Context, c *mongo.Collection, filter, set bson.M, entries []Entry) (bool, error) {
	var cur struct {
		Outbox []Entry    `bson:"outbox"`
		At     *time.Time `bson:"outbox_at"`
		Count  *int64     `bson:"outbox_n"`
	}
	err := c.FindOne(ctx, filter, options.FindOne().SetProjection(bson.M{Field: 1, AtField: 1, CountField: 1})).Decode(&cur)
	if storage.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	now := time.Now().UTC()
	kept, err := unsent(ctx, c.Database().Collection(SentCollection), cur.Outbox, now)
	if err != nil {
		return false, err
	}
	outbox := append(kept, entries...)
	fenced := bson.M{}
	for k, v := range filter {
		fenced[k] = v
	}
	fenced[AtField], fenced[CountField] = bson.M{"$exists": false}, bson.M{"$exists": false}
	if cur.At != nil {
		fenced[AtField] = *cur.At
		// The stamp is the fence of the next trim: it must change with every trim.
		if !now.After(cur.At.Add(time.Millisecond)) {
			now = cur.At.Add(time.Millisecond)
		}
	}
	if cur.Count != nil {
		fenced[CountField] = *cur.Count
	}
	set[Field], set[AtField], set[CountField] = outbox, now, len(outbox)
	res, err := c.UpdateOne(ctx, fenced, bson.M{"$set": set})
	if err != nil {
		return false, err
	}
	return res.MatchedCount > 0, nil
}

// unsent returns the entries that have no sent marker and are within Horizon of now, in order.
func unsent(ctx context.Context, sent *mongo.Collection, entries []Entry, now time.Time) ([]Entry, error) {
	marked, err := markedSent(ctx, sent, entryIDs(entries))
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(entries))
	for _, e := range entries {
		if !marked[e.ID] && now.Sub(e.CreatedAt) <= Horizon {
			out = append(out, e)
		}
	}
	return out, nil
}

// entryIDs returns the IDs of entries, for a query on their sent markers.
func entryIDs(entries []Entry) bson.A {
	ids := make(bson.A, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	return ids
}

// markedSent returns which of ids have a sent marker, in one query.
func markedSent(ctx context.Context, sent *mongo.Collection, ids bson.A) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	cur, err := sent.Find(ctx, bson.M{"_id": bson.M{"$in": ids}}, options.Find().SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return nil, fmt.Errorf("outbox: read sent markers: %w", err)
	}
	var marks []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &marks); err != nil {
		return nil, fmt.Errorf("outbox: read sent markers: %w", err)
	}
	for _, m := range marks {
		out[m.ID] = true
	}
	return out, nil
}

// Indexes are the indexes the relay needs on each aggregate collection, and the sent markers'
// time index for pruning.
func Indexes(collections ...string) []storage.Index {
	out := make([]storage.Index, 0, len(collections)+1)
	for _, c := range collections {
		out = append(out, storage.Index{Collection: c, Keys: bson.D{{Key: AtField, Value: 1}, {Key: "_id", Value: 1}}})
	}
	return append(out, storage.Index{Collection: SentCollection, Keys: bson.D{{Key: "at", Value: 1}}})
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
	mu          sync.Mutex // one pass at a time per relay; guards the fields below
	since       map[string]time.Time
	// failing holds the aggregates whose next event failed to publish, with when to try again.
	failing map[string]failure
}

type failure struct {
	attempts uint64
	next     time.Time
	// event is the ID of the event that failed: only it is known to be unpublished.
	event string
}

// NewRelay returns a relay for collections of db. It polls every interval (crash recovery, work
// of other replicas) and at once after Notify. Its first pass looks at every document with
// events within Horizon; later passes only at documents changed since the newest seen, less Lag,
// or since the oldest still holding an unsent event.
func NewRelay(js jetstream.JetStream, db *mongo.Database, log *slog.Logger, m *metrics.Metrics, interval time.Duration, collections ...string) *Relay {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	r := &Relay{js: js, sent: db.Collection(SentCollection), log: log, metrics: m, interval: interval, wake: make(chan struct{}, 1),
		since: map[string]time.Time{}, failing: map[string]failure{}}
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
			r.log.Warn("outbox relay pass left events unpublished; will retry", "err", err)
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

// pass is the state of one Flush.
type pass struct {
	now time.Time
	// held are the aggregates with an event not published in this pass: their later events wait.
	held map[string]bool
	// down are the streams found unreachable in this pass: the rest of the pass leaves their
	// events, rather than spend a publish timeout on every aggregate.
	down      map[string]bool
	published int
	// pastHorizon counts the unmarked entries passed over for their age.
	pastHorizon int
	left        int
	errs        []error
}

func (p *pass) fail(err error) {
	// A few errors say enough; a stream that is down fails every event on it.
	if len(p.errs) < 5 {
		p.errs = append(p.errs, err)
	}
}

// Flush publishes every unsent event it can and returns how many it published. An event that
// fails holds back only the later events of its aggregate; the error reports what failed.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &pass{now: time.Now().UTC(), held: map[string]bool{}, down: map[string]bool{}}
	for _, c := range r.collections {
		left := p.left
		newest, oldestLeft, err := r.flushCollection(ctx, c, p)
		if err != nil {
			p.fail(err)
			continue
		}
		mark := newest
		if p.left > left && oldestLeft.Before(mark) {
			mark = oldestLeft
		}
		if !mark.IsZero() {
			r.since[c.Name()] = mark.Add(-Lag)
		}
	}
	if r.metrics != nil {
		r.metrics.OutboxBacklog.Set(float64(p.left))
	}
	if p.pastHorizon > 0 {
		r.log.Debug("outbox relay passed over entries older than its horizon", "entries", p.pastHorizon)
	}
	if len(p.errs) == 0 {
		// A held aggregate's documents are always scanned again, so one not held in a clean
		// pass has nothing left to publish (another replica may have published it).
		for agg := range r.failing {
			if !p.held[agg] {
				delete(r.failing, agg)
			}
		}
	}
	if len(p.errs) > 0 {
		return p.published, fmt.Errorf("outbox: %d events left unpublished: %w", p.left, errors.Join(p.errs...))
	}
	return p.published, nil
}

// flushCollection pages through the documents changed since the collection's mark, by
// (outbox_at, _id), publishing what is unsent. It returns the newest change seen and the oldest
// change of a document that still has an event to publish.
func (r *Relay) flushCollection(ctx context.Context, c *mongo.Collection, p *pass) (newest, oldestLeft time.Time, err error) {
	since, ok := r.since[c.Name()]
	if !ok {
		since = p.now.Add(-Horizon)
	}
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
			return newest, oldestLeft, fmt.Errorf("outbox: scan %s: %w", c.Name(), err)
		}
		var docs []pendingDoc
		if err := cur.All(ctx, &docs); err != nil {
			return newest, oldestLeft, fmt.Errorf("outbox: read %s: %w", c.Name(), err)
		}
		if len(docs) == 0 {
			return newest, oldestLeft, nil
		}
		if err := r.publishUnsent(ctx, c.Name(), docs, p, &oldestLeft); err != nil {
			return newest, oldestLeft, err
		}
		last := docs[len(docs)-1]
		afterAt, afterID = last.At, last.ID
		if last.At.After(newest) {
			newest = last.At
		}
		if len(docs) < 200 {
			return newest, oldestLeft, nil
		}
	}
	return newest, oldestLeft, nil
}

// publishUnsent publishes the unsent events of docs, each document's in order. It returns an
// error only when it cannot tell what is sent; failed publishes are counted in p.
func (r *Relay) publishUnsent(ctx context.Context, collection string, docs []pendingDoc, p *pass, oldestLeft *time.Time) error {
	var ids bson.A
	for _, d := range docs {
		for _, e := range d.Outbox {
			ids = append(ids, e.ID)
		}
	}
	sent, err := markedSent(ctx, r.sent, ids)
	if err != nil {
		p.left += len(ids)
		return err
	}
	for _, d := range docs {
		leftBefore := p.left
		for _, e := range d.Outbox { // per aggregate, in order
			if sent[e.ID] {
				continue
			}
			agg := aggregateOf(collection, d.ID, e)
			if p.now.Sub(e.CreatedAt) > Horizon {
				r.pastHorizon(collection, d.ID, agg, e, p)
				continue
			}
			if p.held[agg] {
				p.left++
				continue
			}
			if f, ok := r.failing[agg]; ok && p.now.Before(f.next) {
				p.held[agg] = true
				p.left++
				continue
			}
			stream := events.StreamOf(e.Subject)
			if p.down[stream] {
				p.held[agg] = true
				p.left++
				continue
			}
			if err := r.publish(ctx, e); err != nil {
				if streamDown(err) {
					p.down[stream] = true
				}
				f := r.failing[agg]
				f.attempts++
				f.next = p.now.Add(bus.Backoff(f.attempts))
				f.event = e.ID
				r.failing[agg] = f
				p.held[agg] = true
				p.left++
				p.fail(err)
				continue
			}
			delete(r.failing, agg)
			if err := r.markSent(ctx, e); err != nil {
				// Published but not marked: the next pass publishes it again, and the stream
				// drops it as a duplicate. Later events of the aggregate may go on.
				p.left++
				p.fail(err)
				continue
			}
			p.published++
		}
		if p.left > leftBefore && (oldestLeft.IsZero() || d.At.Before(*oldestLeft)) {
			*oldestLeft = d.At
		}
	}
	return nil
}

// streamDown reports whether a publish failed for want of its stream (no answer in time, no
// stream for the subject, no connection) rather than for something about the one event.
func streamDown(err error) bool {
	for _, target := range []error{context.DeadlineExceeded, nats.ErrTimeout, nats.ErrNoResponders,
		jetstream.ErrNoStreamResponse, jetstream.ErrStreamNotFound, nats.ErrConnectionClosed, nats.ErrDisconnected} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// aggregateOf names the aggregate an event belongs to, for ordering: the envelope's aggregate
// ID (events of one aggregate can ride on more than one document), else the document.
func aggregateOf(collection string, docID any, e Entry) string {
	var head struct {
		AggregateID string `json:"aggregate_id"`
	}
	if json.Unmarshal([]byte(e.Envelope), &head) == nil && head.AggregateID != "" {
		return "aggregate:" + head.AggregateID
	}
	return fmt.Sprintf("document:%s/%v", collection, docID)
}

// pastHorizon leaves an unmarked entry older than Horizon. Most such entries were published long
// ago and their markers pruned (the array of a document written again after SentRetention still
// holds them), and nothing tells them from one never published, so they are passed over quietly.
// Only the entry this relay itself last failed to publish is known to be stranded; it is reported
// once, and its aggregate's failure is forgotten so that the later events go on and the report is
// not repeated. Nothing is remembered per entry, so the relay's memory stays bounded by the
// aggregates failing at once.
func (r *Relay) pastHorizon(collection string, docID any, agg string, e Entry, p *pass) {
	p.pastHorizon++
	if f, ok := r.failing[agg]; !ok || f.event != e.ID {
		return
	}
	delete(r.failing, agg)
	r.log.Error("outbox event older than the relay's horizon was never published; it is left for an operator",
		"collection", collection, "document", fmt.Sprint(docID), "event_id", e.ID, "subject", e.Subject, "created_at", e.CreatedAt)
}

func (r *Relay) publish(ctx context.Context, e Entry) error {
	var head struct {
		CorrelationID string `json:"correlation_id"`
	}
	_ = json.Unmarshal([]byte(e.Envelope), &head)
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
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
	sent, err := markedSent(ctx, db.Collection(SentCollection), entryIDs(d.Outbox))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range d.Outbox {
		if !sent[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}
