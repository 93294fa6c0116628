package verify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Every replica flushes a batch of counted views every few seconds while visitors scan, so a
// season of fairs leaves hundreds of thousands of batches, each read at every start. Compact
// folds the batches of each past day into one document that replaces them, once their events
// are beyond the relay's horizon (it will never publish them again, so deleting them loses
// nothing). Without transactions, the fold is made safe by its order: the day's document, which
// lists the batches it replaces, is inserted before they are deleted, and Load skips a batch
// that such a document replaces. A crash in between leaves both, counted once; two replicas
// compacting the same day build the same document ID (the day and its first batch) and only one
// insert wins.

// CompactAge is how old a day's batches must be before they are folded: past the outbox's
// horizon, plus a day for clocks.
const CompactAge = outbox.Horizon + 24*time.Hour

// compactDays bounds the days one Compact folds, so that a first run on a large collection
// returns and leaves the rest for the next.
const compactDays = 400

// dayDoc is a day's batches folded into one document: the sum of their counts, by product, fair
// and day, and the IDs of the batches it replaces.
type dayDoc struct {
	ID       string     `bson:"_id"`
	At       time.Time  `bson:"at"`
	Day      string     `bson:"compacted_day"`
	Counts   []countDoc `bson:"counts"`
	Replaces []string   `bson:"replaces"`
}

// Indexes are the scan batches' index: the fold reads a day's batches by time.
func Indexes() []storage.Index {
	return []storage.Index{{Collection: Collection, Keys: bson.D{{Key: "at", Value: 1}}}}
}

// Compact folds the batches of every Vietnam day that ended more than CompactAge before now
// into one document per day, and returns how many days it folded.
func (s *Store) Compact(ctx context.Context, now time.Time) (int, error) {
	before := day(now.Add(-CompactAge)) // batches stamped before this midnight are old enough
	folded := 0
	for range compactDays {
		var oldest batchDoc
		err := s.c.FindOne(ctx, bson.M{"at": bson.M{"$lt": before}, "replaces": bson.M{"$exists": false}},
			options.FindOne().SetSort(bson.D{{Key: "at", Value: 1}}).SetProjection(bson.M{"_id": 1, "at": 1})).Decode(&oldest)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return folded, nil
		}
		if err != nil {
			return folded, storage.MapError(err, "scan batches")
		}
		if err := s.foldDay(ctx, day(oldest.At)); err != nil {
			return folded, err
		}
		folded++
	}
	return folded, nil
}

// foldDay folds the batches stamped on the Vietnam day that starts at from.
func (s *Store) foldDay(ctx context.Context, from time.Time) error {
	name := from.Format(time.DateOnly)
	span := bson.M{"$gte": from, "$lt": from.AddDate(0, 0, 1)}
	// The batches first, then the folds already made of that day (which are inserted before
	// their batches go): a batch deleted meanwhile is then always in a fold read here.
	var batches []batchDoc
	err := storage.Each(ctx, s.c, bson.M{"at": span, "replaces": bson.M{"$exists": false}},
		options.Find().SetProjection(bson.M{"_id": 1, "counts": 1}), "scan batches", func(d batchDoc) error {
			batches = append(batches, d)
			return nil
		})
	if err != nil {
		return err
	}
	done := map[string]bool{}
	err = storage.Each(ctx, s.c, bson.M{"compacted_day": name}, options.Find().SetProjection(bson.M{"replaces": 1}), "scan batches",
		func(d dayDoc) error {
			for _, id := range d.Replaces {
				done[id] = true
			}
			return nil
		})
	if err != nil {
		return err
	}
	batches = slices.DeleteFunc(batches, func(b batchDoc) bool { return done[b.ID] })
	if len(batches) > 0 {
		slices.SortFunc(batches, func(a, b batchDoc) int { return strings.Compare(a.ID, b.ID) })
		fold := dayDoc{ID: "day-" + name + "-" + batches[0].ID, At: from, Day: name, Counts: sumCounts(batches), Replaces: make([]string, len(batches))}
		for i, b := range batches {
			fold.Replaces[i] = b.ID
		}
		if _, err := s.c.InsertOne(ctx, fold); err != nil && !mongo.IsDuplicateKeyError(err) {
			return storage.MapError(err, "scan batches")
		}
	}
	// Whatever replaced them, a fold of this day now lists every batch read: they can go.
	ids := make([]string, 0, len(batches)+len(done))
	for _, b := range batches {
		ids = append(ids, b.ID)
	}
	for id := range done {
		ids = append(ids, id)
	}
	if _, err := s.c.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}, "replaces": bson.M{"$exists": false}}); err != nil {
		return storage.MapError(err, "scan batches")
	}
	return nil
}

// sumCounts adds up the batches' counts by product, producer, fair and day.
func sumCounts(batches []batchDoc) []countDoc {
	sum := map[scanKey]int{}
	for _, b := range batches {
		for _, c := range b.Counts {
			sum[scanKey{product: c.ProductID, producer: c.ProducerID, fair: c.FairID, day: c.Day}] += c.Count
		}
	}
	out := make([]countDoc, 0, len(sum))
	for k, n := range sum {
		out = append(out, countDoc{ProductID: k.product, ProducerID: k.producer, FairID: k.fair, Day: k.day, Count: n})
	}
	slices.SortFunc(out, func(a, b countDoc) int {
		return strings.Compare(a.ProductID+"\x00"+a.Day+"\x00"+a.FairID, b.ProductID+"\x00"+b.Day+"\x00"+b.FairID)
	})
	return out
}

// replaced is the set of batch IDs that day folds replace, and how many folds there are.
func (s *Store) replaced(ctx context.Context) (map[string]bool, int, error) {
	out, folds := map[string]bool{}, 0
	err := storage.Each(ctx, s.c, bson.M{"replaces": bson.M{"$exists": true}}, options.Find().SetProjection(bson.M{"replaces": 1}), "scan batches",
		func(d dayDoc) error {
			folds++
			for _, id := range d.Replaces {
				out[id] = true
			}
			return nil
		})
	return out, folds, err
}

// batchOf is a stored batch or fold as the model applies it.
func batchOf(d batchDoc) events.ScansCountedV1 {
	b := events.ScansCountedV1{BatchID: d.ID, At: d.At, Counts: make([]events.ScanCountV1, len(d.Counts))}
	for i, c := range d.Counts {
		b.Counts[i] = events.ScanCountV1(c)
	}
	return b
}
