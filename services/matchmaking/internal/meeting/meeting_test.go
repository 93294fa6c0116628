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
		next, err := m.Record(step.outcome, step.value, starts, starts.Add(time.Duration(i+1)*24*time.Hour))
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
