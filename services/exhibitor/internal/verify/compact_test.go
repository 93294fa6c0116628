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
// document a day, their batches deleted at a later run; the views read back are the same at
// every step (a replica loading between the two sees the day and its batches, and counts them
// once); recent batches stay as they are; folding again changes nothing; a day another replica
// folded meanwhile keeps a batch it did not list, counted as a batch.
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
	step := func(name string, at time.Time, folded, deleted int, left int64) {
		t.Helper()
		if f, d, err := st.Compact(ctx, at); err != nil || f != folded || d != deleted || docs(t, st) != left {
			t.Errorf("%s: folded %d, deleted %d, %v, %d documents; want %d, %d, %d", name, f, d, err, docs(t, st), folded, deleted, left)
		}
		if got := readBack(t, st); got != want {
			t.Errorf("views after %s:\n%s\nwant\n%s", name, got, want)
		}
	}
	step("folding", now, 6, 0, 9)
	step("deleting too soon", now.Add(deleteAfter/2), 0, 0, 9)
	step("deleting", now.Add(deleteAfter), 0, 6, 3)
	step("compacting again", now.Add(2*deleteAfter), 0, 0, 3)

	// A third old day, folded by another replica that had one of its two batches.
	at := first.Add(-24 * time.Hour)
	ids := []string{insert(at, view("p3", "f1", at, 4)), insert(at.Add(time.Minute), view("p3", "f1", at, 5))}
	want = readBack(t, st)
	var one []batchDoc
	cur, err := st.c.Find(ctx, bson.M{"_id": ids[0]})
	if err != nil || cur.All(ctx, &one) != nil || len(one) != 1 {
		t.Fatalf("read the third day's first batch: %v %d", err, len(one))
	}
	c := one[0].Counts[0]
	other := dayDoc{ID: dayKind + ":" + day(at).Format(time.DateOnly), Kind: dayKind, At: day(at), Counts: []countDoc{c}, Sources: ids[:1], FoldedAt: now}
	if _, err := st.c.InsertOne(ctx, other); err != nil {
		t.Fatal(err)
	}
	step("another replica's fold", now.Add(deleteAfter), 0, 1, 5)
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

// TestCompactFoldsAMonthARun: a first run over a long backlog folds the oldest foldDays days,
// the next run the rest; the views read back stay the same.
func TestCompactFoldsAMonthARun(t *testing.T) {
	st := NewStore(testenv.DB(t))
	ctx := t.Context()
	now := date("2026-12-06").Add(10 * time.Hour)
	last := now.Add(-CompactAfter - 24*time.Hour)
	for d := range foldDays + 2 { // newest first: the order read is not the days' order
		at := last.Add(-time.Duration(d) * 24 * time.Hour)
		if _, err := st.Insert(ctx, []events.ScanCountV1{{ProductID: "p1", ProducerID: "prod", Day: day(at).Format(time.DateOnly), Count: d + 1}}, at); err != nil {
			t.Fatal(err)
		}
	}
	want := readBack(t, st)
	if f, _, err := st.Compact(ctx, now); err != nil || f != foldDays {
		t.Fatalf("first run folded %d, %v; want %d", f, err, foldDays)
	}
	var newest dayDoc
	if err := st.c.FindOne(ctx, bson.M{"_id": dayKind + ":" + day(last).Format(time.DateOnly)}).Decode(&newest); err == nil {
		t.Errorf("the newest day was folded in the first run, want the oldest %d", foldDays)
	}
	if f, _, err := st.Compact(ctx, now.Add(24*time.Hour)); err != nil || f != 2 {
		t.Errorf("second run folded %d, %v; want 2", f, err)
	}
	if got := readBack(t, st); got != want {
		t.Errorf("views after two runs:\n%s\nwant\n%s", got, want)
	}
}
