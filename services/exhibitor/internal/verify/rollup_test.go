package verify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// loaded is what a replica starting now shows of the views of products p1 and p2.
func loaded(t *testing.T, s *Store) string {
	t.Helper()
	m := NewStats()
	if _, err := s.Load(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, p := range []string{"p1", "p2"} {
		total, days, fairs := m.Of(p)
		out += fmt.Sprintf("%s: %d %v %v; ", p, total, days, fairs)
	}
	return out
}

// The counted views of days long past are summed up into one document a day and their batches
// removed; a replica starting afterwards shows the same views. A roll-up stopped between storing
// the day and removing its batches counts nothing twice, and the next one removes them; recent
// days are left as they are.
func TestPastDaysOfViewsAreRolledUp(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(ctx, Indexes()...); err != nil {
		t.Fatal(err)
	}
	s := NewStore(db)
	now := time.Now()
	old := day(now.Add(-RollupAfter)).AddDate(0, 0, -3)
	insert := func(at time.Time, counts ...events.ScanCountV1) {
		t.Helper()
		if _, err := s.Insert(ctx, counts, at); err != nil {
			t.Fatal(err)
		}
	}
	viewed := func(product, fair string, on time.Time, n int) events.ScanCountV1 {
		return events.ScanCountV1{ProductID: product, ProducerID: "pr-" + product, FairID: fair, Day: on.Format(time.DateOnly), Count: n}
	}
	for i := range 5 { // five flushes on each of two old days, one spilling over midnight
		insert(old.Add(time.Duration(i)*time.Hour+time.Minute), viewed("p1", "f1", old, 2), viewed("p2", "", old, 1))
		insert(old.AddDate(0, 0, 1).Add(time.Duration(i)*time.Second), viewed("p1", "f1", old, 1), viewed("p1", "f1", old.AddDate(0, 0, 1), 3))
	}
	insert(now.Add(-time.Hour), viewed("p1", "", day(now), 7))
	yesterday := day(now).AddDate(0, 0, -1)
	insert(yesterday.Add(time.Hour), viewed("p2", "", yesterday, 4)) // ended, but not long enough
	want := loaded(t, s)
	n, err := s.Rollup(ctx, now)
	if err != nil || n != 10 {
		t.Fatalf("the roll-up removed %d batches (%v), want the 10 of the two old days", n, err)
	}
	if got := loaded(t, s); got != want {
		t.Errorf("after the roll-up a start shows\n%s\nwant\n%s", got, want)
	}
	if left, _ := s.c.CountDocuments(ctx, map[string]any{}); left != 2 {
		t.Errorf("%d batches left, want the two recent ones", left)
	}
	// A roll-up that stored a day and stopped before removing its batches.
	insert(old.Add(2*time.Hour), viewed("p2", "", old, 1))
	if got := loaded(t, s); got != want {
		t.Errorf("with a rolled-up day's batch left behind a start shows\n%s\nwant\n%s", got, want)
	}
	if n, err := s.Rollup(ctx, now); err != nil || n != 1 {
		t.Errorf("the next roll-up removed %d batches (%v), want the one left behind", n, err)
	}
	if n, err := s.Rollup(ctx, now); err != nil || n != 0 {
		t.Errorf("a roll-up with nothing to do removed %d (%v)", n, err)
	}
	if got := loaded(t, s); got != want {
		t.Errorf("in the end a start shows\n%s\nwant\n%s", got, want)
	}
}
