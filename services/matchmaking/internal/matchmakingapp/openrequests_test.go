package matchmakingapp

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
)

// buyerOnItsOwn starts the service and makes one buyer, named name: the service, the buyer's
// client and its profile's ID.
func buyerOnItsOwn(t *testing.T, name string) (*App, testenv.Client, struct{ ID string }) {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	tok, _ := tokens.Token(t, "buyer", "")
	c := api.With(tok)
	r := c.Do(t, "POST", "/api/buyers", map[string]any{"name": name, "kind": "supermarket_chain", "province": "Hà Nội"})
	var b struct{ ID string }
	if r.Decode(t, &b); r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	return app, c, b
}

// A buyer holds at most buyer.MaxOpenRequests requests open (every producer's opportunities are
// drawn from the open ones), and a request's target market is a market: before, any buyer could
// open requests without end, each carrying a megabyte of "market" served to every producer.
func TestABuyersOpenRequestsAreBounded(t *testing.T) {
	app, c, b := buyerOnItsOwn(t, "Siêu thị Xanh")
	path := "/api/buyers/" + b.ID + "/requests"
	if r := c.Do(t, "POST", path, map[string]any{"title": "Mật ong", "keywords": []string{"mật ong"}, "target_market": strings.Repeat("A", 100_000)}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `"field":"target_market"`) {
		t.Errorf("a 100,000-character market: %d %.300s, want 422 on target_market", r.Status, r.Body)
	}
	docs := make([]any, buyer.MaxOpenRequests-1)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("old-%03d", i), "buyer_id": b.ID, "open": true, "title": "Cũ"}
	}
	if _, err := app.Host.DB.Collection(buyer.RequestCollection).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	var last struct{ ID string }
	if r := c.Do(t, "POST", path, map[string]any{"title": "Mật ong", "keywords": []string{"mật ong"}, "target_market": "jp"}); r.Status != 201 {
		t.Fatalf("the 100th open request: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &last)
	}
	if r := c.Do(t, "POST", path, map[string]any{"title": "Trà", "keywords": []string{"trà"}}); r.Status != 409 || !strings.Contains(string(r.Body), "sourcing_too_many_open") {
		t.Errorf("the 101st open request: %d %s, want 409", r.Status, r.Body)
	}
	if r := c.Do(t, "POST", "/api/requests/"+last.ID+"/close", nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if r := c.Do(t, "POST", path, map[string]any{"title": "Trà", "keywords": []string{"trà"}}); r.Status != 201 {
		t.Errorf("an open request once one was closed: %d %s", r.Status, r.Body)
	}
}

// Creates at once cannot pass the most together: before, each counted the open requests, then
// inserted, and 30 parallel creates at 90 open left 120 open.
func TestParallelCreatesKeepTheMostOpen(t *testing.T) {
	app, c, b := buyerOnItsOwn(t, "Siêu thị Sen")
	const held, tries = 90, 30
	docs := make([]any, held)
	for i := range docs {
		docs[i] = bson.M{"_id": fmt.Sprintf("old-%03d", i), "buyer_id": b.ID, "open": true, "title": "Cũ"}
	}
	if _, err := app.Host.DB.Collection(buyer.RequestCollection).InsertMany(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	statuses := make(chan int, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- c.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": fmt.Sprintf("Mật ong %d", i), "keywords": []string{"mật ong"}}).Status
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	if got[201] != buyer.MaxOpenRequests-held || got[409] != tries-(buyer.MaxOpenRequests-held) {
		t.Errorf("%d parallel creates at %d open answered %v, want %d × 201 and the rest 409", tries, held, got, buyer.MaxOpenRequests-held)
	}
	n, err := app.Host.DB.Collection(buyer.RequestCollection).CountDocuments(context.Background(), bson.M{"buyer_id": b.ID, "open": true})
	if err != nil || n != buyer.MaxOpenRequests {
		t.Errorf("open requests after the burst: %d (%v), want %d", n, err, buyer.MaxOpenRequests)
	}
}

// A count left too high (a place whose giving back failed) does not lock a buyer out for good:
// a full count is checked against the open requests, at most once a minute, and lowered.
func TestACountLeftTooHighComesBack(t *testing.T) {
	app, c, b := buyerOnItsOwn(t, "Siêu thị Sen")
	counts := app.Host.DB.Collection(buyer.OpenCountCollection)
	// Checked a moment ago: full it stays, without reading the requests again.
	if _, err := counts.InsertOne(context.Background(), bson.M{"_id": b.ID, "open": buyer.MaxOpenRequests, "checked_at": time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	path := "/api/buyers/" + b.ID + "/requests"
	if r := c.Do(t, "POST", path, map[string]any{"title": "Mật ong", "keywords": []string{"mật ong"}}); r.Status != 409 {
		t.Errorf("a create on a count checked just now: %d %s, want 409", r.Status, r.Body)
	}
	// Checked two minutes ago: the count is checked again, found too high, and the create goes.
	if _, err := counts.UpdateOne(context.Background(), bson.M{"_id": b.ID}, bson.M{"$set": bson.M{"checked_at": time.Now().UTC().Add(-2 * time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	if r := c.Do(t, "POST", path, map[string]any{"title": "Mật ong", "keywords": []string{"mật ong"}}); r.Status != 201 {
		t.Errorf("a create on a count too high, due a check: %d %s, want 201", r.Status, r.Body)
	}
	var kept struct{ Open int }
	if err := counts.FindOne(context.Background(), bson.M{"_id": b.ID}).Decode(&kept); err != nil || kept.Open != 1 {
		t.Errorf("the count after the check: %+v (%v), want 1", kept, err)
	}
}
