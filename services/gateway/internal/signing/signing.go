// Package signing keeps the gateway's token-signing keys in its database, so that a restart or
// another replica signs with the same key and nobody is signed out, and publishes the public keys
// as the JWKS every service verifies tokens with.
package signing

import (
	"crypto/ed25519"

	"github.com/ocopfair/ocopfair/pkg/auth"
)

// Keys are the loaded keys: the one that signs and all public keys for the JWKS.
type Keys struct {
	KID     string
	Private ed25519.PrivateKey
	Public  map[string]ed25519.PublicKey
}

// JWKS returns the public keys as a JSON Web Key Set.
func (k Keys) JWKS() auth.JWKS {
	set := auth.JWKS{Keys: []auth.JWK{}}
	for kid, pub := range k.Public {
		set.Keys = append(set.Keys, auth.PublicJWK(pub, kid))
	}
	return set
}
