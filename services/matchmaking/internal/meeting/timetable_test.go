package meeting

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

func takeLease(t *testing.T, s *Store, fairID string, now time.Time) Lease {
	t.Helper()
	l, err := s.TakeLease(context.Background(), fairID, "holder-"+now.Format(time.RFC3339Nano), now, time.Minute)
	if err != nil {
		t.Fatalf("TakeLease(%s) = %v", now, err)
	}
	return l
}

func timetable(l Lease, at time.Time, places map[string]Placement) Timetable {
	return Timetable{FairID: l.FairID, Version: l.Epoch, Placements: places, CreatedAt: at}
}

func TestARunThatLostItsLeaseDoesNotSave(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.DB(t))
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	places := map[string]Placement{"m1": {Day: "2026-12-10", Slot: 1, Table: 1}}

	// The run's own clock says its lease has expired.
	old := takeLease(t, s, "f1", t0)
	if err := s.SaveTimetable(ctx, old, t0.Add(2*time.Minute), timetable(old, t0, places), ""); err != ErrLeaseLost {
		t.Errorf("SaveTimetable after the lease expired = %v, want ErrLeaseLost", err)
	}

	// Another replica saw it expire and started a newer run; the old run's clock is behind and
	// still thinks it holds the fair.
	newer := takeLease(t, s, "f1", t0.Add(90*time.Second))
	if err := s.SaveTimetable(ctx, old, t0.Add(30*time.Second), timetable(old, t0, places), ""); err != ErrLeaseLost {
		t.Errorf("SaveTimetable of a run overtaken by a newer one = %v, want ErrLeaseLost", err)
	}
	if err := s.SaveTimetable(ctx, newer, t0.Add(100*time.Second), timetable(newer, t0, places), ""); err != nil {
		t.Fatalf("SaveTimetable of the newer run = %v", err)
	}
	got, err := s.Timetable(ctx, "f1")
	if err != nil || got.Version != newer.Epoch {
		t.Errorf("Timetable = version %d, %v; want %d", got.Version, err, newer.Epoch)
	}
	// A run that released its lease no longer holds it either.
	if err := s.ReleaseLease(ctx, newer); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTimetable(ctx, newer, t0.Add(100*time.Second), timetable(newer, t0, places), ""); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("SaveTimetable after release = %v, want a conflict", err)
	}
}

func TestOldSchedulesAndLeasesArePrunedOnceTheirEventsAreOut(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	s := NewStore(db)
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	count := func(c string) int64 {
		t.Helper()
		n, err := db.Collection(c).CountDocuments(ctx, bson.M{"fair_id": "f1"})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var first outbox.Entry
	for i := range 6 {
		now := t0.Add(time.Duration(i) * time.Hour)
		l := takeLease(t, s, "f1", now)
		ev := outbox.Event{Subject: events.MeetingScheduled, AggregateID: "m1", Payload: events.MeetingChangedV1{Meeting: events.MeetingV1{ID: "m1", FairID: "f1", Slot: i + 1}}}
		if err := s.SaveTimetable(ctx, l, now, timetable(l, now, map[string]Placement{"m1": {Day: "2026-12-10", Slot: i + 1, Table: 1}}), "", ev); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		entries, err := outbox.Pending(ctx, db.Database, SchedulesCollection, runID("f1", l.Epoch))
		if err != nil || len(entries) != 1 {
			t.Fatalf("run %d stored events %v (%v), want its one event", i+1, entries, err)
		}
		env := entries[0]
		if i == 0 {
			first = env
		}
		if i > 0 {
			// Every event but the first run's has been published.
			if _, err := db.Collection(outbox.SentCollection).InsertOne(ctx, bson.M{"_id": env.ID, "at": now}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ReleaseLease(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.PruneSchedules(ctx, l, now); err != nil {
			t.Fatalf("PruneSchedules after run %d: %v", i+1, err)
		}
	}
	// The three newest versions, and the first, whose event is still due.
	if n := count(SchedulesCollection); n != keptSchedules+1 {
		t.Errorf("%d schedules kept, want %d", n, keptSchedules+1)
	}
	if n := count(LeasesCollection); n != 1 {
		t.Errorf("%d leases kept, want 1 (the newest, which the next epoch follows)", n)
	}
	if _, err := db.Collection(outbox.SentCollection).InsertOne(ctx, bson.M{"_id": first.ID, "at": t0}); err != nil {
		t.Fatal(err)
	}
	l := takeLease(t, s, "f1", t0.Add(7*time.Hour))
	if l.Epoch != 7 {
		t.Errorf("the run after pruning has epoch %d, want 7", l.Epoch)
	}
	if err := s.PruneSchedules(ctx, l, t0.Add(7*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n := count(SchedulesCollection); n != keptSchedules {
		t.Errorf("%d schedules kept once every event is out, want %d", n, keptSchedules)
	}
	got, err := s.Timetable(ctx, "f1")
	if err != nil || got.Version != 6 || got.Placements["m1"].Slot != 6 {
		t.Errorf("Timetable after pruning = %+v, %v; want version 6 with m1 in slot 6", got, err)
	}
}

func TestAMeetingIsReadWithItsPlaceInTheNewestSchedule(t *testing.T) {
	ctx := context.Background()
	db := testenv.DB(t)
	// Another replica saves the schedules: the reader learns of each new version from the
	// database, whatever it holds in memory.
	s, other := NewStore(db), NewStore(db)
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	m := Meeting{ID: "m1", FairID: "f1", BuyerID: "b1", ProducerID: "p1", Status: Accepted, Revision: 2, CreatedAt: t0, UpdatedAt: t0}
	if err := s.Create(ctx, m, ""); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "m1"); err != nil || got.Slot != 0 || got.ScheduleVersion != 0 {
		t.Fatalf("Get before any schedule = %+v, %v; want no place", got, err)
	}
	for i, places := range []map[string]Placement{
		{"m0": {Day: "2026-12-10", Slot: 1, Table: 1}, "m1": {Day: "2026-12-10", Slot: 2, Table: 1}, "m2": {Day: "2026-12-10", Slot: 3, Table: 2}},
		{"m0": {Day: "2026-12-10", Slot: 2, Table: 2}, "m1": {Day: "2026-12-11", Slot: 4, Table: 3}, "m9": {Day: "2026-12-10", Slot: 1, Table: 1}},
		{"m0": {Day: "2026-12-10", Slot: 2, Table: 2}},
	} {
		now := t0.Add(time.Duration(i) * time.Hour)
		l := takeLease(t, other, "f1", now)
		if err := other.SaveTimetable(ctx, l, now, timetable(l, now, places), ""); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "m1")
		want := places["m1"]
		if err != nil || got.Day != want.Day || got.Slot != want.Slot || got.Table != want.Table || got.ScheduleVersion != l.Epoch {
			t.Errorf("Get after version %d = %+v, %v; want %+v of version %d", l.Epoch, got, err, want, l.Epoch)
		}
	}
}
