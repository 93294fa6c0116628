package booth

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// A change of a floor plan whose process stopped between the booths' write and the change's count
// is counted by the sweep once its mark is old enough; a change that completes, or stores nothing,
// leaves no mark behind.
func TestAChangeLeftUncountedIsCountedByTheSweep(t *testing.T) {
	ctx := context.Background()
	rt, _ := heldFixture(t, "A01")
	s := rt.Booths
	changing := func() []string {
		var d floorplanDoc
		if err := s.floorplans.Collection().FindOne(ctx, bson.M{"_id": "f1"}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return d.Changing
	}
	if _, err := s.AddBooths(ctx, []Booth{{FairID: "f1", Code: "A01", Zone: "Khu A", Kind: Standard, W: 3, H: 3}}); err == nil {
		t.Fatal("adding a booth code already on the plan succeeded")
	}
	if marks := changing(); len(marks) != 0 {
		t.Errorf("marks after a change that stored nothing: %v, want none", marks)
	}
	before, _, err := s.floorplanRevision(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	// The mark of a change an hour old, and of one under way now.
	stopped, now := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()).String()
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(time.Now().Add(-time.Hour).UnixMilli()))
	copy(stopped[:6], ms[2:])
	for _, token := range []string{stopped.String(), now} {
		if _, err := storage.UpdateOne(ctx, s.floorplans.Collection(), bson.M{"_id": "f1"}, bson.M{"$push": bson.M{"changing": token}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.SweepChanging(ctx, time.Minute); err != nil || n != 1 {
		t.Fatalf("SweepChanging = %d, %v; want the stopped change counted", n, err)
	}
	after, _, err := s.floorplanRevision(ctx, "f1")
	if err != nil || after != before+1 {
		t.Errorf("revision %d after the sweep (%v), want %d", after, err, before+1)
	}
	if marks := changing(); len(marks) != 1 || marks[0] != now {
		t.Errorf("marks after the sweep: %v, want only the change under way", marks)
	}
	if n, err := s.SweepChanging(ctx, time.Minute); err != nil || n != 0 {
		t.Errorf("a second sweep = %d, %v; want nothing to count", n, err)
	}
}
