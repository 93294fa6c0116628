package booth

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// LandmarksCollection holds the landmarks of every fair's floor plan.
const LandmarksCollection = "landmarks"

type landmarkDoc struct {
	ID     string  `bson:"_id"`
	FairID string  `bson:"fair_id"`
	Kind   string  `bson:"kind"`
	Label  string  `bson:"label,omitempty"`
	X      float64 `bson:"x"`
	Y      float64 `bson:"y"`
	W      float64 `bson:"w"`
	H      float64 `bson:"h"`
}

func toLandmarkDoc(l Landmark) landmarkDoc {
	return landmarkDoc{ID: l.ID, FairID: l.FairID, Kind: l.Kind, Label: l.Label, X: l.X, Y: l.Y, W: l.W, H: l.H}
}

func (d landmarkDoc) landmark() Landmark {
	return Landmark{FairID: d.FairID, ID: d.ID, Kind: d.Kind, Label: d.Label, X: d.X, Y: d.Y, W: d.W, H: d.H}
}

// Landmarks returns a fair's landmarks in the order they were added (their IDs are UUIDv7).
func (s *Store) Landmarks(ctx context.Context, fairID string) ([]Landmark, error) {
	cur, err := s.landmarks.Find(ctx, bson.M{"fair_id": fairID}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storage.MapError(err, "landmarks")
	}
	var docs []landmarkDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "landmarks")
	}
	out := make([]Landmark, len(docs))
	for i, d := range docs {
		out[i] = d.landmark()
	}
	return out, nil
}

// Landmark returns one landmark of a fair; NotFound when the fair has none with id.
func (s *Store) Landmark(ctx context.Context, fairID, id string) (Landmark, error) {
	var d landmarkDoc
	if err := s.landmarks.FindOne(ctx, bson.M{"_id": id, "fair_id": fairID}).Decode(&d); err != nil {
		return Landmark{}, storage.MapError(err, "landmark")
	}
	return d.landmark(), nil
}

// AddLandmark stores a new landmark; a landmark with its ID already stored is a duplicate-key
// error (a re-run of the request that stored it).
func (s *Store) AddLandmark(ctx context.Context, l Landmark) error {
	return s.changePlan(ctx, l.FairID, func() (bool, error) {
		if _, err := s.landmarks.InsertOne(ctx, toLandmarkDoc(l)); err != nil {
			if storage.IsDuplicate(err) {
				return false, err
			}
			return false, storage.MapError(err, "landmark")
		}
		return true, nil
	})
}

// SaveLandmark changes landmark before, as it was read, into l: NotFound when it is gone, and
// Conflict landmark_changed_meanwhile when another edit changed it since it was read, so that
// neither edit undoes the other, on any replica. The write is conditional on every field read.
func (s *Store) SaveLandmark(ctx context.Context, before, l Landmark) error {
	return s.changePlan(ctx, l.FairID, func() (bool, error) {
		res, err := storage.UpdateOne(ctx, s.landmarks, landmarkAsRead(before), landmarkUpdate(l))
		if err != nil {
			return false, storage.MapError(err, "landmark")
		}
		if res.MatchedCount > 0 {
			return true, nil
		}
		if _, err := s.Landmark(ctx, l.FairID, l.ID); err != nil {
			return false, err
		}
		return false, apperr.New(apperr.Conflict, msgLandmarkChanged)
	})
}

// landmarkAsRead is the filter of landmark l as it was read, every field of it (an empty label
// is stored as none).
func landmarkAsRead(l Landmark) bson.M {
	d := toLandmarkDoc(l)
	label := any(d.Label)
	if d.Label == "" {
		label = bson.M{"$in": bson.A{nil, ""}}
	}
	return bson.M{"_id": d.ID, "fair_id": d.FairID, "kind": d.Kind, "label": label, "x": d.X, "y": d.Y, "w": d.W, "h": d.H}
}

// landmarkUpdate sets landmark l's fields, taking its label away when empty, as a new one is
// stored.
func landmarkUpdate(l Landmark) bson.M {
	d := toLandmarkDoc(l)
	set := bson.M{"kind": d.Kind, "x": d.X, "y": d.Y, "w": d.W, "h": d.H}
	if d.Label == "" {
		return bson.M{"$set": set, "$unset": bson.M{"label": ""}}
	}
	set["label"] = d.Label
	return bson.M{"$set": set}
}

// DeleteLandmark removes a landmark from a fair's plan; NotFound when it is gone.
func (s *Store) DeleteLandmark(ctx context.Context, fairID, id string) error {
	return s.changePlan(ctx, fairID, func() (bool, error) {
		res, err := s.landmarks.DeleteOne(ctx, bson.M{"_id": id, "fair_id": fairID})
		if err != nil {
			return false, storage.MapError(err, "landmark")
		}
		if res.DeletedCount == 0 {
			return false, storage.MapError(mongo.ErrNoDocuments, "landmark")
		}
		return true, nil
	})
}
