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
}

// NewWriter returns a Writer on c. noun names the aggregate in errors ("fair", "meeting"); stale is
// what a conditional write returns when its filter no longer matches.
func NewWriter(c *mongo.Collection, noun string, stale error) Writer {
	return Writer{c: c, noun: noun, stale: stale}
}

// Collection is the collection the writer writes to.
func (w Writer) Collection() *mongo.Collection { return w.c }

// Insert stores doc with envs in one insert. A unique-index violation is Conflict with the message
// duplicate ("<noun> already exists" when it is empty); other errors are storage.MapError's.
func (w Writer) Insert(ctx context.Context, doc any, duplicate string, envs ...events.Envelope) error {
	return w.mapError(Insert(ctx, w.c, doc, envs...), duplicate)
}

// Replace replaces the fields of the document matching filter with doc's and appends envs, in one
// conditional update (Set, which also trims a long outbox). It returns the stale error when
// nothing matches filter, and errors as Insert does.
func (w Writer) Replace(ctx context.Context, filter bson.M, doc any, duplicate string, envs ...events.Envelope) error {
	ok, err := Set(ctx, w.c, filter, doc, envs...)
	if err != nil {
		return w.mapError(err, duplicate)
	}
	if !ok {
		return w.stale
	}
	return nil
}

// Apply runs update (a MongoDB update document) on the document matching filter and appends envs,
// in one conditional update that does not trim: for aggregates written a bounded number of times.
// It returns the stale error when nothing matches filter, and errors as Insert does.
func (w Writer) Apply(ctx context.Context, filter, update bson.M, duplicate string, envs ...events.Envelope) error {
	update, err := Update(update, envs...)
	if err != nil {
		return err
	}
	res, err := w.c.UpdateOne(ctx, filter, update)
	if err != nil {
		return w.mapError(err, duplicate)
	}
	if res.MatchedCount == 0 {
		return w.stale
	}
	return nil
}

func (w Writer) mapError(err error, duplicate string) error {
	if err != nil && duplicate != "" && storage.IsDuplicate(err) {
		return apperr.Wrap(apperr.Conflict, err, duplicate)
	}
	return storage.MapError(err, w.noun)
}
