package auth

import (
	"sync"
	"time"
)

// Revocations are the accounts whose tokens issued before some time are refused (signed out
// everywhere, password changed, account disabled). Every service follows the gateway's
// gateway.account.tokens_revoked events into one (see service.Host) and its Verifier consults it
// on every request, remembered tokens included. An entry is kept for forget after its time: a
// token it refuses has expired by then anyway.
type Revocations struct {
	mu     sync.RWMutex
	after  map[string]time.Time
	seen   map[string]time.Time // when this set last raised an account's time, by the local clock
	forget time.Duration
	swept  time.Time
}

// NewRevocations returns an empty set that forgets a revocation forget after its time (at least
// the longest token lifetime; 0: never).
func NewRevocations(forget time.Duration) *Revocations {
	return &Revocations{after: map[string]time.Time{}, seen: map[string]time.Time{}, forget: forget}
}

// Revoke refuses account's tokens issued before notBefore (a later time wins over an earlier).
func (r *Revocations) Revoke(account string, notBefore time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.after[account]; !ok || notBefore.After(t) {
		r.after[account], r.seen[account] = notBefore, time.Now()
	}
	if now := time.Now(); r.forget > 0 && now.Sub(r.swept) > r.forget/4 {
		r.swept = now
		for a, t := range r.after {
			if now.Sub(t) > r.forget {
				delete(r.after, a)
				delete(r.seen, a)
			}
		}
	}
}

// Revoked reports whether a token of account issued at issued is refused; a token without an
// issue time (zero) is refused when the account has any revocation.
func (r *Revocations) Revoked(account string, issued time.Time) bool {
	t := r.NotBefore(account)
	return !t.IsZero() && issued.Before(t)
}

// NotBefore is the time account's tokens must be issued at or after (zero: none revoked).
func (r *Revocations) NotBefore(account string) time.Time {
	if r == nil {
		return time.Time{}
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.after[account]
}

// RevokedSince reports whether account's tokens were revoked after since, by the local clock: a
// connection opened before that (a live stream) must end, one opened after it came with a token
// that passed the revocation.
func (r *Revocations) RevokedSince(account string, since time.Time) bool {
	if r == nil {
		return false
	}
	r.mu.RLock()
	t, ok := r.seen[account]
	r.mu.RUnlock()
	return ok && t.After(since)
}

// Len is how many accounts have a revocation remembered.
func (r *Revocations) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.after)
}
