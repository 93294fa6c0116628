package buyer

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// A failed create gives its place back unless its request is stored: a create sent again (its
// ID stored by the first run) gives back the place it took, as does one whose write never landed;
// one whose write landed though its answer was lost keeps it. Each leaves the count equal to the
// open requests.
func TestAFailedCreateGivesItsPlaceBackUnlessStored(t *testing.T) {
	s := NewStore(testenv.DB(t))
	ctx := context.Background()
	count := func() int64 {
		t.Helper()
		var c openCount
		if err := s.openCounts.FindOne(ctx, bson.M{"_id": "b1"}).Decode(&c); err != nil {
			t.Fatal(err)
		}
		return c.Open
	}
	r := Request{ID: "r1", BuyerID: "b1", AccountID: "acc-b1", Open: true, Revision: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.TakeOpenPlace(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRequest(ctx, r, ""); err != nil {
		t.Fatal(err)
	}
	// Sent again: the place taken again goes back.
	if err := s.TakeOpenPlace(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	err := s.CreateRequest(ctx, r, "")
	if err == nil {
		t.Fatal("a second create under one ID stored")
	}
	s.GiveBackOpenPlace(ctx, "b1", r.ID, err)
	if n := count(); n != 1 {
		t.Errorf("after a create sent again the count is %d, want 1", n)
	}
	// An answer lost (a timeout) on a write that landed: the place stays with the request.
	if err := s.TakeOpenPlace(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	r2 := r
	r2.ID = "r2"
	if err := s.CreateRequest(ctx, r2, ""); err != nil {
		t.Fatal(err)
	}
	s.GiveBackOpenPlace(ctx, "b1", r2.ID, context.DeadlineExceeded)
	if n := count(); n != 2 {
		t.Errorf("after a create whose answer was lost the count is %d, want 2", n)
	}
	// A write that never landed, the caller gone: the place comes back all the same.
	if err := s.TakeOpenPlace(ctx, "b1"); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	s.GiveBackOpenPlace(gone, "b1", "r3", errors.New("write refused"))
	if n := count(); n != 2 {
		t.Errorf("after a create that never landed, its caller gone, the count is %d, want 2", n)
	}
}
