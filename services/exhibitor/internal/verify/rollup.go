package verify

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// RollupsCollection holds one document per day of flushes (Vietnam time) whose batches were
// summed up and removed: a replica flushes every few seconds, so batches alone would grow by
// thousands a day and make every start read them all.
const RollupsCollection = "scan_rollups"

// Indexes are the indexes of the counted views: batches are rolled up by their time.
func Indexes() []storage.Index {
	return []storage.Index{{Collection: Collection, Keys: bson.D{{Key: "at", Value: 1}}}}
}

// rollupDoc sums every batch flushed on one day. Its _id is the day, so that two replicas
// rolling the same day up store it once; what they sum is the same, as no batch is flushed on
// a day that long past.
type rollupDoc struct {
	ID      string     `bson:"_id"`
	Batches int        `bson:"batches"`
	Counts  []countDoc `bson:"counts"`
}

// RollupAfter is how long after its end a day of flushes is rolled up: none of its batches can
// still come from the stream (see rememberFor), and none is still being flushed.
const RollupAfter = rememberFor

// maxRollupDays bounds the days one Rollup sums up, so that a first run on a long history ends.
const maxRollupDays = 60

// Rollup sums up each day of flushes that ended RollupAfter before now, oldest first: it stores
// the day's sum, then removes its batches. A start between the two reads the sum and skips the
// day's batches (see Load). It returns how many batches it removed.
func (s *Store) Rollup(ctx context.Context, now time.Time) (int, error) {
	removed := 0
	for range maxRollupDays {
		var oldest batchDoc
		err := s.c.FindOne(ctx, bson.M{}, options.FindOne().SetSort(bson.D{{Key: "at", Value: 1}}).SetProjection(bson.M{"at": 1})).Decode(&oldest)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return removed, nil
		}
		if err != nil {
			return removed, storage.MapError(err, "scan batches")
		}
		from := day(oldest.At)
		to := from.AddDate(0, 0, 1)
		if now.Sub(to) < RollupAfter {
			return removed, nil
		}
		n, err := s.rollupDay(ctx, from, to)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// rollupDay stores the sum of the batches flushed in [from, to), then removes them.
func (s *Store) rollupDay(ctx context.Context, from, to time.Time) (int, error) {
	in := bson.M{"at": bson.M{"$gte": from, "$lt": to}}
	sums := map[scanKey]int{}
	batches := 0
	err := storage.Each(ctx, s.c, in, options.Find().SetProjection(bson.M{outbox.Field: 0}), "scan batches", func(d batchDoc) error {
		batches++
		for _, c := range d.Counts {
			sums[scanKey{product: c.ProductID, producer: c.ProducerID, fair: c.FairID, day: c.Day}] += c.Count
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	doc := rollupDoc{ID: from.Format(time.DateOnly), Batches: batches, Counts: make([]countDoc, 0, len(sums))}
	for k, n := range sums {
		doc.Counts = append(doc.Counts, countDoc{ProductID: k.product, ProducerID: k.producer, FairID: k.fair, Day: k.day, Count: n})
	}
	slices.SortFunc(doc.Counts, func(a, b countDoc) int {
		return cmp.Or(cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.Day, b.Day), cmp.Compare(a.FairID, b.FairID))
	})
	// Another replica may have stored the day first: its sum is the same, or it is the one that
	// counted every batch (this read may have begun after its removal did).
	if _, err := s.rollups.InsertOne(ctx, doc); err != nil && !storage.IsDuplicate(err) {
		return 0, storage.MapError(err, "scan rollup")
	}
	res, err := s.c.DeleteMany(ctx, in)
	if err != nil {
		return 0, storage.MapError(err, "scan batches")
	}
	return int(res.DeletedCount), nil
}

// loadRollups applies every rolled-up day to m and returns those days (as "2006-01-02").
func (s *Store) loadRollups(ctx context.Context, m *Stats) (map[string]bool, error) {
	days := map[string]bool{}
	err := storage.Each(ctx, s.rollups, bson.M{}, nil, "scan rollups", func(d rollupDoc) error {
		b := events.ScansCountedV1{BatchID: "rollup/" + d.ID, Counts: make([]events.ScanCountV1, len(d.Counts))}
		for i, c := range d.Counts {
			b.Counts[i] = events.ScanCountV1(c)
		}
		m.Apply(b)
		days[d.ID] = true
		return nil
	})
	return days, err
}
