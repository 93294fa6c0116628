package auth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

func keys(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func TestIssueAndVerify(t *testing.T) {
	pub, priv := keys(t)
	signer := auth.NewSigner(priv, "k1", "ocopfair-gateway", "ocopfair", time.Hour)
	v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "ocopfair-gateway", "ocopfair")
	p := auth.Principal{AccountID: "acc-1", Role: auth.RoleProducer, Name: "Hợp tác xã Tân Cương"}
	issued := time.Now()
	tok, ttl, err := signer.Issue(p, issued, "jti-1")
	if err != nil || ttl != 3600 {
		t.Fatalf("Issue = %d, %v", ttl, err)
	}
	// The principal says when its token was issued (whole seconds), from a full check and from
	// the tokens remembered alike.
	p.IssuedAt = time.Unix(issued.Unix(), 0).UTC()
	for range 2 {
		got, err := v.Verify(context.Background(), tok)
		if err != nil || got != p {
			t.Fatalf("Verify = %+v, %v, want %+v", got, err, p)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	pub, priv := keys(t)
	_, otherPriv := keys(t)
	now := time.Now()
	good := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour)
	v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud")
	p := auth.Principal{AccountID: "a", Role: auth.RoleBuyer}
	mk := func(s *auth.Signer, at time.Time) string {
		tok, _, err := s.Issue(p, at, "j")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "a", "role": "admin", "iss": "iss", "aud": "aud", "exp": now.Add(time.Hour).Unix()})
	hs.Header["kid"] = "k1"
	hsTok, _ := hs.SignedString([]byte("secret"))
	noExp := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "a", "role": "admin", "iss": "iss", "aud": "aud"})
	noExp.Header["kid"] = "k1"
	noExpTok, _ := noExp.SignedString(priv)
	badRole := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "a", "role": "root", "iss": "iss", "aud": "aud", "exp": now.Add(time.Hour).Unix()})
	badRole.Header["kid"] = "k1"
	badRoleTok, _ := badRole.SignedString(priv)
	tests := []struct{ name, token string }{
		{"expired", mk(good, now.Add(-2*time.Hour))},
		{"wrong issuer", mk(auth.NewSigner(priv, "k1", "evil", "aud", time.Hour), now)},
		{"wrong audience", mk(auth.NewSigner(priv, "k1", "iss", "other", time.Hour), now)},
		{"unknown key", mk(auth.NewSigner(priv, "k2", "iss", "aud", time.Hour), now)},
		{"forged signature", mk(auth.NewSigner(otherPriv, "k1", "iss", "aud", time.Hour), now)},
		{"hmac algorithm", hsTok},
		{"no expiry", noExpTok},
		{"unknown role", badRoleTok},
		{"garbage", "not.a.token"},
		{"alg none", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhIiwicm9sZSI6ImFkbWluIn0."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := v.Verify(context.Background(), tt.token)
			if !apperr.Is(err, apperr.Unauthorized) {
				t.Errorf("Verify(%s) = %v, want unauthorized", tt.name, err)
			}
		})
	}
}

func TestRemoteKeysFetchesAndRefreshes(t *testing.T) {
	pub1, priv1 := keys(t)
	pub2, priv2 := keys(t)
	set := auth.JWKS{Keys: []auth.JWK{auth.PublicJWK(pub1, "k1")}}
	fetches := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches++
		_ = json.NewEncoder(w).Encode(set)
	}))
	defer srv.Close()
	rk := auth.NewRemoteKeys(srv.URL)
	rk.MinRefresh = 0
	v := auth.NewVerifier(rk, "iss", "aud")
	p := auth.Principal{AccountID: "a", Role: auth.RoleOrganiser}
	tok1, _, _ := auth.NewSigner(priv1, "k1", "iss", "aud", time.Hour).Issue(p, time.Now(), "j")
	for i := 0; i < 3; i++ {
		if _, err := v.Verify(context.Background(), tok1); err != nil {
			t.Fatalf("Verify with k1: %v", err)
		}
	}
	if fetches != 1 {
		t.Errorf("JWKS fetched %d times for one key, want 1", fetches)
	}
	// The gateway rotates to k2: an unknown kid triggers a refetch.
	set.Keys = append(set.Keys, auth.PublicJWK(pub2, "k2"))
	tok2, _, _ := auth.NewSigner(priv2, "k2", "iss", "aud", time.Hour).Issue(p, time.Now(), "j")
	if _, err := v.Verify(context.Background(), tok2); err != nil {
		t.Fatalf("Verify with rotated k2: %v", err)
	}
	if !strings.Contains(auth.PublicJWK(pub2, "k2").Alg, "EdDSA") {
		t.Error("JWK alg is not EdDSA")
	}
}
