// Package meeting is a B2B meeting between a buyer and a producer at a fair: requested by either
// side, accepted or declined by the other, scheduled into a slot and table by the organiser, and
// followed by an outcome (MoU, contract) after the fair.
package meeting

import (
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Statuses.
const (
	Requested = "requested"
	Accepted  = "accepted"
	Declined  = "declined"
	Cancelled = "cancelled"
)

// Outcomes after the fair.
var Outcomes = []string{"no_interest", "negotiating", "sample_requested", "mou_signed", "contract_signed"}

// Sides of a meeting.
const (
	SideBuyer    = "buyer"
	SideProducer = "producer"
)

// Meeting is a B2B meeting.
type Meeting struct {
	ID              string
	FairID          string
	BuyerID         string
	BuyerAccount    string
	ProducerID      string
	ProducerAccount string
	RequestedBy     string
	Session         string
	Note            string
	Status          string
	Reason          string // a person's words, or the fair's cancel reason (ReasonCode fair_cancelled)
	ReasonCode      string // why it was cancelled (see reasons.go); empty for older meetings
	Day             string
	Slot            int
	Table           int
	Outcome         string
	ValueVND        int64
	Revision        int64
	// ScheduleVersion is the version of the fair's schedule the meeting was read with (0: none).
	// The meeting's events order by revision, then by it: a run changes no revision.
	ScheduleVersion int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Active reports whether the meeting still counts towards caps and scheduling.
func (m Meeting) Active() bool { return m.Status == Requested || m.Status == Accepted }

// Held reports whether the meeting took place: its outcome is recorded. A held meeting stays in
// the record and in the fair's report whatever happens to the fair or the producer's booth later.
func (m Meeting) Held() bool { return m.Outcome != "" }

// SideOf returns which side an account is on, or "".
func (m Meeting) SideOf(account string) string {
	switch account {
	case m.BuyerAccount:
		return SideBuyer
	case m.ProducerAccount:
		return SideProducer
	}
	return ""
}

// Respond accepts or declines on behalf of side, which must be the side that did not ask.
func (m Meeting) Respond(side string, accept bool, now time.Time) (Meeting, error) {
	if m.Status != Requested {
		return Meeting{}, apperr.New(apperr.Conflict, msgNotAwaiting, statusName(m.Status))
	}
	if side == m.RequestedBy {
		return Meeting{}, apperr.New(apperr.Forbidden, msgOtherSideAnswers)
	}
	next := m
	next.Status = Declined
	if accept {
		next.Status = Accepted
	}
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// Cancel ends an active meeting with a reason both sides can read. A held meeting (outcome
// recorded) cannot be cancelled: Conflict.
func (m Meeting) Cancel(code, reason string, now time.Time) (Meeting, error) {
	if !m.Active() {
		return Meeting{}, apperr.New(apperr.Conflict, msgNotActive, statusName(m.Status))
	}
	if m.Held() {
		return Meeting{}, apperr.New(apperr.Conflict, msgHeld)
	}
	next := m
	next.Status, next.Reason, next.ReasonCode = Cancelled, vntext.Clean(reason), code
	next.Day, next.Slot, next.Table = "", 0, 0
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// Record sets the outcome of an accepted meeting whose scheduled slot has started (starts is the
// slot's start, zero while the meeting has no slot): Invalid for a bad outcome or value, Conflict
// for a meeting that is not accepted, not scheduled or not started yet.
func (m Meeting) Record(outcome string, value int64, starts, now time.Time) (Meeting, error) {
	var v apperr.Validation
	v.Expect(slices.Contains(Outcomes, outcome), "outcome", apperr.OneOf, apperr.OrOf(Outcomes...))
	v.Expect(value >= 0 && value <= 1_000_000_000_000_000, "value_vnd", msgValue)
	if err := v.Err(); err != nil {
		return Meeting{}, err
	}
	if m.Status != Accepted {
		return Meeting{}, apperr.New(apperr.Conflict, msgOutcomeNotAccepted, statusName(m.Status))
	}
	if starts.IsZero() {
		return Meeting{}, apperr.New(apperr.Conflict, msgOutcomeUnscheduled)
	}
	if now.Before(starts) {
		return Meeting{}, apperr.New(apperr.Conflict, msgOutcomeEarly, startsAt(starts))
	}
	next := m
	next.Outcome, next.ValueVND = outcome, value
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}
