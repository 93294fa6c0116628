package outbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

type thing struct {
	ID       string `bson:"_id"`
	Code     string `bson:"code"`
	Revision int64  `bson:"revision"`
}

func TestWriterKeepsEventsWithTheWriteAndNamesItsErrors(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, storage.Index{Collection: "things", Keys: bson.D{{Key: "code", Value: 1}}, Unique: true}); err != nil {
		t.Fatal(err)
	}
	stale := apperr.E(apperr.Conflict, "the thing changed meanwhile")
	w := outbox.NewWriter(db.Collection("things"), "thing", stale)
	env := func(id string) outbox.Event {
		return outbox.Event{Subject: events.ProducerUpdated, AggregateID: id, Payload: map[string]string{"id": id}}
	}
	outboxOf := func(id string) int {
		entries, err := outbox.Pending(ctx, db.Database, "things", id)
		if apperr.KindOf(err) == apperr.NotFound {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}

	if err := w.Insert(ctx, thing{ID: "a", Code: "A", Revision: 1}, "", "corr", env("a")); err != nil {
		t.Fatal(err)
	}
	err := w.Insert(ctx, thing{ID: "b", Code: "A", Revision: 1}, "code A is taken", "corr", env("b"))
	if apperr.KindOf(err) != apperr.Conflict || !containsMessage(err, "code A is taken") {
		t.Fatalf("Insert(duplicate code) = %v, want Conflict saying the code is taken", err)
	}
	var dup *apperr.Error
	if err := w.Insert(ctx, thing{ID: "a", Code: "Z", Revision: 1}, "", "corr"); !errors.As(err, &dup) || dup.Kind != apperr.Conflict || dup.Code() != "already_exists" {
		t.Fatalf("Insert(same id) = %v, want Conflict already_exists", err)
	}

	if err := w.Replace(ctx, bson.M{"_id": "a", "revision": 1}, thing{ID: "a", Code: "A2", Revision: 2}, "", "corr", env("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.Replace(ctx, bson.M{"_id": "a", "revision": 1}, thing{ID: "a", Code: "A3", Revision: 2}, "", "corr", env("a")); !errors.Is(err, stale) {
		t.Fatalf("Replace(old revision) = %v, want the stale error", err)
	}
	if err := w.Apply(ctx, bson.M{"_id": "a", "revision": 2}, bson.M{"$set": bson.M{"revision": 3}}, "", "corr", env("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.Apply(ctx, bson.M{"_id": "a", "revision": 2}, bson.M{"$set": bson.M{"revision": 4}}, "", "corr", env("a")); !errors.Is(err, stale) {
		t.Fatalf("Apply(old revision) = %v, want the stale error", err)
	}
	if got := outboxOf("a"); got != 3 {
		t.Fatalf("outbox of a holds %d events, want 3 (insert, replace, apply; none for the refused writes)", got)
	}
	if got := outboxOf("b"); got != 0 {
		t.Fatalf("outbox of the refused b holds %d events, want 0", got)
	}
}

func containsMessage(err error, msg string) bool {
	return err != nil && strings.Contains(err.Error(), msg)
}
