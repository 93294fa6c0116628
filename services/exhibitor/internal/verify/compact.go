package verify

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// A replica flushes counted views every few seconds while a fair's visitors scan, so the batches
// grow by thousands a day, and every replica reads them all when it starts. Compact folds the
// batches of each day older than CompactAfter into one document for the day ("day:2026-12-01":
// the same counts summed, and the IDs of the batches it replaces), and at a later run, once no
// replica can still be loading without that document, deletes those batches and the list.
// Their events are past the relay's horizon by then, so no batch folded can come again from the
// stream. Load counts a day's document or its batches, never both; two replicas folding the
// same day at once make one document (its ID is the day's). Only one day's batches are held at
// a time.

// CompactAfter is how old a day's batches must be to be folded: past the outbox's horizon with
// a week to spare, so that no replica still expects one of them from the stream.
const CompactAfter = outbox.Horizon + 7*24*time.Hour

// deleteAfter is how long a day's batches stay after they were folded: a replica that began
// loading before the day's document existed counts them, and must find them all.
const deleteAfter = time.Hour

// deleteChunk is how many batches one delete names.
const deleteChunk = 500

const dayKind = "day"

// dayDoc is a day's batches folded: their counts summed, and until they are deleted, their IDs.
type dayDoc struct {
	ID       string     `bson:"_id"`
	Kind     string     `bson:"kind"`
	At       time.Time  `bson:"at"`
	Counts   []countDoc `bson:"counts"`
	Sources  []string   `bson:"sources,omitempty"`
	FoldedAt time.Time  `bson:"folded_at"`
}

// Compact deletes the batches of the days folded at least deleteAfter before now, then folds the
// batches of every day before now - CompactAfter into one document per day, and reports how
// many batches it folded and deleted.
func (s *Store) Compact(ctx context.Context, now time.Time) (folded, deleted int, err error) {
	if deleted, err = s.dropFolded(ctx, now); err != nil {
		return 0, deleted, err
	}
	before := day(now.Add(-CompactAfter))
	var cur []batchDoc
	curDay := ""
	fold := func() error {
		if len(cur) == 0 {
			return nil
		}
		n, err := s.fold(ctx, curDay, cur, now)
		folded += n
		cur = cur[:0]
		return err
	}
	// In the order they were made (UUIDv7), one day at a time.
	filter := bson.M{"at": bson.M{"$lt": before}, "kind": bson.M{"$exists": false}}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.M{outbox.Field: 0})
	err = storage.Each(ctx, s.c, filter, opts, "scan batches", func(d batchDoc) error {
		if k := day(d.At).Format(time.DateOnly); k != curDay {
			if err := fold(); err != nil {
				return err
			}
			curDay = k
		}
		cur = append(cur, d)
		return nil
	})
	if err == nil {
		err = fold()
	}
	return folded, deleted, err
}

// fold stores the day k's batches as one document and reports how many it folded: none when
// the day was folded before (by another replica at the same time; a batch of that day made
// after, if any, stays a batch and is counted as one).
func (s *Store) fold(ctx context.Context, k string, batches []batchDoc, now time.Time) (int, error) {
	d := dayDoc{ID: dayKind + ":" + k, Kind: dayKind, Counts: sumCounts(batches), FoldedAt: now}
	d.At, _ = time.ParseInLocation(time.DateOnly, k, vntext.Zone)
	for _, b := range batches {
		d.Sources = append(d.Sources, b.ID)
	}
	_, err := s.c.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return 0, nil
	}
	if err != nil {
		return 0, storage.MapError(err, "scan batches")
	}
	return len(batches), nil
}

// dropFolded deletes the batches of the days folded at least deleteAfter before now, then the
// day's list of them.
func (s *Store) dropFolded(ctx context.Context, now time.Time) (int, error) {
	var days []dayDoc
	filter := bson.M{"kind": dayKind, "sources": bson.M{"$exists": true}, "folded_at": bson.M{"$lte": now.Add(-deleteAfter)}}
	err := storage.Each(ctx, s.c, filter, nil, "scan batches", func(d dayDoc) error {
		days = append(days, dayDoc{ID: d.ID, Sources: d.Sources})
		return nil
	})
	if err != nil {
		return 0, err
	}
	gone := 0
	for _, d := range days {
		for i := 0; i < len(d.Sources); i += deleteChunk {
			res, err := s.c.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": d.Sources[i:min(i+deleteChunk, len(d.Sources))]}, "kind": bson.M{"$exists": false}})
			if err != nil {
				return gone, storage.MapError(err, "scan batches")
			}
			gone += int(res.DeletedCount)
		}
		if _, err := s.c.UpdateOne(ctx, bson.M{"_id": d.ID}, bson.M{"$unset": bson.M{"sources": ""}}); err != nil {
			return gone, storage.MapError(err, "scan batches")
		}
	}
	return gone, nil
}

// sumCounts adds up the batches' counts by product, producer, fair and day.
func sumCounts(batches []batchDoc) []countDoc {
	sums := map[countDoc]int{}
	var order []countDoc
	for _, b := range batches {
		for _, c := range b.Counts {
			n := c.Count
			c.Count = 0
			if _, seen := sums[c]; !seen {
				order = append(order, c)
			}
			sums[c] += n
		}
	}
	for i, c := range order {
		order[i].Count = sums[c]
	}
	return order
}
