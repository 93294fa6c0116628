package outbox_test

import (
	"fmt"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/events"
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
