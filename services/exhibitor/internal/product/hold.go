package product

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// HoldsCollection holds the intents that keep a product's removal and an application naming it
// from passing each other: an application being sent holds its products, and a removal marks its
// product, each before it reads the other's mark. Both are single-document writes, so of two
// that race, at least one sees the other and gives way: no application names a removed product,
// without a transaction.
const HoldsCollection = "product_holds"

// An intent counts for IntentWindow after it is written; one left by a request that never ended
// counts no longer. A request that took longer than IntentDeadline since writing its own gives
// up rather than act after the other side may have stopped seeing it.
// A removal waits up to HoldWait for the applications being sent with its product.
const (
	IntentWindow   = 2 * time.Minute
	IntentDeadline = time.Minute
	HoldWait       = 3 * time.Second
	holdPoll       = 50 * time.Millisecond
)

// HoldIndexes are the indexes of the intents: the holds of a product are found by product.
func HoldIndexes() []storage.Index {
	return []storage.Index{{Collection: HoldsCollection, Keys: bson.D{{Key: "product_id", Value: 1}, {Key: "kind", Value: 1}}}}
}

// HoldsRetention removes the marks left by requests that never ended (a crash, a write without
// a sure answer), an hour after they stopped counting.
func HoldsRetention() storage.Retention {
	return storage.Retention{Collection: HoldsCollection, Field: "at", Keep: IntentWindow + time.Hour}
}

// Holds stores the intents (see HoldsCollection).
type Holds struct {
	c   *mongo.Collection
	now func() time.Time
	// Wait is how long a removal waits for the applications being sent with its product
	// (HoldWait unless changed).
	Wait time.Duration
}

// NewHolds returns the intents' store in db; now is the clock (time.Now when nil).
func NewHolds(db *storage.DB, now func() time.Time) *Holds {
	if now == nil {
		now = time.Now
	}
	return &Holds{c: db.Collection(HoldsCollection), now: now, Wait: HoldWait}
}

type intentDoc struct {
	ID        string    `bson:"_id"`
	ProductID string    `bson:"product_id"`
	Kind      string    `bson:"kind"`
	At        time.Time `bson:"at"`
}

const (
	kindHold    = "hold"
	kindRemoval = "removal"
)

// Intent is a written intent, to be given up once its request is done.
type Intent struct {
	h   *Holds
	ids []string
	at  time.Time
}

// Valid answers nil while the request that wrote the intent may still act on it, and Unavailable
// once it took too long (the other side may have stopped seeing the intent).
func (i Intent) Valid() error {
	if i.h.now().Sub(i.at) > IntentDeadline {
		return apperr.New(apperr.Unavailable, msgTooSlow)
	}
	return nil
}

// Release removes the intent, whatever the request's context (its client may have gone).
func (i Intent) Release() {
	if len(i.ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = i.h.c.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": i.ids}})
}

// Hold marks products (already found to be the applicant's own) as named by application app,
// then looks for a removal of one under way: if there is one, it gives up its marks and answers
// a field error on that product (product_ids[i]), as for a product already removed.
func (h *Holds) Hold(ctx context.Context, app string, products []string) (Intent, error) {
	at := h.now().Truncate(time.Millisecond)
	in := Intent{h: h, at: at}
	docs := make([]any, 0, len(products))
	// Each run has its own marks: a re-run of the same application (its Idempotency-Key's ID)
	// after a crash that left the first run's marks must not collide with them.
	run := uuid.NewString()
	for _, p := range products {
		id := kindHold + "/" + p + "/" + app + "/" + run
		docs = append(docs, intentDoc{ID: id, ProductID: p, Kind: kindHold, At: at})
		in.ids = append(in.ids, id)
	}
	if _, err := h.c.InsertMany(ctx, docs); err != nil {
		in.Release()
		return Intent{}, storage.MapError(err, "product hold")
	}
	// One read for all the products: the collection holds only the marks of requests under way.
	removing := map[string]bool{}
	err := storage.Each(ctx, h.c, bson.M{"product_id": bson.M{"$in": products}, "kind": kindRemoval, "at": bson.M{"$gt": h.now().Add(-IntentWindow)}},
		options.Find().SetProjection(bson.M{"product_id": 1}), "product removals", func(d intentDoc) error {
			removing[d.ProductID] = true
			return nil
		})
	if err != nil {
		in.Release()
		return Intent{}, err
	}
	var v apperr.Validation
	for i, p := range products {
		if removing[p] {
			v.Fail(fmt.Sprintf("product_ids[%d]", i), msgBeingRemoved)
		}
	}
	if err := v.Err(); err != nil {
		in.Release()
		return Intent{}, err
	}
	return in, nil
}

// Removing marks product as being removed, then waits for the applications naming it being sent
// (see HoldWait): if one is still being sent, it gives up its mark and answers Conflict.
func (h *Holds) Removing(ctx context.Context, product string) (Intent, error) {
	at := h.now().Truncate(time.Millisecond)
	// Each removal has its own mark: one ending does not take away another's still under way.
	id := kindRemoval + "/" + product + "/" + uuid.NewString()
	in := Intent{h: h, at: at, ids: []string{id}}
	if _, err := h.c.InsertOne(ctx, intentDoc{ID: id, ProductID: product, Kind: kindRemoval, At: at}); err != nil {
		return Intent{}, storage.MapError(err, "product removal")
	}
	// An application being sent holds the product for a few milliseconds: wait for it, keeping
	// the mark, so that one of the two passes (an application that saw no mark is stored before
	// its hold goes, and the removal then finds it) rather than both giving way.
	until := time.Now().Add(h.Wait)
	for {
		n, err := h.c.CountDocuments(ctx, bson.M{"product_id": product, "kind": kindHold, "at": bson.M{"$gt": h.now().Add(-IntentWindow)}}, options.Count().SetLimit(1))
		if err != nil {
			in.Release()
			return Intent{}, storage.MapError(err, "product holds")
		}
		if n == 0 {
			break
		}
		if !time.Now().Before(until) {
			in.Release()
			return Intent{}, apperr.New(apperr.Conflict, msgBeingApplied)
		}
		select {
		case <-ctx.Done():
			in.Release()
			return Intent{}, ctx.Err()
		case <-time.After(holdPoll):
		}
	}
	// Marks left by requests that never ended count no longer: clear them while here.
	_, _ = h.c.DeleteMany(ctx, bson.M{"product_id": product, "at": bson.M{"$lte": h.now().Add(-IntentWindow)}})
	return in, nil
}
