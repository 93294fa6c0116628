package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Collections the consumers keep in each service's database.
const (
	// ProcessedCollection holds one document per (consumer, event) handled; its _id makes a
	// redelivered event a no-op.
	ProcessedCollection = "processed_events"
	// DeadLetterCollection holds messages a consumer terminated.
	DeadLetterCollection = "dead_letters"
)

// Retention of the consumers' bookkeeping, for the pruner (storage.Pruner).
const (
	// ProcessedRetention is how long the record of a handled event is kept. A copy of an event
	// reaches a consumer at the latest StreamMaxAge after it was stored, and a relay stores a
	// second copy (past the duplicate window) at the latest 7 days after the event was written
	// (the outbox's horizon); a record kept 10 days longer than the stream keeps events outlives
	// every copy, so a redelivery still has no second effect.
	ProcessedRetention = StreamMaxAge + 10*24*time.Hour
	// DeadLetterRetention is how long a dead letter stays for an operator to inspect and replay.
	DeadLetterRetention = 90 * 24 * time.Hour
)

// BookkeepingRetention are the pruner's rules for processed events and dead letters.
func BookkeepingRetention() []storage.Retention {
	return []storage.Retention{
		{Collection: ProcessedCollection, Field: "at", Keep: ProcessedRetention},
		{Collection: DeadLetterCollection, Field: "at", Keep: DeadLetterRetention},
	}
}

// Handler applies one event. It returns nil once the effect is stored, an error wrapped by
// Permanent when the event can never be applied, and any other error to be retried later.
// Handlers must tolerate a redelivery of an event whose effect is stored but not yet recorded as
// processed (a crash between the two): use upserts and unique indexes, not blind inserts.
type Handler func(ctx context.Context, env events.Envelope) error

// Consumer describes one durable pull consumer. Durable is its name, fixed forever: renaming it
// replays the whole stream.
type Consumer struct {
	Durable  string
	Stream   string
	Subjects []string
	Handler  Handler
	// MaxDeliver is how many deliveries a failing event gets before it is dead-lettered; default
	// 20 (about 12 minutes of retries). The server itself redelivers without limit: a message is
	// let go only once it is handled or its dead letter is stored, so an outage of the database
	// longer than the retries delays events but loses none.
	MaxDeliver int
	// AckWait is how long a handler may take before redelivery; default 30s.
	AckWait time.Duration
}

// Bus runs consumers of one service.
type Bus struct {
	JS      jetstream.JetStream
	DB      *storage.DB
	Log     *slog.Logger
	Metrics *metrics.Metrics
}

// Indexes are the indexes the consumers need; ensure them at start-up.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: DeadLetterCollection, Keys: bson.D{{Key: "consumer", Value: 1}, {Key: "at", Value: -1}}},
	}
}

// Consume creates or updates the durable consumer and starts handling messages until ctx ends or
// the returned stop function is called; stop drains in-flight messages first.
func (b *Bus) Consume(ctx context.Context, c Consumer) (stop func(), err error) {
	if c.MaxDeliver == 0 {
		c.MaxDeliver = 20
	}
	if c.AckWait == 0 {
		c.AckWait = 30 * time.Second
	}
	cons, err := b.ensureConsumer(ctx, c, jetstream.ConsumerConfig{
		Durable:        c.Durable,
		FilterSubjects: c.Subjects,
		AckPolicy:      jetstream.AckExplicitPolicy,
		AckWait:        c.AckWait,
		MaxDeliver:     -1,
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		MaxAckPending:  1000,
	})
	if err != nil {
		return nil, fmt.Errorf("bus: consumer %s on %s: %w", c.Durable, c.Stream, err)
	}
	log := b.Log.With("consumer", c.Durable)
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	// Short pull requests: a replica that dies leaves no long-lived request for the server to
	// deliver into; its unacknowledged messages come back after AckWait.
	cc, err := cons.Consume(func(msg jetstream.Msg) { b.handle(runCtx, log, c, msg) }, jetstream.PullExpiry(5*time.Second),
		jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			if !errors.Is(err, jetstream.ErrNoHeartbeat) {
				log.Debug("consume", "err", err)
			}
		}))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("bus: consume %s: %w", c.Durable, err)
	}
	stop = func() {
		cc.Drain()
		select {
		case <-cc.Closed():
		case <-time.After(c.AckWait):
		}
		cancel()
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-cc.Closed():
		}
	}()
	return stop, nil
}

// ensureConsumer uses the durable consumer when it already has the wanted shape, and creates or
// updates it otherwise, retrying transient errors for up to a minute: while a cluster recovers
// from a lost node, consumer updates can time out.
func (b *Bus) ensureConsumer(ctx context.Context, c Consumer, want jetstream.ConsumerConfig) (jetstream.Consumer, error) {
	deadline := time.Now().Add(time.Minute)
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 5*time.Second)
		cons, err := b.JS.Consumer(actx, c.Stream, c.Durable)
		if err == nil {
			have := cons.CachedInfo().Config
			if slices.Equal(have.FilterSubjects, want.FilterSubjects) && have.AckWait == want.AckWait && have.MaxDeliver == want.MaxDeliver {
				cancel()
				return cons, nil
			}
		}
		cons, err = b.JS.CreateOrUpdateConsumer(actx, c.Stream, want)
		cancel()
		if err == nil {
			return cons, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			return nil, err
		}
		b.Log.Warn("creating consumer failed; retrying", "consumer", c.Durable, "err", err)
		if !pause(ctx, attempt) {
			return nil, ctx.Err()
		}
	}
}

func (b *Bus) handle(ctx context.Context, log *slog.Logger, c Consumer, msg jetstream.Msg) {
	deliveries := uint64(1)
	if md, err := msg.Metadata(); err == nil {
		deliveries = md.NumDelivered
	}
	var env events.Envelope
	if err := json.Unmarshal(msg.Data(), &env); err != nil {
		b.deadLetter(ctx, log, c, msg, "", deliveries, fmt.Errorf("malformed envelope: %w", err))
		return
	}
	if err := env.Validate(); err != nil {
		b.deadLetter(ctx, log, c, msg, env.ID, deliveries, err)
		return
	}
	if env.CorrelationID == "" {
		env.CorrelationID = msg.Headers().Get(events.HeaderCorrelationID)
	}
	ctx = correlation.With(ctx, env.CorrelationID)
	log = log.With("event_id", env.ID, "type", env.Type, "correlation_id", env.CorrelationID)
	key := c.Durable + ":" + env.ID

	done, err := b.processed(ctx, key)
	if err != nil {
		b.retry(log, c, msg, env.ID, deliveries, err)
		return
	}
	if done {
		b.Metrics.EventsConsumed.WithLabelValues(c.Durable, "duplicate").Inc()
		_ = msg.Ack()
		return
	}
	if err := c.Handler(ctx, env); err != nil {
		if IsPermanent(err) {
			b.deadLetter(ctx, log, c, msg, env.ID, deliveries, err)
			return
		}
		b.retry(log, c, msg, env.ID, deliveries, err)
		return
	}
	_, err = b.DB.Collection(ProcessedCollection).InsertOne(ctx, processedRecord(key))
	if err != nil && !storage.IsDuplicate(err) {
		// The effect is stored; a redelivery re-applies it, which handlers tolerate.
		b.retry(log, c, msg, env.ID, deliveries, fmt.Errorf("record processed: %w", err))
		return
	}
	if err := msg.Ack(); err != nil {
		log.Warn("ack failed; the event will be redelivered and skipped", "err", err)
	}
	b.Metrics.EventsConsumed.WithLabelValues(c.Durable, "ok").Inc()
}

// processedRecord is the record that the event under key (consumer and event ID) was handled.
func processedRecord(key string) bson.M { return bson.M{"_id": key, "at": time.Now()} }

func (b *Bus) processed(ctx context.Context, key string) (bool, error) {
	err := b.DB.Collection(ProcessedCollection).FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	}
	return false, err
}

// Backoff is the redelivery delay after the n-th failed delivery: 200ms doubling up to 1 minute.
func Backoff(n uint64) time.Duration {
	d := 200 * time.Millisecond
	for i := uint64(1); i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}

func (b *Bus) retry(log *slog.Logger, c Consumer, msg jetstream.Msg, eventID string, deliveries uint64, err error) {
	if deliveries >= uint64(c.MaxDeliver) {
		b.deadLetter(context.Background(), log, c, msg, eventID, deliveries, fmt.Errorf("gave up after %d deliveries: %w", deliveries, err))
		return
	}
	b.Metrics.EventsFailed.WithLabelValues(c.Durable, "retry").Inc()
	log.Warn("event handling failed; will retry", "err", err, "deliveries", deliveries)
	_ = msg.NakWithDelay(Backoff(deliveries))
}

// DeadLetter is a message a consumer gave up on, kept for an operator to inspect and replay.
type DeadLetter struct {
	ID         string    `bson:"_id" json:"id"`
	Consumer   string    `bson:"consumer" json:"consumer"`
	Subject    string    `bson:"subject" json:"subject"`
	EventID    string    `bson:"event_id" json:"event_id,omitempty"`
	Data       string    `bson:"data" json:"data"`
	Error      string    `bson:"error" json:"error"`
	Deliveries uint64    `bson:"deliveries" json:"deliveries"`
	At         time.Time `bson:"at" json:"at"`
}

func (b *Bus) deadLetter(ctx context.Context, log *slog.Logger, c Consumer, msg jetstream.Msg, eventID string, deliveries uint64, cause error) {
	dl := DeadLetter{
		ID: uuid.Must(uuid.NewV7()).String(), Consumer: c.Durable, Subject: msg.Subject(), EventID: eventID,
		Data: string(msg.Data()), Error: cause.Error(), Deliveries: deliveries, At: time.Now().UTC(),
	}
	if _, err := b.DB.Collection(DeadLetterCollection).InsertOne(ctx, dl); err != nil {
		// Never drop a message we could not record: let it come back (the consumer's MaxDeliver
		// is unlimited), to be handled once the database is back, or recorded then.
		log.Error("recording dead letter failed; message will be redelivered", "err", err, "cause", cause)
		_ = msg.NakWithDelay(Backoff(deliveries))
		return
	}
	b.Metrics.EventsFailed.WithLabelValues(c.Durable, "dead_letter").Inc()
	log.Error("event dead-lettered", "subject", msg.Subject(), "event_id", eventID, "err", cause)
	_ = msg.TermWithReason(truncate(cause.Error(), 200))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ListDeadLetters returns up to limit dead letters, newest first, older than the cursor (an ID
// from a previous page, or "").
func ListDeadLetters(ctx context.Context, db *storage.DB, limit int, before string) ([]DeadLetter, error) {
	filter := bson.M{}
	if before != "" {
		filter["_id"] = bson.M{"$lt": before}
	}
	cur, err := db.Collection(DeadLetterCollection).Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	out := []DeadLetter{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	return out, nil
}
