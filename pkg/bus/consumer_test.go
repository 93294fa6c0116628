package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// streams starts an embedded NATS with the services' streams and returns its JetStream context.
func streams(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, url := testenv.NATS(t)
	nc, js, err := bus.Connect(context.Background(), url, "test", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := bus.EnsureStreams(context.Background(), js, 1); err != nil {
		t.Fatal(err)
	}
	return js
}

func setup(t *testing.T) (context.Context, jetstream.JetStream, *bus.Bus) {
	t.Helper()
	ctx := context.Background()
	js := streams(t)
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, bus.Indexes()...); err != nil {
		t.Fatal(err)
	}
	return ctx, js, &bus.Bus{JS: js, DB: db, Log: quiet, Metrics: metrics.New("test")}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func producerEvent(t *testing.T, id string) events.Envelope {
	t.Helper()
	env, err := events.New(events.ProducerRegistered, 1, id, "corr-"+id, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id}})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// countEffect stores its effect with an upsert and counts how often it ran.
func countEffect(db *storage.DB, calls *atomic.Int32) bus.Handler {
	return func(ctx context.Context, env events.Envelope) error {
		calls.Add(1)
		_, err := db.Collection("effects").UpdateOne(ctx, bson.M{"_id": env.AggregateID},
			bson.M{"$inc": bson.M{"n": 1}, "$set": bson.M{"corr": correlation.From(ctx)}}, options.UpdateOne().SetUpsert(true))
		return err
	}
}

func TestRedeliveryHasNoSecondEffect(t *testing.T) {
	ctx, js, b := setup(t)
	var calls atomic.Int32
	stop, err := b.Consume(ctx, bus.Consumer{Durable: "effects", Stream: "EXHIBITOR", Subjects: []string{events.ProducerRegistered}, Handler: countEffect(b.DB, &calls)})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	env := producerEvent(t, "p1")
	if err := bus.Publish(ctx, js, env); err != nil {
		t.Fatal(err)
	}
	// The same event again under another message ID gets past the stream's deduplication, as a
	// redelivery after the window would.
	data, _ := jsonEnvelope(env)
	if err := bus.PublishRaw(ctx, js, env.Type, "other-msg-id", env.CorrelationID, 1, data); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both deliveries acknowledged", func() bool { return settled(t, js, "effects") })
	var doc struct {
		N    int    `bson:"n"`
		Corr string `bson:"corr"`
	}
	if err := b.DB.Collection("effects").FindOne(ctx, bson.M{"_id": "p1"}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.N != 1 || calls.Load() != 1 {
		t.Errorf("effect applied %d times (handler called %d), want once", doc.N, calls.Load())
	}
	if doc.Corr != "corr-p1" {
		t.Errorf("correlation ID in handler = %q, want corr-p1", doc.Corr)
	}
}

func TestPoisonMessagesAreDeadLettered(t *testing.T) {
	ctx, js, b := setup(t)
	stop, err := b.Consume(ctx, bus.Consumer{Durable: "poison", Stream: "EXHIBITOR", Subjects: []string{"exhibitor.>"},
		Handler: func(ctx context.Context, env events.Envelope) error {
			if env.AggregateID == "bad" {
				return bus.Permanent(errors.New("unknown province"))
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: events.ProducerRegistered, Data: []byte("{not json")}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: events.ProducerRegistered, Data: []byte(`{"id":"x","type":"exhibitor.producer.registered"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, js, producerEvent(t, "bad")); err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(ctx, js, producerEvent(t, "good")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "three dead letters", func() bool {
		n, _ := b.DB.Collection(bus.DeadLetterCollection).CountDocuments(ctx, bson.M{})
		return n == 3
	})
	dls, err := bus.ListDeadLetters(ctx, b.DB, 10, "")
	if err != nil || len(dls) != 3 {
		t.Fatalf("ListDeadLetters = %d, %v, want 3", len(dls), err)
	}
	for _, dl := range dls {
		if dl.Consumer != "poison" || dl.Error == "" || dl.Subject != events.ProducerRegistered {
			t.Errorf("dead letter %+v lacks consumer, subject or error", dl)
		}
	}
	waitFor(t, "all messages settled", func() bool { return settled(t, js, "poison") })
}

func TestTransientFailuresAreRetried(t *testing.T) {
	ctx, js, b := setup(t)
	var calls atomic.Int32
	stop, err := b.Consume(ctx, bus.Consumer{Durable: "flaky", Stream: "EXHIBITOR", Subjects: []string{events.ProducerRegistered},
		Handler: func(ctx context.Context, env events.Envelope) error {
			if calls.Add(1) < 3 {
				return errors.New("database busy")
			}
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := bus.Publish(ctx, js, producerEvent(t, "p1")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "third delivery to succeed", func() bool {
		n, _ := b.DB.Collection(bus.ProcessedCollection).CountDocuments(ctx, bson.M{})
		return n == 1
	})
	if got := calls.Load(); got != 3 {
		t.Errorf("handler called %d times, want 3", got)
	}
	if n, _ := b.DB.Collection(bus.DeadLetterCollection).CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("%d dead letters for a transient failure, want 0", n)
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		n    uint64
		want time.Duration
	}{{1, 200 * time.Millisecond}, {2, 400 * time.Millisecond}, {4, 1600 * time.Millisecond}, {30, time.Minute}}
	for _, tt := range tests {
		if got := bus.Backoff(tt.n); got != tt.want {
			t.Errorf("Backoff(%d) = %v, want %v", tt.n, got, tt.want)
		}
	}
}

// settled reports whether the consumer has been delivered every message of the stream and has
// nothing left to deliver or acknowledge. (Its pending counts alone can read 0 for a moment
// right after a publish, before the consumer has counted the new message.)
func settled(t *testing.T, js jetstream.JetStream, durable string) bool {
	t.Helper()
	st, err := js.Stream(context.Background(), "EXHIBITOR")
	if err != nil {
		t.Fatal(err)
	}
	sinfo, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := js.Consumer(context.Background(), "EXHIBITOR", durable)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.Delivered.Stream >= sinfo.State.LastSeq && info.NumPending == 0 && info.NumAckPending == 0
}

func jsonEnvelope(env events.Envelope) ([]byte, error) { return json.Marshal(env) }
