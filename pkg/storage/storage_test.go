package storage_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

func TestEmbeddedUniqueIndexAndErrorMapping(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	if !db.Embedded {
		t.Skip("not an embedded database")
	}
	err := db.EnsureIndexes(ctx, storage.Index{Collection: "booths", Keys: bson.D{{Key: "fair", Value: 1}, {Key: "code", Value: 1}}, Unique: true})
	if err != nil {
		t.Fatalf("EnsureIndexes: %v", err)
	}
	// Idempotent at restart.
	if err := db.EnsureIndexes(ctx, storage.Index{Collection: "booths", Keys: bson.D{{Key: "fair", Value: 1}, {Key: "code", Value: 1}}, Unique: true}); err != nil {
		t.Fatalf("EnsureIndexes again: %v", err)
	}
	c := db.Collection("booths")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "b1", "fair": "f1", "code": "A01"}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	_, err = c.InsertOne(ctx, bson.M{"_id": "b2", "fair": "f1", "code": "A01"})
	if !storage.IsDuplicate(err) {
		t.Fatalf("second insert error = %v, want duplicate key", err)
	}
	if got := apperr.KindOf(storage.MapError(err, "booth")); got != apperr.Conflict {
		t.Errorf("MapError(duplicate) kind = %s, want conflict", got)
	}
	// An update onto a taken unique key is a duplicate too (FerretDB reports it differently from
	// an insert's).
	if _, err := c.InsertOne(ctx, bson.M{"_id": "b3", "fair": "f1", "code": "A02"}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	_, err = c.UpdateOne(ctx, bson.M{"_id": "b3"}, bson.M{"$set": bson.M{"code": "A01"}})
	if !storage.IsDuplicate(err) {
		t.Errorf("update onto a taken key: error = %v, want duplicate key", err)
	}
	if got := apperr.KindOf(storage.MapError(err, "booth")); got != apperr.Conflict {
		t.Errorf("MapError(duplicate update) kind = %s, want conflict", got)
	}
	err = c.FindOne(ctx, bson.M{"_id": "nope"}).Err()
	if got := apperr.KindOf(storage.MapError(err, "booth")); got != apperr.NotFound {
		t.Errorf("MapError(no document) kind = %s, want not_found", got)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func TestOpenRequiresDatabase(t *testing.T) {
	if _, err := storage.Open(context.Background(), storage.Config{DataDir: t.TempDir()}); err == nil {
		t.Fatal("Open without database name succeeded")
	}
}
