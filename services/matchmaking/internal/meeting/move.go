package meeting

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

type moveRequest struct {
	Day             string `json:"day" required:"true" format:"date" doc:"one of the fair's B2B days"`
	Slot            int    `json:"slot" required:"true" doc:"from 1; the lunch break is between the morning's last slot and the afternoon's first"`
	Table           int    `json:"table" required:"true" doc:"from 1"`
	ScheduleVersion int64  `json:"schedule_version" doc:"the schedule version the grid showed: 409 meeting_move_schedule_changed when a newer one was saved since (0: no check)"`
}

// moveLease is how long a move holds the fair's scheduling lease: a few reads and one write.
const moveLease = 20 * time.Second

// moveMark is how long a move's mark on its meeting holds the meeting's other writes (see
// Service.afterMove): the schedule's one write takes well under a second, and a mark left by a
// move that died holds a gate's check-in no longer than this.
const moveMark = 5 * time.Second

// move moves an accepted meeting to another place for the fair's organisers.
func (rt *Routes) move(c *gin.Context) {
	var req moveRequest
	if !httpx.Bind(c, &req) {
		return
	}
	ctx := c.Request.Context()
	m, err := rt.Store.Get(ctx, c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	if !rt.fairOrganiser(p, m.FairID) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgMoveOrganisersOnly))
		return
	}
	f, ok := rt.Index.Fair(m.FairID)
	if !ok {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairUnknown))
		return
	}
	next, err := rt.Move(ctx, f, m.ID, Placement{Day: req.Day, Slot: req.Slot, Table: req.Table}, req.ScheduleVersion)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	rt.respondMeeting(c, http.StatusOK, next)
}

// Move puts an accepted meeting of fair f at place to, as a new version of the fair's schedule
// that changes nothing else, and tells both participants (matchmaking.meeting.scheduled). When
// version is not 0 the fair's newest schedule must still be that version. Invalid for a place
// outside the fair's B2B days, slots or tables; Conflict, with a code per conflict, for a meeting
// not accepted, held, attended or started, a slot started or outside the meeting's session, a table taken,
// a participant with another meeting or unavailable then, a newer schedule, or a scheduling run
// in progress (ErrBusy). Moving a meeting to where it is changes nothing. Like a run, a move holds
// the fair's scheduling lease and finishes on a context of its own.
func (s *Service) Move(ctx context.Context, f index.Fair, meetingID string, to Placement, version int64) (Meeting, error) {
	day, err := placeIn(f, to)
	if err != nil {
		return Meeting{}, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), moveLease)
	defer cancel()
	lease, err := s.Store.TakeLease(ctx, f.ID, uuid.Must(uuid.NewV7()).String(), s.now(), moveLease)
	if err != nil {
		return Meeting{}, err
	}
	defer func() { _ = s.Store.ReleaseLease(ctx, lease) }()
	t, err := s.Store.Timetable(ctx, f.ID)
	if err != nil {
		return Meeting{}, err
	}
	if version != 0 && t.Version != version {
		return Meeting{}, apperr.New(apperr.Conflict, msgMoveScheduleChanged, t.Version)
	}
	raw, err := s.Store.getRaw(ctx, meetingID)
	if err != nil {
		return Meeting{}, err
	}
	m := t.place(raw)
	if m.Status != Accepted {
		return Meeting{}, apperr.New(apperr.Conflict, msgMoveNotAccepted, statusName(m.Status))
	}
	if m.Place() == to {
		return m, nil
	}
	now := s.now()
	// Attended: both participants checked in at its table, maybe before its slot started; moved
	// now, its attendance would name a place where it did not happen.
	if settled(f, m, now) {
		return Meeting{}, apperr.New(apperr.Conflict, msgMoveSettled)
	}
	if starts := slotTime(f, to.Day, to.Slot); !starts.IsZero() && !now.Before(starts) {
		return Meeting{}, apperr.New(apperr.Conflict, msgMoveStarted, to.Slot)
	}
	if (m.Session == schedule.Morning && to.Slot > day.MorningSlots) || (m.Session == schedule.Afternoon && to.Slot <= day.MorningSlots) {
		session, _ := apperr.Lookup("session." + m.Session)
		return Meeting{}, apperr.New(apperr.Conflict, msgMoveSession, session, to.Slot)
	}
	others, err := s.Store.findRaw(ctx, bson.M{"fair_id": f.ID, "status": Accepted}, options.Find())
	if err != nil {
		return Meeting{}, err
	}
	if err := s.clashes(ctx, f, m, to, t, others); err != nil {
		return Meeting{}, err
	}
	next := movedTimetable(t, lease, others, m.ID, to, now)
	moved := next.place(m)
	moved.UpdatedAt = now
	// A cancellation, attendance or answer takes no lease. The meeting is marked as being moved
	// at the revision checked above: one written since makes this fail (stale: nothing moves),
	// and one that comes now waits until the schedule is written (Service.save), so that a
	// cancelled meeting is never announced moved after its cancellation, nor an attended one
	// moved away from where it was attended.
	if s.beforeMoveSave != nil {
		s.beforeMoveSave()
	}
	if err := s.Store.MarkMoving(ctx, raw, now.Add(moveMark)); err != nil {
		return Meeting{}, err
	}
	moved.Revision = m.Revision + 1
	if s.duringMoveSave != nil {
		s.duringMoveSave()
	}
	err = s.Store.SaveTimetable(ctx, lease, s.now(), next, correlation.From(ctx), change(moved, events.MeetingScheduled))
	_ = s.Store.UnmarkMoving(ctx, m.ID, moved.Revision) // failing, the mark lapses at its time
	if err != nil {
		return Meeting{}, err
	}
	_ = s.Store.PruneSchedules(ctx, lease, s.now())
	s.Notify()
	return moved, nil
}

// movedTimetable is schedule t as the version lease saves, with meeting id moved to place to (others are the
// fair's accepted meetings). A move knows the run's unplaced meetings as well as the schedule
// before it did; they stay listed, but for this one, which now has a place.
func movedTimetable(t Timetable, lease Lease, others []Meeting, id string, to Placement, now time.Time) Timetable {
	next := Timetable{FairID: lease.FairID, Version: lease.Epoch, Placements: map[string]Placement{}, UnplacedKnown: t.UnplacedKnown || t.Version == 0, CreatedAt: now}
	if t.Version > 0 {
		maps.Copy(next.Placements, t.Placements)
	} else {
		// Never scheduled by a run: the meetings keep the places their own documents hold.
		for _, o := range others {
			if o.Slot > 0 {
				next.Placements[o.ID] = o.Place()
			}
		}
	}
	next.Placements[id] = to
	for _, u := range t.Unplaced {
		if u.MeetingID != id {
			next.Unplaced = append(next.Unplaced, u)
		}
	}
	return next
}

// placeIn returns the B2B day of place to, or the Invalid error naming what lies outside the fair's
// B2B days, the day's slots or its tables.
func placeIn(f index.Fair, to Placement) (events.B2BDayV1, error) {
	i := slices.IndexFunc(f.B2BDays, func(d events.B2BDayV1) bool { return d.Date == to.Day })
	var v apperr.Validation
	if !v.Expect(i >= 0, "day", msgNotB2BDay) {
		return events.B2BDayV1{}, v.Err()
	}
	d := f.B2BDays[i]
	v.Expect(to.Slot >= 1 && to.Slot <= d.Slots, "slot", msgSlotRange, d.Slots)
	v.Expect(to.Table >= 1 && to.Table <= d.Tables, "table", apperr.Between, 1, d.Tables)
	return d, v.Err()
}

// clashes returns the Conflict of putting m at place to, given the fair's other accepted meetings
// placed by t: the table taken, either participant meeting someone else then, or unavailable.
func (s *Service) clashes(ctx context.Context, f index.Fair, m Meeting, to Placement, t Timetable, others []Meeting) error {
	for _, o := range others {
		if o.ID == m.ID {
			continue
		}
		o = t.place(o)
		if o.Day != to.Day || o.Slot != to.Slot {
			continue
		}
		if o.Table == to.Table {
			return apperr.New(apperr.Conflict, msgMoveTableTaken, to.Table, to.Slot, s.buyerName(ctx, o.BuyerID), s.producerName(o.ProducerID))
		}
		switch {
		case o.BuyerID == m.BuyerID:
			return apperr.New(apperr.Conflict, msgMoveBusy, s.buyerName(ctx, m.BuyerID), to.Slot)
		case o.ProducerID == m.ProducerID:
			return apperr.New(apperr.Conflict, msgMoveBusy, s.producerName(m.ProducerID), to.Slot)
		}
	}
	unav, err := s.Store.Unavailable(ctx, f.ID, to.Day)
	if err != nil {
		return err
	}
	switch {
	case slices.Contains(unav[m.BuyerID], to.Slot):
		return apperr.New(apperr.Conflict, msgMoveUnavailable, s.buyerName(ctx, m.BuyerID), to.Slot)
	case slices.Contains(unav[m.ProducerID], to.Slot):
		return apperr.New(apperr.Conflict, msgMoveUnavailable, s.producerName(m.ProducerID), to.Slot)
	}
	return nil
}

// buyerName is a buyer's name for a message, its ID when it cannot be read.
func (s *Service) buyerName(ctx context.Context, id string) string {
	if b, err := s.Buyers.Buyer(ctx, id); err == nil && b.Name != "" {
		return b.Name
	}
	return id
}

// producerName is a producer's name for a message, its ID when the index does not hold it.
func (s *Service) producerName(id string) string {
	if p, ok := s.Index.ProducerByID(id); ok && p.Name != "" {
		return p.Name
	}
	return id
}
