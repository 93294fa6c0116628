package buyer

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// Two replicas: A marks p1's interest in r1 at 10:00; B, before its refresh, is tapped at
// 10:00:20. The interest is stored at 10:00, and B answers and holds 10:00 too: it answered
// 10:00:20, so the buyer's list read a different time and order from each replica.
func TestAMarkAnswersTheTimeStored(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	a, b := NewInterests(db), NewInterests(db)
	t0 := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	if _, err := a.Mark(ctx, Interest{RequestID: "r1", ProducerID: "p1", BuyerID: "b1", At: t0}); err != nil {
		t.Fatal(err)
	}
	got, err := b.Mark(ctx, Interest{RequestID: "r1", ProducerID: "p1", BuyerID: "b1", At: t0.Add(20 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	held, _ := b.Of("r1", "p1")
	if !got.At.Equal(t0) || !held.At.Equal(t0) {
		t.Errorf("marked again through another replica: answered %v, held %v, want the %v stored", got.At, held.At, t0)
	}
}
