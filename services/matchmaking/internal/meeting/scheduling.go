package meeting

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// leaseMargin is what a scheduling run's lease and context allow beyond its days' solving time,
// for reading the meetings and saving the schedule.
const leaseMargin = 30 * time.Second

// Run is what one scheduling run of a fair did: the schedule version it saved, each B2B day it
// solved, and the accepted meetings that no day could take.
type Run struct {
	FairID  string
	Version int64
	Days    []DayRun
	Left    []schedule.Unscheduled
}

// DayRun is one B2B day of a scheduling run, as the solver reported it.
type DayRun struct {
	Day      string
	Status   string
	Meetings int
	Breaks   int
	Bound    int
	Elapsed  int64
	// Moved are the meetings this day placed that the schedule before the run had elsewhere.
	Moved []Move
}

// Schedule places the fair's accepted meetings day by day, from scratch: what does not fit a
// day goes on to the next. A run holds the fair's scheduling lease, so that runs on different
// replicas never overlap (the caller's gate only keeps one replica's cores), and saves the whole
// schedule as one new version in one write: ErrBusy while another run holds the lease,
// ErrLeaseLost when this one outlived it. It finishes on a context of its own: a client that
// goes away leaves the old schedule or the new one, never half of one.
func (s *Service) Schedule(ctx context.Context, f index.Fair, limit time.Duration) (Run, error) {
	return s.ScheduleWith(ctx, f, limit, RunOptions{})
}

// Repair is Schedule that changes the fair's published schedule as little as it can: every
// meeting it placed stays at its day, slot and table unless moving it is necessary (fewest
// moves first, then fewest breaks); new meetings go where there is room. Errors as Schedule.
func (s *Service) Repair(ctx context.Context, f index.Fair, limit time.Duration) (Run, error) {
	return s.ScheduleWith(ctx, f, limit, RunOptions{Repair: true})
}

// RunOptions are how a run schedules: Repair as Repair does (else as Schedule), and
// IncludeStarted to place meetings in slots that have started and on days that are over too,
// which a run otherwise never does: for entering a day held on paper, never for a live day.
type RunOptions struct{ Repair, IncludeStarted bool }

// ScheduleWith is one run of Schedule or Repair, as o says.
func (s *Service) ScheduleWith(ctx context.Context, f index.Fair, limit time.Duration, o RunOptions) (Run, error) {
	ttl := time.Duration(len(f.B2BDays))*limit + leaseMargin
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ttl)
	defer cancel()
	lease, err := s.Store.TakeLease(ctx, f.ID, uuid.Must(uuid.NewV7()).String(), s.now(), ttl)
	if err != nil {
		return Run{}, err
	}
	defer func() {
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer rcancel()
		// A lease left unreleased expires at its time: the next run waits for it, no longer.
		_ = s.Store.ReleaseLease(rctx, lease)
	}()
	out, err := s.run(ctx, f, limit, lease, o)
	if err != nil {
		return Run{}, err
	}
	// Pruning is housekeeping on insert-only records: whatever this call misses (an error, a
	// version whose events are not published yet), the next run's call takes.
	_ = s.Store.PruneSchedules(ctx, lease, s.now())
	s.Notify()
	return out, nil
}

// run solves the fair's days under lease and saves the schedule as version lease.Epoch, with a
// scheduled event for every meeting whose place changed. A meeting that was held or whose slot
// has started is not moved: it keeps its place in the new schedule, and its slot and table are
// taken from everyone else.
func (s *Service) run(ctx context.Context, f index.Fair, limit time.Duration, lease Lease, o RunOptions) (Run, error) {
	accepted, err := s.Store.Find(ctx, bson.M{"fair_id": f.ID, "status": Accepted})
	if err != nil {
		return Run{}, err
	}
	now := s.now()
	// A meeting whose slot starts before the run can be saved (each day's solve takes up to
	// limit) keeps its place: its slot counts as started for the run's participants (solveDay).
	settleBy := now
	if !o.IncludeStarted {
		settleBy = now.Add(time.Duration(len(f.B2BDays)) * limit)
	}
	p := newPlan(f, accepted, settleBy, o.Repair)
	out := Run{FairID: f.ID, Version: lease.Epoch}
	for _, d := range f.B2BDays {
		// A slot that starts before the day's solve can end has started for this run: the
		// schedule is saved only after it.
		var started []int
		if !o.IncludeStarted {
			started = startedSlots(f, d, s.now().Add(limit))
		}
		if d.Slots > 0 && len(started) == d.Slots {
			delete(p.later, d.Date) // nothing new can start on a day that is over
			continue
		}
		day, err := s.solveDay(ctx, f, d, started, limit, &p)
		if err != nil {
			return Run{}, err
		}
		out.Days = append(out.Days, day)
		if len(p.pending) == 0 {
			p.left = nil
			break
		}
	}
	p.daysOver()
	out.Left = p.left
	t := Timetable{FairID: f.ID, Version: lease.Epoch, Placements: p.placed, Unplaced: unplacedOf(p.left, now), UnplacedKnown: true, CreatedAt: now}
	evs, marked, until, err := s.markRunMoves(ctx, f, accepted, &t)
	if err == nil {
		reportMoves(&out, p.published, t)
		err = s.Store.SaveTimetable(ctx, lease, s.now(), t, correlation.From(ctx), evs...)
	}
	_ = s.Store.UnmarkMoves(ctx, marked, until) // failing, the marks lapse at their time
	if err != nil {
		return Run{}, err
	}
	return out, nil
}

// plan is a scheduling run between its days: the meetings still to place, in the order they
// were asked for, what the days so far placed, and the settled meetings that keep their places.
// published holds where the schedule before the run had the meetings still to place; a repair
// keeps them there (repair), and on the days still to come (later) it offers those days' own
// meetings to no other day.
type plan struct {
	byID      map[string]Meeting
	placed    map[string]Placement
	fixed     []Meeting
	pending   []string
	left      []schedule.Unscheduled
	published map[string]Placement
	repair    bool
	later     map[string]bool
}

// daysOver leaves unscheduled, because the days are over, the meetings still pending that no day
// said why: those waiting for a day that was over before the run came to it.
func (p *plan) daysOver() {
	said := map[string]bool{}
	for _, u := range p.left {
		said[u.Meeting] = true
	}
	for _, id := range p.pending {
		if !said[id] {
			p.left = append(p.left, schedule.NewUnscheduled(id, schedule.MsgDaysOver.With()))
		}
	}
}

// newPlan sets the settled meetings aside, at their places, and queues the others.
func newPlan(f index.Fair, accepted []Meeting, now time.Time, repair bool) plan {
	p := plan{byID: map[string]Meeting{}, placed: map[string]Placement{}, pending: make([]string, 0, len(accepted)),
		published: map[string]Placement{}, repair: repair, later: map[string]bool{}}
	for _, d := range f.B2BDays {
		p.later[d.Date] = true
	}
	for _, m := range accepted {
		if settled(f, m, now) {
			if m.Slot > 0 {
				p.placed[m.ID] = m.Place()
			}
			p.fixed = append(p.fixed, m)
			continue
		}
		if m.Slot > 0 {
			p.published[m.ID] = m.Place()
		}
		p.byID[m.ID] = m
		p.pending = append(p.pending, m.ID)
	}
	return p
}

// solveDay solves one B2B day for the plan's pending meetings around its settled ones, places
// what the day takes and leaves the rest pending for the next day. A slot the run counts as
// started takes no meeting: everyone offered is unavailable then.
func (s *Service) solveDay(ctx context.Context, f index.Fair, d events.B2BDayV1, started []int, limit time.Duration, p *plan) (DayRun, error) {
	unav, err := s.Store.Unavailable(ctx, f.ID, d.Date)
	if err != nil {
		return DayRun{}, err
	}
	prob := schedule.Problem{Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables, MaxBreakSpread: 2, TimeLimitMS: int(limit / time.Millisecond)}
	held := holdFixed(&prob, p.fixed, d.Date, unav)
	waiting := p.offer(&prob, d.Date, held)
	if len(started) > 0 {
		for _, m := range prob.Meetings {
			if !strings.HasPrefix(m.ID, heldPrefix) {
				for _, who := range m.Participants {
					unav[who] = append(unav[who], started...)
				}
			}
		}
	}
	for who, slots := range unav {
		prob.Participants = append(prob.Participants, schedule.Participant{ID: who, Unavailable: slices.Compact(slices.Sorted(slices.Values(slots)))})
	}
	slices.SortFunc(prob.Participants, func(a, b schedule.Participant) int { return cmpString(a.ID, b.ID) })
	solve := s.Solve
	if solve == nil {
		solve = schedule.Solve
	}
	sol, err := solve(ctx, prob)
	if err != nil {
		return DayRun{}, err
	}
	assigned, unplaced := clearOfFixed(sol, held)
	for _, a := range assigned {
		p.placed[a.Meeting] = Placement{Day: d.Date, Slot: a.Slot, Table: a.Table}
	}
	p.pending = waiting
	p.left = unplaced
	for _, u := range unplaced {
		p.pending = append(p.pending, u.Meeting)
	}
	return DayRun{Day: d.Date, Status: sol.Status, Meetings: len(assigned), Breaks: sol.TotalBreaks, Bound: sol.LowerBound, Elapsed: sol.ElapsedMS}, nil
}

// settled reports whether a meeting's place is history: it was held (its outcome is recorded),
// attended (both badges were scanned at its table, which may be up to 15 minutes before its
// slot) or its slot has started. A new run leaves such a meeting where it is.
func settled(f index.Fair, m Meeting, now time.Time) bool {
	if m.Held() || !m.AttendedAt.IsZero() {
		return true
	}
	if m.Slot == 0 {
		return false
	}
	starts := slotTime(f, m.Day, m.Slot)
	return !starts.IsZero() && !now.Before(starts)
}

// startedSlots returns the slots of day d that have started by now, in order.
func startedSlots(f index.Fair, d events.B2BDayV1, now time.Time) []int {
	var out []int
	for slot := 1; slot <= d.Slots; slot++ {
		if starts := slotTime(f, d.Date, slot); !starts.IsZero() && !now.Before(starts) {
			out = append(out, slot)
		}
	}
	return out
}

// heldPrefix marks the stand-in meetings that keep settled meetings' tables in a day's problem.
const heldPrefix = "held:"

// holdFixed takes the places of the settled meetings on day out of the day's problem: their
// participants are unavailable in their slots (added to unav), and each one's table is taken by
// a stand-in meeting fixed to its slot, whose only participant is its own. It returns the table
// each stand-in must end on, by stand-in ID. Places outside the day's current slots or tables
// (the day's settings shrank) need no stand-in: the solver never uses them.
func holdFixed(prob *schedule.Problem, fixed []Meeting, day string, unav map[string][]int) map[string]Placement {
	held := map[string]Placement{}
	for _, m := range fixed {
		if m.Day != day || m.Slot < 1 || m.Slot > prob.Slots {
			continue
		}
		for _, who := range []string{m.BuyerID, m.ProducerID} {
			unav[who] = append(unav[who], m.Slot)
		}
		if m.Table < 1 || m.Table > prob.Tables {
			continue
		}
		id := heldPrefix + m.ID
		prob.Meetings = append(prob.Meetings, schedule.Meeting{ID: id, Participants: []string{id}, Session: schedule.Any, FixedSlot: m.Slot})
		held[id] = Placement{Day: day, Slot: m.Slot, Table: m.Table}
	}
	return held
}

// clearOfFixed returns a day's solution without its stand-ins, each settled meeting back at its
// own table: the solver numbers a slot's tables freely, so the meeting it put at a settled
// meeting's table trades tables with that meeting's stand-in. A meeting that would still share a
// settled meeting's table (its stand-in was left out) is returned unscheduled instead.
func clearOfFixed(sol schedule.Solution, held map[string]Placement) ([]schedule.Assignment, []schedule.Unscheduled) {
	as := slices.Clone(sol.Assignments)
	at := func(slot, table int) int {
		return slices.IndexFunc(as, func(a schedule.Assignment) bool { return a.Slot == slot && a.Table == table })
	}
	taken := map[[2]int]bool{}
	for i := range as {
		want, ok := held[as[i].Meeting]
		if !ok {
			continue
		}
		taken[[2]int{want.Slot, want.Table}] = true
		if j := at(as[i].Slot, want.Table); j >= 0 && j != i {
			as[j].Table = as[i].Table
		}
		as[i].Table = want.Table
	}
	for _, p := range held {
		taken[[2]int{p.Slot, p.Table}] = true
	}
	var assigned []schedule.Assignment
	var left []schedule.Unscheduled
	for _, a := range as {
		if _, ok := held[a.Meeting]; ok {
			continue
		}
		if taken[[2]int{a.Slot, a.Table}] {
			left = append(left, schedule.NewUnscheduled(a.Meeting, schedule.MsgTableTaken.With()))
			continue
		}
		assigned = append(assigned, a)
	}
	for _, u := range sol.Unscheduled {
		if _, ok := held[u.Meeting]; !ok {
			left = append(left, u)
		}
	}
	return assigned, left
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// slotTime is when a slot of a B2B day starts, in Vietnam's time: the afternoon's slots after
// the day's lunch break. Zero when the fair has no such day or its settings do not parse.
func slotTime(f index.Fair, day string, slot int) time.Time {
	for _, d := range f.B2BDays {
		if d.Date != day {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.StartTime, vntext.Zone)
		if err != nil {
			return time.Time{}
		}
		minutes := (slot - 1) * d.SlotMinutes
		if hasLunch(d) && slot > d.MorningSlots {
			minutes += d.LunchMinutes
		}
		return t.Add(time.Duration(minutes) * time.Minute)
	}
	return time.Time{}
}

// fits reports whether the fair's B2B settings, as they are now, have day, its slot and its
// table: settings made smaller after a run leave meetings placed where the fair has no longer
// a slot or a table.
func fits(f index.Fair, day string, slot, table int) bool {
	for _, d := range f.B2BDays {
		if d.Date == day {
			return slot >= 1 && slot <= d.Slots && table >= 1 && table <= d.Tables
		}
	}
	return false
}

// placedStill reports whether meeting m (placed) keeps its place under fair f's B2B settings
// as they are now: where they still have its slot and table, or settled (held, attended, or
// started: it happened where it was, and no run moves it).
func placedStill(f index.Fair, m Meeting, now time.Time) bool {
	return fits(f, m.Day, m.Slot, m.Table) || settled(f, m, now)
}

// hasLunch reports whether a B2B day pauses between its morning and its afternoon.
func hasLunch(d events.B2BDayV1) bool {
	return d.LunchMinutes > 0 && d.MorningSlots > 0 && d.MorningSlots < d.Slots
}

// slotStart is the RFC 3339 start of a slot of a B2B day, or "".
func slotStart(f index.Fair, day string, slot int) string {
	if t := slotTime(f, day, slot); !t.IsZero() {
		return t.Format(time.RFC3339)
	}
	return ""
}

// lunchOf is day d's lunch break, if it has one and its start time parses.
func lunchOf(f index.Fair, d events.B2BDayV1) (lunchBreak, bool) {
	ends := slotTime(f, d.Date, d.MorningSlots+1)
	if !hasLunch(d) || ends.IsZero() {
		return lunchBreak{}, false
	}
	starts := ends.Add(-time.Duration(d.LunchMinutes) * time.Minute)
	return lunchBreak{Day: d.Date, AfterSlot: d.MorningSlots, Starts: starts.Format(time.RFC3339), Ends: ends.Format(time.RFC3339),
		Minutes: d.LunchMinutes}, true
}
