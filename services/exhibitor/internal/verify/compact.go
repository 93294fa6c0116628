package verify

import (
	"context"
	"maps"
	"slices"
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
// same day at once make one document (its ID is the day's). A run holds the IDs of at most
// foldDays days.

// CompactAfter is how old a day's batches must be to be folded: past the outbox's horizon with
// a week to spare, so that no replica still expects one of them from the stream.
const CompactAfter = outbox.Horizon + 7*24*time.Hour

// deleteAfter is how long a day's batches stay after they were folded: a replica that began
// loading before the day's document existed counts them, and must find them all (a load takes
// minutes; compaction runs once a day).
const deleteAfter = 12 * time.Hour

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

// foldDays is how many days one run folds at most, the oldest first: a first run over months
// of batches holds a month's IDs, and the rest follow a month a day.
const foldDays = 30

// dayBatches are the batches of one day being folded: their counts summed (a Counter, as a
// flush sums views), and their IDs.
type dayBatches struct {
	views *Counter
	ids   []string
}

// Compact deletes the batches of the days folded at least deleteAfter before now, then folds the
// batches of the oldest foldDays days before now - CompactAfter into one document per day, and
// reports how many batches it folded and deleted. The batches are read as they come (a sort
// would hold them all on the embedded database), each counted to the day of its time.
func (s *Store) Compact(ctx context.Context, now time.Time) (folded, deleted int, err error) {
	if deleted, err = s.dropFolded(ctx, now); err != nil {
		return 0, deleted, err
	}
	before := day(now.Add(-CompactAfter))
	days := map[string]*dayBatches{}
	filter := bson.M{"at": bson.M{"$lt": before}, "kind": bson.M{"$exists": false}}
	err = storage.Each(ctx, s.c, filter, options.Find().SetProjection(bson.M{outbox.Field: 0}), "scan batches", func(d batchDoc) error {
		k := day(d.At).Format(time.DateOnly)
		g := days[k]
		if g == nil {
			if len(days) == foldDays {
				latest := slices.Max(slices.Collect(maps.Keys(days)))
				if k > latest {
					return nil // for a later run
				}
				delete(days, latest)
			}
			g = &dayBatches{views: NewCounter()}
			days[k] = g
		}
		g.ids = append(g.ids, d.ID)
		g.views.Return(d.event().Counts)
		return nil
	})
	if err != nil {
		return 0, deleted, err
	}
	for _, k := range slices.Sorted(maps.Keys(days)) {
		n, err := s.fold(ctx, k, days[k], now)
		if err != nil {
			return folded, deleted, err
		}
		folded += n
	}
	return folded, deleted, nil
}

// fold stores the day k's batches as one document and reports how many it folded: none when
// the day was folded before (by another replica at the same time; a batch of that day it did
// not have stays a batch and is counted as one).
func (s *Store) fold(ctx context.Context, k string, g *dayBatches, now time.Time) (int, error) {
	d := dayDoc{ID: dayKind + ":" + k, Kind: dayKind, Sources: g.ids, FoldedAt: now}
	d.At, _ = time.ParseInLocation(time.DateOnly, k, vntext.Zone)
	for _, c := range g.views.Take() {
		d.Counts = append(d.Counts, countDoc(c))
	}
	_, err := s.c.InsertOne(ctx, d)
	if mongo.IsDuplicateKeyError(err) {
		return 0, nil
	}
	if err != nil {
		return 0, storage.MapError(err, "scan batches")
	}
	return len(g.ids), nil
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
		// One by one: the embedded database finds a document by its _id alone through the
		// index, and reads the whole collection for an $in.
		for _, id := range d.Sources {
			res, err := s.c.DeleteOne(ctx, bson.M{"_id": id})
			if err != nil {
				return gone, storage.MapError(err, "scan batches")
			}
			gone += int(res.DeletedCount)
		}
		if _, err := storage.UpdateOne(ctx, s.c, bson.M{"_id": d.ID}, bson.M{"$unset": bson.M{"sources": ""}}); err != nil {
			return gone, storage.MapError(err, "scan batches")
		}
	}
	return gone, nil
}
