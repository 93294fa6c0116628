package buyer

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// OpenCountCollection keeps, per buyer, how many of its sourcing requests are open: a create
// takes one of its MaxOpenRequests places with one conditional write on the buyer's document (by
// _id: a point read on every database), where counting its open requests reads the whole
// collection on FerretDB and, counted then inserted, let parallel creates pass the most together.
const OpenCountCollection = "request_open_counts"

// TakeOpenPlace takes one of buyer buyerID's places for an open request: Conflict
// (sourcing_too_many_open) when it holds MaxOpenRequests. The count is kept by the takes and
// ReleaseOpenPlace; before the buyer's first take it is not kept yet (a new buyer, or requests
// from before counting), and its open requests are counted once, then kept. At the most a create
// is refused at once, with no count: a burst of refused creates costs one write each.
func (s *Store) TakeOpenPlace(ctx context.Context, buyerID string) error {
	for try := 0; try < 2; try++ {
		res, err := s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": bson.M{"$lt": MaxOpenRequests}}, bson.M{"$inc": bson.M{"open": 1}})
		if err != nil {
			return storage.MapError(err, "requests")
		}
		if res.MatchedCount == 1 {
			return nil
		}
		if try > 0 || s.openCounts.FindOne(ctx, bson.M{"_id": buyerID}).Err() == nil {
			break // full (or, rarely, a place a failed create could not give back: closing one frees it)
		}
		n, err := s.OpenRequests(ctx, buyerID)
		if err != nil {
			return err
		}
		// Inserted, never set: creates at once all count the same, one count is kept, and each
		// then takes its place on it (one set after another's take would lose that take).
		if _, err := s.openCounts.InsertOne(ctx, bson.M{"_id": buyerID, "open": n}); err != nil && !storage.IsDuplicate(err) {
			return storage.MapError(err, "requests")
		}
	}
	return apperr.New(apperr.Conflict, msgTooManyOpen, MaxOpenRequests)
}

// ReleaseOpenPlace gives back a place TakeOpenPlace took: its create failed, or its request was
// closed. A count not kept yet stays so.
func (s *Store) ReleaseOpenPlace(ctx context.Context, buyerID string) error {
	_, err := s.openCounts.UpdateOne(ctx, bson.M{"_id": buyerID, "open": bson.M{"$gt": 0}}, bson.M{"$inc": bson.M{"open": -1}})
	return storage.MapError(err, "requests")
}
