package verify

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// A flush whose write fails keeps its batch and writes it again, under the same ID, at the next
// flush: when the first write was stored though its answer was lost, the views are counted once.
// Before, the counts went back to the counter and were stored again under a new batch.
func TestAFlushWhoseAnswerWasLostCountsOnce(t *testing.T) {
	st := NewStore(testenv.DB(t))
	c, m := NewCounter(), NewStats()
	now := time.Now()
	c.Add("prod-1", "p1", "f1", now)
	c.Add("prod-1", "p1", "f1", now)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Flush(gone, st, c, m, now, func() {}); err == nil {
		t.Fatal("a flush on a cancelled context went through")
	}
	c.Add("prod-1", "p1", "f1", now) // a view while the batch waits
	// The write was stored after all; only its answer was lost.
	b, held := c.takeHeld()
	if !held {
		t.Fatal("the failed batch was not kept")
	}
	if err := st.insertBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	c.hold(b)
	// One flush (the last, at shutdown) writes the batch held and the views made since.
	ctx := context.Background()
	if err := Flush(ctx, st, c, m, now, func() {}); err != nil {
		t.Fatal(err)
	}
	if total, _, _ := m.Of("prod-1"); total != 3 {
		t.Errorf("the model counts %d views, want 3", total)
	}
	if n, err := st.c.CountDocuments(ctx, bson.M{}); err != nil || n != 2 {
		t.Errorf("%d batches stored (%v), want the first once and the later view's", n, err)
	}
}
