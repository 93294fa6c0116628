package matchmakingapp

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
)

// TestCreateRequestRetryAfterALostResponseGetsTheRequest: the first run stores the sourcing
// request, then its process dies before the response is kept (its record is left pending with
// the lease lapsed). The retry runs again with the same ID and must answer 201 with the stored
// request and its Location, not a 409 that would be kept and replayed for a day.
func TestCreateRequestRetryAfterALostResponseGetsTheRequest(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	tok, _ := tokens.Token(t, "buyer", "")
	c := api.With(tok)
	ctx := context.Background()
	r := c.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội"})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)

	path := "/api/buyers/" + b.ID + "/requests"
	body := map[string]any{"title": "Mật ong xuất khẩu EU", "criteria_sets": []int{4}, "keywords": []string{"mat ong"},
		"monthly_volume": 1.5, "unit": "tonne", "target_market": "EU"}
	key := []string{httpx.IdempotencyHeader, "request-key-1"}
	first := c.Do(t, "POST", path, body, key...)
	if first.Status != 201 {
		t.Fatalf("first run: %d %s", first.Status, first.Body)
	}
	var created struct{ ID string }
	first.Decode(t, &created)

	keys := app.Host.DB.Collection(httpx.IdempotencyCollection)
	res, err := keys.UpdateMany(ctx, bson.M{"state": "done", "location": "/api/requests/" + created.ID}, bson.M{
		"$set":   bson.M{"state": "pending", "lease_until": time.Now().UTC().Add(-time.Second)},
		"$unset": bson.M{"status": "", "body": "", "location": "", "content_type": ""}})
	if err != nil || res.ModifiedCount != 1 {
		t.Fatalf("losing the first response: %v, %+v", err, res)
	}

	retry := c.Do(t, "POST", path, body, key...)
	if retry.Status != 201 {
		t.Fatalf("retry: %d %s, want 201 with the request the first run stored", retry.Status, retry.Body)
	}
	var again struct{ ID string }
	retry.Decode(t, &again)
	if again.ID != created.ID || retry.Header.Get("Location") != "/api/requests/"+created.ID {
		t.Errorf("retry answered request %q at %q, want %q", again.ID, retry.Header.Get("Location"), created.ID)
	}
	if n, err := app.Host.DB.Collection(buyer.RequestCollection).CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Errorf("%d sourcing requests stored (%v), want 1", n, err)
	}
}
