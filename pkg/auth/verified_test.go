package auth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// clock is a time the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// swappableKeys is a key source whose keys a test withdraws or replaces.
type swappableKeys struct {
	mu   sync.Mutex
	keys map[string]ed25519.PublicKey
}

func (s *swappableKeys) Key(_ context.Context, kid string) (ed25519.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("auth: unknown key %q", kid)
}

func (s *swappableKeys) Set(kid string, k ed25519.PublicKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k == nil {
		delete(s.keys, kid)
		return
	}
	s.keys[kid] = k
}

// mustVerify fails the test unless v accepts token.
func mustVerify(t *testing.T, v *auth.Verifier, token string) auth.Principal {
	t.Helper()
	p, err := v.Verify(context.Background(), token)
	if err != nil {
		t.Fatalf("Verify = %v, want the token accepted", err)
	}
	return p
}

// sameRefusal fails the test unless the remembering verifier refuses token with exactly the
// error a verifier that remembers nothing gives.
func sameRefusal(t *testing.T, v, fresh *auth.Verifier, token string) {
	t.Helper()
	_, err := v.Verify(context.Background(), token)
	_, want := fresh.Verify(context.Background(), token)
	if want == nil {
		t.Fatal("the fresh verifier accepts the token; the test is wrong")
	}
	if !apperr.Is(err, apperr.Unauthorized) || err.Error() != want.Error() {
		t.Errorf("Verify of a remembered token = %v, want %v", err, want)
	}
}

func TestVerifierForgetsExpiredTokens(t *testing.T) {
	pub, priv := keys(t)
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	clk := &clock{now: t0}
	signer := auth.NewSigner(priv, "k1", "iss", "aud", time.Minute)
	v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithClock(clk.Now))
	fresh := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithClock(clk.Now), auth.WithVerifiedTokens(0))
	tok, _, err := signer.Issue(auth.Principal{AccountID: "a", Role: auth.RoleProducer}, t0, "j")
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, v, tok)
	clk.Set(t0.Add(time.Minute + 29*time.Second)) // within the 30 s leeway
	mustVerify(t, v, tok)
	clk.Set(t0.Add(time.Minute + 30*time.Second))
	sameRefusal(t, v, fresh, tok)
	if _, err := v.Verify(context.Background(), tok); err == nil || !strings.Contains(err.Error(), "has expired") {
		t.Errorf("Verify of an expired remembered token = %v, want it expired", err)
	}
}

func TestVerifierRefusesTokensOfWithdrawnKeys(t *testing.T) {
	pub, priv := keys(t)
	otherPub, _ := keys(t)
	p := auth.Principal{AccountID: "a", Role: auth.RoleOrganiser}
	issued := time.Now()
	tok, _, err := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour).Issue(p, issued, "j")
	if err != nil {
		t.Fatal(err)
	}
	p.IssuedAt = time.Unix(issued.Unix(), 0).UTC()
	for _, tt := range []struct {
		name string
		then ed25519.PublicKey
	}{
		{"key withdrawn", nil},
		{"key replaced under its ID", otherPub},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ks := &swappableKeys{keys: map[string]ed25519.PublicKey{"k1": pub}}
			v := auth.NewVerifier(ks, "iss", "aud")
			fresh := auth.NewVerifier(ks, "iss", "aud", auth.WithVerifiedTokens(0))
			if got := mustVerify(t, v, tok); got != p {
				t.Fatalf("Verify = %+v, want %+v", got, p)
			}
			ks.Set("k1", tt.then)
			sameRefusal(t, v, fresh, tok)
			ks.Set("k1", pub)
			mustVerify(t, v, tok) // checked in full again, and taken
		})
	}
}

func TestVerifierRefusesTamperedTokens(t *testing.T) {
	pub, priv := keys(t)
	signer := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour)
	v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud")
	fresh := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithVerifiedTokens(0))
	tok, _, err := signer.Issue(auth.Principal{AccountID: "a", Role: auth.RoleBuyer}, time.Now(), "j")
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, v, tok)
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims["role"] = auth.RoleAdmin
	admin, _ := json.Marshal(claims)
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	sig[0] ^= 1
	for name, bad := range map[string]string{
		"another role, same signature": parts[0] + "." + base64.RawURLEncoding.EncodeToString(admin) + "." + parts[2],
		"one signature bit flipped":    parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig),
		"no signature":                 parts[0] + "." + parts[1] + ".",
		"the token twice":              tok + tok,
	} {
		t.Run(name, func(t *testing.T) {
			sameRefusal(t, v, fresh, bad)
		})
	}
}

func TestVerifierRemembersAtMostItsBound(t *testing.T) {
	pub, priv := keys(t)
	signer := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour)
	v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithVerifiedTokens(3))
	var tokens []string
	for i := range 10 {
		tok, _, err := signer.Issue(auth.Principal{AccountID: fmt.Sprintf("a%d", i), Role: auth.RoleBuyer}, time.Now(), "j")
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, tok)
	}
	// Concurrent callers, so that the race detector sees the cache shared.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i, tok := range tokens {
				p, err := v.Verify(context.Background(), tok)
				if want := fmt.Sprintf("a%d", i); err != nil || p.AccountID != want {
					t.Errorf("worker %d: Verify(token of %s) = %+v, %v", w, want, p, err)
				}
			}
		})
	}
	wg.Wait()
	if n := v.VerifiedLen(); n < 1 || n > 3 {
		t.Errorf("the verifier remembers %d tokens, want 1 to 3", n)
	}
	// Refused tokens are never remembered.
	none := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud")
	for _, bad := range []string{"not.a.token", tokens[0] + "x"} {
		if _, err := none.Verify(context.Background(), bad); err == nil {
			t.Fatalf("Verify(%q) accepted", bad)
		}
	}
	if n := none.VerifiedLen(); n != 0 {
		t.Errorf("the verifier remembers %d refused tokens, want 0", n)
	}
}

// BenchmarkVerify compares a token checked in full on every request with one remembered after
// its first check (a phone polling with the same token).
//
//	cd pkg && go test -run '^$' -bench Verify -benchmem ./auth/
func BenchmarkVerify(b *testing.B) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	tok, _, err := auth.NewSigner(priv, "k1", "iss", "aud", time.Hour).Issue(auth.Principal{AccountID: "0192a7c4-5d7e-7c3a-9f00-00000000beef",
		Role: auth.RoleProducer, Name: "HTX Chè Tân Cương", Email: "htx@example.vn"}, time.Now(), "j")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		n    int
	}{{"every time", 0}, {"remembered", auth.DefaultVerifiedTokens}} {
		b.Run(bc.name, func(b *testing.B) {
			v := auth.NewVerifier(auth.StaticKeys{"k1": pub}, "iss", "aud", auth.WithVerifiedTokens(bc.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
