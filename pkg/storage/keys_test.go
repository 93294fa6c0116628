package storage_test

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

func TestKeysFindByAUniqueField(t *testing.T) {
	ctx := context.Background()
	db := embeddedDB(t, "keys")
	c := db.Collection("producers")
	if _, err := c.InsertMany(ctx, []any{bson.M{"_id": "p1", "tax_code": "0101234567"}, bson.M{"_id": "p2", "tax_code": "0309876543"},
		bson.M{"_id": "p3"}}); err != nil {
		t.Fatal(err)
	}
	keys := storage.NewKeys(db, "producers", "tax_code")
	want := func(key, id string, found bool) {
		t.Helper()
		got, ok, err := keys.ID(ctx, key)
		if err != nil || ok != found || got != id {
			t.Errorf("ID(%q) = %q, %v, %v; want %q, %v", key, got, ok, err, id, found)
		}
	}
	want("0101234567", "p1", true) // written before the first lookup
	want("0309876543", "p2", true)
	want("9999999999", "", false)
	// The store's own writes.
	if _, err := c.InsertOne(ctx, bson.M{"_id": "p4", "tax_code": "4400000001"}); err != nil {
		t.Fatal(err)
	}
	keys.Stored("p4", "4400000001")
	want("4400000001", "p4", true)
	keys.Stored("p1", "0101234568") // p1's tax code corrected
	want("0101234567", "", false)
	want("0101234568", "p1", true)
	keys.Stored("p2", "")
	want("0309876543", "", false)
}
