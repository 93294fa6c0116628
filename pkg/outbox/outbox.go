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
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/events"
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
// trim: use it for aggregates written a bounded number of times, and Set for the others. The
// caller marks the document with MarkPending before its write (Writer.Apply does), or the events
// wait for the relay's next sweep.
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

// Insert inserts doc with its events in one write, after marking it pending. Errors are the driver's (check
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
	if len(entries) > 0 {
		if err := MarkPending(ctx, c, m["_id"]); err != nil {
			return err
		}
	}
	m[Field], m[AtField], m[CountField] = entries, time.Now().UTC(), len(entries)
	if _, err = c.InsertOne(ctx, m); err != nil {
		return err
	}
	if len(entries) > 0 {
		Remark(ctx, c, m["_id"])
	}
	return nil
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
		if err := markFor(ctx, c, filter); err != nil {
			return false, err
		}
		set[AtField] = time.Now().UTC()
		update["$push"] = bson.M{Field: bson.M{"$each": entries}}
		update["$inc"] = bson.M{CountField: len(entries)}
	}
	res, err := storage.UpdateOne(ctx, c, short, update)
	if err != nil {
		return false, err
	}
	ok := res.MatchedCount > 0
	if !ok {
		delete(set, AtField)
		if ok, err = trimAndSet(ctx, c, filter, set, entries); err != nil {
			return false, err
		}
	}
	if ok && len(entries) > 0 {
		remarkFor(ctx, c, filter)
	}
	return ok, nil
}

// trimAndSet is Set's write for a document whose outbox is long (or that does not match filter).
func trimAndSet(ctx context.Context, c *mongo.Collection, filter, set bson.M, entries []Entry) (bool, error) {
	var cur struct {
		Outbox []Entry    `bson:"outbox"`
		At     *time.Time `bson:"outbox_at"`
		Count  *int64     `bson:"outbox_n"`
	}
	err := storage.FindOne(ctx, c, filter, &cur)
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
	res, err := storage.UpdateOne(ctx, c, fenced, bson.M{"$set": set})
	if err != nil {
		return false, err
	}
	return res.MatchedCount > 0, nil
}

// unsent returns the entries that have no sent marker and are within Horizon of now, in order.
func unsent(ctx context.Context, sent *mongo.Collection, entries []Entry, now time.Time) ([]Entry, error) {
	marked, err := sentAmong(ctx, sent, entryIDs(entries))
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

// entryIDs returns the IDs of entries, for a lookup of their sent markers.
func entryIDs(entries []Entry) []string {
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	return ids
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
