package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// revocationLookback is how far back a starting replica reads revocations: the longest token
// lifetime the gateway allows (168 h) and a day, since an older revocation refuses only tokens that
// have expired anyway.
const revocationLookback = 8 * 24 * time.Hour

// catchUpWait bounds how long Open waits for the revocations published before it started.
const catchUpWait = 10 * time.Second

// followRevocations keeps h.Revocations up to date with the gateway's tokens_revoked events, on an
// ordered consumer of this replica's own (every replica must see every revocation), from
// revocationLookback ago. See followRevocationsSince.
func (h *Host) followRevocations(ctx context.Context) error {
	return h.followRevocationsSince(ctx, time.Now().Add(-revocationLookback))
}

// followRevocationsSince follows the revocations published since since. It waits up to
// catchUpWait for those already published; until they are read, the readiness check
// "revocations" fails, so a balancer sends the replica nothing a revoked token could pass.
// Caught up is counted from what the consumer itself has to deliver (the stream's newest
// revocation is no mark: one older than since is never delivered).
func (h *Host) followRevocationsSince(ctx context.Context, since time.Time) error {
	// Tried again while the cluster cannot answer (a node restarting beside this replica).
	var cons jetstream.Consumer
	var pending uint64
	err := bus.Retry(ctx, func(ctx context.Context) error {
		c, err := h.JS.OrderedConsumer(ctx, events.StreamOf(events.AccountTokensRevoked), jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{events.AccountTokensRevoked}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &since})
		if err != nil {
			return err
		}
		info, err := c.Info(ctx)
		if err != nil {
			return err
		}
		cons, pending = c, info.NumPending
		return nil
	})
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
	if pending == 0 {
		done()
	}
	if _, err := cons.Consume(func(msg jetstream.Msg) {
		h.revoke(msg.Data())
		if n := read.Add(1); n >= pending {
			done()
		} else if md, err := msg.Metadata(); err == nil && md.NumPending == 0 {
			done()
		}
	}); err != nil {
		return fmt.Errorf("revocations: %w", err)
	}
	h.Check("revocations", func(context.Context) error {
		if !once.Load() {
			return fmt.Errorf("reading revocations: %d of %d", read.Load(), pending)
		}
		return nil
	})
	select {
	case <-caught:
	case <-time.After(catchUpWait):
		h.Log.Warn("revocations not read yet; not ready until they are", "read", read.Load(), "pending", pending)
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// revoke applies one tokens_revoked event; a malformed one is logged and skipped.
func (h *Host) revoke(data []byte) {
	var env events.Envelope
	var p events.AccountTokensRevokedV1
	if err := json.Unmarshal(data, &env); err != nil || env.Decode(&p) != nil || p.Validate() != nil {
		h.Log.Warn("skipping a malformed revocation", "size", len(data))
		return
	}
	h.Revocations.Revoke(p.AccountID, p.NotBefore)
}

// revocationsFor makes the set the verifier consults.
func revocationsFor() *auth.Revocations { return auth.NewRevocations(revocationLookback) }
