package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// PendingCollection holds one small marker per document that may have events to publish. A write
// with events puts the marker before it writes the document, so the relay finds its work by
// reading this collection and then each marked document by _id, and never has to search the
// aggregate collections.
//
// That is what keeps the relay's cost independent of the data: the embedded FerretDB answers a
// filter other than a lone _id by reading and decoding the whole collection, so a relay that
// searched the aggregates by outbox_at on every pass and after every write cost O(collection size)
// per write on the service's one connection. Markers turn that into a handful of _id lookups.
//
// The marker is written first: a crash between marker and document leaves a marker whose document
// has nothing to publish, which the relay removes. Each write gives the marker a new token, and the
// relay removes a marker only if its token is still the one it read, so a write that lands while
// the relay publishes keeps its marker for the next pass. A document written without a marker (an
// old document, a write that bypasses Insert, Set, Writer and MarkPending) is still found by the
// relay's periodic sweep.
const PendingCollection = "outbox_pending"

// pendingMark is a marker: _id is "<collection>/<document ID>".
type pendingMark struct {
	ID         string    `bson:"_id"`
	Collection string    `bson:"collection"`
	Doc        any       `bson:"doc"`
	Token      string    `bson:"token"`
	At         time.Time `bson:"at"`
}

func markKey(collection string, docID any) string {
	return fmt.Sprintf("%s/%v", collection, docID)
}

// MarkPending records that document docID of collection c is about to get events, so that the
// relay publishes them at its next pass. Insert, Set and Writer call it; a store that writes
// outbox entries itself (Update with its own UpdateOne) calls it before that write.
func MarkPending(ctx context.Context, c *mongo.Collection, docID any) error {
	key := markKey(c.Name(), docID)
	// The marker keeps the time of the first write it stands for: the relay handles markers in
	// that order, so events of one aggregate carried by several documents (a meeting's accepted
	// event on the meeting, its scheduled event on the schedule) go out in the order written.
	update := bson.M{"$set": bson.M{"collection": c.Name(), "doc": docID, "token": uuid.NewString()},
		"$setOnInsert": bson.M{"at": time.Now().UTC()}}
	var err error
	// Two upserts of one new marker at once (a write and a relay of another replica) can both
	// insert where the database does not make an upsert atomic across connections (FerretDB v1):
	// the loser's duplicate key means the marker exists, and the retry updates it.
	for try := 0; try < 3; try++ {
		_, err = c.Database().Collection(PendingCollection).UpdateOne(ctx, bson.M{"_id": key}, update, options.UpdateOne().SetUpsert(true))
		if err == nil || !storage.IsDuplicate(err) {
			break
		}
	}
	if err != nil {
		if mongo.IsTimeout(err) || mongo.IsNetworkError(err) { // a database too busy to answer: 503, come back
			return storage.MapError(err, "outbox marker")
		}
		// Not wrapped: a marker's duplicate key is not the write's conflict.
		return fmt.Errorf("outbox: mark %s pending: %v", key, err)
	}
	return nil
}

// Remark gives the marker of a document just written a new token, after its write succeeded. The
// marker written before the write covers a crash; this one covers a relay pass that read the marker
// and the document between the two, found nothing unsent yet, and would otherwise remove the
// marker of the event just stored: the new token makes that removal miss, or the upsert puts the
// marker back. Its error is not the write's: at worst the event waits for the relay's sweep.
func Remark(ctx context.Context, c *mongo.Collection, docID any) {
	_ = MarkPending(ctx, c, docID)
}

// remarkFor remarks the document that filter names, when it names one.
func remarkFor(ctx context.Context, c *mongo.Collection, filter bson.M) {
	if id := filterID(filter); id != nil {
		Remark(ctx, c, id)
	}
}

// filterID is the document ID of a write's filter: the _id of filter when it names one plain value, else nil (the write
// is then found by the sweep).
func filterID(filter bson.M) any {
	id, ok := filter["_id"]
	if !ok {
		return nil
	}
	switch id.(type) {
	case bson.M, bson.D, map[string]any:
		return nil
	}
	return id
}

// markFor marks the document that filter names, when it names one.
func markFor(ctx context.Context, c *mongo.Collection, filter bson.M) error {
	if id := filterID(filter); id != nil {
		return MarkPending(ctx, c, id)
	}
	return nil
}

// sentAmong returns which of ids have a sent marker, by one _id lookup each: the embedded
// database answers an _id lookup from its primary key, while a query for many IDs at once
// ($in) reads the whole marker collection.
func sentAmong(ctx context.Context, sent *mongo.Collection, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		err := sent.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
		switch {
		case err == nil:
			out[id] = true
		case err == mongo.ErrNoDocuments:
		default:
			return nil, fmt.Errorf("outbox: read sent marker %s: %w", id, err)
		}
	}
	return out, nil
}

// sentSince returns the IDs of every sent marker written at or after since, in one pass over
// the markers: for the sweep, which checks many documents at once.
func sentSince(ctx context.Context, sent *mongo.Collection, since time.Time) (map[string]bool, error) {
	cur, err := sent.Find(ctx, bson.M{"at": bson.M{"$gte": since}}, options.Find().SetProjection(bson.M{"_id": 1}).SetBatchSize(sweepBatch))
	if err != nil {
		return nil, fmt.Errorf("outbox: read sent markers: %w", err)
	}
	defer cur.Close(ctx)
	out := map[string]bool{}
	for cur.Next(ctx) {
		id, _ := cur.Current.Lookup("_id").StringValueOK()
		out[id] = true
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("outbox: read sent markers: %w", err)
	}
	return out, nil
}
