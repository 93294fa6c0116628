// Package auth issues and verifies the access tokens of ocopfair: Ed25519-signed JWTs (alg EdDSA,
// pinned) with issuer, audience and expiry required. The gateway signs; every service verifies
// with the public keys the gateway serves as a JWKS, fetched on demand and cached.
package auth

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Roles of ocopfair accounts.
const (
	RoleAdmin     = "admin"
	RoleOrganiser = "organiser"
	RoleProducer  = "producer"
	RoleBuyer     = "buyer"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleOrganiser, RoleProducer, RoleBuyer}

// Principal is the authenticated caller: the token's subject (account ID) and role.
type Principal struct {
	AccountID string `json:"account_id"`
	Role      string `json:"role"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	// IssuedAt is when the token it came from was issued (zero when it came from none): what a
	// token made (a calendar feed) counts as made then, so the token's revocation ends it too.
	IssuedAt time.Time `json:"-"`
}

// Is reports whether the principal has one of roles.
func (p Principal) Is(roles ...string) bool { return slices.Contains(roles, p.Role) }

// ErrTokenRevoked refuses a token issued before its account's sessions ended.
var ErrTokenRevoked = apperr.New(apperr.Unauthorized, msgTokenRevoked)

// Claims are the JWT claims ocopfair tokens carry.
type Claims struct {
	jwt.RegisteredClaims
	Role  string `json:"role"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Signer issues access tokens with one Ed25519 key.
type Signer struct {
	key      ed25519.PrivateKey
	kid      string
	issuer   string
	audience string
	ttl      time.Duration
}

// NewSigner returns a signer; kid names the key in the JWKS.
func NewSigner(key ed25519.PrivateKey, kid, issuer, audience string, ttl time.Duration) *Signer {
	return &Signer{key: key, kid: kid, issuer: issuer, audience: audience, ttl: ttl}
}

// Issue returns a signed token for p valid for the signer's TTL from now, with the TTL in seconds.
func (s *Signer) Issue(p Principal, now time.Time, jti string) (string, int, error) {
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.issuer,
			Subject:   p.AccountID,
			Audience:  jwt.ClaimStrings{s.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.ttl)),
			ID:        jti,
		},
		Role: p.Role, Name: p.Name, Email: p.Email,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = s.kid
	signed, err := tok.SignedString(s.key)
	if err != nil {
		return "", 0, fmt.Errorf("auth: sign: %w", err)
	}
	return signed, int(s.ttl / time.Second), nil
}

// JWK is one public key in a JSON Web Key Set (RFC 8037 OKP key).
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// PublicJWK describes an Ed25519 public key as a JWK.
func PublicJWK(pub ed25519.PublicKey, kid string) JWK {
	return JWK{Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(pub), Kid: kid, Alg: "EdDSA", Use: "sig"}
}

func (k JWK) publicKey() (ed25519.PublicKey, error) {
	if k.Kty != "OKP" || k.Crv != "Ed25519" {
		return nil, fmt.Errorf("auth: key %s is %s/%s, want OKP/Ed25519", k.Kid, k.Kty, k.Crv)
	}
	b, err := base64.RawURLEncoding.DecodeString(k.X)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("auth: key %s has a bad x", k.Kid)
	}
	return ed25519.PublicKey(b), nil
}

// KeySource finds the public key for a key ID.
type KeySource interface {
	Key(ctx context.Context, kid string) (ed25519.PublicKey, error)
}

// StaticKeys is a fixed key set, for the gateway itself and tests.
type StaticKeys map[string]ed25519.PublicKey

// Key returns the key kid.
func (s StaticKeys) Key(_ context.Context, kid string) (ed25519.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("auth: unknown key %q", kid)
}

// RemoteKeys fetches a JWKS over HTTP and caches it; an unknown key ID triggers a refetch, at most
// once per MinRefresh, so a rotated key is picked up without a restart.
type RemoteKeys struct {
	URL        string
	Client     *http.Client
	MinRefresh time.Duration

	mu      sync.Mutex
	keys    map[string]ed25519.PublicKey
	fetched time.Time
}

// NewRemoteKeys returns a key source for the JWKS at url.
func NewRemoteKeys(url string) *RemoteKeys {
	return &RemoteKeys{URL: url, Client: &http.Client{Timeout: 5 * time.Second}, MinRefresh: 5 * time.Second}
}

// Key returns the key kid, fetching the JWKS when it is not cached.
func (r *RemoteKeys) Key(ctx context.Context, kid string) (ed25519.PublicKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k, ok := r.keys[kid]; ok {
		return k, nil
	}
	if !r.fetched.IsZero() && time.Since(r.fetched) < r.MinRefresh {
		return nil, fmt.Errorf("auth: unknown key %q", kid)
	}
	if err := r.fetch(ctx); err != nil {
		return nil, err
	}
	if k, ok := r.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("auth: unknown key %q", kid)
}

func (r *RemoteKeys) fetch(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return err
	}
	resp, err := r.Client.Do(req)
	if err != nil {
		return fmt.Errorf("auth: fetch keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("auth: fetch keys: %s", resp.Status)
	}
	var set JWKS
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&set); err != nil {
		return fmt.Errorf("auth: decode keys: %w", err)
	}
	keys := make(map[string]ed25519.PublicKey, len(set.Keys))
	for _, k := range set.Keys {
		pub, err := k.publicKey()
		if err != nil {
			continue // another algorithm's key is not ours to use
		}
		keys[k.Kid] = pub
	}
	r.keys, r.fetched = keys, time.Now()
	return nil
}

// Verifier checks access tokens. It remembers the tokens it has accepted (see DefaultVerifiedTokens),
// so that a client polling with one token costs one signature check, not one per request.
type Verifier struct {
	keys     KeySource
	issuer   string
	audience string
	now      func() time.Time
	verified *verifiedTokens
	revoked  *Revocations
}

// leeway is how far the clocks of the gateway and a service may differ: a token is taken that
// much before its iat and nbf and after its exp.
const leeway = 30 * time.Second

// DefaultVerifiedTokens is how many verified tokens a Verifier remembers unless told otherwise:
// a fair's opening day has a few thousand signed-in phones and browsers at most, and an entry
// is a few hundred bytes.
const DefaultVerifiedTokens = 10000

// VerifierOption adjusts a Verifier.
type VerifierOption func(*Verifier)

// WithClock makes the verifier read the time from now instead of time.Now (tests hold it still
// or move it past a token's expiry).
func WithClock(now func() time.Time) VerifierOption {
	return func(v *Verifier) { v.now = now }
}

// WithVerifiedTokens sets how many verified tokens the verifier remembers; 0 or less remembers
// none, so every request checks the signature.
func WithVerifiedTokens(n int) VerifierOption {
	return func(v *Verifier) { v.verified = newVerifiedTokens(n) }
}

// WithRevocations makes the verifier refuse the tokens r revokes, remembered ones included.
func WithRevocations(r *Revocations) VerifierOption {
	return func(v *Verifier) { v.revoked = r }
}

// NewVerifier returns a verifier that accepts only EdDSA tokens from issuer for audience.
func NewVerifier(keys KeySource, issuer, audience string, opts ...VerifierOption) *Verifier {
	v := &Verifier{keys: keys, issuer: issuer, audience: audience, now: time.Now, verified: newVerifiedTokens(DefaultVerifiedTokens)}
	for _, o := range opts {
		o(v)
	}
	return v
}

// Verify parses and checks token, returning its principal or an Unauthorized error. A token this
// verifier accepted before is taken again without its signature being checked while the time is
// within its validity and the key that signed it is still the key source's key of that ID;
// otherwise it is checked in full, so an expired token, or one whose key was withdrawn, gets the
// same answer as on its first use.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	// A token fits the stack buffer, so hashing it allocates nothing; a longer one still works.
	var buf [2048]byte
	sum := sha256.Sum256(append(buf[:0], token...))
	now := v.now()
	if e, ok := v.verified.get(sum, now); ok {
		if v.revoked.Revoked(e.principal.AccountID, e.issued) {
			return Principal{}, ErrTokenRevoked
		}
		if key, err := v.keys.Key(ctx, e.kid); err == nil && bytes.Equal(key, e.key) {
			return e.principal, nil
		}
		v.verified.drop(sum)
	}
	var claims Claims
	var kid string
	var key ed25519.PublicKey
	_, err := jwt.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ = t.Header["kid"].(string)
		k, err := v.keys.Key(ctx, kid)
		key = k
		return k, err
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(v.issuer),
		jwt.WithAudience(v.audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(v.now),
	)
	if err != nil {
		msg := msgTokenInvalid
		if errors.Is(err, jwt.ErrTokenExpired) {
			msg = msgTokenExpired
		}
		return Principal{}, apperr.WrapMsg(apperr.Unauthorized, err, msg)
	}
	if claims.Subject == "" || !slices.Contains(Roles, claims.Role) {
		return Principal{}, apperr.New(apperr.Unauthorized, msgTokenClaims)
	}
	p := Principal{AccountID: claims.Subject, Role: claims.Role, Name: claims.Name, Email: claims.Email}
	var issued time.Time
	if claims.IssuedAt != nil {
		issued = claims.IssuedAt.Time
	}
	p.IssuedAt = issued.UTC()
	if v.revoked.Revoked(p.AccountID, issued) {
		return Principal{}, ErrTokenRevoked
	}
	v.verified.put(sum, verifiedToken{principal: p, kid: kid, key: key, from: validFrom(claims), until: claims.ExpiresAt.Add(leeway), issued: issued}, now)
	return p, nil
}

// validFrom is the first instant the parser takes the token at: its iat and nbf, less the leeway.
func validFrom(c Claims) time.Time {
	var from time.Time
	for _, t := range []*jwt.NumericDate{c.IssuedAt, c.NotBefore} {
		if t != nil && t.After(from) {
			from = t.Time
		}
	}
	if from.IsZero() {
		return from
	}
	return from.Add(-leeway)
}
