package report

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// AttendedCollection holds the meetings marked attended from their participants' check-ins
// (matchmaking.meeting.attended): one document per meeting.
const AttendedCollection = "meetings_attended"

// AttendanceIndexes are the indexes of the report's count of a fair's attended meetings.
func AttendanceIndexes() []storage.Index {
	return []storage.Index{{Collection: AttendedCollection, Keys: bson.D{{Key: "fair_id", Value: 1}}}}
}

type attendedDoc struct {
	ID         string    `bson:"_id"` // the meeting: a redelivered or repeated event adds nothing
	FairID     string    `bson:"fair_id"`
	AttendedAt time.Time `bson:"attended_at"`
}

// AttendanceStore keeps the meetings attended, by fair.
type AttendanceStore struct{ c *mongo.Collection }

// NewAttendanceStore returns the store on db.
func NewAttendanceStore(db *storage.DB) *AttendanceStore {
	return &AttendanceStore{c: db.Collection(AttendedCollection)}
}

// Record stores that a meeting was attended. The meeting is the key, so storing it again
// changes nothing.
func (s *AttendanceStore) Record(ctx context.Context, a events.MeetingAttendedV1) error {
	_, err := s.c.InsertOne(ctx, attendedDoc{ID: a.MeetingID, FairID: a.FairID, AttendedAt: a.AttendedAt})
	if err != nil && !storage.IsDuplicate(err) {
		return fmt.Errorf("record meeting %s attended: %w", a.MeetingID, err)
	}
	return nil
}

// Count counts a fair's meetings attended.
func (s *AttendanceStore) Count(ctx context.Context, fairID string) (int, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{"fair_id": fairID})
	return int(n), storage.MapError(err, "meetings")
}
