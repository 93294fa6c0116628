package booth

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// FloorplansCollection counts each fair's floor-plan changes and carries their
// event.floorplan.changed events: booths are written many at a time and deleted, so their own
// documents cannot carry an outbox.
const FloorplansCollection = "floorplans"

type floorplanDoc struct {
	ID       string `bson:"_id"`
	Revision int64  `bson:"revision"`
}

// errFloorplanStale is the floorplans writer's stale error: another write counted meanwhile.
var errFloorplanStale = errors.New("floor plan changed meanwhile")

// floorplanRevision returns the count of a fair's floor-plan changes (0: none yet).
func (s *Store) floorplanRevision(ctx context.Context, fairID string) (int64, error) {
	var d floorplanDoc
	err := s.floorplans.Collection().FindOne(ctx, bson.M{"_id": fairID}, options.FindOne().SetProjection(bson.M{"revision": 1})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	return d.Revision, storage.MapError(err, "floor plan")
}

// floorplanChanged counts a change of a fair's floor plan with its event.floorplan.changed
// event, then reloads the plan into this replica's model. It runs after the booths' own write,
// to its end even when the request's client goes away (other replicas learn of the change only
// from it).
func (s *Store) floorplanChanged(ctx context.Context, fairID, correlationID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var err error
	for range storage.StaleTries {
		var prev int64
		if prev, err = s.floorplanRevision(ctx, fairID); err != nil {
			return err
		}
		doc := floorplanDoc{ID: fairID, Revision: prev + 1}
		ev := outbox.Event{Subject: events.FloorplanChanged, AggregateID: fairID,
			Payload: events.FloorplanChangedV1{FairID: fairID, Revision: doc.Revision, At: time.Now().UTC()}}
		if prev == 0 {
			err = s.floorplans.Insert(ctx, doc, "", correlationID, ev)
		} else {
			err = s.floorplans.Replace(ctx, bson.M{"_id": fairID, "revision": prev}, doc, "", correlationID, ev)
		}
		if err == nil {
			return s.ReloadBooths(ctx, fairID, doc.Revision)
		}
	}
	return err
}

// ReloadBooths reads a fair's booths and landmarks into the model, unless it holds them at
// revision or newer.
func (s *Store) ReloadBooths(ctx context.Context, fairID string, revision int64) error {
	if s.Plans == nil || !s.Plans.Older(fairID, revision) {
		return nil
	}
	booths, err := s.Booths(ctx, fairID)
	if err != nil {
		return err
	}
	landmarks, err := s.Landmarks(ctx, fairID)
	if err != nil {
		return err
	}
	s.Plans.SetLayout(fairID, booths, landmarks, revision)
	return nil
}

// assignment returns the assignment with id, released or not.
func (s *Store) assignment(ctx context.Context, id string) (Assignment, error) {
	var d assignmentDoc
	err := s.assignments.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d)
	if err != nil {
		return Assignment{}, storage.MapError(err, "booth assignment")
	}
	return d.assignment(), nil
}
