package outbox

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// sweep searches every collection for documents changed since the last sweep, less Lag (within
// Horizon at the first), and publishes what they have unsent, oldest change first. A document it
// leaves with events unsent gets a pending marker, so that the next passes retry it. It reports
// whether the sweep was clean.
//
// Each collection is read in one pass without sort or paging (the embedded database reads the
// whole collection for any such query, so one pass is the cheapest), and the sent markers of the
// period in another: a sweep costs two reads per collection, however much it finds.
func (r *Relay) sweep(ctx context.Context, p *pass) bool {
	since := p.now.Add(-Horizon)
	if !r.lastSweep.IsZero() {
		since = r.lastSweep.Add(-Lag)
	}
	failures := p.failures
	for _, c := range r.collections {
		docs, err := changedSince(ctx, c, since)
		if err != nil {
			p.fail(err)
			continue
		}
		if len(docs) == 0 {
			continue
		}
		sent, err := sentSince(ctx, r.sent, oldestEntry(docs, p.now).Add(-Lag))
		if err != nil {
			p.fail(err)
			continue
		}
		for _, d := range docs {
			left := p.left
			r.publishDoc(ctx, c.Name(), d, sent, p)
			if p.left > left {
				if err := MarkPending(ctx, c, d.ID); err != nil {
					p.fail(err)
				}
			}
		}
	}
	return p.failures == failures
}

// sweepBatch is how many documents each round trip of a sweep brings: small, because each round
// trip holds the embedded database's one connection while it reads.
const sweepBatch = 200

// changedSince returns the documents of c whose events changed at or after since, by the time of
// that change and then _id.
func changedSince(ctx context.Context, c *mongo.Collection, since time.Time) ([]pendingDoc, error) {
	cur, err := c.Find(ctx, bson.M{AtField: bson.M{"$gte": since}},
		options.Find().SetProjection(bson.M{"_id": 1, Field: 1, AtField: 1}).SetBatchSize(sweepBatch))
	if err != nil {
		return nil, fmt.Errorf("outbox: scan %s: %w", c.Name(), err)
	}
	var docs []pendingDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("outbox: read %s: %w", c.Name(), err)
	}
	sort.SliceStable(docs, func(i, j int) bool {
		if !docs[i].At.Equal(docs[j].At) {
			return docs[i].At.Before(docs[j].At)
		}
		return fmt.Sprint(docs[i].ID) < fmt.Sprint(docs[j].ID)
	})
	return docs, nil
}

// oldestEntry returns when the oldest entry of docs still within Horizon of now was created: sent
// markers older than that cannot concern them.
func oldestEntry(docs []pendingDoc, now time.Time) time.Time {
	oldest := now
	for _, d := range docs {
		for _, e := range d.Outbox {
			if e.CreatedAt.Before(oldest) && now.Sub(e.CreatedAt) <= Horizon {
				oldest = e.CreatedAt
			}
		}
	}
	return oldest
}
