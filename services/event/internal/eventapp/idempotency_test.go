package eventapp

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// TestCreateFairRetryAfterALostResponseGetsTheFair: the first run stores the fair, then its
// process dies before the response is kept (its record is left pending with the lease lapsed).
// The client's retry runs again with the same ID, meets the stored fair and must learn it: 201
// with the same fair and Location, not a 409 that would be kept and replayed for a day.
func TestCreateFairRetryAfterALostResponseGetsTheFair(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	key := []string{httpx.IdempotencyHeader, "fair-key-1"}
	body := fairBody("Hội chợ OCOP Hà Nội")
	first := e.org.Do(t, "POST", "/api/fairs", body, key...)
	if first.Status != 201 {
		t.Fatalf("first run: %d %s", first.Status, first.Body)
	}
	var created struct{ ID string }
	first.Decode(t, &created)

	keys := e.app.Host.DB.Collection(httpx.IdempotencyCollection)
	res, err := keys.UpdateMany(ctx, bson.M{"state": "done"}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().UTC().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("losing the first response: %v, %+v", err, res)
	}

	retry := e.org.Do(t, "POST", "/api/fairs", body, key...)
	if retry.Status != 201 {
		t.Fatalf("retry: %d %s, want 201 with the fair the first run stored", retry.Status, retry.Body)
	}
	var again struct{ ID string }
	retry.Decode(t, &again)
	if again.ID != created.ID || retry.Header.Get("Location") != "/api/fairs/"+created.ID {
		t.Errorf("retry answered fair %q at %q, want %q", again.ID, retry.Header.Get("Location"), created.ID)
	}
	if n, err := e.app.Host.DB.Collection(fair.Collection).CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Errorf("%d fairs stored (%v), want 1", n, err)
	}
	// The retry's answer is what is kept: a third call replays it.
	replay := e.org.Do(t, "POST", "/api/fairs", body, key...)
	if replay.Status != 201 || replay.Header.Get(httpx.IdempotentReplay) != "true" {
		t.Errorf("replay: %d %v %s", replay.Status, replay.Header, replay.Body)
	}
}

// The same, for an admin creating a fair for an organiser (the admin not on its list): the retry
// after a lost response learns the fair too.
func TestAdminsCreateRetryAfterALostResponseGetsTheFair(t *testing.T) {
	e := setup(t)
	adminTok, _ := e.tokens.Token(t, "admin", "")
	admin := e.api.With(adminTok)
	key := []string{httpx.IdempotencyHeader, "admin-fair-key"}
	body := fairBody("Hội chợ OCOP giao cho ban tổ chức")
	body["organisers"] = []string{e.orgID}
	first := admin.Do(t, "POST", "/api/fairs", body, key...)
	if first.Status != 201 {
		t.Fatalf("first run: %d %s", first.Status, first.Body)
	}
	var created struct{ ID string }
	first.Decode(t, &created)
	res, err := e.app.Host.DB.Collection(httpx.IdempotencyCollection).UpdateMany(context.Background(), bson.M{"state": "done"}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().UTC().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("losing the first response: %v, %+v", err, res)
	}
	retry := admin.Do(t, "POST", "/api/fairs", body, key...)
	var again struct{ ID string }
	if retry.Status == 201 {
		retry.Decode(t, &again)
	}
	if retry.Status != 201 || again.ID != created.ID {
		t.Errorf("the admin's retry: %d %s, want 201 with fair %s", retry.Status, retry.Body, created.ID)
	}
}
