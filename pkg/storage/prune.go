package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Retention says how long the records of one bookkeeping collection are kept: a record whose
// Field (a time) is older than Keep is deleted by the Pruner.
type Retention struct {
	Collection string
	// Field is the record's time field; the pruner indexes it.
	Field string
	Keep  time.Duration
}

// Pruner settings.
const (
	// PruneInterval is how often Run prunes.
	PruneInterval = time.Hour
	// PruneBatch is how many records one delete removes: small deletes keep the embedded
	// database's single connection free for requests in between.
	PruneBatch = 500
	// pruneBatchesPerPass bounds one pass per collection; the next pass goes on.
	pruneBatchesPerPass = 200
	// pruneFirstDelay lets a service start before its first pass.
	pruneFirstDelay = time.Minute
)

// Pruner deletes bookkeeping records past their retention. The database has no TTL indexes
// (FerretDB), so every replica runs one; a pass is a range delete on an indexed time field, which
// is idempotent, so replicas pruning at once only repeat each other's work.
type Pruner struct {
	db    *DB
	log   *slog.Logger
	rules []Retention
	now   func() time.Time
}

// NewPruner returns a pruner of db's collections under rules.
func NewPruner(db *DB, log *slog.Logger, rules ...Retention) *Pruner {
	return &Pruner{db: db, log: log, rules: rules, now: time.Now}
}

// Indexes are the time-field indexes the pruner's range deletes need.
func (p *Pruner) Indexes() []Index {
	out := make([]Index, 0, len(p.rules))
	for _, r := range p.rules {
		out = append(out, Index{Collection: r.Collection, Keys: bson.D{{Key: r.Field, Value: 1}}})
	}
	return out
}

// Run ensures the indexes, then prunes a minute after start and every PruneInterval until ctx
// ends. Failures are logged and retried on the next pass.
func (p *Pruner) Run(ctx context.Context) {
	p.RunEvery(ctx, pruneFirstDelay, PruneInterval)
}

// RunEvery is Run with its own first delay and interval.
func (p *Pruner) RunEvery(ctx context.Context, first, interval time.Duration) {
	indexed := false
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !indexed {
			if err := p.db.EnsureIndexes(ctx, p.Indexes()...); err != nil {
				p.log.Warn("creating the pruner's indexes failed; will retry", "err", err)
				t.Reset(interval)
				continue
			}
			indexed = true
		}
		if n, err := p.Prune(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("pruning failed; will retry", "err", err, "deleted", n)
		} else if n > 0 {
			p.log.Info("pruned bookkeeping records", "deleted", n)
		}
		t.Reset(interval)
	}
}

// Prune runs one pass over every rule and returns how many records it deleted. A failing
// collection does not stop the others; their errors are joined.
func (p *Pruner) Prune(ctx context.Context) (int64, error) {
	var total int64
	var errs []error
	for _, r := range p.rules {
		n, err := p.prune(ctx, r)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	}
	return total, errors.Join(errs...)
}

// prune deletes r's expired records in batches: it reads a batch of expired IDs through the time
// index, then deletes those IDs, still only while expired.
func (p *Pruner) prune(ctx context.Context, r Retention) (int64, error) {
	coll := p.db.Collection(r.Collection)
	expired := bson.M{r.Field: bson.M{"$lt": p.now().Add(-r.Keep)}}
	var total int64
	for range pruneBatchesPerPass {
		cur, err := coll.Find(ctx, expired, options.Find().SetProjection(bson.M{"_id": 1}).SetLimit(PruneBatch))
		if err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", r.Collection, err)
		}
		var ids []struct {
			ID any `bson:"_id"`
		}
		if err := cur.All(ctx, &ids); err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", r.Collection, err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		in := make(bson.A, 0, len(ids))
		for _, d := range ids {
			in = append(in, d.ID)
		}
		res, err := coll.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": in}, r.Field: expired[r.Field]})
		if err != nil {
			return total, fmt.Errorf("storage: prune %s: %w", r.Collection, err)
		}
		total += res.DeletedCount
		if len(ids) < PruneBatch {
			return total, nil
		}
	}
	return total, nil
}
