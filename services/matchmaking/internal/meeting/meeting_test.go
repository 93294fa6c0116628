package meeting

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// A held meeting's outcome may be updated by its participants as the deal moves on
// (negotiating, then an MoU, then a contract); it stays held and cannot be cancelled.
func TestAHeldMeetingsOutcomeMovesOn(t *testing.T) {
	starts := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	m := Meeting{ID: "m1", Status: Accepted, Day: "2026-12-02", Slot: 1, Table: 1, Revision: 3}
	for i, step := range []struct {
		outcome string
		value   int64
	}{{"negotiating", 0}, {"mou_signed", 0}, {"contract_signed", 900_000_000}} {
		next, err := m.Record(step.outcome, step.value, SideBuyer, false, starts, starts.Add(time.Duration(i+1)*24*time.Hour))
		if err != nil {
			t.Fatalf("Record(%s) = %v", step.outcome, err)
		}
		if !next.Held() || next.Outcome != step.outcome || next.ValueVND != step.value || next.Revision != m.Revision+1 {
			t.Errorf("Record(%s) = %+v, want held with that outcome at revision %d", step.outcome, next, m.Revision+1)
		}
		m = next
	}
	if _, err := m.Cancel(ReasonByBuyer, "changed our minds", starts.Add(96*time.Hour)); err == nil {
		t.Error("Cancel of a held meeting: no error")
	}
}

// One side's outcome is not replaced by the other's unseen: a buyer's signed contract, counted in
// the report, was silently replaced by the producer's "negotiating". Seen (If-Match), or sent
// again the same (a retry), it goes through; each side changes its own freely.
func TestTheOtherSidesOutcomeIsReplacedOnlySeen(t *testing.T) {
	starts := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	m := Meeting{ID: "m1", Status: Accepted, Day: "2026-12-02", Slot: 1, Table: 1, Revision: 3}
	m, err := m.Record("contract_signed", 150_000_000, SideBuyer, false, starts, starts.Add(time.Hour))
	if err != nil || m.OutcomeBy != SideBuyer || !m.OutcomeAt.Equal(starts.Add(time.Hour)) {
		t.Fatalf("buyer's contract: %+v, %v", m, err)
	}
	_, err = m.Record("negotiating", 0, SideProducer, false, starts, starts.Add(2*time.Hour))
	if e, ok := err.(*apperr.Error); !ok || e.Kind != apperr.Conflict || e.Code() != "meeting_outcome_other_side" {
		t.Fatalf("producer's unseen negotiating = %v, want Conflict meeting_outcome_other_side", err)
	}
	if _, err := m.Record("contract_signed", 150_000_000, SideProducer, false, starts, starts.Add(2*time.Hour)); err != nil {
		t.Errorf("producer's same contract = %v, want it taken", err)
	}
	if _, err := m.Record("contract_signed", 200_000_000, SideBuyer, false, starts, starts.Add(2*time.Hour)); err != nil {
		t.Errorf("buyer changing its own = %v, want it taken", err)
	}
	next, err := m.Record("negotiating", 0, SideProducer, true, starts, starts.Add(2*time.Hour))
	if err != nil || next.Outcome != "negotiating" || next.OutcomeBy != SideProducer {
		t.Errorf("producer's seen negotiating = %+v, %v, want it taken as the producer's", next, err)
	}
}

// TestAnAttendedMeetingCannotBeCancelled: once both badges were scanned at its table the meeting
// took place, outcome typed or not; a cancellation would leave it counted as attended.
func TestAnAttendedMeetingCannotBeCancelled(t *testing.T) {
	starts := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	m := Meeting{ID: "m1", Status: Accepted, Day: "2026-12-02", Slot: 1, Table: 1, Revision: 3, AttendedAt: starts.Add(5 * time.Minute)}
	_, err := m.Cancel(ReasonByBuyer, "", starts.Add(time.Hour))
	if !apperr.Is(err, apperr.Conflict) {
		t.Fatalf("Cancel of an attended meeting = %v, want Conflict", err)
	}
	m.AttendedAt = time.Time{}
	if _, err := m.Cancel(ReasonByBuyer, "", starts.Add(time.Hour)); err != nil {
		t.Errorf("Cancel of the same meeting not attended = %v", err)
	}
}
