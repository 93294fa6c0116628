package booth

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
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
	// Changing holds a token (a UUIDv7, so it tells its time) for each change under way: set
	// before the booths' own write, taken away when the change is counted (changePlan).
	Changing []string `bson:"changing,omitempty"`
}

// errFloorplanStale is the floorplans writer's stale error: another write counted meanwhile.
var errFloorplanStale = errors.New("floor plan changed meanwhile")

// floorplanRevision returns the count of a fair's floor-plan changes (0: none yet), and whether
// the fair has a floorplans document.
func (s *Store) floorplanRevision(ctx context.Context, fairID string) (int64, bool, error) {
	var d floorplanDoc
	err := s.floorplans.Collection().FindOne(ctx, bson.M{"_id": fairID}, options.FindOne().SetProjection(bson.M{"revision": 1})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, false, nil
	}
	return d.Revision, err == nil, storage.MapError(err, "floor plan")
}

// changePlan runs write, a change of fair fairID's floor plan that reports whether it stored
// anything, between a mark that a change is under way and the change's count with its
// event.floorplan.changed event. The booths' own writes cannot carry the event (they are many
// documents, or a deletion), so a process stopped between the write and its count leaves the
// mark, and SweepChanging counts the change then: other replicas reload the plan, later but
// surely, and never before the write.
func (s *Store) changePlan(ctx context.Context, fairID string, write func() (bool, error)) error {
	token := uuid.Must(uuid.NewV7()).String()
	if _, err := storage.Upsert(ctx, s.floorplans.Collection(), bson.M{"_id": fairID},
		bson.M{"$push": bson.M{"changing": token}, "$setOnInsert": bson.M{"revision": int64(0)}}); err != nil {
		return storage.MapError(err, "floor plan")
	}
	changed, err := write()
	if !changed {
		// Nothing was stored for sure (no error, or the database's own refusal): the mark goes.
		// After any other error the write may have landed, and the sweep counts it.
		if err == nil || apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Conflict) {
			s.unmark(ctx, fairID, token)
		}
		return err
	}
	if cerr := s.floorplanChanged(ctx, fairID, correlation.From(ctx), token); err == nil {
		err = cerr
	}
	return err
}

// floorplanChanged counts a change of a fair's floor plan with its event.floorplan.changed
// event, taking away the marks of the changes it counts, then reloads the plan into this
// replica's model. It runs after the booths' own write, to its end even when the request's client
// goes away (other replicas learn of the change only from it).
func (s *Store) floorplanChanged(ctx context.Context, fairID, correlationID string, marks ...string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var err error
	for range storage.StaleTries {
		prev, exists, rerr := s.floorplanRevision(ctx, fairID)
		if rerr != nil {
			return rerr
		}
		ev := outbox.Event{Subject: events.FloorplanChanged, AggregateID: fairID,
			Payload: events.FloorplanChangedV1{FairID: fairID, Revision: prev + 1, At: time.Now().UTC()}}
		doc := floorplanDoc{ID: fairID, Revision: prev + 1} // its marks are not named, so kept
		if !exists {
			err = s.floorplans.Insert(ctx, doc, "", correlationID, ev)
		} else {
			err = s.floorplans.Replace(ctx, bson.M{"_id": fairID, "revision": prev}, doc, "", correlationID, ev)
		}
		if err == nil {
			// The marks go once the change is counted; a process stopped in between leaves them
			// to the sweep, which counts the change once more (a reload for nothing).
			s.unmark(ctx, fairID, marks...)
			return s.ReloadBooths(ctx, fairID, prev+1)
		}
	}
	return err
}

// unmark takes the marks of changes away from fair fairID's floor plan, to its end even when the
// request's client goes away; a mark it fails to take is counted again by the sweep.
func (s *Store) unmark(ctx context.Context, fairID string, marks ...string) {
	if len(marks) == 0 {
		return
	}
	_, _ = storage.UpdateOne(context.WithoutCancel(ctx), s.floorplans.Collection(), bson.M{"_id": fairID}, bson.M{"$pullAll": bson.M{"changing": marks}})
}

// SweepChanging counts the changes of floor plans marked as under way for longer than after
// (their process stopped between the write and its count; see changePlan), and returns how many
// floor plans it counted a change of.
func (s *Store) SweepChanging(ctx context.Context, after time.Duration) (int, error) {
	cur, err := s.floorplans.Collection().Find(ctx, bson.M{"changing.0": bson.M{"$exists": true}}, options.Find().SetProjection(bson.M{"changing": 1}))
	if err != nil {
		return 0, storage.MapError(err, "floor plans")
	}
	var docs []floorplanDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, storage.MapError(err, "floor plans")
	}
	n := 0
	for _, d := range docs {
		var stale []string
		for _, token := range d.Changing {
			if id, err := uuid.Parse(token); err != nil || time.Since(time.Unix(id.Time().UnixTime())) > after {
				stale = append(stale, token)
			}
		}
		if len(stale) == 0 {
			continue
		}
		if err := s.floorplanChanged(ctx, d.ID, "", stale...); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
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
