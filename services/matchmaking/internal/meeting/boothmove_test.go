package meeting

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// boothEvent hands the meetings' consumer one booth event of producer p01 at f1.
func boothEvent(t *testing.T, x *agendaFixture, subject, assignment, code, reason string) {
	t.Helper()
	env, err := events.New(subject, 1, "f1/"+code, "", events.BoothAssignmentV1{AssignmentID: assignment, FairID: "f1", BoothCode: code,
		ApplicationID: "app-p01", ProducerID: "p01", ReasonCode: reason, At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.svc.OnFairOrBooth(context.Background(), env); err != nil {
		t.Fatal(err)
	}
}

// sweepAt settles the booth losses due at released+after.
func sweepAt(t *testing.T, x *agendaFixture, released time.Time, after time.Duration) {
	t.Helper()
	x.svc.Now = func() time.Time { return released.Add(after) }
	defer func() { x.svc.Now = time.Now }()
	if _, err := x.svc.SweepBoothLosses(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (x *agendaFixture) status(t *testing.T, m Meeting) Meeting {
	t.Helper()
	got, err := x.svc.Store.Get(x.db, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// An organiser moves producer p01 from booth B01 to B09 on a fair of one booth each: B01 is
// released before B09 is assigned (or the two events are handled in that order). The loss waits
// out its grace, the booth is back by then, and the meeting survives the move. Before, the
// release cancelled every meeting of the producer at once.
func TestMovingAProducersBoothKeepsItsMeetings(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	x.svc.BoothLossGrace = 5 * time.Minute
	m := x.ask(t, x.buyers[0], "p01", true)
	released := time.Now()
	boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser")
	sweepAt(t, x, released, time.Minute)
	if got := x.status(t, m); got.Status != Accepted {
		t.Fatalf("the meeting within the grace: %s, want accepted", got.Status)
	}
	boothEvent(t, x, events.BoothAssigned, "a-p01-moved", "B09", "")
	sweepAt(t, x, released, 6*time.Minute)
	if got := x.status(t, m); got.Status != Accepted {
		t.Errorf("the meeting after its producer moved booths: %s (%s), want accepted", got.Status, got.ReasonCode)
	}
	if n, _ := x.svc.Store.losses.CountDocuments(x.db, map[string]any{}); n != 0 {
		t.Errorf("%d booth losses left once settled", n)
	}
	// Moved again, and the new booth taken back within the first loss's grace: that loss waits
	// out a grace of its own, not what was left of the first.
	again := released.Add(10 * time.Minute)
	x.svc.Now = func() time.Time { return again }
	boothEvent(t, x, events.BoothReleased, "a-p01-moved", "B09", "booth_release.by_organiser")
	boothEvent(t, x, events.BoothAssigned, "a-p01-third", "B10", "")
	x.svc.Now = func() time.Time { return again.Add(4 * time.Minute) }
	boothEvent(t, x, events.BoothReleased, "a-p01-third", "B10", "booth_release.by_organiser")
	sweepAt(t, x, again, 6*time.Minute)
	if got := x.status(t, m); got.Status != Accepted {
		t.Errorf("the meeting two minutes after its producer's booth was taken back again: %s, want accepted", got.Status)
	}
	sweepAt(t, x, again, 10*time.Minute)
	if got := x.status(t, m); got.Status != Cancelled {
		t.Errorf("the meeting once the second grace is over: %s, want cancelled", got.Status)
	}
}

// A last booth taken back and not given again cancels the meetings once the grace is over; one
// released because the application ended cancels them at once.
func TestALastBoothLostCancelsTheMeetings(t *testing.T) {
	x := newAgendaFixture(t, 1, 2)
	x.svc.BoothLossGrace = 5 * time.Minute
	m := x.ask(t, x.buyers[0], "p01", true)
	released := time.Now()
	boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser")
	if got := x.status(t, m); got.Status != Accepted {
		t.Fatalf("the meeting as its last booth is released: %s, want accepted until the grace is over", got.Status)
	}
	sweepAt(t, x, released, 6*time.Minute)
	if got := x.status(t, m); got.Status != Cancelled || got.ReasonCode != ReasonBoothReleased {
		t.Errorf("the meeting after the grace: %s (%s), want cancelled, booth released", got.Status, got.ReasonCode)
	}
	boothEvent(t, x, events.BoothAssigned, "a-p01-2", "B02", "")
	m2 := x.ask(t, x.buyers[1], "p01", true)
	boothEvent(t, x, events.BoothReleased, "a-p01-2", "B02", "booth_release.application_rejected")
	if got := x.status(t, m2); got.Status != Cancelled {
		t.Errorf("the meeting after a rejection: %s, want cancelled at once", got.Status)
	}
}

// A loss due while the producer holds a booth again (the booth's assignment handled on another
// replica, whose boothBack came before the loss was stored) is settled without cancelling
// anything; every release counts on the loss (gen), so that a settling that read it before a
// later release does not delete it.
func TestALossDueWithABoothBackKeepsTheMeetings(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	x.svc.BoothLossGrace = 5 * time.Minute
	m := x.ask(t, x.buyers[0], "p01", true)
	released := time.Now()
	boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser")
	if err := x.svc.Store.Hold(x.db, "a-p01-other", "f1", "B09", "p01", false); err != nil {
		t.Fatal(err)
	}
	if err := x.svc.Store.Hold(x.db, "a-p01-third", "f1", "B10", "p01", false); err != nil {
		t.Fatal(err)
	}
	boothEvent(t, x, events.BoothReleased, "a-p01-third", "B10", "booth_release.by_organiser") // B09 still held
	var l boothLoss
	if err := x.svc.Store.losses.FindOne(x.db, map[string]any{"_id": "f1/p01"}).Decode(&l); err != nil || l.Gen != 1 {
		t.Fatalf("the loss %+v (%v), want one release counted (B10's left a booth)", l, err)
	}
	sweepAt(t, x, released, 6*time.Minute)
	if got := x.status(t, m); got.Status != Accepted {
		t.Errorf("the meeting of a producer holding a booth when its loss fell due: %s, want accepted", got.Status)
	}
	if n, _ := x.svc.Store.losses.CountDocuments(x.db, map[string]any{}); n != 0 {
		t.Errorf("%d losses left once settled", n)
	}
	boothEvent(t, x, events.BoothReleased, "a-p01-other", "B09", "booth_release.by_organiser")
	boothEvent(t, x, events.BoothReleased, "a-p01-other", "B09", "booth_release.by_organiser") // delivered twice
	if err := x.svc.Store.losses.FindOne(x.db, map[string]any{"_id": "f1/p01"}).Decode(&l); err != nil || l.Gen != 2 {
		t.Errorf("the loss after two releases without a booth: %+v (%v), want gen 2", l, err)
	}
}
