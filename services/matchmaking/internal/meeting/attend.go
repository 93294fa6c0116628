package meeting

import (
	"context"
	"errors"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// EarlyCheckIn is how long before its slot starts a participant's check-in at a meeting's table
// counts for that meeting: people sit down early.
const EarlyCheckIn = 15 * time.Minute

var msgAttendNotScheduled = apperr.M("meeting_attend_not_scheduled",
	"Chỉ đánh dấu có mặt cho cuộc gặp đã được chấp nhận và xếp lịch.",
	"Only an accepted, scheduled meeting is marked attended.")

// msgAttendMoved refuses to mark a meeting attended where it no longer is.
var msgAttendMoved = apperr.M("meeting_attend_moved",
	"Cuộc gặp đã được chuyển sang lượt hoặc bàn khác: lượt quét ở chỗ cũ không tính là đã tham dự.",
	"The meeting was moved to another slot or table: scans at its old place do not count as attended.")

// Attend marks an accepted, scheduled meeting attended at at: Conflict for a meeting that is not
// accepted or has no slot. A meeting already attended keeps its first time (the caller checks
// AttendedAt and writes nothing then).
func (m Meeting) Attend(at, now time.Time) (Meeting, error) {
	if m.Status != Accepted || m.Slot == 0 {
		return Meeting{}, apperr.New(apperr.Conflict, msgAttendNotScheduled)
	}
	next := m
	if next.AttendedAt.IsZero() {
		next.AttendedAt = at.In(vntext.Zone).Truncate(time.Millisecond)
		next.Revision++
		next.UpdatedAt = now
	}
	return next, nil
}

// SlotWindow returns when a check-in at a meeting's table counts for the meeting in slot of
// day at fair f: from EarlyCheckIn before the slot starts to its end (zero times for a slot the
// fair does not have).
func SlotWindow(f index.Fair, day string, slot int) (from, to time.Time) {
	start := slotTime(f, day, slot)
	if start.IsZero() {
		return time.Time{}, time.Time{}
	}
	for _, d := range f.B2BDays {
		if d.Date == day {
			return start.Add(-EarlyCheckIn), start.Add(time.Duration(d.SlotMinutes) * time.Minute)
		}
	}
	return time.Time{}, time.Time{}
}

// SlotStart is the start of slot of day at fair f (zero for a slot the fair does not have).
func SlotStart(f index.Fair, day string, slot int) time.Time { return slotTime(f, day, slot) }

// Attend marks meeting id attended at at, once, if it is still at place where (the place both
// scans were at): its document and the matchmaking.meeting.attended event are written together
// (outbox). A meeting already attended is returned as it is, and so is one that another replica
// marked meanwhile. Conflict for a meeting that is not accepted and scheduled, or no longer at
// where (moved meanwhile, also by a move this write waited for); NotFound for an unknown one.
func (s *Service) Attend(ctx context.Context, id string, at time.Time, where Placement) (Meeting, error) {
	m, err := s.Store.Get(ctx, id)
	if err != nil {
		return Meeting{}, err
	}
	if !m.AttendedAt.IsZero() {
		return m, nil
	}
	next, err := s.save(ctx, m, events.MeetingAttended, func(m Meeting) (Meeting, error) {
		if !m.AttendedAt.IsZero() {
			return Meeting{}, errAttendedMeanwhile{m}
		}
		if m.Place() != where {
			return Meeting{}, apperr.New(apperr.Conflict, msgAttendMoved)
		}
		return m.Attend(at, s.now())
	})
	if e, ok := errors.AsType[errAttendedMeanwhile](err); ok {
		return e.m, nil
	}
	return next, err
}

// errAttendedMeanwhile stops a retried save that finds the meeting attended already.
type errAttendedMeanwhile struct{ m Meeting }

func (e errAttendedMeanwhile) Error() string { return "meeting " + e.m.ID + " attended meanwhile" }

// inZone is t in Vietnam's time; the zero time stays zero.
func inZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(vntext.Zone)
}

// attendedEvent is the matchmaking.meeting.attended payload of m.
func attendedEvent(m Meeting) events.MeetingAttendedV1 {
	return events.MeetingAttendedV1{MeetingID: m.ID, FairID: m.FairID, BuyerID: m.BuyerID, ProducerID: m.ProducerID,
		Day: m.Day, Slot: m.Slot, Table: m.Table, AttendedAt: m.AttendedAt, Revision: m.Revision}
}
