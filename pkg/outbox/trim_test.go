package outbox_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

type producerDoc struct {
	ID       string `bson:"_id"`
	Name     string `bson:"name"`
	Revision int    `bson:"revision"`
}

func (f fixture) outboxLen(t *testing.T, id string) int {
	t.Helper()
	var d struct {
		Outbox []bson.M `bson:"outbox"`
	}
	if err := f.coll.FindOne(f.ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	return len(d.Outbox)
}

func (f fixture) count(t *testing.T, collection string) int64 {
	t.Helper()
	n, err := f.db.Collection(collection).CountDocuments(f.ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAggregateWrittenManyTimesKeepsABoundedOutbox(t *testing.T) {
	f := setup(t)
	const writes = 1000
	env := event(t, events.ProducerUpdated, "p1")
	if err := outbox.Insert(f.ctx, f.coll, producerDoc{ID: "p1", Name: "HTX 0", Revision: 1}, env); err != nil {
		t.Fatal(err)
	}
	// Two relays, as on two replicas, take turns publishing.
	relays := []*outbox.Relay{f.relay(), f.relay()}

	longest := 0
	for rev := 1; rev <= writes; rev++ {
		ok, err := outbox.Set(f.ctx, f.coll, bson.M{"_id": "p1", "revision": rev},
			producerDoc{ID: "p1", Name: fmt.Sprintf("HTX %d", rev), Revision: rev + 1}, event(t, events.ProducerUpdated, "p1"))
		if err != nil || !ok {
			t.Fatalf("write %d: Set = %v, %v, want true, nil", rev, ok, err)
		}
		if rev%10 == 0 {
			if _, err := relays[rev/10%2].Flush(f.ctx); err != nil {
				t.Fatal(err)
			}
			longest = max(longest, f.outboxLen(t, "p1"))
		}
	}
	// Bounded by the trim threshold, whatever it is set to, not by the number of writes.
	if bound := min(outbox.TrimAt, 64); longest > bound {
		t.Errorf("the outbox grew to %d entries, want at most %d", longest, bound)
	}
	if _, err := relays[0].Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.streamMsgs(t); got != writes+1 {
		t.Errorf("stream has %d messages, want %d", got, writes+1)
	}
	// Every event once: the stream deduplicates by ID, and the markers are one per ID.
	if got := f.count(t, outbox.SentCollection); got != writes+1 {
		t.Errorf("%d sent markers, want %d", got, writes+1)
	}
	var d producerDoc
	if err := f.coll.FindOne(f.ctx, bson.M{"_id": "p1"}).Decode(&d); err != nil || d.Revision != writes+1 {
		t.Errorf("document = %+v, %v, want revision %d", d, err, writes+1)
	}
}

// Writers append while the outbox is being trimmed. The embedded database has one connection, so
// each operation runs alone, but a trim is two of them (a read, then a write fenced on the stamp
// and count it read) and other writers' appends run in between: without the fence, the trim
// overwrites them and this test fails. What it cannot show is whether one conditional update is
// atomic against another connection's; TestReplicasSharingADatabaseNeverDropAnEvent is about that.
func TestConcurrentTrimsNeverDropAnEvent(t *testing.T) {
	f := setup(t)
	if err := outbox.Insert(f.ctx, f.coll, producerDoc{ID: "p1", Name: "HTX"}, event(t, events.ProducerUpdated, "p1")); err != nil {
		t.Fatal(err)
	}
	r := f.relay()
	var mu sync.Mutex
	var stored []string
	for round := 0; round < 2*outbox.TrimAt; round++ {
		// Writers without a revision check append at once, some while the outbox is being trimmed.
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				env := event(t, events.ProducerUpdated, "p1")
				ok, err := outbox.Set(f.ctx, f.coll, bson.M{"_id": "p1"}, producerDoc{ID: "p1", Name: fmt.Sprintf("HTX %d/%d", round, w)}, env)
				if err != nil {
					t.Errorf("Set: %v", err)
				}
				if ok {
					mu.Lock()
					stored = append(stored, env.ID)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if round%4 == 0 {
			if _, err := r.Flush(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := r.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range stored {
		if err := f.db.Collection(outbox.SentCollection).FindOne(f.ctx, bson.M{"_id": id}).Err(); err != nil {
			t.Errorf("event %s of a write that succeeded was not published: %v", id, err)
		}
	}
	if n := f.outboxLen(t, "p1"); n > outbox.TrimAt+4 {
		t.Errorf("the outbox holds %d entries, want at most %d", n, outbox.TrimAt+4)
	}
}

// Replicas write one document at once, without a revision check, each over its own connection,
// while a relay publishes and the writes trim: every write that reports success must have its
// event published. On MongoDB each conditional update is atomic, so the trim's fence holds across
// replicas. FerretDB v1 (SQLite) runs an update as a read and a whole-document write that do not
// exclude another connection's: concurrent writes to one document overwrite each other even
// without a trim (a plain $push from four connections keeps about a third of its entries), so
// there the test is skipped, and what replicas rely on must rest on unique indexes instead.
func TestReplicasSharingADatabaseNeverDropAnEvent(t *testing.T) {
	if os.Getenv("OCOPFAIR_TEST_MONGO_URI") == "" {
		t.Skip("FerretDB v1 loses concurrent updates of one document across connections, trim or not; set OCOPFAIR_TEST_MONGO_URI to run against MongoDB")
	}
	f := setup(t)
	const writers, writes = 4, 3 * outbox.TrimAt
	dbs := testenv.SharedDBs(t, writers+1)
	if err := dbs[0].EnsureIndexes(f.ctx, outbox.Indexes("producers")...); err != nil {
		t.Fatal(err)
	}
	coll := func(i int) *mongo.Collection { return dbs[i].Collection("producers") }
	if err := outbox.Insert(f.ctx, coll(0), producerDoc{ID: "p1", Name: "HTX"}, event(t, events.ProducerUpdated, "p1")); err != nil {
		t.Fatal(err)
	}
	relay := outbox.NewRelay(f.js, dbs[writers].Database, quiet, metrics.New("test"), time.Second, "producers")

	var mu sync.Mutex
	var stored []string
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range writes {
				env := event(t, events.ProducerUpdated, "p1")
				ok, err := outbox.Set(f.ctx, coll(w), bson.M{"_id": "p1"}, producerDoc{ID: "p1", Name: fmt.Sprintf("HTX %d/%d", w, i)}, env)
				if err != nil {
					t.Errorf("Set: %v", err)
					return
				}
				if ok {
					mu.Lock()
					stored = append(stored, env.ID)
					mu.Unlock()
				}
			}
		})
	}
	// The relay publishes while the replicas write, so that trims have sent entries to drop.
	writing := make(chan struct{})
	relayDone := make(chan struct{})
	go func() {
		defer close(relayDone)
		for range 10000 {
			select {
			case <-writing:
				return
			default:
			}
			if _, err := relay.Flush(f.ctx); err != nil {
				t.Errorf("Flush: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	close(writing)
	<-relayDone
	if _, err := relay.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	if len(stored) < outbox.TrimAt {
		t.Fatalf("only %d writes succeeded; the test needs trims to have happened", len(stored))
	}
	for _, id := range stored {
		if err := dbs[0].Collection(outbox.SentCollection).FindOne(f.ctx, bson.M{"_id": id}).Err(); err != nil {
			t.Errorf("event %s of a write that succeeded was not published: %v", id, err)
		}
	}
	var d struct {
		Outbox []bson.M `bson:"outbox"`
	}
	if err := coll(0).FindOne(f.ctx, bson.M{"_id": "p1"}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Outbox); n > outbox.TrimAt+writers {
		t.Errorf("the outbox holds %d entries, want at most %d", n, outbox.TrimAt+writers)
	}
	t.Logf("%d of %d writes succeeded", len(stored), writers*writes)
}
