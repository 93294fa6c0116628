package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

func TestMatchesAsMongoDBDoes(t *testing.T) {
	at := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	doc := bson.M{"_id": "a1", "revision": int64(3), "n": int32(16), "status": "submitted", "active": true,
		"at": bson.NewDateTimeFromTime(at), "gone": nil}
	cases := []struct {
		name   string
		filter bson.M
		want   bool
		known  bool
	}{
		{"same revision", bson.M{"_id": "a1", "revision": 3}, true, true},
		{"stale revision", bson.M{"_id": "a1", "revision": 2}, false, true},
		{"int32 against int", bson.M{"n": 16}, true, true},
		{"string", bson.M{"status": "submitted"}, true, true},
		{"other string", bson.M{"status": "approved"}, false, true},
		{"number against string never matches", bson.M{"status": 3}, false, true},
		{"bool", bson.M{"active": true}, true, true},
		{"$lt", bson.M{"revision": bson.M{"$lt": int64(4)}}, true, true},
		{"$lt equal", bson.M{"revision": bson.M{"$lt": 3}}, false, true},
		{"$not $gte below", bson.M{"n": bson.M{"$not": bson.M{"$gte": 17}}}, true, true},
		{"$not $gte at", bson.M{"n": bson.M{"$not": bson.M{"$gte": 16}}}, false, true},
		{"$not on a missing field", bson.M{"missing": bson.M{"$not": bson.M{"$gte": 16}}}, true, true},
		{"$lt on a missing field", bson.M{"missing": bson.M{"$lt": 16}}, false, true},
		{"$exists false on missing", bson.M{"missing": bson.M{"$exists": false}}, true, true},
		{"$exists false on present", bson.M{"n": bson.M{"$exists": false}}, false, true},
		{"$exists true on null", bson.M{"gone": bson.M{"$exists": true}}, true, true},
		{"null matches missing", bson.M{"missing": nil}, true, true},
		{"null matches null", bson.M{"gone": nil}, true, true},
		{"$ne missing", bson.M{"missing": bson.M{"$ne": true}}, true, true},
		{"$ne same", bson.M{"active": bson.M{"$ne": true}}, false, true},
		{"$in", bson.M{"status": bson.M{"$in": bson.A{"draft", "submitted"}}}, true, true},
		{"$in miss", bson.M{"status": bson.M{"$in": bson.A{"draft"}}}, false, true},
		{"time equal", bson.M{"at": at.Add(300 * time.Microsecond)}, true, true},
		{"time later", bson.M{"at": bson.M{"$lt": at.Add(time.Second)}}, true, true},
		{"unknown operator", bson.M{"n": bson.M{"$mod": bson.A{2, 0}}}, false, false},
	}
	for _, c := range cases {
		match, known := storage.Matches(doc, c.filter)
		if known != c.known || (known && match != c.want) {
			t.Errorf("%s: Matches = %v, %v; want %v, %v", c.name, match, known, c.want, c.known)
		}
	}
	if _, known := storage.Matches(bson.M{"tags": bson.A{"a"}}, bson.M{"tags": "a"}); known {
		t.Error("Matches on an array field claims to know; MongoDB matches elements, so it must defer")
	}
}

// On the embedded database, a conditional update checked in the process is still one step:
// writers racing on one revision, one wins.
func TestConditionalUpdatesRacingOnOneRevisionOneWins(t *testing.T) {
	ctx := context.Background()
	c := embeddedDB(t, "race").Collection("fairs")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "f1", "revision": int64(1)}); err != nil {
		t.Fatal(err)
	}
	for round := int64(1); round <= 5; round++ {
		var wg sync.WaitGroup
		wins := make(chan int, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := storage.UpdateOne(ctx, c, bson.M{"_id": "f1", "revision": round},
					bson.M{"$set": bson.M{"revision": round + 1, "by": i}})
				if err != nil {
					t.Error(err)
					return
				}
				if res.MatchedCount == 1 {
					wins <- i
				}
			}()
		}
		wg.Wait()
		close(wins)
		if n := len(wins); n != 1 {
			t.Fatalf("round %d: %d writers won the same revision, want 1", round, n)
		}
	}
	var got struct {
		Revision int64 `bson:"revision"`
	}
	if err := storage.FindOne(ctx, c, bson.M{"_id": "f1", "revision": int64(6)}, &got); err != nil || got.Revision != 6 {
		t.Fatalf("FindOne at revision 6 = %+v, %v", got, err)
	}
	if err := storage.FindOne(ctx, c, bson.M{"_id": "f1", "revision": int64(5)}, &got); !storage.IsNotFound(err) {
		t.Fatalf("FindOne at a stale revision = %v, want not found", err)
	}
}

// A write the process checks ({_id, revision}) and one the database checks ({_id, revision,
// $or}) racing on one revision: one wins, as a status change and a producer's rename of one
// application do.
func TestCheckedAndDatabaseConditionsRacingOneWins(t *testing.T) {
	ctx := context.Background()
	c := embeddedDB(t, "mixed").Collection("applications")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "a1", "revision": int64(1), "producer_revision": int64(0)}); err != nil {
		t.Fatal(err)
	}
	for round := int64(1); round <= 60; round++ {
		var wg sync.WaitGroup
		wins := make(chan string, 8)
		try := func(name string, filter bson.M) {
			defer wg.Done()
			res, err := storage.UpdateOne(ctx, c, filter, bson.M{"$set": bson.M{"revision": round + 1, "by": name}})
			if err != nil {
				t.Error(err)
			} else if res.MatchedCount == 1 {
				wins <- name
			}
		}
		for range 4 {
			wg.Add(2)
			go try("move", bson.M{"_id": "a1", "revision": round})
			go try("follow", bson.M{"_id": "a1", "revision": round, "$or": storage.OlderThan("producer_revision", round)})
		}
		wg.Wait()
		close(wins)
		if n := len(wins); n != 1 {
			t.Fatalf("round %d: %d writers won the same revision, want 1", round, n)
		}
	}
}

// Upsert keeps MongoDB's answers on the embedded database: insert when absent, update when the
// condition holds, a duplicate-key error when the document exists and does not match.
func TestUpsertAppliesOnlyNewer(t *testing.T) {
	ctx := context.Background()
	c := embeddedDB(t, "upsert").Collection("applications")
	put := func(rev int64, status string) error {
		_, err := storage.Upsert(ctx, c, bson.M{"_id": "a1", "revision": bson.M{"$lt": rev}},
			bson.M{"$set": bson.M{"revision": rev, "status": status}})
		return err
	}
	status := func() string {
		var d struct {
			Status string `bson:"status"`
		}
		if err := c.FindOne(ctx, bson.M{"_id": "a1"}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return d.Status
	}
	if err := put(2, "submitted"); err != nil {
		t.Fatalf("first upsert: %v", err)
	}
	if err := put(3, "approved"); err != nil || status() != "approved" {
		t.Fatalf("newer upsert: %v, status %s", err, status())
	}
	if err := put(2, "submitted"); !storage.IsDuplicate(err) || status() != "approved" {
		t.Fatalf("older upsert: %v (want duplicate key), status %s (want approved)", err, status())
	}
	if err := put(3, "again"); !storage.IsDuplicate(err) {
		t.Fatalf("same revision again: %v, want duplicate key", err)
	}
}

// embeddedDB opens an embedded database of its own for the test.
func embeddedDB(t *testing.T, name string) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), storage.Config{DataDir: t.TempDir(), Database: name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	return db
}
