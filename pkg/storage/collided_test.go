package storage

import (
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// An upsert whose insert collides with the document another replica inserted between its look
// and its insert (two events of a new application handled at once: revisions 1 and 2) applies
// its update when that document is older; the newer revision was dropped as "already newer",
// and the event acknowledged. Against a same or newer document the duplicate stands.
func TestAnUpsertThatCollidesAppliesWhenNewer(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{DataDir: t.TempDir(), Database: "collided"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	c := db.Collection("applications")
	if _, err := c.InsertOne(ctx, bson.M{"_id": "a1", "revision": int64(1), "status": "submitted"}); err != nil {
		t.Fatal(err)
	}
	dup := mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000 duplicate key error"}}}
	put := func(rev int64, status string) error {
		_, err := collided(ctx, c, bson.M{"_id": "a1", "revision": bson.M{"$lt": rev}}, bson.M{"$set": bson.M{"revision": rev, "status": status}}, nil, dup)
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
	if err := put(2, "approved"); err != nil || status() != "approved" {
		t.Errorf("revision 2 colliding with revision 1: %v, status %s, want applied", err, status())
	}
	if err := put(2, "again"); !IsDuplicate(err) || status() != "approved" {
		t.Errorf("revision 2 colliding with revision 2: %v, status %s, want the duplicate, nothing applied", err, status())
	}
}
