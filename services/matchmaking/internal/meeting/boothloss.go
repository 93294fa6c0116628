package meeting

import (
	"context"
	"errors"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// BoothLossesCollection holds the producers whose last booth at a fair the organisers released,
// one document per fair and producer, until their meetings are cancelled or a booth came back.
const BoothLossesCollection = "booth_losses"

// BoothLossSweep is how often a replica looks for losses whose grace is over.
const BoothLossSweep = 30 * time.Second

// lossID is the _id of the loss of the producer of booth event pl at its fair.
func lossID(pl events.BoothAssignmentV1) string { return pl.FairID + "/" + pl.ProducerID }

// boothLoss is one producer's loss. Gen counts the releases that found it without a booth: a
// settling that read the loss before a later release must not delete it (the delete is
// conditioned on Gen), or that release would be forgotten.
type boothLoss struct {
	ID         string    `bson:"_id"` // fair/producer
	FairID     string    `bson:"fair_id"`
	ProducerID string    `bson:"producer_id"`
	Due        time.Time `bson:"due"`
	Gen        int64     `bson:"gen"`
}

// lostLastBooth cancels the active meetings of a producer whose last booth at a fair was
// released (meetings already held keep their outcome: Cancel refuses them and cancelWhere skips
// them). When the organisers released it, the producer may be moving to another booth (on a fair
// of one booth each the old one is released first, and two replicas handle the events in either
// order): the loss is recorded, due BoothLossGrace after it was handled (not after it was made:
// a consumer catching up handles the move's assignment right behind it), and SweepBoothLosses
// cancels only if no booth came back by then.
func (s *Service) lostLastBooth(ctx context.Context, pl events.BoothAssignmentV1) error {
	q := bson.M{"fair_id": pl.FairID, "producer_id": pl.ProducerID}
	if s.BoothLossGrace <= 0 || finalRelease(pl.ReasonCode) {
		return s.cancelWhere(ctx, q, ReasonBoothReleased, "")
	}
	// An earlier loss of the same producer keeps its due time; every release counts (Gen).
	id := bson.M{"_id": lossID(pl)}
	change := bson.M{"$setOnInsert": bson.M{"fair_id": pl.FairID, "producer_id": pl.ProducerID, "due": s.now().Add(s.BoothLossGrace)}, "$inc": bson.M{"gen": 1}}
	_, err := s.Store.losses.UpdateOne(ctx, id, change, options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) {
		// Inserted by another replica between our match and our insert: count this release on it.
		_, err = s.Store.losses.UpdateOne(ctx, id, bson.M{"$inc": bson.M{"gen": 1}})
	}
	return storage.MapError(err, "booth loss")
}

// boothBack forgets a loss of the producer at the fair once it holds a booth there again, so that
// a later loss waits out a grace of its own. (A late copy of an assignment since released holds
// nothing, and forgets nothing.)
func (s *Service) boothBack(ctx context.Context, pl events.BoothAssignmentV1) error {
	var l boothLoss
	err := s.Store.losses.FindOne(ctx, bson.M{"_id": lossID(pl)}).Decode(&l)
	if storage.IsNotFound(err) {
		return nil // the usual case, read by _id alone
	} else if err != nil {
		return storage.MapError(err, "booth loss")
	}
	if booths, err := s.Store.Booths(ctx, pl.FairID, pl.ProducerID); err != nil || booths == 0 {
		return err
	}
	_, err = s.Store.losses.DeleteOne(ctx, bson.M{"_id": l.ID, "gen": l.Gen})
	return storage.MapError(err, "booth loss")
}

// SweepBoothLosses settles the losses whose grace is over at now: a producer that still holds no
// booth at the fair loses its active meetings there; one that got a booth back keeps them. It
// returns how many it settled. Replicas may sweep at once: a cancellation is a conditional write.
func (s *Service) SweepBoothLosses(ctx context.Context) (int, error) {
	cur, err := s.Store.losses.Find(ctx, bson.M{"due": bson.M{"$lte": s.now()}}, options.Find().SetSort(bson.D{{Key: "due", Value: 1}}).SetLimit(500))
	if err != nil {
		return 0, storage.MapError(err, "booth losses")
	}
	var due []boothLoss
	if err := cur.All(ctx, &due); err != nil {
		return 0, storage.MapError(err, "booth losses")
	}
	var errs []error
	settled := 0
	for _, l := range due {
		booths, err := s.Store.Booths(ctx, l.FairID, l.ProducerID)
		if err == nil && booths == 0 {
			// Only the meetings from before the loss was due: an ask needs a booth, so a later one
			// came with a booth given back while this settled.
			err = s.cancelWhere(ctx, bson.M{"fair_id": l.FairID, "producer_id": l.ProducerID, "created_at": bson.M{"$lte": l.Due}}, ReasonBoothReleased, "")
		}
		if err == nil {
			_, err = s.Store.losses.DeleteOne(ctx, bson.M{"_id": l.ID, "gen": l.Gen})
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		settled++
	}
	return settled, errors.Join(errs...)
}

// finalRelease tells whether a booth was released because its application or its fair ended
// (the event service's reason codes), which no move follows.
func finalRelease(code string) bool {
	return strings.HasPrefix(code, "booth_release.application_") || code == "booth_release.fair_cancelled"
}
