// Package schedule places B2B meetings into time slots and tables. It is pure Go with a JSON
// interface (Problem in, Solution out), used by the matchmaking service, the scheduling endpoint
// and the ocopfair-schedule command.
//
// Hard rules: every meeting at most once and in its session; a participant in at most one
// meeting per slot; at most Tables meetings per slot, each at its own table; no meeting in a
// participant's unavailable slot; fixed slots and "after" order kept. A meeting that cannot be
// placed is returned in Unscheduled with a reason.
//
// Objective: the fewest breaks, a break being a maximal run of empty slots between two meetings
// of one participant; the spread between the participants with most and fewest breaks within
// MaxBreakSpread; a producer (a meeting's last participant, the one who stays at the table)
// keeping one table all day.
//
// The solver builds a schedule greedily, then improves it by simulated annealing (slot moves,
// swaps, and Kempe-chain slot swaps, some of them closing a gap; a chain is evaluated before it
// moves). Beside it, on a second goroutine, a depth-first search proves a lower bound: the busiest
// participants (the buyers, in a B2B day) cannot all be busy in the middle of the day when tables
// are scarce, and that search counts the breaks this forces (see bound.go). When the bound is
// settled the goroutine runs a second annealing from another seed, which also counts the empty
// slots between a participant's meetings (it leans towards short breaks, which one move closes
// more often; see idleWeight); on a day whose buyers meet
// producers, the annealings weigh the buyers' breaks three and five times (the others' breaks are
// then cheap to take on while the busiest rearrange), on a day where anyone may meet anyone all
// breaks weigh the same (see twoSided). The better schedule wins, and the answer is "optimal"
// when its breaks meet the bound. Solve uses up to two cores for at most the time limit.
package schedule

import (
	"fmt"
	"slices"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Sessions.
const (
	Morning   = "morning"
	Afternoon = "afternoon"
	Any       = "any"
)

// MaxSlots bounds a day: slots are tracked in 64-bit masks.
const MaxSlots = 64

// Participant is a buyer or producer with the slots it cannot attend.
type Participant struct {
	ID          string `json:"id"`
	Unavailable []int  `json:"unavailable_slots"`
}

// Meeting is one meeting to place.
type Meeting struct {
	ID           string   `json:"id"`
	Participants []string `json:"participants"`
	Session      string   `json:"session"`
	FixedSlot    int      `json:"fixed_slot"`
	After        []string `json:"after"`
}

// Problem is one day of B2B meetings.
type Problem struct {
	Slots          int           `json:"slots"`
	MorningSlots   int           `json:"morning_slots"`
	Tables         int           `json:"tables"`
	Participants   []Participant `json:"participants"`
	Meetings       []Meeting     `json:"meetings"`
	MaxBreakSpread int           `json:"max_break_spread"`
	TimeLimitMS    int           `json:"time_limit_ms"`
	// Keep is a published schedule to change as little as possible: each meeting listed stays
	// at its slot and table unless moving it is necessary (fewest moved meetings first, then
	// fewest breaks).
	Keep []Assignment `json:"keep,omitempty"`
	// Seed makes runs repeatable; 0 uses a fixed default.
	Seed uint64 `json:"seed,omitempty"`
}

// Assignment places a meeting.
type Assignment struct {
	Meeting string `json:"meeting"`
	Slot    int    `json:"slot"`
	Table   int    `json:"table"`
}

// Unscheduled is a meeting that could not be placed, and why: Code for clients to map, Reason in
// words (English until the edge says it in the caller's language with In).
type Unscheduled struct {
	Meeting string      `json:"meeting"`
	Code    string      `json:"code" doc:"unscheduled.fixed_slot, unscheduled.no_common_slot, unscheduled.no_room, unscheduled.table_taken or unscheduled.days_over"`
	Reason  string      `json:"reason"`
	Why     apperr.Text `json:"-"`
}

// NewUnscheduled is meeting left unscheduled for the reason why.
func NewUnscheduled(meeting string, why apperr.Text) Unscheduled {
	return Unscheduled{Meeting: meeting, Code: why.Msg.Code, Reason: why.In(apperr.English), Why: why}
}

// In returns u with its reason said in lang; a reason without a message stays as it is.
func (u Unscheduled) In(lang apperr.Lang) Unscheduled {
	if !u.Why.IsZero() {
		u.Reason = u.Why.In(lang)
	}
	return u
}

// Statuses of a solution.
const (
	Optimal    = "optimal"
	Feasible   = "feasible"
	Infeasible = "infeasible"
)

// Solution is the answer.
type Solution struct {
	Status         string        `json:"status"`
	TotalBreaks    int           `json:"total_breaks"`
	LowerBound     int           `json:"lower_bound"`
	MaxBreakSpread int           `json:"max_break_spread"`
	Assignments    []Assignment  `json:"assignments"`
	Unscheduled    []Unscheduled `json:"unscheduled"`
	ElapsedMS      int64         `json:"elapsed_ms"`
	// ProducerTableChanges counts how often a producer changes table during the day.
	ProducerTableChanges int `json:"producer_table_changes"`
	// Moved are the kept meetings (Problem.Keep) placed at another slot or table, where they
	// are now; a kept meeting left unscheduled is in Unscheduled instead.
	Moved []Assignment `json:"moved,omitempty"`
}

// Validate checks the problem's shape: Invalid with the first field at fault, in words.
func (p Problem) Validate() error {
	switch {
	case p.Slots < 1 || p.Slots > MaxSlots:
		return apperr.InvalidField("slots", apperr.Between, 1, MaxSlots)
	case p.MorningSlots < 0 || p.MorningSlots > p.Slots:
		return apperr.InvalidField("morning_slots", msgMorningSlots, p.Slots)
	case p.Tables < 1 || p.Tables > 1000:
		return apperr.InvalidField("tables", apperr.Between, 1, 1000)
	case len(p.Meetings) > 20000:
		return apperr.InvalidField("meetings", apperr.TooMany, 20000)
	case p.MaxBreakSpread < 0:
		return apperr.InvalidField("max_break_spread", msgNotNegative)
	case p.TimeLimitMS < 0 || p.TimeLimitMS > 600000:
		return apperr.InvalidField("time_limit_ms", apperr.Between, 0, 600000)
	}
	seenP := map[string]bool{}
	for i, pt := range p.Participants {
		if pt.ID == "" || seenP[pt.ID] {
			return apperr.InvalidField(fmt.Sprintf("participants[%d].id", i), msgListedTwice, pt.ID)
		}
		seenP[pt.ID] = true
		for _, s := range pt.Unavailable {
			if s < 1 || s > p.Slots {
				return apperr.InvalidField(fmt.Sprintf("participants[%d].unavailable_slots", i), msgUnavailableSlot, s, p.Slots)
			}
		}
	}
	seenM := map[string]bool{}
	for i, m := range p.Meetings {
		if m.ID == "" || seenM[m.ID] {
			return apperr.InvalidField(fmt.Sprintf("meetings[%d].id", i), msgListedTwice, m.ID)
		}
		seenM[m.ID] = true
	}
	for i, m := range p.Meetings {
		if err := m.validate(fmt.Sprintf("meetings[%d]", i), p.Slots, seenM); err != nil {
			return err
		}
	}
	kept := map[string]bool{}
	for i, k := range p.Keep {
		field := fmt.Sprintf("keep[%d]", i)
		if !seenM[k.Meeting] || kept[k.Meeting] {
			return apperr.InvalidField(field+".meeting", msgKeepUnknown, k.Meeting)
		}
		kept[k.Meeting] = true
		if k.Slot < 1 || k.Slot > p.Slots || k.Table < 1 || k.Table > p.Tables {
			return apperr.InvalidField(field, msgKeepPlace, p.Slots, p.Tables)
		}
	}
	return nil
}

// validate checks one meeting of a problem of slots slots whose meetings are known: Invalid on
// the field at fault, under prefix.
func (m Meeting) validate(prefix string, slots int, known map[string]bool) error {
	switch {
	case len(m.Participants) == 0 || len(m.Participants) > 10:
		return apperr.InvalidField(prefix+".participants", msgParticipantCount, 1, 10)
	case len(slices.Compact(slices.Sorted(slices.Values(m.Participants)))) != len(m.Participants):
		return apperr.InvalidField(prefix+".participants", msgParticipantRepeated)
	case m.Session != "" && m.Session != Morning && m.Session != Afternoon && m.Session != Any:
		return apperr.InvalidField(prefix+".session", apperr.OneOf, apperr.OrOf(Morning, Afternoon, Any))
	case m.FixedSlot < 0 || m.FixedSlot > slots:
		return apperr.InvalidField(prefix+".fixed_slot", msgFixedSlot, slots)
	}
	for _, a := range m.After {
		if !known[a] || a == m.ID {
			return apperr.InvalidField(prefix+".after", msgAfterUnknown, a)
		}
	}
	return nil
}
