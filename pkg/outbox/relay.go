package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Relay publishes the unsent events of a set of collections.
type Relay struct {
	js          jetstream.JetStream
	sent        *mongo.Collection
	collections []*mongo.Collection
	log         *slog.Logger
	metrics     *metrics.Metrics
	interval    time.Duration
	wake        chan struct{}
	mu          sync.Mutex // one pass at a time per relay; guards the fields below
	since       map[string]time.Time
	// failing holds the aggregates whose next event failed to publish, with when to try again.
	failing map[string]failure
}

type failure struct {
	attempts uint64
	next     time.Time
	// event is the ID of the event that failed: only it is known to be unpublished.
	event string
}

// NewRelay returns a relay for collections of db. It polls every interval (crash recovery, work
// of other replicas) and at once after Notify. Its first pass looks at every document with
// events within Horizon; later passes only at documents changed since the newest seen, less Lag,
// or since the oldest still holding an unsent event.
func NewRelay(js jetstream.JetStream, db *mongo.Database, log *slog.Logger, m *metrics.Metrics, interval time.Duration, collections ...string) *Relay {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	r := &Relay{js: js, sent: db.Collection(SentCollection), log: log, metrics: m, interval: interval, wake: make(chan struct{}, 1),
		since: map[string]time.Time{}, failing: map[string]failure{}}
	for _, c := range collections {
		r.collections = append(r.collections, db.Collection(c))
	}
	return r
}

// Notify asks the relay to run a pass soon; it never blocks.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run runs passes until ctx ends, then runs a last pass so that events stored just before a
// graceful shutdown are not left for the next start.
func (r *Relay) Run(ctx context.Context) error {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		if _, err := r.Flush(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("outbox relay pass left events unpublished; will retry", "err", err)
		}
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_, _ = r.Flush(final)
			cancel()
			return nil
		case <-t.C:
		case <-r.wake:
		}
	}
}

type pendingDoc struct {
	ID     any       `bson:"_id"`
	Outbox []Entry   `bson:"outbox"`
	At     time.Time `bson:"outbox_at"`
}

// pass is the state of one Flush.
type pass struct {
	now time.Time
	// held are the aggregates with an event not published in this pass: their later events wait.
	held map[string]bool
	// down are the streams found unreachable in this pass: the rest of the pass leaves their
	// events, rather than spend a publish timeout on every aggregate.
	down      map[string]bool
	published int
	// pastHorizon counts the unmarked entries passed over for their age.
	pastHorizon int
	left        int
	errs        []error
}

func (p *pass) fail(err error) {
	// A few errors say enough; a stream that is down fails every event on it.
	if len(p.errs) < 5 {
		p.errs = append(p.errs, err)
	}
}

// Flush publishes every unsent event it can and returns how many it published. An event that
// fails holds back only the later events of its aggregate; the error reports what failed.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &pass{now: time.Now().UTC(), held: map[string]bool{}, down: map[string]bool{}}
	for _, c := range r.collections {
		left := p.left
		newest, oldestLeft, err := r.flushCollection(ctx, c, p)
		if err != nil {
			p.fail(err)
			continue
		}
		mark := newest
		if p.left > left && oldestLeft.Before(mark) {
			mark = oldestLeft
		}
		if !mark.IsZero() {
			r.since[c.Name()] = mark.Add(-Lag)
		}
	}
	if r.metrics != nil {
		r.metrics.OutboxBacklog.Set(float64(p.left))
	}
	if p.pastHorizon > 0 {
		r.log.Debug("outbox relay passed over entries older than its horizon", "entries", p.pastHorizon)
	}
	if len(p.errs) == 0 {
		// A held aggregate's documents are always scanned again, so one not held in a clean
		// pass has nothing left to publish (another replica may have published it).
		for agg := range r.failing {
			if !p.held[agg] {
				delete(r.failing, agg)
			}
		}
	}
	if len(p.errs) > 0 {
		return p.published, fmt.Errorf("outbox: %d events left unpublished: %w", p.left, errors.Join(p.errs...))
	}
	return p.published, nil
}

// flushCollection pages through the documents changed since the collection's mark, by
// (outbox_at, _id), publishing what is unsent. It returns the newest change seen and the oldest
// change of a document that still has an event to publish.
func (r *Relay) flushCollection(ctx context.Context, c *mongo.Collection, p *pass) (newest, oldestLeft time.Time, err error) {
	since, ok := r.since[c.Name()]
	if !ok {
		since = p.now.Add(-Horizon)
	}
	var afterAt time.Time
	var afterID any
	for page := 0; page < 10000; page++ {
		filter := bson.M{AtField: bson.M{"$gte": since}}
		if afterID != nil {
			filter = bson.M{"$or": bson.A{
				bson.M{AtField: bson.M{"$gt": afterAt}},
				bson.M{AtField: afterAt, "_id": bson.M{"$gt": afterID}},
			}}
		}
		cur, err := c.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: AtField, Value: 1}, {Key: "_id", Value: 1}}).
			SetProjection(bson.M{"_id": 1, Field: 1, AtField: 1}).SetLimit(200))
		if err != nil {
			return newest, oldestLeft, fmt.Errorf("outbox: scan %s: %w", c.Name(), err)
		}
		var docs []pendingDoc
		if err := cur.All(ctx, &docs); err != nil {
			return newest, oldestLeft, fmt.Errorf("outbox: read %s: %w", c.Name(), err)
		}
		if len(docs) == 0 {
			return newest, oldestLeft, nil
		}
		if err := r.publishUnsent(ctx, c.Name(), docs, p, &oldestLeft); err != nil {
			return newest, oldestLeft, err
		}
		last := docs[len(docs)-1]
		afterAt, afterID = last.At, last.ID
		if last.At.After(newest) {
			newest = last.At
		}
		if len(docs) < 200 {
			return newest, oldestLeft, nil
		}
	}
	return newest, oldestLeft, nil
}

// publishUnsent publishes the unsent events of docs, each document's in order. It returns an
// error only when it cannot tell what is sent; failed publishes are counted in p.
func (r *Relay) publishUnsent(ctx context.Context, collection string, docs []pendingDoc, p *pass, oldestLeft *time.Time) error {
	var ids bson.A
	for _, d := range docs {
		for _, e := range d.Outbox {
			ids = append(ids, e.ID)
		}
	}
	sent, err := markedSent(ctx, r.sent, ids)
	if err != nil {
		p.left += len(ids)
		return err
	}
	for _, d := range docs {
		leftBefore := p.left
		for _, e := range d.Outbox { // per aggregate, in order
			if sent[e.ID] {
				continue
			}
			agg := aggregateOf(collection, d.ID, e)
			if p.now.Sub(e.CreatedAt) > Horizon {
				r.pastHorizon(collection, d.ID, agg, e, p)
				continue
			}
			if p.held[agg] {
				p.left++
				continue
			}
			if f, ok := r.failing[agg]; ok && p.now.Before(f.next) {
				p.held[agg] = true
				p.left++
				continue
			}
			stream := events.StreamOf(e.Subject)
			if p.down[stream] {
				p.held[agg] = true
				p.left++
				continue
			}
			if err := r.publish(ctx, e); err != nil {
				if streamDown(err) {
					p.down[stream] = true
				}
				f := r.failing[agg]
				f.attempts++
				f.next = p.now.Add(bus.Backoff(f.attempts))
				f.event = e.ID
				r.failing[agg] = f
				p.held[agg] = true
				p.left++
				p.fail(err)
				continue
			}
			delete(r.failing, agg)
			if err := r.markSent(ctx, e); err != nil {
				// Published but not marked: the next pass publishes it again, and the stream
				// drops it as a duplicate. Later events of the aggregate may go on.
				p.left++
				p.fail(err)
				continue
			}
			p.published++
		}
		if p.left > leftBefore && (oldestLeft.IsZero() || d.At.Before(*oldestLeft)) {
			*oldestLeft = d.At
		}
	}
	return nil
}

// streamDown reports whether a publish failed for want of its stream (no answer in time, no
// stream for the subject, no connection) rather than for something about the one event.
func streamDown(err error) bool {
	for _, target := range []error{context.DeadlineExceeded, nats.ErrTimeout, nats.ErrNoResponders,
		jetstream.ErrNoStreamResponse, jetstream.ErrStreamNotFound, nats.ErrConnectionClosed, nats.ErrDisconnected} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// aggregateOf names the aggregate an event belongs to, for ordering: the envelope's aggregate
// ID (events of one aggregate can ride on more than one document), else the document.
func aggregateOf(collection string, docID any, e Entry) string {
	var head struct {
		AggregateID string `json:"aggregate_id"`
	}
	if json.Unmarshal([]byte(e.Envelope), &head) == nil && head.AggregateID != "" {
		return "aggregate:" + head.AggregateID
	}
	return fmt.Sprintf("document:%s/%v", collection, docID)
}

// pastHorizon leaves an unmarked entry older than Horizon. Most such entries were published long
// ago and their markers pruned (the array of a document written again after SentRetention still
// holds them), and nothing tells them from one never published, so they are passed over quietly.
// Only the entry this relay itself last failed to publish is known to be stranded; it is reported
// once, and its aggregate's failure is forgotten so that the later events go on and the report is
// not repeated. Nothing is remembered per entry, so the relay's memory stays bounded by the
// aggregates failing at once.
func (r *Relay) pastHorizon(collection string, docID any, agg string, e Entry, p *pass) {
	p.pastHorizon++
	if f, ok := r.failing[agg]; !ok || f.event != e.ID {
		return
	}
	delete(r.failing, agg)
	r.log.Error("outbox event older than the relay's horizon was never published; it is left for an operator",
		"collection", collection, "document", fmt.Sprint(docID), "event_id", e.ID, "subject", e.Subject, "created_at", e.CreatedAt)
}

func (r *Relay) publish(ctx context.Context, e Entry) error {
	var head struct {
		CorrelationID string `json:"correlation_id"`
	}
	_ = json.Unmarshal([]byte(e.Envelope), &head)
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := bus.PublishRaw(ctx, r.js, e.Subject, e.ID, head.CorrelationID, e.Version, []byte(e.Envelope)); err != nil {
		return err
	}
	if r.metrics != nil {
		r.metrics.EventsPublished.WithLabelValues(e.Subject).Inc()
	}
	return nil
}

func (r *Relay) markSent(ctx context.Context, e Entry) error {
	_, err := r.sent.InsertOne(ctx, bson.M{"_id": e.ID, "subject": e.Subject, "at": time.Now().UTC()})
	if err != nil && !storage.IsDuplicate(err) {
		return fmt.Errorf("outbox: mark %s sent: %w", e.ID, err)
	}
	return nil
}

// Pending returns the entries of one document that are not yet marked sent, for tests and
// operators.
func Pending(ctx context.Context, db *mongo.Database, collection string, docID any) ([]Entry, error) {
	var d pendingDoc
	err := db.Collection(collection).FindOne(ctx, bson.M{"_id": docID}, options.FindOne().SetProjection(bson.M{Field: 1})).Decode(&d)
	if err != nil {
		return nil, storage.MapError(err, "document")
	}
	sent, err := markedSent(ctx, db.Collection(SentCollection), entryIDs(d.Outbox))
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, e := range d.Outbox {
		if !sent[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}
