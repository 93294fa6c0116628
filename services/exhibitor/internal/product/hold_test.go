package product

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// A removal and an application being sent with the product each see the other's mark: the
// application is refused on that product's field and leaves no hold; a removal waits for a hold
// and gives way once the wait is over; a released mark no longer counts, nor one left behind
// (by a request that never ended) once its window is over, and a request that took too long to
// act on its own mark gives up. Each removal has its own mark.
func TestRemovalsAndApplicationsSeeEachOthersMarks(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	if err := db.EnsureIndexes(ctx, HoldIndexes()...); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	h := NewHolds(db, func() time.Time { return now })
	h.Wait = 120 * time.Millisecond
	marks := func() int64 {
		n, err := db.Collection(HoldsCollection).CountDocuments(ctx, bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	removal, err := h.Removing(ctx, "p2")
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Hold(ctx, "app-1", []string{"p1", "p2"})
	if apperr.KindOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "product_ids[1]") || strings.Contains(err.Error(), "product_ids[0]") {
		t.Errorf("an application naming a product being removed: %v, want a field error on product_ids[1] alone", err)
	}
	if n := marks(); n != 1 {
		t.Errorf("%d marks after the refused application, want the removal's alone", n)
	}
	removal.Release()
	hold, err := h.Hold(ctx, "app-2", []string{"p1", "p2"})
	if err != nil {
		t.Fatalf("an application once the removal is released: %v", err)
	}
	begun := time.Now()
	if _, err := h.Removing(ctx, "p1"); !apperr.Is(err, apperr.Conflict) || time.Since(begun) < h.Wait {
		t.Errorf("a removal while an application holds the product: %v after %v, want a conflict after waiting %v", err, time.Since(begun), h.Wait)
	}
	if n := marks(); n != 2 {
		t.Errorf("%d marks after the refused removal, want the application's two", n)
	}
	if err := hold.Valid(); err != nil {
		t.Errorf("a fresh hold: %v", err)
	}
	now = now.Add(IntentDeadline + time.Second)
	if err := hold.Valid(); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("a hold past its deadline: %v, want unavailable", err)
	}
	// The application's request never ended: its holds count no longer once the window is over,
	// and the removal clears them.
	now = now.Add(IntentWindow)
	removal, err = h.Removing(ctx, "p1")
	if err != nil {
		t.Fatalf("a removal beside holds left behind: %v", err)
	}
	if n := marks(); n != 2 {
		t.Errorf("%d marks after it, want its own and p2's hold", n)
	}
	// This removal's request never ends either: an application a window later passes.
	now = now.Add(IntentWindow + time.Second)
	if _, err := h.Hold(ctx, "app-3", []string{"p1"}); err != nil {
		t.Errorf("an application beside a removal left behind: %v", err)
	}
	_ = removal
	// Two removals of one product at once: the first ending leaves the second's mark.
	first, err := h.Removing(ctx, "p3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Removing(ctx, "p3"); err != nil {
		t.Fatal(err)
	}
	first.Release()
	if _, err := h.Hold(ctx, "app-4", []string{"p3"}); apperr.KindOf(err) != apperr.Invalid {
		t.Errorf("an application beside the second of two removals, the first ended: %v, want refused", err)
	}
}

// An application sent again under the same ID (its Idempotency-Key's), after a first run that
// died holding its products, holds them beside the marks left behind instead of colliding with
// them; releasing the second leaves the first run's marks to their window.
func TestARerunHoldsBesideTheMarksOfTheRunThatDied(t *testing.T) {
	db := testenv.DB(t)
	ctx := context.Background()
	h := NewHolds(db, nil)
	if _, err := h.Hold(ctx, "app-1", []string{"p1", "p2"}); err != nil {
		t.Fatal(err)
	}
	again, err := h.Hold(ctx, "app-1", []string{"p1", "p2"})
	if err != nil {
		t.Fatalf("the re-run's hold: %v", err)
	}
	again.Release()
	if n, err := db.Collection(HoldsCollection).CountDocuments(ctx, bson.M{"kind": kindHold}); err != nil || n != 2 {
		t.Errorf("%d holds (%v) once the re-run released its own, want the first run's 2", n, err)
	}
}
