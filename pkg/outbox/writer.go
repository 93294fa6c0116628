package outbox

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Writer writes one kind of aggregate together with the events each write causes. It is the one
// place where an aggregate store's write meets the outbox: the store keeps only what differs (its
// collection, its document and its events). A write whose filter matches nothing (the aggregate
// changed meanwhile) returns the store's stale error; a unique-index violation returns Conflict.
type Writer struct {
	c     *mongo.Collection
	noun  string
	stale error
	// beforeWrite, for tests, runs between a write's pending marker and the write itself.
	beforeWrite func()
}

// NewWriter returns a Writer on c. noun names the aggregate in errors ("fair", "meeting"); stale is
// what a conditional write returns when its filter no longer matches.
func NewWriter(c *mongo.Collection, noun string, stale error) Writer {
	return Writer{c: c, noun: noun, stale: stale}
}

// Event is one event that a write causes. The Writer gives it its envelope: a new ID, the time,
// version 1 and the correlation ID of the write.
type Event struct {
	Subject     string
	AggregateID string
	Payload     any
}

// envelopes builds the envelopes of evs for one write.
func envelopes(correlationID string, evs []Event) ([]events.Envelope, error) {
	out := make([]events.Envelope, 0, len(evs))
	for _, e := range evs {
		env, err := events.New(e.Subject, 1, e.AggregateID, correlationID, e.Payload)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// Collection is the collection the writer writes to.
func (w Writer) Collection() *mongo.Collection { return w.c }

// Insert stores doc with the events evs (of the request correlationID) in one insert. A
// unique-index violation is Conflict with the message duplicate ("<noun> already exists" when it
// is empty); other errors are storage.MapError's.
func (w Writer) Insert(ctx context.Context, doc any, duplicate, correlationID string, evs ...Event) error {
	envs, err := envelopes(correlationID, evs)
	if err != nil {
		return err
	}
	return w.mapError(Insert(ctx, w.c, doc, envs...), duplicate)
}

// Replace replaces the fields of the document matching filter with doc's and appends the events
// evs, in one conditional update (Set, which also trims a long outbox). It returns the stale error
// when nothing matches filter, and errors as Insert does.
func (w Writer) Replace(ctx context.Context, filter bson.M, doc any, duplicate, correlationID string, evs ...Event) error {
	envs, err := envelopes(correlationID, evs)
	if err != nil {
		return err
	}
	ok, err := Set(ctx, w.c, filter, doc, envs...)
	if err != nil {
		return w.mapError(err, duplicate)
	}
	if !ok {
		return w.stale
	}
	return nil
}

// Apply runs update (a MongoDB update document) on the document matching filter and appends the
// events evs, in one conditional update that does not trim: for aggregates written a bounded
// number of times. It returns the stale error when nothing matches filter, and errors as Insert
// does.
func (w Writer) Apply(ctx context.Context, filter, update bson.M, duplicate, correlationID string, evs ...Event) error {
	envs, err := envelopes(correlationID, evs)
	if err != nil {
		return err
	}
	update, err = Update(update, envs...)
	if err != nil {
		return err
	}
	if len(envs) > 0 {
		if err := markFor(ctx, w.c, filter); err != nil {
			return err
		}
	}
	if w.beforeWrite != nil {
		w.beforeWrite()
	}
	res, err := storage.UpdateOne(ctx, w.c, filter, update)
	if err != nil {
		return w.mapError(err, duplicate)
	}
	if res.MatchedCount == 0 {
		return w.stale
	}
	if len(envs) > 0 {
		remarkFor(ctx, w.c, filter)
	}
	return nil
}

func (w Writer) mapError(err error, duplicate string) error {
	if err != nil && duplicate != "" && storage.IsDuplicate(err) {
		return apperr.Wrap(apperr.Conflict, err, duplicate)
	}
	return storage.MapError(err, w.noun)
}
