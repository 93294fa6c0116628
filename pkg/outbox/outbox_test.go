package outbox_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type fixture struct {
	ctx   context.Context
	js    jetstream.JetStream
	db    *storage.DB
	coll  *mongo.Collection
	relay func() *outbox.Relay
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	_, url := testenv.NATS(t)
	nc, js, err := bus.Connect(ctx, url, "test", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := bus.EnsureStreams(ctx, js, 1); err != nil {
		t.Fatal(err)
	}
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, outbox.Indexes("producers")...); err != nil {
		t.Fatal(err)
	}
	return fixture{ctx: ctx, js: js, db: db, coll: db.Collection("producers"), relay: func() *outbox.Relay {
		return outbox.NewRelay(js, db.Database, quiet, metrics.New("test"), time.Second, "producers")
	}}
}

func (f fixture) streamMsgs(t *testing.T) uint64 {
	t.Helper()
	s, err := f.js.Stream(f.ctx, "EXHIBITOR")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// store writes a document and its events in one update, as services do.
func (f fixture) store(t *testing.T, id string, n int) []events.Envelope {
	t.Helper()
	var envs []events.Envelope
	for i := 0; i < n; i++ {
		env, err := events.New(events.ProducerUpdated, 1, id, "corr-"+id, events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: id, Revision: int64(i)}})
		if err != nil {
			t.Fatal(err)
		}
		envs = append(envs, env)
	}
	update, err := outbox.Update(bson.M{"$set": bson.M{"name": "HTX " + id}}, envs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.MarkPending(f.ctx, f.coll, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.coll.UpdateOne(f.ctx, bson.M{"_id": id}, update, options.UpdateOne().SetUpsert(true)); err != nil {
		t.Fatalf("store: %v", err)
	}
	return envs
}

func TestRelayPublishesPendingOnce(t *testing.T) {
	f := setup(t)
	f.store(t, "p1", 2)
	f.store(t, "p2", 1)
	if got := f.streamMsgs(t); got != 0 {
		t.Fatalf("stream has %d messages before the relay ran, want 0", got)
	}
	r := f.relay()
	n, err := r.Flush(f.ctx)
	if err != nil || n != 3 {
		t.Fatalf("Flush = %d, %v, want 3, nil", n, err)
	}
	if got := f.streamMsgs(t); got != 3 {
		t.Errorf("stream has %d messages, want 3", got)
	}
	for _, id := range []string{"p1", "p2"} {
		left, err := outbox.Pending(f.ctx, f.db.Database, "producers", id)
		if err != nil || len(left) != 0 {
			t.Errorf("Pending(%s) = %d entries, %v, want none", id, len(left), err)
		}
	}
	if n, err := r.Flush(f.ctx); err != nil || n != 0 {
		t.Errorf("second Flush = %d, %v, want 0, nil", n, err)
	}
	// A fresh relay (a restart, another replica) looks at everything and finds nothing to send.
	if n, err := f.relay().Flush(f.ctx); err != nil || n != 0 {
		t.Errorf("new relay Flush = %d, %v, want 0, nil", n, err)
	}
	// A later change is picked up by the running relay.
	f.store(t, "p1", 1)
	if n, err := r.Flush(f.ctx); err != nil || n != 1 {
		t.Errorf("Flush after a change = %d, %v, want 1", n, err)
	}
}

func TestCrashBetweenPublishAndMarkPublishesOnce(t *testing.T) {
	f := setup(t)
	envs := f.store(t, "p1", 2)
	// A relay published the first event and died before marking it sent.
	if err := bus.Publish(f.ctx, f.js, envs[0]); err != nil {
		t.Fatal(err)
	}
	if n, err := f.relay().Flush(f.ctx); err != nil || n != 2 {
		t.Fatalf("Flush after crash = %d, %v, want 2 (one a duplicate), nil", n, err)
	}
	if got := f.streamMsgs(t); got != 2 {
		t.Errorf("stream has %d messages, want 2: the republished event must be deduplicated", got)
	}
}

func TestConcurrentRelaysPublishEachEventOnce(t *testing.T) {
	f := setup(t)
	const docs = 20
	for i := 0; i < docs; i++ {
		f.store(t, fmt.Sprintf("p%02d", i), 2)
	}
	var wg sync.WaitGroup
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.relay().Flush(f.ctx); err != nil {
				t.Errorf("Flush: %v", err)
			}
		}()
	}
	wg.Wait()
	if got := f.streamMsgs(t); got != 2*docs {
		t.Errorf("stream has %d messages, want %d", got, 2*docs)
	}
	if n, _ := f.db.Collection(outbox.SentCollection).CountDocuments(f.ctx, bson.M{}); n != 2*docs {
		t.Errorf("%d sent markers, want %d", n, 2*docs)
	}
}

func TestRelayNeverWritesTheAggregate(t *testing.T) {
	f := setup(t)
	f.store(t, "p1", 1)
	var before bson.M
	if err := f.coll.FindOne(f.ctx, bson.M{"_id": "p1"}).Decode(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := f.relay().Flush(f.ctx); err != nil {
		t.Fatal(err)
	}
	var after bson.M
	if err := f.coll.FindOne(f.ctx, bson.M{"_id": "p1"}).Decode(&after); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the relay changed the aggregate:\nbefore %v\nafter  %v", before, after)
	}
}

func TestRunPublishesAfterNotify(t *testing.T) {
	f := setup(t)
	r := f.relay()
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan struct{})
	go func() { _ = r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	f.store(t, "p1", 1)
	r.Notify()
	testenv.Eventually(t, "the event published after Notify", func() bool { return f.streamMsgs(t) == 1 })
}
