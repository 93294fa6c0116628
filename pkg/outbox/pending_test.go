package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

func (f fixture) pendingMarks(t *testing.T) int64 {
	t.Helper()
	n, err := f.db.Collection(outbox.PendingCollection).CountDocuments(f.ctx, bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A write through the outbox leaves a marker; the pass that publishes its events removes it, and
// a marker whose write never happened (a failed insert) is removed without publishing.
func TestPendingMarkersComeAndGo(t *testing.T) {
	f := setup(t)
	r := f.relay()
	if _, err := r.Flush(f.ctx); err != nil { // the first pass sweeps; later ones follow markers
		t.Fatal(err)
	}
	w := outbox.NewWriter(f.coll, "producer", nil)
	if err := w.Insert(f.ctx, producerDoc{ID: "p1", Name: "HTX", Revision: 1}, "", "corr",
		outbox.Event{Subject: events.ProducerUpdated, AggregateID: "p1", Payload: map[string]string{"id": "p1"}}); err != nil {
		t.Fatal(err)
	}
	if err := outbox.MarkPending(f.ctx, f.coll, "never-written"); err != nil {
		t.Fatal(err)
	}
	if got := f.pendingMarks(t); got != 2 {
		t.Fatalf("%d pending markers after a write and a failed one, want 2", got)
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("Flush = %d, %v, want 1, nil", n, err)
	}
	if got := f.pendingMarks(t); got != 0 {
		t.Errorf("%d pending markers after the pass, want 0", got)
	}
	if err := w.Apply(f.ctx, bson.M{"_id": "p1"}, bson.M{"$set": bson.M{"name": "HTX 2"}}, "", "corr",
		outbox.Event{Subject: events.ProducerUpdated, AggregateID: "p1", Payload: map[string]string{"id": "p1"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("Flush after Apply = %d, %v, want 1, nil", n, err)
	}
}

// A write that lands while the relay handles its document's marker keeps the marker (a new
// token), so its event is published by the next pass rather than lost.
func TestWriteDuringAPassKeepsItsMarker(t *testing.T) {
	f := setup(t)
	r := f.relay()
	if _, err := r.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	f.store(t, "p1", 1)
	n, err := outbox.FlushMarkAsRead(f.ctx, r, "producers", "p1", func() { f.store(t, "p1", 1) })
	if err != nil {
		t.Fatal(err)
	}
	if got := f.pendingMarks(t); got != 1 {
		t.Fatalf("%d pending markers after a write during the pass, want 1 (published %d)", got, n)
	}
	if n2, err := r.Flush(f.ctx); err != nil || n+n2 != 2 {
		t.Fatalf("passes published %d and %d (%v), want 2 in all", n, n2, err)
	}
	if got := f.streamMsgs(t); got != 2 {
		t.Errorf("stream has %d messages, want 2", got)
	}
}

// A write without a marker (a document from before markers, or a store that bypasses them) is
// published by the relay's next sweep, not by the passes between.
func TestSweepFindsWritesWithoutMarkers(t *testing.T) {
	f := setup(t)
	r := f.relay()
	if _, err := r.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	env, err := events.New(events.ProducerUpdated, 1, "p9", "corr", map[string]string{"id": "p9"})
	if err != nil {
		t.Fatal(err)
	}
	update, err := outbox.Update(bson.M{"$set": bson.M{"name": "HTX"}}, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.coll.UpdateOne(f.ctx, bson.M{"_id": "p9"}, update, options.UpdateOne().SetUpsert(true)); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 0 {
		t.Fatalf("pass between sweeps = %d, %v, want 0 (nothing marked)", n, err)
	}
	outbox.SetSweepEvery(r, time.Millisecond)
	time.Sleep(2 * time.Millisecond)
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("sweep = %d, %v, want 1", n, err)
	}
}

// A relay pass that runs between a write's marker and the write itself reads the document before
// its event is there and clears the marker; the write's own remark after it must bring the marker
// back, or the event waits for the sweep, minutes later.
func TestAPassBetweenMarkerAndWriteStrandsNoEvent(t *testing.T) {
	f := setup(t)
	r := f.relay()
	if _, err := f.coll.InsertOne(f.ctx, bson.M{"_id": "p1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWriter(f.coll, "producer", errors.New("stale"))
	outbox.SetBeforeWrite(&w, func() {
		if n, err := r.Flush(f.ctx); err != nil || n != 0 {
			t.Errorf("pass inside the write = %d, %v; want 0, nil", n, err)
		}
	})
	if err := w.Apply(f.ctx, bson.M{"_id": "p1"}, bson.M{"$set": bson.M{"name": "HTX"}}, "", "corr",
		outbox.Event{Subject: events.ProducerUpdated, AggregateID: "p1", Payload: map[string]string{"id": "p1"}}); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("pass after the write = %d, %v; want 1 (the event just stored)", n, err)
	}
}

// Where a conditional delete is not atomic across connections (FerretDB, replicas sharing it), a
// relay clearing a marker can take the one a write has just put back; the write's event must not
// be stranded by it.
func TestAClearThatTakesANewerMarkerPutsItBack(t *testing.T) {
	f := setup(t)
	r := f.relay()
	if _, err := r.Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	if err := outbox.MarkPending(f.ctx, f.coll, "p1"); err != nil { // a write that has not landed yet
		t.Fatal(err)
	}
	pending := f.db.Collection(outbox.PendingCollection)
	outbox.SetBeforeClear(r, func() {
		outbox.SetBeforeClear(r, nil)
		var m struct {
			Token string `bson:"token"`
		}
		if err := pending.FindOne(f.ctx, bson.M{"_id": "producers/p1"}).Decode(&m); err != nil {
			t.Fatal(err)
		}
		f.store(t, "p1", 1) // the write lands, and puts its marker back
		// ...and the delete, reading the marker before that, takes the new one.
		if _, err := pending.UpdateOne(f.ctx, bson.M{"_id": "producers/p1"}, bson.M{"$set": bson.M{"token": m.Token}}); err != nil {
			t.Fatal(err)
		}
	})
	if n, err := r.Flush(f.ctx); err != nil || n != 0 {
		t.Fatalf("pass that read the document before the write = %d, %v; want 0", n, err)
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("next pass = %d, %v; want 1 (the event of the write)", n, err)
	}
}

// Replicas sharing a database mark the same new document at once (a write and another replica's
// relay); on a database whose upsert is not atomic across connections both may insert, and the
// loser must not fail its write for it.
func TestConcurrentMarksOfOneDocumentBothSucceed(t *testing.T) {
	dbs := testenv.SharedDBs(t, 2)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 100; i++ {
		id := fmt.Sprintf("p%d", i)
		for _, db := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := outbox.MarkPending(ctx, db.Collection("producers"), id); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("MarkPending: %v", err)
	}
}

// A database too busy to take the marker in time (its one connection held, the deadline passed)
// is Unavailable, which the API answers 503 with Retry-After, not an internal error.
func TestAMarkerTheDatabaseHadNoTimeForIsUnavailable(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithDeadline(f.ctx, time.Now().Add(-time.Second))
	defer cancel()
	if err := outbox.MarkPending(ctx, f.coll, "p1"); apperr.KindOf(err) != apperr.Unavailable {
		t.Errorf("MarkPending past its deadline = %v (%s), want Unavailable", err, apperr.KindOf(err))
	}
}
