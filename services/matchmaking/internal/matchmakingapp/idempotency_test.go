package matchmakingapp

import (
	"context"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
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
	testenv.RetryAfterALostResponse(t, app.Host.DB, c, "sourcing request", path, "/api/requests/", "request-key-1", body)
	if n, err := app.Host.DB.Collection(buyer.RequestCollection).CountDocuments(ctx, bson.M{}); err != nil || n != 1 {
		t.Errorf("%d sourcing requests stored (%v), want 1", n, err)
	}
}

// TestProfilesAndAsksRetriedAfterALostResponseGetTheFirst: a buyer's registration and a meeting
// asked for, each stored by a first run whose response was lost, answer the retry with what was
// stored; nothing is stored twice.
func TestProfilesAndAsksRetriedAfterALostResponseGetTheFirst(t *testing.T) {
	x := startAnswers(t)
	newTok, _ := x.tokens.Token(t, "buyer", "")
	c := x.api.With(newTok)
	buyerID := testenv.RetryAfterALostResponse(t, x.app.Host.DB, c, "registration", "/api/buyers", "/api/buyers/", "reg-1",
		map[string]any{"name": "Siêu thị Hồng", "kind": "supermarket_chain", "province": "Hà Nội"})
	meetingID := testenv.RetryAfterALostResponse(t, x.app.Host.DB, c, "meeting", "/api/fairs/f1/meetings", "/api/meetings/", "ask-1",
		map[string]any{"buyer_id": buyerID, "producer_id": "p1"})
	var mine struct{ Items []struct{ ID string } }
	c.Do(t, "GET", "/api/fairs/f1/meetings", nil).Decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != meetingID {
		t.Errorf("the buyer's meetings after the retry: %+v, want only %s", mine.Items, meetingID)
	}
	stepARetriedAskCountsTheBoothsAgain(t, x, c, buyerID)
	// The same key from another buyer is another request: it gets its own answer, never the first's.
	if r := x.otherC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": x.otherID, "producer_id": "p1"},
		httpx.IdempotencyHeader, "ask-1"); r.Status != 201 || r.Header.Get("Location") == "/api/meetings/"+meetingID {
		t.Errorf("another buyer with the same key: %d %s", r.Status, r.Header.Get("Location"))
	}
}

// stepARetriedAskCountsTheBoothsAgain: an ask stored by a first run that died before it counted
// the producer's booths again, whose last booth went meanwhile without its meetings being
// cancelled, is refused on its retry and cancelled, as the first run would have done.
func stepARetriedAskCountsTheBoothsAgain(t *testing.T, x answers, c testenv.Client, buyerID string) {
	t.Helper()
	ctx := context.Background()
	first := c.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": buyerID, "producer_id": "p2"}, httpx.IdempotencyHeader, "ask-2")
	var m struct{ ID string }
	first.Decode(t, &m)
	if first.Status != 201 {
		t.Fatalf("the ask: %d %s", first.Status, first.Body)
	}
	testenv.LoseResponse(t, x.app.Host.DB, "/api/meetings/"+m.ID)
	if _, err := x.app.Host.DB.Collection(meeting.HoldingsCollection).UpdateMany(ctx, bson.M{"fair_id": "f1", "producer_id": "p2"}, bson.M{"$set": bson.M{"released": true}}); err != nil {
		t.Fatal(err)
	}
	retry := c.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": buyerID, "producer_id": "p2"}, httpx.IdempotencyHeader, "ask-2")
	var now struct{ Status string }
	c.Do(t, "GET", "/api/meetings/"+m.ID, nil).Decode(t, &now)
	if retry.Status != 422 || !strings.Contains(string(retry.Body), "producer_id") || now.Status != "cancelled" {
		t.Errorf("a retried ask whose producer has no booth left: %d %s, the meeting %s; want 422 on producer_id and it cancelled", retry.Status, retry.Body, now.Status)
	}
}
