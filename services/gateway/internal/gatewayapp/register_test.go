package gatewayapp

import (
	"bytes"
	"context"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
)

// TestRegisterReplayKeepsNoToken: sign-up answers a bearer token, and the response is kept for
// Idempotency-Key replays for a day. The kept record must not hold the token; a replay answers
// the account without one, and the same credentials then sign in (as the console does).
func TestRegisterReplayKeepsNoToken(t *testing.T) {
	f := start(t, nil)
	body := map[string]string{"email": "htx.bacha@example.vn", "password": "mận-bắc-hà-2026", "name": "HTX Mận Bắc Hà", "role": "producer"}
	first := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, "reg-secret-1")
	if first.Status != 201 {
		t.Fatalf("register: %d %s", first.Status, first.Body)
	}
	var reg account.RegisterResponse
	first.Decode(t, &reg)
	if reg.AccessToken == "" || first.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("register answered no token or a cacheable one: %v %s", first.Header, first.Body)
	}

	cur, err := f.app.host.DB.Collection(httpx.IdempotencyCollection).Find(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []struct {
		Body []byte `bson:"body"`
	}
	if err := cur.All(context.Background(), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("%d idempotency records, want 1", len(recs))
	}
	if b := recs[0].Body; len(b) == 0 || bytes.Contains(b, []byte(reg.AccessToken)) || bytes.Contains(b, []byte("access_token")) {
		t.Errorf("the kept response is %q, want the account without the token", b)
	}

	again := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, "reg-secret-1")
	if again.Status != 201 || again.Header.Get(httpx.IdempotentReplay) != "true" || again.Header.Get("Location") != "/api/auth/me" {
		t.Fatalf("replayed register: %d %v %s", again.Status, again.Header, again.Body)
	}
	var replayed map[string]any
	again.Decode(t, &replayed)
	if acc, _ := replayed["account"].(map[string]any); acc["id"] != reg.Account.ID || replayed["access_token"] != nil {
		t.Errorf("replayed register = %s, want the account %s without a token", again.Body, reg.Account.ID)
	}
	// What the console does on a replay: sign in with the credentials it just sent.
	tok := f.login(t, body["email"], body["password"])
	var me account.Response
	if r := f.client.With(tok).Do(t, "GET", "/api/auth/me", nil); r.Status != 200 {
		t.Fatalf("me after signing in: %d %s", r.Status, r.Body)
	} else if r.Decode(t, &me); me.ID != reg.Account.ID {
		t.Errorf("signed in as %s, want %s", me.ID, reg.Account.ID)
	}
}
