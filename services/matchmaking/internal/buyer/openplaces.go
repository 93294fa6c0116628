package buyer

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// OpenCountCollection keeps, per buyer, how many of its sourcing requests are open: a create
// takes one of its MaxOpenRequests places with one conditional write on the buyer's document (by
// _id: a point read on every database), where counting its open requests reads the whole
// collection on FerretDB and, counted then inserted, let parallel creates pass the most together.
const OpenCountCollection = "request_open_counts"

// recountEvery is how often, at most, a count that says a buyer is full is checked against its
// open requests: a place whose giving back failed (the database failing just then) comes back
// within it, while refused creates in between read nothing more than the count.
const recountEvery = time.Minute

// openCount is a buyer's kept count.
type openCount struct {
	Open    int64     `bson:"open"`
	Checked time.Time `bson:"checked_at"`
}

// TakeOpenPlace takes one of buyer buyerID's places for an open request: Conflict
// (sourcing_too_many_open) when it holds MaxOpenRequests. The count is kept by the takes and the
// givings back; before the buyer's first take it is not kept yet (a new buyer, or requests from
// before counting), and its open requests are counted once, then kept. On one replica, or on
// MongoDB, creates at once cannot pass the most together (a conditional update is atomic there;
// FerretDB v1 makes it so per connection).
func (s *Store) TakeOpenPlace(ctx context.Context, buyerID string) error {
	for try := 0; try < 2; try++ {
		res, err := s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": bson.M{"$lt": MaxOpenRequests}}, bson.M{"$inc": bson.M{"open": 1}})
		if err != nil {
			return storage.MapError(err, "requests")
		}
		if res.MatchedCount == 1 {
			return nil
		}
		if try > 0 {
			break
		}
		var kept openCount
		err = s.openCounts.FindOne(ctx, bson.M{"_id": buyerID}).Decode(&kept)
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			err = s.firstCount(ctx, buyerID)
		case err == nil:
			var lowered bool
			if lowered, err = s.recount(ctx, buyerID, kept); err == nil && !lowered {
				return apperr.New(apperr.Conflict, msgTooManyOpen, MaxOpenRequests)
			}
		}
		if err != nil {
			return err
		}
	}
	return apperr.New(apperr.Conflict, msgTooManyOpen, MaxOpenRequests)
}

// firstCount keeps a buyer's first count: its open requests now. Inserted, never set: creates
// at once all count the same, one count is kept, and each then takes its place on it (a set
// after another's take would lose that take).
func (s *Store) firstCount(ctx context.Context, buyerID string) error {
	n, err := s.OpenRequests(ctx, buyerID)
	if err != nil {
		return err
	}
	if _, err := s.openCounts.InsertOne(ctx, bson.M{"_id": buyerID, "open": n, "checked_at": time.Now().UTC()}); err != nil && !storage.IsDuplicate(err) {
		return storage.MapError(err, "requests")
	}
	return nil
}

// recount checks a full count against the buyer's open requests, at most once per recountEvery
// (the check is claimed on checked_at), and lowers it to them when no take or giving back came
// between; it reports whether it lowered it.
func (s *Store) recount(ctx context.Context, buyerID string, kept openCount) (bool, error) {
	now := time.Now().UTC()
	due := bson.A{bson.M{"checked_at": bson.M{"$lt": now.Add(-recountEvery)}}, bson.M{"checked_at": bson.M{"$exists": false}}}
	res, err := s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": kept.Open, "$or": due}, bson.M{"$set": bson.M{"checked_at": now}})
	if err != nil || res.MatchedCount == 0 {
		return false, storage.MapError(err, "requests")
	}
	n, err := s.OpenRequests(ctx, buyerID)
	if err != nil || n >= kept.Open {
		return false, err
	}
	res, err = s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": kept.Open}, bson.M{"$set": bson.M{"open": n}})
	if err != nil {
		return false, storage.MapError(err, "requests")
	}
	return res.MatchedCount == 1, nil
}

// GiveBackOpenPlace gives back the place TakeOpenPlace took for request requestID, whose create
// failed with failed: a request already stored under its ID (a create sent again) holds the place
// its first run took; one whose write may have landed (its answer lost) keeps this place if it
// was stored after all. It runs on after the caller's request ends (a phone that went away
// cancels that), within a few seconds.
func (s *Store) GiveBackOpenPlace(ctx context.Context, buyerID, requestID string, failed error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if !storage.IsDuplicate(failed) {
		if _, err := s.Request(ctx, requestID); !apperr.Is(err, apperr.NotFound) {
			return // stored by this run, or unknown: a count too high comes back at its next check
		}
	}
	s.releaseOpenPlace(ctx, buyerID)
}

// releaseOpenPlace gives back one place: its create failed, or its request was closed. A count
// not kept yet stays so; a giving back that fails leaves the count too high until its next check
// (recount).
func (s *Store) releaseOpenPlace(ctx context.Context, buyerID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, _ = s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": bson.M{"$gt": 0}}, bson.M{"$inc": bson.M{"open": -1}})
}
