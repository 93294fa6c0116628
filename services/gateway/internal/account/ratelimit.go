package account

import (
	"crypto/sha256"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter hands out one token bucket per key (an IP, an account, or both) and forgets buckets that
// have refilled. Limits are per replica; with N gateway replicas behind a balancer an attacker gets
// at most N times the budget, which still stops password guessing at scale. A bucket is kept
// under the key's SHA-256, not the key: a key holds what a client sent (an email), and a failed
// sign-in's bucket lives an hour.
type limiter struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	buckets map[[sha256.Size]byte]*rate.Limiter
	swept   time.Time
}

func newLimiter(every rate.Limit, burst int) *limiter {
	return &limiter{every: every, burst: burst, buckets: map[[sha256.Size]byte]*rate.Limiter{}, swept: time.Now()}
}

// perMinute is a limit of n events a minute.
func perMinute(n int) rate.Limit { return rate.Limit(float64(n) / 60) }

// perHour is a limit of n events an hour.
func perHour(n int) rate.Limit { return rate.Limit(float64(n) / 3600) }

// allow takes one token for key and reports whether there was one.
func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	k := sha256.Sum256([]byte(key))
	b, ok := l.buckets[k]
	if !ok {
		b = rate.NewLimiter(l.every, l.burst)
		l.buckets[k] = b
	}
	return b.AllowN(now, 1)
}

// has reports whether key has a token left, without taking it.
func (l *limiter) has(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[sha256.Sum256([]byte(key))]
	return !ok || b.TokensAt(now) >= 1
}

// sweep drops the buckets that are full again: a full bucket is the same as none, so forgetting it
// loses nothing, however long its window.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
	l.swept = now
}

// signInGuard limits password guessing without letting a guesser lock the owner out. Every
// attempt counts against its source and against the pair of account and source, so failures from
// one place do not stop the owner signing in from another. Failures also count against the
// account over an hour, from everywhere: once an account has spent that budget, only sources that
// have not failed on it within the hour may try, so a guesser spreading over many addresses gets
// one try per address, and the owner on their own device still signs in.
type signInGuard struct {
	perSource   *limiter
	perPair     *limiter
	failures    *limiter
	failedPairs *limiter
}

// newSignInGuard allows n attempts a minute per account and source, 3n a minute per source, and
// 10n failures an hour per account before the account is guarded.
func newSignInGuard(n int) *signInGuard {
	return &signInGuard{
		perSource:   newLimiter(perMinute(3*n), 3*n),
		perPair:     newLimiter(perMinute(n), n),
		failures:    newLimiter(perHour(10*n), 10*n),
		failedPairs: newLimiter(rate.Every(time.Hour), 1),
	}
}

// allow takes a token for an attempt on account from source and reports whether it may go ahead.
func (g *signInGuard) allow(account, source string, now time.Time) bool {
	pair := account + "\x00" + source
	if !g.perSource.allow(source, now) || !g.perPair.allow(pair, now) {
		return false
	}
	return g.failures.has(account, now) || g.failedPairs.has(pair, now)
}

// failed records a wrong password (or an unknown account) for account from source.
func (g *signInGuard) failed(account, source string, now time.Time) {
	g.failures.allow(account, now)
	g.failedPairs.allow(account+"\x00"+source, now)
}

// sourceOf is the source an address counts as: an IPv6 address its /64, which one host or one
// subscriber holds whole (a limit per address would renew with every address it picks), an
// IPv4 address (or one mapped into IPv6) itself. An address that does not parse counts as written.
func sourceOf(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}
