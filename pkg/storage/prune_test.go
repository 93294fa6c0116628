package storage_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// seed inserts n records into coll stamped age ago, with IDs prefixed by prefix.
func seed(t *testing.T, db *storage.DB, coll, prefix string, n int, age time.Duration) {
	t.Helper()
	docs := make([]any, 0, n)
	at := time.Now().Add(-age).UTC()
	for i := range n {
		docs = append(docs, bson.M{"_id": fmt.Sprintf("%s-%04d", prefix, i), "at": at})
	}
	if _, err := db.Collection(coll).InsertMany(context.Background(), docs); err != nil {
		t.Fatalf("seed %s: %v", coll, err)
	}
}

func count(t *testing.T, db *storage.DB, coll string, filter bson.M) int64 {
	t.Helper()
	n, err := db.Collection(coll).CountDocuments(context.Background(), filter)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPrunerRemovesOldRecordsAndKeepsRecentOnes(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	rules := []storage.Retention{
		{Collection: "processed_events", Field: "at", Keep: 40 * 24 * time.Hour},
		{Collection: "idempotency_keys", Field: "at", Keep: 24 * time.Hour},
	}
	// More old records than one batch, so the pass has to page.
	old := storage.PruneBatch*2 + 7
	seed(t, db, "processed_events", "old", old, 41*24*time.Hour)
	seed(t, db, "processed_events", "new", 5, 39*24*time.Hour)
	seed(t, db, "idempotency_keys", "old", 3, 25*time.Hour)
	seed(t, db, "idempotency_keys", "new", 4, 23*time.Hour)
	p := storage.NewPruner(db, quiet, rules...)
	if err := db.EnsureIndexes(ctx, p.Indexes()...); err != nil {
		t.Fatal(err)
	}

	// Replicas prune at the same time: the deletes only repeat each other's work.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var deleted int64
	for range 3 {
		wg.Go(func() {
			n, err := storage.NewPruner(db, quiet, rules...).Prune(ctx)
			if err != nil {
				t.Errorf("Prune: %v", err)
			}
			mu.Lock()
			deleted += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if want := int64(old + 3); deleted != want {
		t.Errorf("pruners deleted %d records in all, want %d", deleted, want)
	}
	tests := []struct {
		coll, prefix string
		want         int64
	}{
		{"processed_events", "old", 0},
		{"processed_events", "new", 5},
		{"idempotency_keys", "old", 0},
		{"idempotency_keys", "new", 4},
	}
	for _, tt := range tests {
		if got := count(t, db, tt.coll, bson.M{"_id": bson.M{"$regex": "^" + tt.prefix + "-"}}); got != tt.want {
			t.Errorf("%s %s records left = %d, want %d", tt.coll, tt.prefix, got, tt.want)
		}
	}
	if n, err := p.Prune(ctx); err != nil || n != 0 {
		t.Errorf("a second pass = %d, %v, want 0, nil", n, err)
	}
}

func TestPrunerRunPrunesPeriodically(t *testing.T) {
	db := testenv.DB(t)
	seed(t, db, "dead_letters", "old", 2, 91*24*time.Hour)
	seed(t, db, "dead_letters", "new", 1, time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		storage.NewPruner(db, quiet, storage.Retention{Collection: "dead_letters", Field: "at", Keep: 90 * 24 * time.Hour}).
			RunEvery(ctx, 0, 50*time.Millisecond)
		close(done)
	}()
	defer func() { cancel(); <-done }()
	testenv.Eventually(t, "the old dead letters pruned", func() bool { return count(t, db, "dead_letters", bson.M{}) == 1 })
	if got := count(t, db, "dead_letters", bson.M{"_id": "new-0000"}); got != 1 {
		t.Errorf("the recent dead letter is gone")
	}
}
