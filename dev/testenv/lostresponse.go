package testenv

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// LoseResponse makes the Idempotency-Key record of the creating request answered at location (in
// db) look as if its process died after storing the change and before keeping the response: left
// pending, its lease lapsed, so that a retry runs again.
func LoseResponse(t testing.TB, db *storage.DB, location string) {
	t.Helper()
	res, err := db.Collection(httpx.IdempotencyCollection).UpdateMany(context.Background(), bson.M{"state": "done", "location": location}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().UTC().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("losing the response at %s: %v, %+v", location, err, res)
	}
}

// RetryAfterALostResponse posts body to path through c with the Idempotency-Key key, loses the
// first run's response (LoseResponse) and posts it again: the retry must answer 201 with what the
// first run stored, at prefix+ID, not a 409 of its own name or pair that would be replayed for a
// day. It returns the ID.
func RetryAfterALostResponse(t testing.TB, db *storage.DB, c Client, what, path, prefix, key string, body any) string {
	t.Helper()
	first := c.Do(t, http.MethodPost, path, body, httpx.IdempotencyHeader, key)
	if first.Status != http.StatusCreated {
		t.Fatalf("%s, first run: %d %s", what, first.Status, first.Body)
	}
	var created struct{ ID string }
	first.Decode(t, &created)
	LoseResponse(t, db, prefix+created.ID)
	retry := c.Do(t, http.MethodPost, path, body, httpx.IdempotencyHeader, key)
	var again struct{ ID string }
	retry.Decode(t, &again)
	if retry.Status != http.StatusCreated || again.ID != created.ID || retry.Header.Get("Location") != prefix+created.ID {
		t.Errorf("%s, retry: %d %s at %q, want 201 with %s", what, retry.Status, retry.Body, retry.Header.Get("Location"), created.ID)
	}
	return created.ID
}
