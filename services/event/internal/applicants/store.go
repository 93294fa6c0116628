package applicants

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections of the read model.
const (
	Collection         = "applications"
	OutcomesCollection = "meeting_outcomes"
)

// Indexes for the allocator's and reports' queries.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: OutcomesCollection, Keys: bson.D{{Key: "fair_id", Value: 1}}},
	}
}

// Store is the read model.
type Store struct {
	apps     *mongo.Collection
	outcomes *mongo.Collection
}

// NewStore returns the read model on db.
func NewStore(db *storage.DB) *Store {
	return &Store{apps: db.Collection(Collection), outcomes: db.Collection(OutcomesCollection)}
}

// Project stores a, unless the read model holds the same or a newer revision of it already (an
// event arrived late or twice).
func (s *Store) Project(ctx context.Context, a Application) error {
	set, err := storage.Fields(a)
	if err != nil {
		return err
	}
	delete(set, "_id")
	_, err = storage.Upsert(ctx, s.apps, bson.M{"_id": a.ID, "revision": bson.M{"$lt": a.Revision}}, bson.M{"$set": set})
	if err != nil && !storage.IsDuplicate(err) {
		return err
	}
	return nil
}

// RecordOutcome stores o unless a newer outcome of its meeting is stored, or the meeting was
// cancelled.
func (s *Store) RecordOutcome(ctx context.Context, o Outcome) error {
	// A newer outcome replaces an older one: by the meeting's revision (a replica's clock may be
	// behind another's), or, for events from before revisions, by time. A cancelled meeting's
	// document matches neither, so the upsert's insert fails on the existing _id and the outcome
	// is dropped.
	newer := bson.M{"_id": o.MeetingID, "recorded_at": bson.M{"$lt": o.RecordedAt}, "cancelled": bson.M{"$ne": true}}
	set := bson.M{"fair_id": o.FairID, "outcome": o.Outcome, "value_vnd": o.ValueVND, "recorded_at": o.RecordedAt}
	if o.Revision > 0 {
		newer = bson.M{"_id": o.MeetingID, "$or": storage.OlderThan("revision", o.Revision), "cancelled": bson.M{"$ne": true}}
		set["revision"] = o.Revision
	}
	_, err := storage.Upsert(ctx, s.outcomes, newer, bson.M{"$set": set})
	if storage.IsDuplicate(err) {
		return nil
	}
	return err
}

// MarkCancelled marks a meeting of a fair cancelled, whether its outcome came before or comes
// after.
func (s *Store) MarkCancelled(ctx context.Context, meetingID, fairID string) error {
	_, err := storage.Upsert(ctx, s.outcomes, bson.M{"_id": meetingID}, bson.M{"$set": bson.M{"fair_id": fairID, "cancelled": true}})
	if storage.IsDuplicate(err) {
		// The outcome's document was inserted between our match and our insert: mark it now.
		_, err = storage.UpdateOne(ctx, s.outcomes, bson.M{"_id": meetingID}, bson.M{"$set": bson.M{"cancelled": true}})
	}
	return err
}

// Get returns one application; NotFound when the read model has none with id.
func (s *Store) Get(ctx context.Context, id string) (Application, error) {
	var a Application
	if err := s.apps.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return Application{}, storage.MapError(err, "application")
	}
	a.SubmittedAt = a.SubmittedAt.In(vntext.Zone)
	return a, nil
}

// ForFair returns the applications of a fair with one of statuses (all when none given).
func (s *Store) ForFair(ctx context.Context, fairID string, statuses ...string) ([]Application, error) {
	q := bson.M{"fair_id": fairID}
	if len(statuses) > 0 {
		q["status"] = bson.M{"$in": statuses}
	}
	cur, err := s.apps.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "submitted_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storage.MapError(err, "applications")
	}
	var out []Application
	if err := cur.All(ctx, &out); err != nil {
		return nil, storage.MapError(err, "applications")
	}
	return out, nil
}

// Outcomes returns the outcomes of a fair's meetings that were not cancelled.
func (s *Store) Outcomes(ctx context.Context, fairID string) ([]Outcome, error) {
	cur, err := s.outcomes.Find(ctx, bson.M{"fair_id": fairID, "cancelled": bson.M{"$ne": true}})
	if err != nil {
		return nil, storage.MapError(err, "meeting outcomes")
	}
	var out []Outcome
	if err := cur.All(ctx, &out); err != nil {
		return nil, storage.MapError(err, "meeting outcomes")
	}
	return out, nil
}
