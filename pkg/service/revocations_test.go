package service

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/natsembed"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A starting replica is ready once it has read the revocations of its lookback, also when the
// stream's newest revocation is older than that (it is never delivered, and must not be waited
// for); it applies those it reads and those published after it started.
func TestRevocationsCatchUp(t *testing.T) {
	js := embeddedJetStream(t)
	ctx := context.Background()
	if err := bus.EnsureStreams(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	revoke := func(account string, at time.Time) {
		env, err := events.New(events.AccountTokensRevoked, 1, account, "", events.AccountTokensRevokedV1{AccountID: account, NotBefore: at, Reason: events.RevokedSignOut})
		if err != nil {
			t.Fatal(err)
		}
		if err := bus.Publish(ctx, js, env); err != nil {
			t.Fatal(err)
		}
	}
	host := func() *Host { return quietHost(js) }
	started := time.Now()
	revoke("old", started)
	time.Sleep(1100 * time.Millisecond)

	late := host() // reads from after the only revocation
	begun := time.Now()
	if err := late.followRevocationsSince(ctx, time.Now().Add(-500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begun); took > 2*time.Second || late.checks["revocations"](ctx) != nil {
		t.Errorf("a replica with nothing to read is ready after %v: %v", took, late.checks["revocations"](ctx))
	}

	all := host()
	if err := all.followRevocationsSince(ctx, started.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := all.checks["revocations"](ctx); err != nil || !all.Revocations.Revoked("old", started.Add(-time.Second)) {
		t.Errorf("a replica that reads the revocation: ready %v, revoked %v", err, all.Revocations.Revoked("old", started.Add(-time.Second)))
	}
	revoke("new", time.Now())
	for i := 0; !(all.Revocations.Revoked("new", started) && late.Revocations.Revoked("new", started)); i++ {
		if i == 500 {
			t.Fatal("a revocation published after the start was not applied within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A replica that starts while the cluster cannot answer for the revocations' stream (here: not
// there yet, as while a restarting node's streams come back) waits for it instead of failing its
// start.
func TestRevocationsWaitForTheirStream(t *testing.T) {
	js := embeddedJetStream(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	h := quietHost(js)
	followed := make(chan error, 1)
	go func() { followed <- h.followRevocationsSince(ctx, time.Now().Add(-time.Minute)) }()
	time.Sleep(700 * time.Millisecond)
	if err := bus.EnsureStreams(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	if err := <-followed; err != nil {
		t.Fatalf("a replica starting before the revocations' stream answered: %v", err)
	}
	if err := h.checks["revocations"](ctx); err != nil {
		t.Errorf("not ready once the stream answered: %v", err)
	}
}

// embeddedJetStream is JetStream on a nats-server of the test's own, stopped when it ends.
func embeddedJetStream(t *testing.T) jetstream.JetStream {
	t.Helper()
	srv, err := natsembed.Start(natsembed.Options{Port: -1, StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// quietHost is a host on js that logs nothing and remembers revocations for ever.
func quietHost(js jetstream.JetStream) *Host {
	return &Host{JS: js, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Revocations: auth.NewRevocations(0)}
}
