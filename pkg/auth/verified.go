package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"sync"
	"time"
)

// verifiedToken is what a Verifier remembers of a token it accepted: whom it names, the key that
// signed it (so that a withdrawn key withdraws its tokens too), when the parser takes it and when
// it was issued (so that a revocation withdraws it too).
type verifiedToken struct {
	principal Principal
	kid       string
	key       ed25519.PublicKey
	from      time.Time
	until     time.Time
	issued    time.Time // its iat (zero: none), which a revocation compares
}

// evictLook is how many entries a full cache looks at for an expired one before it drops one
// that is still valid: enough to find the expired ones a day of 12-hour tokens leaves behind,
// few enough that a full cache costs little per new token.
const evictLook = 8

// verifiedTokens remembers accepted tokens by the SHA-256 of the whole token, so a token that
// differs in any byte (another signature, another claim) is never taken for a remembered one,
// and the cache holds no token itself. It holds at most max entries; nil remembers nothing.
type verifiedTokens struct {
	mu      sync.Mutex
	max     int
	entries map[[sha256.Size]byte]verifiedToken
}

func newVerifiedTokens(max int) *verifiedTokens {
	if max <= 0 {
		return nil
	}
	return &verifiedTokens{max: max, entries: make(map[[sha256.Size]byte]verifiedToken)}
}

// get returns the token remembered under sum if now is within its validity; an expired one is
// forgotten, and the caller checks the token in full.
func (c *verifiedTokens) get(sum [sha256.Size]byte, now time.Time) (verifiedToken, bool) {
	if c == nil {
		return verifiedToken{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[sum]
	if !ok {
		return verifiedToken{}, false
	}
	if !now.Before(e.until) {
		delete(c.entries, sum)
		return verifiedToken{}, false
	}
	return e, !now.Before(e.from)
}

// drop forgets the token remembered under sum.
func (c *verifiedTokens) drop(sum [sha256.Size]byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.entries, sum)
	c.mu.Unlock()
}

// put remembers e under sum, first making room when the cache is full: an expired entry if one
// of the first few looked at is, else one of them (the map's order is random).
func (c *verifiedTokens) put(sum [sha256.Size]byte, e verifiedToken, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[sum]; !ok && len(c.entries) >= c.max {
		looked := 0
		for k, old := range c.entries {
			looked++
			if !now.Before(old.until) || looked == evictLook || looked == len(c.entries) {
				delete(c.entries, k)
				break
			}
		}
	}
	c.entries[sum] = e
}

// len returns how many tokens are remembered.
func (c *verifiedTokens) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
