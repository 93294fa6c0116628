package gatewayapp

import (
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
)

// TestCreateAccountRetryAfterALostResponse: an admin's account creation whose answer was lost
// (stored, then the process died) answers its retry 201 with the account, not 409 email_taken;
// another request for the same email is still refused.
func TestCreateAccountRetryAfterALostResponse(t *testing.T) {
	f := start(t, nil)
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	body := map[string]string{"email": "xttm@hanoi.gov.vn", "password": "organiser-pass-1", "name": "Trung tâm Xúc tiến Hà Nội", "role": "organiser"}
	testenv.RetryAfterALostResponse(t, f.app.host.DB, admin, "account", "/api/accounts", "/api/accounts/", "acc-1", body)
	if r := admin.Do(t, "POST", "/api/accounts", body, httpx.IdempotencyHeader, "acc-2"); r.Status != 409 {
		t.Errorf("another request for the email: %d %s, want 409", r.Status, r.Body)
	}
}

// TestRegisterRetryAfterALostResponse: a sign-up whose answer was lost answers its retry 201 with
// the account, as a replay does (without a token: the client signs in), not 409 email_taken.
func TestRegisterRetryAfterALostResponse(t *testing.T) {
	f := start(t, nil)
	body := map[string]string{"email": "htx.bacha@example.vn", "password": "mận-bắc-hà-2026", "name": "HTX Mận Bắc Hà", "role": "producer"}
	first := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, "reg-lost-1")
	if first.Status != 201 {
		t.Fatalf("register: %d %s", first.Status, first.Body)
	}
	var reg account.RegisterResponse
	first.Decode(t, &reg)
	testenv.LoseResponse(t, f.app.host.DB, "/api/auth/me")
	for _, what := range []string{"retry", "its replay"} {
		r := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, "reg-lost-1")
		var got map[string]any
		r.Decode(t, &got)
		acc, _ := got["account"].(map[string]any)
		if r.Status != 201 || acc["id"] != reg.Account.ID || got["access_token"] != nil ||
			r.Header.Get(httpx.IdempotentReplay) != "true" || r.Header.Get("Location") != "/api/auth/me" {
			t.Errorf("%s: %d %v %s, want 201 replayed with the account %s and no token", what, r.Status, r.Header, r.Body, reg.Account.ID)
		}
	}
	if r := f.client.Do(t, "POST", "/api/auth/register", body, httpx.IdempotencyHeader, "reg-lost-2"); r.Status != 409 {
		t.Errorf("another sign-up with the email: %d %s, want 409", r.Status, r.Body)
	}
	f.login(t, body["email"], body["password"])
}
