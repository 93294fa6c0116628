package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// revocationLookback is how far back a starting replica reads revocations: the longest token
// lifetime the gateway allows (168 h) and a day, since an older revocation refuses only tokens that
// have expired anyway.
const revocationLookback = 8 * 24 * time.Hour

// catchUpWait bounds how long Open waits for the revocations published before it started.
const catchUpWait = 10 * time.Second

// followRevocations keeps h.Revocations up to date with the gateway's tokens_revoked events, on an
// ordered consumer of this replica's own (every replica must see every revocation). It waits up to
// catchUpWait for those already published; until they are read, the readiness check
// "revocations" fails, so a balancer sends the replica nothing a revoked token could pass.
func (h *Host) followRevocations(ctx context.Context) error {
	stream := events.StreamOf(events.AccountTokensRevoked)
	since := time.Now().Add(-revocationLookback)
	var last uint64 // the newest revocation published before now: read up to it, the replica is caught up
	if s, err := h.JS.Stream(ctx, stream); err != nil {
		return fmt.Errorf("revocations: %w", err)
	} else if m, err := s.GetLastMsgForSubject(ctx, events.AccountTokensRevoked); err == nil {
		last = m.Sequence
	} else if !errors.Is(err, jetstream.ErrMsgNotFound) {
		return fmt.Errorf("revocations: %w", err)
	}
	cons, err := h.JS.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{events.AccountTokensRevoked}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &since})
	if err != nil {
		return fmt.Errorf("revocations: %w", err)
	}
	var read atomic.Uint64
	caught := make(chan struct{})
	var once atomic.Bool
	done := func() {
		if once.CompareAndSwap(false, true) {
			close(caught)
		}
	}
	if last == 0 {
		done()
	}
	if _, err := cons.Consume(func(msg jetstream.Msg) {
		h.revoke(msg.Data())
		if md, err := msg.Metadata(); err == nil {
			read.Store(md.Sequence.Stream)
			if md.Sequence.Stream >= last {
				done()
			}
		}
	}); err != nil {
		return fmt.Errorf("revocations: %w", err)
	}
	h.Check("revocations", func(context.Context) error {
		if !once.Load() {
			return fmt.Errorf("reading revocations: at %d of %d", read.Load(), last)
		}
		return nil
	})
	select {
	case <-caught:
	case <-time.After(catchUpWait):
		h.Log.Warn("revocations not read yet; not ready until they are", "read", read.Load(), "last", last)
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// revoke applies one tokens_revoked event; a malformed one is logged and skipped.
func (h *Host) revoke(data []byte) {
	var env events.Envelope
	var p events.AccountTokensRevokedV1
	if err := json.Unmarshal(data, &env); err != nil || env.Decode(&p) != nil || p.AccountID == "" || p.NotBefore.IsZero() {
		h.Log.Warn("skipping a malformed revocation", "size", len(data))
		return
	}
	h.Revocations.Revoke(p.AccountID, p.NotBefore)
}

// revocationsFor makes the set the verifier consults.
func revocationsFor() *auth.Revocations { return auth.NewRevocations(revocationLookback) }
