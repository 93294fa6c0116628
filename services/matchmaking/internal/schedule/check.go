package schedule

import (
	"fmt"
	"slices"
	"sort"
)

// Check verifies a solution against every hard rule, independently of the solver, and that the
// reported break count and spread are right. It returns each violation in words.
func Check(p Problem, sol Solution) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	meetings := map[string]Meeting{}
	for _, m := range p.Meetings {
		meetings[m.ID] = m
	}
	unavailable := map[string]map[int]bool{}
	for _, pt := range p.Participants {
		unavailable[pt.ID] = map[int]bool{}
		for _, s := range pt.Unavailable {
			unavailable[pt.ID][s] = true
		}
	}
	seen := map[string]int{}
	slotOf := map[string]int{}
	busy := map[string]map[int]string{}
	tableAt := map[int]map[int]string{}
	perSlot := map[int]int{}
	for _, a := range sol.Assignments {
		m, ok := meetings[a.Meeting]
		if !ok {
			bad("assignment of unknown meeting %s", a.Meeting)
			continue
		}
		seen[a.Meeting]++
		slotOf[a.Meeting] = a.Slot
		if a.Slot < 1 || a.Slot > p.Slots {
			bad("meeting %s in slot %d, outside 1..%d", m.ID, a.Slot, p.Slots)
			continue
		}
		switch m.Session {
		case Morning:
			if a.Slot > p.MorningSlots {
				bad("morning meeting %s in afternoon slot %d", m.ID, a.Slot)
			}
		case Afternoon:
			if a.Slot <= p.MorningSlots {
				bad("afternoon meeting %s in morning slot %d", m.ID, a.Slot)
			}
		}
		if m.FixedSlot > 0 && a.Slot != m.FixedSlot {
			bad("meeting %s fixed to slot %d placed in %d", m.ID, m.FixedSlot, a.Slot)
		}
		if a.Table < 1 || a.Table > p.Tables {
			bad("meeting %s at table %d, outside 1..%d", m.ID, a.Table, p.Tables)
		}
		if tableAt[a.Slot] == nil {
			tableAt[a.Slot] = map[int]string{}
		}
		if other, taken := tableAt[a.Slot][a.Table]; taken {
			bad("meetings %s and %s share table %d in slot %d", other, m.ID, a.Table, a.Slot)
		}
		tableAt[a.Slot][a.Table] = m.ID
		perSlot[a.Slot]++
		for _, pid := range m.Participants {
			if unavailable[pid][a.Slot] {
				bad("meeting %s in slot %d, when %s is unavailable", m.ID, a.Slot, pid)
			}
			if busy[pid] == nil {
				busy[pid] = map[int]string{}
			}
			if other, ok := busy[pid][a.Slot]; ok {
				bad("%s has meetings %s and %s in slot %d", pid, other, m.ID, a.Slot)
			}
			busy[pid][a.Slot] = m.ID
		}
	}
	for s, n := range perSlot {
		if n > p.Tables {
			bad("slot %d holds %d meetings for %d tables", s, n, p.Tables)
		}
	}
	unscheduled := map[string]bool{}
	for _, u := range sol.Unscheduled {
		unscheduled[u.Meeting] = true
		if u.Reason == "" {
			bad("meeting %s unscheduled without a reason", u.Meeting)
		}
		if seen[u.Meeting] > 0 {
			bad("meeting %s both scheduled and unscheduled", u.Meeting)
		}
	}
	for _, m := range p.Meetings {
		switch {
		case seen[m.ID] > 1:
			bad("meeting %s scheduled %d times", m.ID, seen[m.ID])
		case seen[m.ID] == 0 && !unscheduled[m.ID]:
			bad("meeting %s dropped silently", m.ID)
		}
		for _, a := range m.After {
			if sa, ok := slotOf[a]; ok {
				if sm, ok := slotOf[m.ID]; ok && sa >= sm {
					bad("meeting %s (slot %d) must come after %s (slot %d)", m.ID, sm, a, sa)
				}
			}
		}
	}
	total, lo, hi := 0, -1, 0
	for _, slots := range busy {
		var ss []int
		for s := range slots {
			ss = append(ss, s)
		}
		sort.Ints(ss)
		b := 0
		for i := 1; i < len(ss); i++ {
			if ss[i] > ss[i-1]+1 {
				b++
			}
		}
		total += b
		if lo < 0 || b < lo {
			lo = b
		}
		hi = max(hi, b)
	}
	if total != sol.TotalBreaks {
		bad("total_breaks %d, but the assignments have %d", sol.TotalBreaks, total)
	}
	if lo >= 0 && hi-lo != sol.MaxBreakSpread {
		bad("max_break_spread %d, but the assignments spread %d", sol.MaxBreakSpread, hi-lo)
	}
	if sol.LowerBound > sol.TotalBreaks && len(sol.Unscheduled) == 0 {
		bad("lower bound %d above the breaks found %d", sol.LowerBound, sol.TotalBreaks)
	}
	if sol.Status == Optimal && (sol.TotalBreaks != sol.LowerBound || len(sol.Unscheduled) > 0) {
		bad("status optimal without proof")
	}
	if !slices.Contains([]string{Optimal, Feasible, Infeasible}, sol.Status) {
		bad("unknown status %q", sol.Status)
	}
	checkMoved(p, sol, bad)
	return out
}

// checkMoved verifies that the solution's moved meetings are exactly the kept ones placed at
// another slot or table, each where the assignments put it.
func checkMoved(p Problem, sol Solution, bad func(string, ...any)) {
	placed := map[string]Assignment{}
	for _, a := range sol.Assignments {
		placed[a.Meeting] = a
	}
	moved := map[string]Assignment{}
	for _, a := range sol.Moved {
		moved[a.Meeting] = a
	}
	for _, k := range p.Keep {
		a, ok := placed[k.Meeting]
		m, said := moved[k.Meeting]
		switch {
		case ok && a != k && (!said || m != a):
			bad("kept meeting %s moved from slot %d table %d to slot %d table %d, not reported as moved there", k.Meeting, k.Slot, k.Table, a.Slot, a.Table)
		case said && (!ok || a == k):
			bad("meeting %s reported moved, but it is not placed elsewhere", k.Meeting)
		}
		delete(moved, k.Meeting)
	}
	for id := range moved {
		bad("meeting %s reported moved, but it was not kept", id)
	}
}

// FirstFit is the baseline an organiser gets by hand: each meeting, in the order given, in the
// earliest slot its session allows where both sides are free, at the first free table.
func FirstFit(p Problem) Solution {
	s := newSolver(p)
	for m := range s.ms {
		for sl := 1; sl <= s.slots; sl++ {
			if s.fits(m, sl) {
				s.place(m, sl)
				break
			}
		}
	}
	sol := Solution{TotalBreaks: s.total, MaxBreakSpread: s.spread(), Assignments: []Assignment{}, Unscheduled: []Unscheduled{}}
	used := map[int]int{}
	for m, sl := range s.slot {
		if sl == 0 {
			sol.Unscheduled = append(sol.Unscheduled, NewUnscheduled(s.ms[m].id, s.reason(m)))
			continue
		}
		used[sl]++
		a := Assignment{Meeting: s.ms[m].id, Slot: sl, Table: used[sl]}
		sol.Assignments = append(sol.Assignments, a)
		if s.keepSlot[m] != 0 && (sl != s.keepSlot[m] || a.Table != s.keepTable[m]) {
			sol.Moved = append(sol.Moved, a)
		}
	}
	sol.Status = Feasible
	if len(sol.Unscheduled) > 0 {
		sol.Status = Infeasible
	}
	return sol
}
