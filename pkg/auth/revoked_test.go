package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// A revocation refuses the account's tokens issued before its time, whether the verifier has
// remembered them or not; a token issued at that time, and other accounts' tokens, still pass.
func TestRevokedTokensAreRefused(t *testing.T) {
	pub, priv := keys(t)
	signer := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour)
	revoked := auth.NewRevocations(13 * time.Hour)
	cached := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithRevocations(revoked))
	fresh := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithRevocations(revoked), auth.WithVerifiedTokens(0))
	now := time.Now()
	issue := func(account string, at time.Time) string {
		tok, _, err := signer.Issue(auth.Principal{AccountID: account, Role: auth.RoleProducer}, at, "j")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	old, other := issue("a", now), issue("b", now)
	for _, v := range []*auth.Verifier{cached, fresh} {
		if _, err := v.Verify(context.Background(), old); err != nil {
			t.Fatalf("before the revocation: %v", err)
		}
	}
	notBefore := now.Truncate(time.Second).Add(time.Second)
	revoked.Revoke("a", notBefore)
	revoked.Revoke("a", now.Add(-time.Hour)) // an older revocation arriving late changes nothing
	for name, v := range map[string]*auth.Verifier{"remembered": cached, "checked in full": fresh} {
		_, err := v.Verify(context.Background(), old)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Kind != apperr.Unauthorized || e.Code() != "token_revoked" {
			t.Errorf("%s: a revoked token gave %v", name, err)
		}
		if _, err := v.Verify(context.Background(), issue("a", notBefore)); err != nil {
			t.Errorf("%s: a token issued at the revocation's time: %v", name, err)
		}
		if _, err := v.Verify(context.Background(), other); err != nil {
			t.Errorf("%s: another account's token: %v", name, err)
		}
	}
	if revoked.Len() != 1 {
		t.Errorf("%d accounts remembered, want 1", revoked.Len())
	}
}
