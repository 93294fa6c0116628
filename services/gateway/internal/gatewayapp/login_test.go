package gatewayapp

import (
	"testing"

	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
)

// TestLoginAnswersTheAccount checks that sign-in answers the account as /api/auth/me does,
// beside the token, so a client needs no second request to know who signed in.
func TestLoginAnswersTheAccount(t *testing.T) {
	f := start(t, nil)
	reg := f.client.Do(t, "POST", "/api/auth/register", map[string]string{
		"email": "htx.mocchau@example.vn", "password": "mận-mộc-châu-2026", "name": "HTX Mận Mộc Châu", "role": "producer"})
	if reg.Status != 201 {
		t.Fatalf("register: %d %s", reg.Status, reg.Body)
	}
	r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "HTX.MocChau@example.vn", "password": "mận-mộc-châu-2026"})
	if r.Status != 200 {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	var got account.RegisterResponse
	r.Decode(t, &got)
	if got.AccessToken == "" || got.TokenType != "Bearer" {
		t.Fatalf("login token %+v", got.TokenResponse)
	}
	var me account.Response
	f.client.With(got.AccessToken).Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	same := got.Account.ID == me.ID && got.Account.Email == me.Email && got.Account.Name == me.Name &&
		got.Account.Role == me.Role && got.Account.CreatedAt.Equal(me.CreatedAt)
	if !same || me.ID == "" || me.Name != "HTX Mận Mộc Châu" || me.Role != "producer" {
		t.Errorf("login account = %+v, want the account /api/auth/me answers: %+v", got.Account, me)
	}
}
