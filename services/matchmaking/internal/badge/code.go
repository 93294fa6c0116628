// Package badge is the fair day of B2B meetings: each producer and buyer with a meeting at a
// fair gets a badge (a card to print or a QR on the phone) whose code is signed by the service,
// the fair's staff check people in by scanning it at the gate and at the B2B tables, and a
// meeting whose two participants checked in at its table within its slot is marked attended.
package badge

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Prefix starts every badge code: the format's name and version.
const Prefix = "OB1."

// Key lengths in bytes: the shortest key accepted, and the length of a key made here.
const (
	MinKeyLen = 32
	newKeyLen = 32
)

// idLen and sigLen are the lengths in bytes of a badge's random ID and of its code's signature.
const (
	idLen  = 16
	sigLen = 16
)

// Key signs badge codes: an HMAC-SHA256 key that every replica of the service shares. It never
// prints.
type Key []byte

// String hides the key.
func (Key) String() string { return "(hidden)" }

// LogValue hides the key from logs.
func (Key) LogValue() slog.Value { return slog.StringValue("(hidden)") }

// ParseKey reads a key as configured: text of at least MinKeyLen bytes, used as it is.
func ParseKey(s string) (Key, error) {
	if len(s) < MinKeyLen || len(s) > 512 {
		return nil, fmt.Errorf("must be %d to 512 characters of random text (e.g. openssl rand -base64 48)", MinKeyLen)
	}
	return Key(s), nil
}

// NewKey makes a random key.
func NewKey() Key {
	k := make([]byte, newKeyLen)
	_, _ = rand.Read(k) // never fails (crypto/rand)
	return k
}

// NewID makes a random badge ID: 16 bytes, base64url without padding.
func NewID() string {
	b := make([]byte, idLen)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Code is the text a badge's QR code carries: "OB1.<id>.<sig>", sig being the first 16 bytes of
// HMAC-SHA256(key, "OB1."+id), base64url without padding. It names no account and no secret.
func (k Key) Code(id string) string {
	return Prefix + id + "." + base64.RawURLEncoding.EncodeToString(k.sign(id))
}

func (k Key) sign(id string) []byte {
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte(Prefix + id))
	return mac.Sum(nil)[:sigLen]
}

// ErrForged is what Verify returns for a code this key did not sign, or that is not a badge
// code at all.
var ErrForged = errors.New("not a badge code signed by this service")

// Verify returns the badge ID of a code this key signed: ErrForged for any other text, a code
// altered in any character among them. It compares signatures in constant time.
func (k Key) Verify(code string) (string, error) {
	code = strings.TrimSpace(code)
	rest, ok := strings.CutPrefix(code, Prefix)
	if !ok || len(code) > 100 {
		return "", ErrForged
	}
	id, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return "", ErrForged
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(id)
	if err != nil || len(raw) != idLen {
		return "", ErrForged
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, k.sign(id)) {
		return "", ErrForged
	}
	return id, nil
}
