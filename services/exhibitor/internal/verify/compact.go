package verify

import (
	"context"
	"maps"
	"slices"
	"strings"
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
// batches of each day older than CompactAfter into one document for the day ("day:2026-12-01",
// with the same counts summed and the IDs of the batches it replaces) and then deletes those.
// Their events are past the relay's horizon by then, so no batch folded can come again from
// the stream. A replica stopped between the two writes leaves both, which Load counts once (the
// day's document, not its batches), and the next Compact finishes the deleting; two replicas
// folding the same day at once make one document (its ID is the day's).

// CompactAfter is how old a day's batches must be to be folded: past the outbox's horizon with
// a week to spare, so that no replica still expects one of them from the stream.
const CompactAfter = outbox.Horizon + 7*24*time.Hour

const dayPrefix = "day:"

// dayDoc is a day's batches folded: their counts summed, and the IDs of the batches it replaces.
type dayDoc struct {
	ID      string     `bson:"_id"`
	At      time.Time  `bson:"at"`
	Counts  []countDoc `bson:"counts"`
	Sources []string   `bson:"sources"`
}

// deleteChunk is how many batches one delete names.
const deleteChunk = 500

// Compact folds the batches of every day before now - CompactAfter into one document per day,
// and reports how many batches it folded.
func (s *Store) Compact(ctx context.Context, now time.Time) (int, error) {
	before := day(now.Add(-CompactAfter))
	byDay := map[string][]batchDoc{}
	filter := bson.M{"at": bson.M{"$lt": before}, "sources": bson.M{"$exists": false}}
	err := storage.Each(ctx, s.c, filter, options.Find().SetProjection(bson.M{outbox.Field: 0}), "scan batches", func(d batchDoc) error {
		if !strings.HasPrefix(d.ID, dayPrefix) {
			k := day(d.At).Format(time.DateOnly)
			byDay[k] = append(byDay[k], d)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	folded := 0
	for _, k := range slices.Sorted(maps.Keys(byDay)) {
		n, err := s.fold(ctx, k, byDay[k])
		if err != nil {
			return folded, err
		}
		folded += n
	}
	return folded, nil
}

// fold stores the day k's batches as one document, or finds the one stored before, and deletes
// the batches it replaces.
func (s *Store) fold(ctx context.Context, k string, batches []batchDoc) (int, error) {
	d := dayDoc{ID: dayPrefix + k, Counts: sumCounts(batches)}
	d.At, _ = time.ParseInLocation(time.DateOnly, k, vntext.Zone)
	for _, b := range batches {
		d.Sources = append(d.Sources, b.ID)
	}
	_, err := s.c.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		// Folded before (by another replica, or by a run stopped before its deletes): only the
		// batches that document replaces go; any other would be counted twice or lost.
		var was dayDoc
		if err := s.c.FindOne(ctx, bson.M{"_id": d.ID}).Decode(&was); err != nil {
			return 0, storage.MapError(err, "scan batches")
		}
		d.Sources = was.Sources
	} else if err != nil {
		return 0, storage.MapError(err, "scan batches")
	}
	gone := 0
	for chunk := range slices.Chunk(d.Sources, deleteChunk) {
		res, err := s.c.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": chunk}})
		if err != nil {
			return gone, storage.MapError(err, "scan batches")
		}
		gone += int(res.DeletedCount)
	}
	return gone, nil
}

// sumCounts adds up the batches' counts by product, producer, fair and day, in a stable order.
func sumCounts(batches []batchDoc) []countDoc {
	sums := map[countDoc]int{}
	for _, b := range batches {
		for _, c := range b.Counts {
			n := c.Count
			c.Count = 0
			sums[c] += n
		}
	}
	out := make([]countDoc, 0, len(sums))
	for c, n := range sums {
		c.Count = n
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b countDoc) int {
		return strings.Compare(a.ProductID+"\x00"+a.Day+"\x00"+a.FairID, b.ProductID+"\x00"+b.Day+"\x00"+b.FairID)
	})
	return out
}

// days reads the days folded: their documents by ID.
func (s *Store) days(ctx context.Context, into map[string]dayDoc) error {
	return storage.Each(ctx, s.c, bson.M{"sources": bson.M{"$exists": true}}, nil, "scan batches", func(d dayDoc) error {
		into[d.ID] = d
		return nil
	})
}
