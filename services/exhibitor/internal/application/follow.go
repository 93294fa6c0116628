package application

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// FollowProducer writes producer p's name and province, at its profile's revision, onto each of
// its applications that holds an older revision of the profile, each as a new revision of the
// application with its exhibitor.application.updated event; the status and everything else stay.
// An application that shows the same name and province only takes the revision, without an
// event (a new phone number or description changes nothing shown). It returns how many it wrote
// with an event. An application changed meanwhile (a review) is stale here and taken again, at
// its new revision, by the next round; the bound keeps an application that keeps changing from
// holding the loop. An application to a fair that is over (completed or cancelled) is a record of
// that fair, and keeps the name and province it was held under: it only takes the revision.
func (s *Store) FollowProducer(ctx context.Context, p Applicant, correlationID string) (int, error) {
	filter := bson.M{"producer_id": p.ProducerID,
		"$or": storage.OlderThan("producer_revision", p.Revision)}
	done := 0
	over := map[string]bool{}
	for range 50 {
		behind, err := s.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(100))
		if err != nil || len(behind) == 0 {
			return done, err
		}
		for _, a := range behind {
			ended, known := over[a.FairID]
			if !known {
				if ended, err = s.fairOver(ctx, a.FairID); err != nil {
					return done, err
				}
				over[a.FairID] = ended
			}
			if ended || (a.ProducerName == p.Name && a.Province == p.Province) {
				if err := s.takeRevision(ctx, a, p.Revision); err != nil {
					return done, err
				}
				continue
			}
			next, err := s.following(ctx, a, p)
			if err != nil {
				return done, err
			}
			err = s.save(ctx, next, a.Revision, events.ApplicationUpdated, correlationID)
			switch {
			case errors.Is(err, ErrStale):
			case err != nil:
				return done, err
			default:
				done++
			}
		}
	}
	return done, fmt.Errorf("applications of producer %s still behind its revision %d after many rounds", p.ProducerID, p.Revision)
}

// following is application a showing producer p as it now is. A producer that moved is judged
// again by the fair's province rule where it is now; a fair this service has not heard of keeps
// the rule as it was judged.
func (s *Store) following(ctx context.Context, a Application, p Applicant) (Application, error) {
	next := a
	next.ProducerName, next.Province, next.ProducerRevision = p.Name, p.Province, p.Revision
	next.Revision++
	if p.Province == a.Province {
		return next, nil
	}
	f, err := s.Fair(ctx, a.FairID)
	switch {
	case err == nil:
		next.Rules = WithProvince(a.Rules, f, p.Province)
	case !apperr.Is(err, apperr.NotFound):
		return Application{}, err
	}
	return next, nil
}

// takeRevision records that application a, at its revision, shows producer revision rev already;
// an application changed meanwhile is left to the next round.
func (s *Store) takeRevision(ctx context.Context, a Application, rev int64) error {
	_, err := storage.UpdateOne(ctx, s.c, bson.M{"_id": a.ID, "revision": a.Revision,
		"$or": storage.OlderThan("producer_revision", rev)},
		bson.M{"$set": bson.M{"producer_revision": rev}})
	return storage.MapError(err, "application")
}

// fairOver reports whether fair id is over: completed or cancelled. A fair this service has not
// heard of is not.
func (s *Store) fairOver(ctx context.Context, id string) (bool, error) {
	f, err := s.Fair(ctx, id)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil && f.Over(), err
}
