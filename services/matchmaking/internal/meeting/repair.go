package meeting

import (
	"maps"
	"slices"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// Move is a meeting that a scheduling run placed elsewhere than the schedule before it had it.
type Move struct {
	MeetingID string
	From, To  Placement
}

// offer puts the plan's pending meetings into day's problem and returns, as a new list, those
// it keeps for a later day: a meeting whose agreed day (PreferredDay) is still to come waits for
// it (but for one a repair keeps in place), and in a repair, a meeting the published schedule has on a B2B day still
// to come waits for that day, so that no earlier day takes it from its place. A repair also asks
// the solver to keep each offered meeting's published place on this day, and each stand-in of a
// settled meeting (held) at that meeting's table, so that no kept meeting trades tables with one.
func (p *plan) offer(prob *schedule.Problem, day string, held map[string]Placement) []string {
	delete(p.later, day)
	var waiting []string
	for _, id := range p.pending {
		m := p.byID[id]
		pub, published := p.published[id]
		if p.repair && published && pub.Day != day && p.later[pub.Day] {
			waiting = append(waiting, id)
			continue
		}
		// A day both sides agreed on through a proposal, still to come, takes the meeting first.
		if !(p.repair && published) && m.PreferredDay != "" && m.PreferredDay != day && p.later[m.PreferredDay] {
			waiting = append(waiting, id)
			continue
		}
		prob.Meetings = append(prob.Meetings, schedule.Meeting{ID: m.ID, Participants: []string{m.BuyerID, m.ProducerID}, Session: m.Session})
		if p.repair && published && pub.Day == day {
			keep(prob, id, pub)
		}
	}
	if p.repair {
		for _, id := range slices.Sorted(maps.Keys(held)) {
			keep(prob, id, held[id])
		}
	}
	return waiting
}

// keep asks prob to keep meeting id at place, when the day's slots and tables still have it.
func keep(prob *schedule.Problem, id string, place Placement) {
	if place.Slot < 1 || place.Slot > prob.Slots || place.Table < 1 || place.Table > prob.Tables {
		return
	}
	prob.Keep = append(prob.Keep, schedule.Assignment{Meeting: id, Slot: place.Slot, Table: place.Table})
}

// reportMoves adds to each day of out the meetings it placed that published (the places before
// the run) had elsewhere. A meeting left unplaced is in out.Left, not among the moves.
func reportMoves(out *Run, published map[string]Placement, t Timetable) {
	for _, id := range slices.Sorted(maps.Keys(published)) {
		from := published[id]
		to, ok := t.Placements[id]
		if !ok || to == from {
			continue
		}
		for i := range out.Days {
			if out.Days[i].Day == to.Day {
				out.Days[i].Moved = append(out.Days[i].Moved, Move{MeetingID: id, From: from, To: to})
			}
		}
	}
}
