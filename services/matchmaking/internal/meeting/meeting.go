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
	OutcomeBy       string    // the side that recorded the outcome (Buyer or Producer; "" before it was kept)
	OutcomeAt       time.Time // when it did
	AttendedAt      time.Time // when both badges were scanned at its table in its slot (see Attend); zero: not attended
	Revision        int64
	// ScheduleVersion is the version of the fair's schedule the meeting was read with (0: none).
	// The meeting's events order by revision, then by it: a run changes no revision.
	ScheduleVersion int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// Proposal is the other time the side asked offered instead of accepting; nil when none was.
	// It stays on the meeting once answered, so that both sides still see what was agreed.
	Proposal *Proposal
	// PreferredDay is the B2B day both sides agreed on through a proposal ("": any day): the
	// scheduler offers the meeting that day first.
	PreferredDay string
	// movingUntil is set while an organiser's move of the meeting is being written (see
	// Service.Move): the meeting's other writes wait for it, at most until then.
	movingUntil time.Time
}

// Proposal is another time for a requested meeting, offered by the side asked.
type Proposal struct {
	Session string
	Day     string
	Note    string
	At      time.Time
}

// Active reports whether the meeting still counts towards caps and scheduling.
func (m Meeting) Active() bool { return m.Status == Requested || m.Status == Accepted }

// Held reports whether the meeting took place: its outcome is recorded. A held meeting stays in
// the record and in the fair's report whatever happens to the fair or the producer's booth later.
func (m Meeting) Held() bool { return m.Outcome != "" }

// SideOf returns which side an account is on, or "", given the account the producer's profile
// belongs to now (see ProducerAccount).
func (m Meeting) SideOf(account, producerAccount string) string {
	switch account {
	case m.BuyerAccount:
		return SideBuyer
	case producerAccount:
		return SideProducer
	}
	return ""
}

// Awaiting returns the side whose answer a requested meeting waits for: the side asked, or,
// once that side proposed another time, the side that asked. "" for a meeting no longer requested.
func (m Meeting) Awaiting() string {
	switch {
	case m.Status != Requested:
		return ""
	case m.Proposal != nil:
		return m.RequestedBy
	}
	return otherSide(m.RequestedBy)
}

// DeclinedByAsked reports whether the side asked declined the meeting (a proposal declined was
// declined by the asker), after which the asker waits before asking again (Service.DeclineRest;
// Store.DeclinedSince asks the database the same).
func (m Meeting) DeclinedByAsked() bool { return m.Status == Declined && m.Proposal == nil }

// otherSide is the side facing side.
func otherSide(side string) string {
	if side == SideBuyer {
		return SideProducer
	}
	return SideBuyer
}

// Respond accepts or declines on behalf of side, which must be the side the meeting awaits (see
// Awaiting): Conflict when it awaits no answer or, after a proposal, awaits the other side;
// Forbidden for the side that asked, on its own request. Accepting a proposal takes its session
// and day.
func (m Meeting) Respond(side string, accept bool, now time.Time) (Meeting, error) {
	if m.Status != Requested {
		return Meeting{}, apperr.New(apperr.Conflict, msgNotAwaiting, statusName(m.Status))
	}
	if side != m.Awaiting() {
		if m.Proposal != nil {
			return Meeting{}, apperr.New(apperr.Conflict, msgProposalAskerAnswers)
		}
		return Meeting{}, apperr.New(apperr.Forbidden, msgOtherSideAnswers)
	}
	next := m
	next.Status = Declined
	if accept {
		next.Status = Accepted
		if p := m.Proposal; p != nil {
			next.Session, next.PreferredDay = p.Session, p.Day
		}
	}
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// Decline codes: why a request or a proposal was declined, said in the reader's language.
const (
	DeclineNoTime      = "no_time"
	DeclineNotRelevant = "not_relevant"
	DeclineOther       = "other"
)

// DeclineCodes are the reasons a side may pick when it declines.
var DeclineCodes = []string{DeclineNoTime, DeclineNotRelevant, DeclineOther}

// maxReason is the longest decline reason or proposal note, in characters.
const maxReason = 300

// Decline is Respond declining, with an optional reason code (one of DeclineCodes) and words
// (trimmed, at most maxReason characters) that the other side reads: Invalid for a bad code, too
// long words, or DeclineOther without words, otherwise errors as Respond.
func (m Meeting) Decline(side, code, reason string, now time.Time) (Meeting, error) {
	reason = vntext.Clean(reason)
	var v apperr.Validation
	v.Expect(code == "" || slices.Contains(DeclineCodes, code), "reason_code", apperr.OneOf, apperr.OrOf(DeclineCodes...))
	v.Expect(len([]rune(reason)) <= maxReason, "reason", apperr.TooLong, maxReason)
	// "Another reason" without words would tell the other side nothing.
	v.Expect(code != DeclineOther || reason != "", "reason", msgOtherReasonWords)
	if err := v.Err(); err != nil {
		return Meeting{}, err
	}
	next, err := m.Respond(side, false, now)
	if err != nil {
		return Meeting{}, err
	}
	if code == "" && reason != "" {
		code = DeclineOther
	}
	next.ReasonCode, next.Reason = code, reason
	return next, nil
}

// Propose answers a request with another time on behalf of side, which must be the side asked,
// once: Conflict when the meeting awaits no answer or already holds a proposal, Forbidden for
// the side that asked. The session, day and note are checked against the fair by the caller.
func (m Meeting) Propose(side string, p Proposal, now time.Time) (Meeting, error) {
	if m.Status != Requested {
		return Meeting{}, apperr.New(apperr.Conflict, msgNotAwaiting, statusName(m.Status))
	}
	if m.Proposal != nil {
		return Meeting{}, apperr.New(apperr.Conflict, msgAlreadyProposed)
	}
	if side != m.Awaiting() {
		return Meeting{}, apperr.New(apperr.Forbidden, msgProposeAskedOnly)
	}
	p.Note, p.At = vntext.Clean(p.Note), now
	next := m
	next.Proposal = &p
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// Cancel ends an active meeting with a reason both sides can read. A held meeting (outcome
// recorded) or an attended one (both badges scanned at its table) took place and cannot be
// cancelled: Conflict, so that the fair's report never counts a cancelled meeting as attended.
func (m Meeting) Cancel(code, reason string, now time.Time) (Meeting, error) {
	if !m.Active() {
		return Meeting{}, apperr.New(apperr.Conflict, msgNotActive, statusName(m.Status))
	}
	if m.Held() {
		return Meeting{}, apperr.New(apperr.Conflict, msgHeld)
	}
	if !m.AttendedAt.IsZero() {
		return Meeting{}, apperr.New(apperr.Conflict, msgAttendedNoCancel)
	}
	next := m
	next.Status, next.Reason, next.ReasonCode = Cancelled, vntext.Clean(reason), code
	next.Day, next.Slot, next.Table = "", 0, 0
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// Record sets the outcome of an accepted meeting whose scheduled slot has started (starts is the
// slot's start, zero while the meeting has no slot), as side by records it: Invalid for a bad
// outcome or value, Conflict for a meeting that is not accepted, not scheduled or not started
// yet, and for an outcome the other side recorded unless seen (the request named the revision
// that carries it): a buyer's signed contract must not be replaced unseen by the producer's
// "negotiating", as the report counts it.
func (m Meeting) Record(outcome string, value int64, by string, seen bool, starts, now time.Time) (Meeting, error) {
	var v apperr.Validation
	v.Expect(slices.Contains(Outcomes, outcome), "outcome", apperr.OneOf, apperr.OrOf(Outcomes...))
	if v.Expect(value >= 0 && value <= 1_000_000_000_000_000, "value_vnd", msgValue) {
		// A value is a contract's: on any other outcome it would be stored and counted nowhere.
		v.Expect(value == 0 || outcome == "contract_signed", "value_vnd", msgValueContractOnly)
	}
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
	if m.Outcome != "" && m.OutcomeBy != "" && m.OutcomeBy != by && !seen && (m.Outcome != outcome || m.ValueVND != value) {
		return Meeting{}, apperr.New(apperr.Conflict, msgOutcomeOtherSide, sideName(m.OutcomeBy), outcomeName(m.Outcome), startsAt(m.OutcomeAt))
	}
	next := m
	next.Outcome, next.ValueVND, next.OutcomeBy, next.OutcomeAt = outcome, value, by, now
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}
