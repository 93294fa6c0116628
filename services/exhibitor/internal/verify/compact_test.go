package verify

import (
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestCompactFoldsOldDaysAndCountsThemOnce: the batches of the days past CompactAfter become one
// document a day and the views read back are the same; recent batches stay as they are; folding
// again changes nothing; a fold stopped between its two writes is counted once and finished by
// the next one.
func TestCompactFoldsOldDaysAndCountsThemOnce(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := t.Context()
	now := date("2026-12-06").Add(10 * time.Hour)
	first := now.Add(-CompactAfter - 3*24*time.Hour) // two old days, three batches each
	insert := func(at time.Time, counts ...events.ScanCountV1) string {
		t.Helper()
		b, err := st.Insert(ctx, counts, at)
		if err != nil {
			t.Fatal(err)
		}
		return b.BatchID
	}
	view := func(product, fair string, at time.Time, n int) events.ScanCountV1 {
		return events.ScanCountV1{ProductID: product, ProducerID: "prod", FairID: fair, Day: day(at).Format(time.DateOnly), Count: n}
	}
	for d := range 2 {
		at := first.Add(time.Duration(d) * 24 * time.Hour)
		for i := range 3 {
			at := at.Add(time.Duration(i) * time.Hour)
			insert(at, view("p1", "f1", at, 2+i), view("p2", "", at, 1))
		}
	}
	insert(now.Add(-time.Hour), view("p1", "f2", now, 7)) // recent: stays a batch
	want := readBack(t, st)

	if n, err := st.Compact(ctx, now); err != nil || n != 6 {
		t.Fatalf("Compact = %d, %v, want the six old batches folded", n, err)
	}
	if n := docs(t, st); n != 3 {
		t.Errorf("%d documents after folding, want 2 days and the recent batch", n)
	}
	if got := readBack(t, st); got != want {
		t.Errorf("views after folding:\n%s\nwant\n%s", got, want)
	}
	if n, err := st.Compact(ctx, now); err != nil || n != 0 {
		t.Errorf("Compact again = %d, %v, want nothing to fold", n, err)
	}

	// A third old day, folded by a run stopped before its deletes: its document and its
	// batches are both stored.
	at := first.Add(-24 * time.Hour)
	ids := []string{insert(at, view("p3", "f1", at, 4)), insert(at.Add(time.Minute), view("p3", "f1", at, 5))}
	want = readBack(t, st)
	var batches []batchDoc
	cur, err := st.c.Find(ctx, bson.M{"_id": bson.M{"$in": ids}})
	if err != nil || cur.All(ctx, &batches) != nil || len(batches) != 2 {
		t.Fatalf("read the third day's batches: %v %d", err, len(batches))
	}
	if _, err := st.c.InsertOne(ctx, dayDoc{ID: dayPrefix + day(at).Format(time.DateOnly), At: day(at), Counts: sumCounts(batches), Sources: ids}); err != nil {
		t.Fatal(err)
	}
	if got := readBack(t, st); got != want {
		t.Errorf("views with a fold half done:\n%s\nwant\n%s", got, want)
	}
	if n, err := st.Compact(ctx, now); err != nil || n != 2 || docs(t, st) != 4 {
		t.Errorf("Compact after a fold half done = %d, %v, %d documents; want its 2 batches deleted, 4 documents", n, err, docs(t, st))
	}
	if got := readBack(t, st); got != want {
		t.Errorf("views after the fold finished:\n%s\nwant\n%s", got, want)
	}
}

// readBack loads a fresh model from the store and says every product's views.
func readBack(t *testing.T, st *Store) string {
	t.Helper()
	m := NewStats()
	if _, err := st.Load(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, p := range []string{"p1", "p2", "p3"} {
		total, days, fairs := m.Of(p)
		out += fmt.Sprintf("%s: %d %v %v\n", p, total, days, fairs)
	}
	return out
}

func docs(t *testing.T, st *Store) int64 {
	t.Helper()
	n, err := st.c.CountDocuments(t.Context(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
