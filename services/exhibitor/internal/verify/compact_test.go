package verify

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// compactFixture is a store holding batches flushed on two days old enough to fold (one batch
// just before midnight, counting views of the day before and of the day after), and on a recent
// day that must stay as it is.
type compactFixture struct {
	st       *Store
	now      time.Time
	products []string
	old      [2]time.Time // the two old days, at midnight in Vietnam
}

func newCompactFixture(t *testing.T) *compactFixture {
	t.Helper()
	x := &compactFixture{st: NewStore(testenv.DB(t)), now: date("2026-12-04").Add(15 * time.Hour), products: []string{"p1", "p2", "p3"}}
	x.old = [2]time.Time{x.now.AddDate(0, 0, -20), x.now.AddDate(0, 0, -12)}
	x.old[0], x.old[1] = day(x.old[0]), day(x.old[1])
	flush := func(at time.Time, counts ...events.ScanCountV1) {
		if _, err := x.st.Insert(context.Background(), counts, at); err != nil {
			t.Fatal(err)
		}
	}
	view := func(product, fair string, on time.Time, n int) events.ScanCountV1 {
		return events.ScanCountV1{ProductID: product, ProducerID: "prod-" + product, FairID: fair, Day: on.Format(time.DateOnly), Count: n}
	}
	for i, d := range x.old {
		flush(d.Add(9*time.Hour), view("p1", "f1", d, 3), view("p2", "f1", d, 1))
		flush(d.Add(12*time.Hour), view("p1", "f1", d, 2+i), view("p3", "", d, 7))
		flush(d.Add(23*time.Hour+59*time.Minute+50*time.Second), view("p1", "f1", d, 1), view("p1", "f1", d.AddDate(0, 0, 1), 4))
	}
	recent := day(x.now.AddDate(0, 0, -2))
	flush(recent.Add(10*time.Hour), view("p2", "f2", recent, 5))
	return x
}

// read is what a model freshly loaded from the store says of each product.
func (x *compactFixture) read(t *testing.T) map[string]any {
	t.Helper()
	m := NewStats()
	if _, err := x.st.Load(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, p := range x.products {
		total, days, fairs := m.Of(p)
		out[p] = []any{total, days, fairs}
	}
	return out
}

// docs counts the stored batches and folds.
func (x *compactFixture) docs(t *testing.T) (batches, folds int) {
	t.Helper()
	ctx := context.Background()
	b, err := x.st.c.CountDocuments(ctx, bson.M{"replaces": bson.M{"$exists": false}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := x.st.c.CountDocuments(ctx, bson.M{"replaces": bson.M{"$exists": true}})
	if err != nil {
		t.Fatal(err)
	}
	return int(b), int(f)
}

// The batches of days past the outbox's horizon fold into one document a day, and a model loaded
// afterwards counts every product's views, by day and fair, as before; a second run changes
// nothing, and the recent day's batch stays.
func TestCompactFoldsOldDaysAndCountsTheSame(t *testing.T) {
	x := newCompactFixture(t)
	before := x.read(t)
	days, err := x.st.Compact(context.Background(), x.now)
	if err != nil || days != 2 {
		t.Fatalf("Compact = %d, %v; want the two old days folded", days, err)
	}
	if b, f := x.docs(t); b != 1 || f != 2 {
		t.Errorf("after Compact: %d batches and %d folds, want the recent batch and a fold per old day", b, f)
	}
	if diff := cmp.Diff(before, x.read(t)); diff != "" {
		t.Errorf("the counts after the fold (-before +after):\n%s", diff)
	}
	if days, err := x.st.Compact(context.Background(), x.now); err != nil || days != 0 {
		t.Errorf("a second Compact = %d, %v; want nothing left to fold", days, err)
	}
	if b, f := x.docs(t); b != 1 || f != 2 {
		t.Errorf("after a second Compact: %d batches and %d folds, want 1 and 2", b, f)
	}
}

// A fold stored without its batches deleted (the process stopped in between) counts them once,
// and the next run deletes them without folding them again.
func TestCompactStoppedBeforeTheDeleteCountsOnce(t *testing.T) {
	x := newCompactFixture(t)
	before := x.read(t)
	var batches []batchDoc
	cur, err := x.st.c.Find(context.Background(), bson.M{"at": bson.M{"$gte": x.old[0], "$lt": x.old[0].AddDate(0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cur.All(context.Background(), &batches); err != nil || len(batches) != 3 {
		t.Fatalf("the first old day's batches: %d, %v; want 3", len(batches), err)
	}
	fold := dayDoc{ID: "day-stopped", At: x.old[0], Day: x.old[0].Format(time.DateOnly), Counts: sumCounts(batches)}
	for _, b := range batches {
		fold.Replaces = append(fold.Replaces, b.ID)
	}
	if _, err := x.st.c.InsertOne(context.Background(), fold); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, x.read(t)); diff != "" {
		t.Errorf("the counts with a fold and its batches both stored (-before +after):\n%s", diff)
	}
	if _, err := x.st.Compact(context.Background(), x.now); err != nil {
		t.Fatal(err)
	}
	if b, f := x.docs(t); b != 1 || f != 2 {
		t.Errorf("after Compact: %d batches and %d folds, want the recent batch and a fold per old day", b, f)
	}
	if diff := cmp.Diff(before, x.read(t)); diff != "" {
		t.Errorf("the counts after Compact finished the fold (-before +after):\n%s", diff)
	}
}

// Replicas compacting at once (each its own run, as each replica's job does) count every view
// once.
func TestCompactByReplicasAtOnceCountsOnce(t *testing.T) {
	x := newCompactFixture(t)
	before := x.read(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Go(func() { _, errs[i] = x.st.Compact(context.Background(), x.now) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := x.docs(t); b != 1 {
		t.Errorf("after the runs %d batches are left, want only the recent one", b)
	}
	if diff := cmp.Diff(before, x.read(t)); diff != "" {
		t.Errorf("the counts after three runs at once (-before +after):\n%s", diff)
	}
}
