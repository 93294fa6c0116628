package meeting

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// boothEvent hands the meetings' consumer one booth event of producer p01 at f1, made at.
func boothEvent(t *testing.T, x *agendaFixture, subject, assignment, code, reason string, at time.Time) error {
	t.Helper()
	env, err := events.New(subject, 1, "f1/"+code, "", events.BoothAssignmentV1{AssignmentID: assignment, FairID: "f1", BoothCode: code,
		ApplicationID: "app-p01", ProducerID: "p01", ReasonCode: reason, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return x.svc.OnFairOrBooth(context.Background(), env)
}

// An organiser moves producer p01 from booth B1 to B9 on a fair of one booth each: B01 is released
// before B09 is assigned. The release waits out its grace, and the meeting survives the move.
// Before, the release cancelled every meeting of the producer at once.
func TestMovingAProducersBoothKeepsItsMeetings(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	x.svc.BoothLossGrace = 5 * time.Minute
	m := x.ask(t, x.buyers[0], "p01", true)
	released := time.Now()
	err := boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser", released)
	if wait, later := bus.IsLater(err); !later || wait < 4*time.Minute || wait > 5*time.Minute {
		t.Fatalf("the release of the last booth = %v, want it handled again after the grace", err)
	}
	if err := boothEvent(t, x, events.BoothAssigned, "a-p01-moved", "B9", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	// Handled again once the grace is over: the producer holds a booth again.
	x.svc.Now = func() time.Time { return released.Add(6 * time.Minute) }
	if err := boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser", released); err != nil {
		t.Fatal(err)
	}
	if got, err := x.svc.Store.Get(x.db, m.ID); err != nil || got.Status != Accepted {
		t.Errorf("the meeting after its producer moved booths: %s (%s) %v, want accepted", got.Status, got.ReasonCode, err)
	}
}

// A last booth taken back and not given again cancels the meetings once the grace is over; one
// released because the application ended cancels them at once.
func TestALastBoothLostCancelsTheMeetings(t *testing.T) {
	x := newAgendaFixture(t, 1, 2)
	x.svc.BoothLossGrace = 5 * time.Minute
	m := x.ask(t, x.buyers[0], "p01", true)
	released := time.Now()
	if _, later := bus.IsLater(boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser", released)); !later {
		t.Fatal("the release was not held for its grace")
	}
	if got, _ := x.svc.Store.Get(x.db, m.ID); got.Status != Accepted {
		t.Fatalf("the meeting within the grace: %s, want accepted", got.Status)
	}
	x.svc.Now = func() time.Time { return released.Add(6 * time.Minute) }
	if err := boothEvent(t, x, events.BoothReleased, "a-p01", "B01", "booth_release.by_organiser", released); err != nil {
		t.Fatal(err)
	}
	if got, _ := x.svc.Store.Get(x.db, m.ID); got.Status != Cancelled || got.ReasonCode != ReasonBoothReleased {
		t.Errorf("the meeting after the grace: %s (%s), want cancelled, booth released", got.Status, got.ReasonCode)
	}

	x.svc.Now = time.Now
	if err := boothEvent(t, x, events.BoothAssigned, "a-p01-2", "B2", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	m2 := x.ask(t, x.buyers[1], "p01", true)
	if err := boothEvent(t, x, events.BoothReleased, "a-p01-2", "B2", "booth_release.application_rejected", time.Now()); err != nil {
		t.Fatalf("a release because the application was rejected = %v, want the meetings cancelled now", err)
	}
	if got, _ := x.svc.Store.Get(x.db, m2.ID); got.Status != Cancelled {
		t.Errorf("the meeting after a rejection: %s, want cancelled", got.Status)
	}
}
