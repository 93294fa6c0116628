package bus_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
)

func connectJS(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, url := testenv.NATS(t)
	nc, js, err := bus.Connect(context.Background(), url, "test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return js
}

// TestEnsureStreamsUpdatesLimitsOfExistingStreams starts from streams as earlier versions created
// them (no limits at all) and expects every one to be given the age limit.
func TestEnsureStreamsUpdatesLimitsOfExistingStreams(t *testing.T) {
	ctx := context.Background()
	js := connectJS(t)
	for _, s := range events.Streams {
		if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: s.Name, Subjects: s.Subjects, Storage: jetstream.FileStorage,
			Retention: jetstream.LimitsPolicy, Replicas: 1, Duplicates: bus.DuplicateWindow, Discard: jetstream.DiscardOld}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second run finds the wanted shape and changes nothing
		if err := bus.EnsureStreams(ctx, js, 1); err != nil {
			t.Fatal(err)
		}
		for _, s := range events.Streams {
			st, err := js.Stream(ctx, s.Name)
			if err != nil {
				t.Fatal(err)
			}
			c := st.CachedInfo().Config
			if c.MaxAge != bus.StreamMaxAge || c.MaxBytes != -1 || c.MaxMsgs != -1 || c.Duplicates != bus.DuplicateWindow {
				t.Errorf("stream %s: MaxAge %v, MaxBytes %d, MaxMsgs %d, Duplicates %v; want %v, -1, -1, %v",
					s.Name, c.MaxAge, c.MaxBytes, c.MaxMsgs, c.Duplicates, bus.StreamMaxAge, bus.DuplicateWindow)
			}
		}
	}
}

func TestEnsureStreamsWithRejectsNegativeLimits(t *testing.T) {
	js := connectJS(t)
	if err := bus.EnsureStreamsWith(context.Background(), js, 1, bus.Retention{MaxAge: -time.Second}); err == nil {
		t.Error("EnsureStreamsWith(MaxAge -1s) = nil, want an error")
	}
}

// TestDurableConsumersSurviveAgedOutMessages checks that a durable consumer whose position falls
// behind the stream's first message (its messages aged out while it was stopped) goes on with
// what is left, and that a durable consumer created after messages aged out starts at the first
// message still kept.
func TestDurableConsumersSurviveAgedOutMessages(t *testing.T) {
	ctx := context.Background()
	js := connectJS(t)
	const age = 700 * time.Millisecond
	if err := bus.EnsureStreamsWith(ctx, js, 1, bus.Retention{MaxAge: age}); err != nil {
		t.Fatal(err)
	}
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, bus.Indexes()...); err != nil {
		t.Fatal(err)
	}
	b := &bus.Bus{JS: js, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")}
	var mu sync.Mutex
	seen := map[string][]string{}
	consume := func(durable string) func() {
		stop, err := b.Consume(ctx, bus.Consumer{Durable: durable, Stream: "EXHIBITOR", Subjects: []string{events.ProducerRegistered},
			Handler: func(_ context.Context, env events.Envelope) error {
				mu.Lock()
				defer mu.Unlock()
				seen[durable] = append(seen[durable], env.AggregateID)
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return stop
	}
	got := func(durable string) []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen[durable]...)
	}
	publish := func(id string) {
		env, err := events.New(events.ProducerRegistered, 1, id, "", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, Revision: 1}})
		if err != nil {
			t.Fatal(err)
		}
		if err := bus.Publish(ctx, js, env); err != nil {
			t.Fatal(err)
		}
	}
	stored := func() uint64 {
		st, err := js.Stream(ctx, "EXHIBITOR")
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return info.State.Msgs
	}

	stop := consume("old")
	publish("p1")
	testenv.Eventually(t, "p1 handled", func() bool { return len(got("old")) == 1 })
	stop()
	publish("p2")
	publish("p3")
	testenv.Eventually(t, "every message aged out", func() bool { return stored() == 0 })
	// p4 is kept until both consumers have it, however slow the machine is to start them.
	if err := bus.EnsureStreamsWith(ctx, js, 1, bus.Retention{MaxAge: time.Minute}); err != nil {
		t.Fatal(err)
	}
	publish("p4")

	stop = consume("old")
	defer stop()
	stopNew := consume("new")
	defer stopNew()
	testenv.Eventually(t, "p4 handled by both consumers", func() bool { return len(got("old")) == 2 && len(got("new")) == 1 })
	if g := got("old"); g[0] != "p1" || g[1] != "p4" {
		t.Errorf("old consumer handled %v, want [p1 p4]", g)
	}
	if g := got("new"); g[0] != "p4" {
		t.Errorf("new consumer handled %v, want [p4]", g)
	}
}

// ExampleEnsureStreamsWith gives every service's stream a shorter age limit, as a test that needs
// events to age out within seconds does; services call EnsureStreams, which keeps StreamMaxAge.
func ExampleEnsureStreamsWith() {
	ctx := context.Background()
	nc, js, err := bus.Connect(ctx, "nats://127.0.0.1:4222", "example", slog.Default())
	if err != nil {
		return
	}
	defer nc.Close()
	if err := bus.EnsureStreamsWith(ctx, js, 1, bus.Retention{MaxAge: 2 * time.Second}); err != nil {
		slog.Error("streams", "err", err)
	}
}
