package readmodel

import (
	"context"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// How events whose Apply failed are tried again: every RetryEvery, for up to RetryFor each; at
// most maxHeld wait at once.
const (
	RetryEvery = 2 * time.Second
	RetryFor   = 30 * time.Minute
	maxHeld    = 10_000
	retryRound = 500 * time.Millisecond
)

// held is an event whose Apply failed, waiting to be tried again.
type held struct {
	env   events.Envelope
	seq   uint64
	since time.Time
}

// hold keeps env, whose Apply failed with err, to be tried again by retryHeld: a database
// that did not answer for a while (a primary election, a restart) must not leave the model
// without the change until the next start. The model's Apply is newer-only, so an event applied
// after later ones changes nothing they superseded. The caller holds applyMu.
func (f *Follower) hold(env events.Envelope, seq uint64, err error) {
	if len(f.held) >= maxHeld {
		f.cfg.Log.Error("readmodel: too many events waiting to be applied again; skipping", "stream", f.cfg.Stream, "seq", seq, "type", env.Type, "err", err)
		return
	}
	f.cfg.Log.Warn("readmodel: applying an event failed; trying again shortly", "stream", f.cfg.Stream, "seq", seq, "type", env.Type, "err", err)
	f.held = append(f.held, held{env: env, seq: seq, since: time.Now()})
}

// retryHeld tries the held events again every RetryEvery until ctx ends.
func (f *Follower) retryHeld(ctx context.Context) {
	for sleep(ctx, RetryEvery) {
		f.retryOnce()
	}
}

// retryOnce applies the held events again, the oldest first, for up to retryRound: a failure that
// took the model's own retries (a database still down) ends the round, while the follower waits;
// one that fails at once (a payload the model can never take) does not hold up the others behind
// it. Those that failed go behind those not tried. One held for longer than RetryFor is given up on.
func (f *Follower) retryOnce() {
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	var again []held
	tried, start := 0, time.Now()
	for ; tried < len(f.held) && time.Since(start) < retryRound; tried++ {
		h := f.held[tried]
		err := f.apply(h.env)
		switch {
		case err == nil:
		case time.Since(h.since) < RetryFor && !hopeless(err):
			again = append(again, h)
		default:
			f.cfg.Log.Error("readmodel: giving up on an event; the model lacks it until the next start",
				"stream", f.cfg.Stream, "seq", h.seq, "type", h.env.Type, "err", err)
		}
	}
	f.held = append(f.held[tried:len(f.held):len(f.held)], again...)
}

// Held is how many events wait to be applied again.
func (f *Follower) Held() int {
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	return len(f.held)
}
