package meeting

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// placedOnce schedules the fixture's accepted meetings and returns m as placed.
func placedOnce(t *testing.T, x *agendaFixture, m Meeting) Meeting {
	t.Helper()
	if _, err := x.svc.ScheduleWith(context.Background(), x.fair, 200*time.Millisecond, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	placed, err := x.svc.Store.Get(context.Background(), m.ID)
	if err != nil || placed.Slot == 0 {
		t.Fatalf("placed: %+v %v", placed, err)
	}
	return placed
}

// runOutbox returns the subjects and envelopes a schedule version stored to publish.
func runOutbox(t *testing.T, x *agendaFixture, version int64) string {
	t.Helper()
	var d struct {
		Outbox []struct {
			Subject  string `bson:"subject"`
			Envelope string `bson:"envelope"`
		} `bson:"outbox"`
	}
	if err := x.sdb.Collection(SchedulesCollection).FindOne(context.Background(), bson.M{"_id": runID("f1", version)}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range d.Outbox {
		b.WriteString(e.Subject + " " + e.Envelope + "\n")
	}
	return b.String()
}

// A run started 3 s before a published meeting's slot, with 5 s to solve, leaves the meeting in
// its slot: the slot has started by the time the run saves, and it moved the meeting out of it.
func TestARunKeepsAMeetingWhoseSlotStartsWhileItRuns(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	placed := placedOnce(t, x, x.ask(t, x.buyers[0], "p01", true))
	x.clock.shiftBy(time.Until(slotTime(x.fair, placed.Day, placed.Slot)) - 3*time.Second)
	if _, err := x.svc.ScheduleWith(context.Background(), x.fair, 5*time.Second, RunOptions{Repair: true}); err != nil {
		t.Fatal(err)
	}
	if after, err := x.svc.Store.Get(context.Background(), placed.ID); err != nil || after.Place() != placed.Place() {
		t.Errorf("a run over the meeting's start moved it from %+v to %+v (%v)", placed.Place(), after.Place(), err)
	}
}

// A meeting attended at its table while a run solves (its buyer having said it cannot make
// that slot, so the run moves it) stays where it was attended, and the run announces no move
// of it; it was moved, with an event at the revision before the attendance that every reader
// then dropped as old.
func TestARunLeavesAMeetingAttendedMeanwhileWhereItWas(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	placed := placedOnce(t, x, x.ask(t, x.buyers[0], "p01", true))
	x.clock.shiftBy(time.Until(slotTime(x.fair, placed.Day, placed.Slot)) - 10*time.Minute)
	ctx := context.Background()
	if err := x.svc.Store.SetUnavailable(ctx, "f1", placed.BuyerID, placed.Day, []int{placed.Slot}); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var attendErr error
	x.svc.Solve = func(ctx context.Context, p schedule.Problem) (schedule.Solution, error) {
		once.Do(func() { _, attendErr = x.svc.Attend(context.Background(), placed.ID, x.svc.now(), placed.Place()) })
		return schedule.Solve(ctx, p)
	}
	if _, err := x.svc.ScheduleWith(ctx, x.fair, 300*time.Millisecond, RunOptions{Repair: true}); err != nil || attendErr != nil {
		t.Fatalf("run: %v; attendance: %v", err, attendErr)
	}
	after, err := x.svc.Store.Get(ctx, placed.ID)
	if err != nil || after.AttendedAt.IsZero() || after.Place() != placed.Place() {
		t.Errorf("attended during a run at %+v, the meeting is now at %+v, attended at %v (%v)", placed.Place(), after.Place(), after.AttendedAt, err)
	}
	if out := runOutbox(t, x, after.ScheduleVersion); strings.Contains(out, placed.ID) {
		t.Errorf("the run announces the meeting attended meanwhile:\n%s", out)
	}
}

// A meeting cancelled while a run solves is not announced moved by it; and a run refuses to
// save when a meeting attended meanwhile has its place given to another meeting.
func TestARunAndTheWritesMadeWhileItSolves(t *testing.T) {
	x := newAgendaFixture(t, 1, 2)
	ctx := context.Background()
	first := placedOnce(t, x, x.ask(t, x.buyers[0], "p01", true))
	second := x.ask(t, x.buyers[1], "p01", true)
	x.clock.shiftBy(time.Until(slotTime(x.fair, first.Day, first.Slot)) - 10*time.Minute)
	// The run puts the second meeting where the first was attended meanwhile.
	x.svc.Solve = func(ctx context.Context, p schedule.Problem) (schedule.Solution, error) {
		if _, err := x.svc.Attend(context.Background(), first.ID, x.svc.now(), first.Place()); err != nil {
			t.Error(err)
		}
		return schedule.Solution{Status: "feasible", Assignments: []schedule.Assignment{
			{Meeting: second.ID, Slot: first.Slot, Table: first.Table}, {Meeting: first.ID, Slot: first.Slot + 1, Table: first.Table}}}, nil
	}
	_, err := x.svc.ScheduleWith(ctx, x.fair, 300*time.Millisecond, RunOptions{Repair: true})
	if e, ok := err.(*apperr.Error); !ok || e.Code() != "scheduling_run_raced" {
		t.Errorf("a run that gave an attended meeting's place away saved: %v", err)
	}
	if after, _ := x.svc.Store.Get(ctx, first.ID); after.Place() != first.Place() {
		t.Errorf("the attended meeting is at %+v, want %+v", after.Place(), first.Place())
	}
	// The second meeting's buyer cancels while the next run solves: it is not announced.
	x.svc.Solve = func(ctx context.Context, p schedule.Problem) (schedule.Solution, error) {
		x.change(t, second, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByBuyer, "", x.svc.now()) })
		return schedule.Solve(ctx, p)
	}
	if _, err := x.svc.ScheduleWith(ctx, x.fair, 300*time.Millisecond, RunOptions{Repair: true}); err != nil {
		t.Fatal(err)
	}
	after, _ := x.svc.Store.Get(ctx, second.ID)
	if out := runOutbox(t, x, after.ScheduleVersion); strings.Contains(out, second.ID) || after.Status != Cancelled {
		t.Errorf("cancelled while a run solved (%s), the meeting is announced:\n%s", after.Status, out)
	}
}

// The same outcome sent twice at once by one side (a double tap, two devices) is stored once:
// the second finds it recorded and stores nothing, with no second outcome_recorded event.
func TestTheSameOutcomeSentTwiceAtOnceIsStoredOnce(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	placed := placedOnce(t, x, x.ask(t, x.buyers[0], "p01", true))
	x.clock.shiftBy(time.Until(slotTime(x.fair, placed.Day, placed.Slot)) + time.Minute)
	ctx := context.Background()
	read1, _ := x.svc.Store.Get(ctx, placed.ID)
	read2, _ := x.svc.Store.Get(ctx, placed.ID)
	rt := x.freshRoutes(t)
	rec := rt.recording(outcomeRequest{Outcome: "mou_signed"}, SideBuyer, `"`+strconv.FormatInt(read1.Revision, 10)+`"`)
	a, err1 := x.svc.save(ctx, read1, events.MeetingOutcomeRecorded, rec)
	b, err2 := x.svc.save(ctx, read2, events.MeetingOutcomeRecorded, rec)
	if err1 != nil || err2 != nil || a.Revision != b.Revision {
		t.Errorf("the same outcome twice: revisions %d (%v) and %d (%v), want one", a.Revision, err1, b.Revision, err2)
	}
	var d struct {
		Outbox []struct {
			Subject string `bson:"subject"`
		} `bson:"outbox"`
	}
	if err := x.sdb.Collection(Collection).FindOne(ctx, bson.M{"_id": placed.ID}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range d.Outbox {
		if e.Subject == events.MeetingOutcomeRecorded {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the same outcome twice: %d outcome_recorded events, want 1", n)
	}
}

// A producer's withdrawn application cancels the meetings asked for until then, not one asked
// after it applied again, when the withdrawal's event is handled late.
func TestALateWithdrawalCancelsOnlyTheMeetingsBeforeIt(t *testing.T) {
	x := newAgendaFixture(t, 1, 2)
	before := x.ask(t, x.buyers[0], "p01", true)
	withdrawn := x.svc.now()
	x.clock.shiftBy(time.Minute)
	after := x.ask(t, x.buyers[1], "p01", true)
	env, err := events.New(events.ApplicationWithdrawn, 1, "a1", "", events.ApplicationChangedV1{Application: events.ApplicationV1{ID: "a1", FairID: "f1", ProducerID: "p01"}})
	if err != nil {
		t.Fatal(err)
	}
	env.OccurredAt = withdrawn
	if err := x.svc.OnApplication(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	for m, want := range map[Meeting]string{before: Cancelled, after: Accepted} {
		if got, _ := x.svc.Store.Get(context.Background(), m.ID); got.Status != want {
			t.Errorf("the meeting asked %s the withdrawal is %s, want %s", map[bool]string{true: "before", false: "after"}[m.ID == before.ID], got.Status, want)
		}
	}
}
