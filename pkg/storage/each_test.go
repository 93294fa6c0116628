package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Each reads every matching document through one cursor, across batches, and stops at fn's error.
func TestEach(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	c := db.Collection("items")
	var docs []any
	for i := range 2500 { // more than two batches
		docs = append(docs, bson.M{"_id": fmt.Sprintf("i%04d", i), "even": i%2 == 0})
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	type item struct {
		ID   string `bson:"_id"`
		Even bool   `bson:"even"`
	}
	seen := map[string]bool{}
	err := storage.Each(ctx, c, bson.M{"even": true}, nil, "items", func(it item) error {
		if !it.Even || seen[it.ID] {
			return fmt.Errorf("%+v: odd or seen twice", it)
		}
		seen[it.ID] = true
		return nil
	})
	if err != nil || len(seen) != 1250 {
		t.Fatalf("Each: %d documents, %v; want 1250, nil", len(seen), err)
	}
	stop, n := errors.New("enough"), 0
	err = storage.Each(ctx, c, bson.M{}, nil, "items", func(item) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Each stopped after %d with %v, want 10 and fn's error", n, err)
	}
}

// syncBuffer is a log output that the driver's monitor goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A command slower than the threshold is logged with its collection and the names of the fields
// it filters on, never their values (personal data such as tax codes and emails).
func TestSlowCommandsAreLoggedWithoutValues(t *testing.T) {
	ctx := context.Background()
	var out syncBuffer
	db, err := storage.Open(ctx, storage.Config{Database: "slow", DataDir: t.TempDir(),
		SlowCommands: time.Nanosecond, SlowLog: slog.New(slog.NewTextHandler(&out, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	c := db.Collection("producers")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "p1", "tax_code": "0101234567"}); err != nil {
		t.Fatal(err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "tax_code", Value: "0101234567"}, {Key: "deleted", Value: false}}).Err(); err == nil {
		t.Fatal("found a deleted=false producer that has no such field")
	}
	log := out.String()
	if !strings.Contains(log, "slow database command") || !strings.Contains(log, "command=find collection=producers") ||
		!strings.Contains(log, "filter=\"[tax_code deleted]\"") {
		t.Errorf("the slow find is not logged with its collection and filter fields:\n%s", log)
	}
	if strings.Contains(log, "0101234567") {
		t.Errorf("the slow log shows a filter value:\n%s", log)
	}
}
