package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
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
	pending     *mongo.Collection
	collections []*mongo.Collection
	byName      map[string]*mongo.Collection
	log         *slog.Logger
	metrics     *metrics.Metrics
	interval    time.Duration
	sweepEvery  time.Duration
	wake        chan struct{}
	mu          sync.Mutex // one pass at a time per relay; guards the fields below
	// lastSweep is when the last clean sweep began; zero until the first.
	lastSweep time.Time
	// failing holds the aggregates whose next event failed to publish, with when to try again.
	failing map[string]failure
	// beforeClear, for tests, runs just before a marker is cleared.
	beforeClear func()
	// single is set when the database is reached through one connection that only this process
	// uses (SingleConnection).
	single bool
	// known holds IDs of events known to be marked sent (published by this relay, or looked up),
	// so that a document written again does not cost a lookup per event it already published. A
	// sent marker is never removed before its event is past Horizon, so a remembered ID stays true.
	known map[string]struct{}
}

// knownCap bounds the IDs a relay remembers as sent; at the cap it starts afresh (about 2 MB).
const knownCap = 20000

// SingleConnection tells the relay that its database is reached through one connection that only
// this process uses (the embedded FerretDB): a conditional delete is then atomic with every other
// write, so a marker cleared by its token needs no second look at its document.
func (r *Relay) SingleConnection() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.single = true
}

// SweepEvery is how often a relay also searches its collections for unsent events written
// without a pending marker (documents from before markers, writes that bypass them). The first
// pass of a relay always sweeps. Every write leaves a marker, so the sweep is a safety net, and a
// rare one: on the embedded FerretDB it reads each collection whole (about half a second per
// 10,000 documents, during which the service's other database calls wait).
const SweepEvery = 15 * time.Minute

type failure struct {
	attempts uint64
	next     time.Time
	// event is the ID of the event that failed: only it is known to be unpublished.
	event string
}

// NewRelay returns a relay for collections of db. It passes every interval and at once after
// Notify: each pass publishes the events of the documents marked pending (PendingCollection), and
// every SweepEvery (the first pass included) it also sweeps the collections for documents changed
// since the last sweep, less Lag, within Horizon.
func NewRelay(js jetstream.JetStream, db *mongo.Database, log *slog.Logger, m *metrics.Metrics, interval time.Duration, collections ...string) *Relay {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	r := &Relay{js: js, sent: db.Collection(SentCollection), pending: db.Collection(PendingCollection), log: log, metrics: m,
		interval: interval, sweepEvery: SweepEvery, wake: make(chan struct{}, 1), byName: map[string]*mongo.Collection{},
		failing: map[string]failure{}, known: map[string]struct{}{}}
	for _, c := range collections {
		coll := db.Collection(c)
		r.collections = append(r.collections, coll)
		r.byName[c] = coll
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
	failures    int
}

func (p *pass) fail(err error) {
	p.failures++
	// A few errors say enough; a stream that is down fails every event on it.
	if len(p.errs) < 5 {
		p.errs = append(p.errs, err)
	}
}

// Flush publishes every unsent event it can and returns how many it published. An event that
// fails holds back only the later events of the same aggregate; the error reports what failed.
func (r *Relay) Flush(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &pass{now: time.Now().UTC(), held: map[string]bool{}, down: map[string]bool{}}
	if r.lastSweep.IsZero() || p.now.Sub(r.lastSweep) >= r.sweepEvery {
		if r.sweep(ctx, p) {
			r.lastSweep = p.now
		}
	}
	r.flushMarked(ctx, p)
	if r.metrics != nil {
		r.metrics.OutboxBacklog.Set(float64(p.left))
	}
	if p.pastHorizon > 0 {
		r.log.Debug("outbox relay passed over entries older than its horizon", "entries", p.pastHorizon)
	}
	if len(p.errs) == 0 {
		// A held aggregate's document keeps its marker and is read again at every pass, so one not
		// held in a clean pass has nothing left to publish (another replica may have published it).
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

// flushMarked publishes the events of the documents marked pending, oldest marker first, and
// removes each marker whose document has nothing left to publish.
func (r *Relay) flushMarked(ctx context.Context, p *pass) {
	cur, err := r.pending.Find(ctx, bson.M{})
	if err != nil {
		p.fail(fmt.Errorf("outbox: read pending markers: %w", err))
		return
	}
	var marks []pendingMark
	if err := cur.All(ctx, &marks); err != nil {
		p.fail(fmt.Errorf("outbox: read pending markers: %w", err))
		return
	}
	sort.Slice(marks, func(i, j int) bool {
		if !marks[i].At.Equal(marks[j].At) {
			return marks[i].At.Before(marks[j].At)
		}
		return marks[i].ID < marks[j].ID
	})
	for _, m := range marks {
		if c := r.byName[m.Collection]; c != nil && ctx.Err() == nil { // else another relay's
			r.flushMark(ctx, c, m, p)
		}
	}
}

// flushMark publishes what the document of marker m has unsent, and removes the marker if nothing
// is left.
func (r *Relay) flushMark(ctx context.Context, c *mongo.Collection, m pendingMark, p *pass) {
	left := p.left
	var d pendingDoc
	err := c.FindOne(ctx, bson.M{"_id": m.Doc}, options.FindOne().SetProjection(bson.M{"_id": 1, Field: 1, AtField: 1})).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		// A write that failed after its marker: nothing to publish.
	case err != nil:
		p.left++
		p.fail(fmt.Errorf("outbox: read %s: %w", m.ID, err))
		return
	default:
		sent, err := r.sentAmong(ctx, unsentCandidates(d.Outbox, p.now))
		if err != nil {
			p.left++
			p.fail(err)
			return
		}
		r.publishDoc(ctx, m.Collection, d, sent, p)
	}
	if p.left != left {
		return
	}
	if r.beforeClear != nil {
		r.beforeClear()
	}
	res, err := r.pending.DeleteOne(ctx, bson.M{"_id": m.ID, "token": m.Token})
	if err != nil {
		p.fail(fmt.Errorf("outbox: clear marker %s: %w", m.ID, err))
		return
	}
	// Where a conditional delete is not atomic across connections (FerretDB v1, replicas sharing
	// it), the delete can take the marker a write put back after its document changed. That
	// write's document is stored before its marker, so it shows now: put the marker back if the
	// document's events changed since it was read. On a single connection the delete is atomic.
	if res.DeletedCount > 0 && !r.single && r.changedSince(ctx, c, m.Doc, d) {
		if err := MarkPending(ctx, c, m.Doc); err != nil {
			p.fail(err)
		}
	}
}

// changedSince reports whether document id's events changed since it was read as d (or it was
// missing then and exists now).
func (r *Relay) changedSince(ctx context.Context, c *mongo.Collection, id any, d pendingDoc) bool {
	var now pendingDoc
	err := c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"_id": 1, AtField: 1})).Decode(&now)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false
	}
	return err != nil || !now.At.Equal(d.At)
}

// unsentCandidates returns the IDs of entries still within Horizon: only they can be published,
// so only their markers need looking up.
func unsentCandidates(entries []Entry, now time.Time) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		if now.Sub(e.CreatedAt) <= Horizon {
			out = append(out, e.ID)
		}
	}
	return out
}

// publishDoc publishes the entries of d not in sent, in order, unless their aggregate is held.
// Each entry it publishes is added to sent.
func (r *Relay) publishDoc(ctx context.Context, collection string, d pendingDoc, sent map[string]bool, p *pass) {
	for _, e := range d.Outbox { // per aggregate, in order
		if sent[e.ID] {
			continue
		}
		agg := aggregateOf(collection, d.ID, e)
		if p.now.Sub(e.CreatedAt) > Horizon {
			r.pastHorizon(collection, d.ID, agg, e, p)
			continue
		}
		if r.hold(agg, events.StreamOf(e.Subject), p) {
			p.left++
			continue
		}
		if err := r.publish(ctx, e); err != nil {
			r.failed(agg, e, err, p)
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
		sent[e.ID] = true
		r.remember(e.ID)
		p.published++
	}
}

// hold reports whether aggregate agg's next event waits: an earlier one is held in this pass, it
// failed lately and its backoff has not passed, or its stream was found down in this pass.
func (r *Relay) hold(agg, stream string, p *pass) bool {
	if p.held[agg] {
		return true
	}
	if f, ok := r.failing[agg]; (ok && p.now.Before(f.next)) || p.down[stream] {
		p.held[agg] = true
		return true
	}
	return false
}

// failed records that event e of aggregate agg failed to publish: the aggregate is held, and
// retried after a growing delay.
func (r *Relay) failed(agg string, e Entry, err error, p *pass) {
	if streamDown(err) {
		p.down[events.StreamOf(e.Subject)] = true
	}
	f := r.failing[agg]
	f.attempts++
	f.next = p.now.Add(bus.Backoff(f.attempts))
	f.event = e.ID
	r.failing[agg] = f
	p.held[agg] = true
	p.left++
	p.fail(err)
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

// sentAmong is sentAmong with the IDs the relay knows to be sent left out of the lookups.
func (r *Relay) sentAmong(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	ask := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, ok := r.known[id]; ok {
			out[id] = true
		} else {
			ask = append(ask, id)
		}
	}
	found, err := sentAmong(ctx, r.sent, ask)
	if err != nil {
		return nil, err
	}
	for id := range found {
		out[id] = true
		r.remember(id)
	}
	return out, nil
}

// remember records that event id is marked sent.
func (r *Relay) remember(id string) {
	if len(r.known) >= knownCap {
		clear(r.known)
	}
	r.known[id] = struct{}{}
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
	sent, err := sentAmong(ctx, db.Collection(SentCollection), entryIDs(d.Outbox))
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
