package badge

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// HandOversCollection holds, per producer profile, the latest hand-over this service has
// processed (one document each, by producer ID): a badge made afterwards by a replica behind it
// finds it there.
const HandOversCollection = "badge_handovers"

// handOverDoc is a producer profile's latest hand-over: the account it went to, at Revision.
type handOverDoc struct {
	ProducerID string `bson:"_id"`
	AccountID  string `bson:"account_id"`
	Revision   int64  `bson:"revision"`
}

// recordHandOver stores that the producer went to account at revision, unless a hand-over of
// that revision or a later one is stored already (the same event delivered again, or an earlier
// one delivered late).
func (s *Store) recordHandOver(ctx context.Context, producerID, account string, revision int64) error {
	_, err := storage.Upsert(ctx, s.handOvers, bson.M{"_id": producerID, "revision": bson.M{"$lt": revision}},
		bson.M{"$set": bson.M{"account_id": account, "revision": revision}})
	if storage.IsDuplicate(err) { // as new or newer stored already
		return nil
	}
	return storage.MapError(err, "producer hand-over")
}

// endIfHandedOver ends d, a producer's badge just made, when a hand-over processed already gave
// the profile to another account at a later revision than the badge's (it was made by a replica
// behind that hand-over, after the hand-over's consumer ended the badges it found), and refuses
// it (errNotHolder). Read after the badge's write, as the consumer records the hand-over before
// it reads the badges: one of the two always sees the other.
func (s *Store) endIfHandedOver(ctx context.Context, d badgeDoc) (Badge, error) {
	if d.Kind != KindProducer || d.AccountID == "" {
		return d.badge(), nil
	}
	var h handOverDoc
	err := s.handOvers.FindOne(ctx, bson.M{"_id": d.ParticipantID}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return d.badge(), nil
	}
	if err != nil {
		return Badge{}, storage.MapError(err, "producer hand-over")
	}
	if h.Revision <= d.OwnerRevision || h.AccountID == d.AccountID {
		return d.badge(), nil
	}
	if _, err := s.revokeBadge(ctx, d.ID); err != nil {
		return Badge{}, err
	}
	return Badge{}, errNotHolder
}
