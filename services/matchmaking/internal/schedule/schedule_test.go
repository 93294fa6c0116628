package schedule

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestSolveChainWithoutBreaks(t *testing.T) {
	// One buyer meets five producers; one table per slot is plenty.
	p := Problem{Slots: 8, MorningSlots: 4, Tables: 3, TimeLimitMS: 2000, MaxBreakSpread: 1}
	for i := 0; i < 5; i++ {
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%d", i), Participants: []string{"b1", fmt.Sprintf("p%d", i)}, Session: Any})
	}
	p.Meetings[0].Session = Afternoon
	p.Meetings[1].FixedSlot = 3
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(p, sol); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if sol.Status != Optimal || sol.TotalBreaks != 0 {
		t.Errorf("status %s breaks %d, want optimal 0: %+v", sol.Status, sol.TotalBreaks, sol.Assignments)
	}
}

func TestUnavailableAndSessionsForceUnscheduled(t *testing.T) {
	p := Problem{Slots: 4, MorningSlots: 2, Tables: 1, TimeLimitMS: 200,
		Participants: []Participant{{ID: "b1", Unavailable: []int{1, 2}}},
		Meetings: []Meeting{
			{ID: "morning-only", Participants: []string{"b1", "p1"}, Session: Morning},
			{ID: "ok", Participants: []string{"b1", "p2"}, Session: Afternoon},
			{ID: "m3", Participants: []string{"p3", "p4"}, After: []string{"m4"}},
			{ID: "m4", Participants: []string{"p3", "p5"}, After: []string{"m3"}},
		}}
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(p, sol); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if sol.Status != Infeasible {
		t.Errorf("status %s, want infeasible", sol.Status)
	}
	reasons := map[string]string{}
	for _, u := range sol.Unscheduled {
		reasons[u.Meeting] = u.Reason
	}
	if reasons["morning-only"] == "" || len(reasons) != 2 {
		t.Errorf("unscheduled %+v: want morning-only and one of the circular pair", sol.Unscheduled)
	}
}

func TestValidate(t *testing.T) {
	for name, p := range map[string]Problem{
		"no slots":         {Slots: 0, Tables: 1},
		"too many slots":   {Slots: 65, Tables: 1},
		"morning too long": {Slots: 4, MorningSlots: 5, Tables: 1},
		"bad session":      {Slots: 4, Tables: 1, Meetings: []Meeting{{ID: "m", Participants: []string{"a"}, Session: "evening"}}},
		"unknown after":    {Slots: 4, Tables: 1, Meetings: []Meeting{{ID: "m", Participants: []string{"a"}, After: []string{"x"}}}},
		"duplicate":        {Slots: 4, Tables: 1, Meetings: []Meeting{{ID: "m", Participants: []string{"a"}}, {ID: "m", Participants: []string{"b"}}}},
		"fixed out of day": {Slots: 4, Tables: 1, Meetings: []Meeting{{ID: "m", Participants: []string{"a"}, FixedSlot: 9}}},
	} {
		if _, err := Solve(context.Background(), p); err == nil {
			t.Errorf("%s: Solve accepted it", name)
		}
	}
}

// randomProblem makes small instances, some of them impossible to fill.
func randomProblem(r *rand.Rand) Problem {
	slots := 3 + r.IntN(10)
	p := Problem{Slots: slots, MorningSlots: r.IntN(slots + 1), Tables: 1 + r.IntN(4), TimeLimitMS: 30, MaxBreakSpread: r.IntN(3), Seed: r.Uint64()}
	np := 2 + r.IntN(8)
	for i := 0; i < np; i++ {
		pt := Participant{ID: fmt.Sprintf("x%d", i)}
		for j := 0; j < r.IntN(3); j++ {
			pt.Unavailable = append(pt.Unavailable, 1+r.IntN(slots))
		}
		pt.Unavailable = uniq(pt.Unavailable)
		p.Participants = append(p.Participants, pt)
	}
	nm := r.IntN(20)
	for i := 0; i < nm; i++ {
		a, b := r.IntN(np), r.IntN(np)
		if a == b {
			continue
		}
		m := Meeting{ID: fmt.Sprintf("m%d", i), Participants: []string{fmt.Sprintf("x%d", a), fmt.Sprintf("x%d", b)}, Session: []string{Any, Any, Morning, Afternoon}[r.IntN(4)]}
		if r.IntN(8) == 0 {
			m.FixedSlot = 1 + r.IntN(slots)
		}
		if len(p.Meetings) > 0 && r.IntN(6) == 0 {
			m.After = []string{p.Meetings[r.IntN(len(p.Meetings))].ID}
		}
		p.Meetings = append(p.Meetings, m)
	}
	return p
}

func uniq(s []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func TestPropertyEveryAnswerPassesTheChecker(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	for i := 0; i < 200; i++ {
		p := randomProblem(r)
		sol, err := Solve(context.Background(), p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if v := Check(p, sol); len(v) > 0 {
			t.Fatalf("instance %d: solver violations %v\nproblem %+v\nsolution %+v", i, v, p, sol)
		}
		ff := FirstFit(p)
		if v := Check(p, ff); len(v) > 0 {
			t.Fatalf("instance %d: first-fit violations %v", i, v)
		}
		if len(sol.Unscheduled) > len(ff.Unscheduled) {
			t.Errorf("instance %d: solver left %d meetings out, first fit %d", i, len(sol.Unscheduled), len(ff.Unscheduled))
		}
	}
}

func TestCheckerCatchesBrokenSolutions(t *testing.T) {
	p := Problem{Slots: 3, MorningSlots: 1, Tables: 1, Participants: []Participant{{ID: "a", Unavailable: []int{3}}},
		Meetings: []Meeting{{ID: "m1", Participants: []string{"a", "b"}, Session: Morning}, {ID: "m2", Participants: []string{"a", "c"}}, {ID: "m3", Participants: []string{"d", "e"}}}}
	broken := Solution{Status: Optimal, Assignments: []Assignment{{Meeting: "m1", Slot: 2, Table: 1}, {Meeting: "m2", Slot: 2, Table: 1}}}
	if v := Check(p, broken); len(v) < 4 {
		t.Errorf("Check found only %v", v)
	}
}

func TestRealisticInstanceIsValidFast(t *testing.T) {
	p := Generate(3, 0.5)
	p.TimeLimitMS = 1000
	start := time.Now()
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(p, sol); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("took %v with a 1 s limit", elapsed)
	}
}

// Long days where everyone has many meetings and the budget search may list many patterns
// with breaks: the solve still keeps its time limit and the rules.
func TestLongDaysKeepTheTimeLimit(t *testing.T) {
	for _, slots := range []int{40, 64} {
		p := Problem{Slots: slots, MorningSlots: slots / 2, Tables: 3, MaxBreakSpread: 64, TimeLimitMS: 300}
		for b := range 6 {
			for q := range slots / 2 {
				p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%d_%d", b, q), Participants: []string{fmt.Sprint("b", b), fmt.Sprint("p", (q+b)%9)}})
			}
		}
		p.Participants = []Participant{{ID: "b0", Unavailable: []int{slots / 3, slots / 2, slots/2 + 2}}}
		start := time.Now()
		sol, err := Solve(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if v := Check(p, sol); len(v) > 0 {
			t.Fatalf("%d slots: violations: %v", slots, v)
		}
		elapsed := time.Since(start)
		t.Logf("%d slots: %v, %d breaks, bound %d", slots, elapsed, sol.TotalBreaks, sol.LowerBound)
		if elapsed > time.Second {
			t.Errorf("%d slots: took %v with a 300 ms limit", slots, elapsed)
		}
	}
}

// BenchmarkSchedule solves realistic generated days and reports, per instance, the solver's
// breaks over three seeds (best and worst), how many of those runs proved optimality, the
// lower bound and time, beside the first-fit baseline and a 1 s run.
func BenchmarkSchedule(b *testing.B) {
	for i, size := range []float64{0, 0.25, 0.5, 0.75, 1} {
		p := Generate(uint64(100+i), size)
		name := fmt.Sprintf("instance%d_%dparticipants_%dmeetings_%dslots_%dtables", i, len(p.Participants), len(p.Meetings), p.Slots, p.Tables)
		b.Run(name, func(b *testing.B) {
			var sols []Solution
			for b.Loop() {
				sols = sols[:0]
				for seed := uint64(1); seed <= 3; seed++ {
					q := p
					q.Seed = seed
					sol, err := Solve(context.Background(), q)
					if err != nil {
						b.Fatal(err)
					}
					if v := Check(q, sol); len(v) > 0 {
						b.Fatalf("violations: %v", v)
					}
					sols = append(sols, sol)
				}
			}
			quick := p
			quick.TimeLimitMS = 1000
			fast, err := Solve(context.Background(), quick)
			if err != nil || len(Check(quick, fast)) > 0 {
				b.Fatalf("1 s run: %v %v", err, Check(quick, fast))
			}
			lo, hi, proved, unscheduled, lb, ms := math.MaxInt, 0, 0, 0, 0, int64(0)
			for _, sol := range sols {
				lo, hi = min(lo, sol.TotalBreaks), max(hi, sol.TotalBreaks)
				unscheduled = max(unscheduled, len(sol.Unscheduled))
				lb = max(lb, sol.LowerBound)
				ms = max(ms, sol.ElapsedMS)
				if sol.Status == Optimal {
					proved++
				}
			}
			ff := FirstFit(p)
			b.ReportMetric(float64(fast.TotalBreaks), "breaks-at-1s")
			b.ReportMetric(float64(len(fast.Unscheduled)), "unscheduled-at-1s")
			b.ReportMetric(float64(lo), "breaks-best")
			b.ReportMetric(float64(hi), "breaks-worst")
			b.ReportMetric(float64(lb), "lower-bound")
			b.ReportMetric(float64(proved), "proved-optimal-of-3")
			b.ReportMetric(float64(unscheduled), "unscheduled")
			b.ReportMetric(float64(ms), "solve-ms-max")
			b.ReportMetric(float64(ff.TotalBreaks), "firstfit-breaks")
			b.ReportMetric(float64(len(ff.Unscheduled)), "firstfit-unscheduled")
		})
	}
}

// The weighted breaks and the empty slots between meetings follow every move, and a chain's
// change in energy is what it evaluates.
func TestWeightedEnergyFollowsEveryMove(t *testing.T) {
	for _, spread := range []int{0, 2} {
		p := Generate(7, 0.3)
		p.MaxBreakSpread = spread
		energyFollowsMoves(t, newSolver(p))
		even := newSolver(p) // breaks alone, as the first annealing counts them
		even.evenBreaks()
		if even.greedy(); even.energy() != even.cost() || even.idleTot == 0 {
			t.Fatalf("counting breaks alone, energy %d against cost %d (%d empty slots)", even.energy(), even.cost(), even.idleTot)
		}
		energyFollowsMoves(t, even)
	}
	r := rand.New(rand.NewPCG(9, 9))
	for tested := 0; tested < 20; { // small days with 'after' orders, fixed slots and unavailable slots
		if p := randomProblem(r); p.Validate() == nil && len(p.Meetings) > 0 {
			energyFollowsMoves(t, newSolver(p))
			tested++
		}
	}
}

func energyFollowsMoves(t *testing.T, s *solver) {
	s.greedy()
	s.weigh(busyWeight)
	_, _, set := s.sets()
	buyers := 0
	for p, c := range set {
		if c == 1 {
			buyers++
			if s.weight[p] != busyWeight*s.unit {
				t.Fatalf("participant %s of the first set weighs %d", s.pids[p], s.weight[p])
			}
		}
	}
	if buyers == 0 && s.impossible < len(s.ms) {
		t.Fatal("no participant in the first set")
	}
	for i := 0; i < 20000; i++ {
		m := s.rng.IntN(len(s.ms))
		var undo func()
		switch {
		case s.slot[m] == 0: // as in the annealing, an unplaced meeting is only inserted
			undo = s.tryInsert(m)
		case i%5 < 2:
			undo = s.tryMove(m)
		case i%5 == 4:
			before := slices.Clone(s.slot)
			if undo = s.shiftRun(); undo != nil && i%3 == 0 {
				undo()
				undo = nil
				if !slices.Equal(before, s.slot) {
					t.Fatalf("move %d: a run's shift undone does not give back the schedule", i)
				}
			}
		default:
			before := s.energy()
			var d int
			var ok bool
			if i%5 == 2 {
				d, ok = s.closing()
			} else {
				d, ok = s.kempe(m)
			}
			if ok {
				s.applyKempe()
				if got := s.energy() - before; got != d {
					t.Fatalf("move %d: the chain's energy changed by %d, evaluated as %d", i, got, d)
				}
			}
		}
		if undo != nil && i%3 == 0 {
			undo()
		}
	}
	want, empty := 0, 0
	for p := range s.pids {
		want += s.weight[p] * breaks(s.occ[p])
		empty += idle(s.occ[p])
		if s.idl[p] != idle(s.occ[p]) {
			t.Fatalf("participant %s: %d empty slots counted, %d in its schedule", s.pids[p], s.idl[p], idle(s.occ[p]))
		}
	}
	if s.wtotal != want || s.idleTot != empty {
		t.Errorf("weighted breaks %d and empty slots %d, recomputed %d and %d", s.wtotal, s.idleTot, want, empty)
	}
	fresh := newSolver(s.p) // the same schedule, placed meeting by meeting
	fresh.restore(snapshot{slot: s.slot})
	if !slices.Equal(s.occ, fresh.occ) || !slices.Equal(s.count, fresh.count) || !slices.Equal(s.hist, fresh.hist) ||
		!slices.Equal(s.at, fresh.at) || !slices.Equal(s.brk, fresh.brk) || s.total != fresh.total || s.spread() != fresh.spread() {
		t.Fatal("after the moves, the busy slots, counts or breaks differ from the same schedule placed afresh")
	}
	if errs := Check(s.p, s.solution(time.Now(), 0)); len(errs) > 0 {
		t.Fatalf("after the moves, the schedule breaks rules: %v", errs)
	}
	for p := range s.pids {
		if in := slices.Contains(s.broken, p); in != (s.brk[p] > 0) || in && s.broken[s.brokenAt[p]] != p {
			t.Fatalf("participant %s with %d breaks: in the list of those with breaks %v", s.pids[p], s.brk[p], in)
		}
	}
}

// TestAnswerIsNeverWorseThanFirstFitWithoutTime gives the search next to no time, as a machine too
// busy to run it would: the answer must still place as many meetings as first fit does.
func TestAnswerIsNeverWorseThanFirstFitWithoutTime(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		p := randomProblem(r)
		p.TimeLimitMS = 1
		sol, err := Solve(context.Background(), p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if v := Check(p, sol); len(v) > 0 {
			t.Fatalf("instance %d: violations %v", i, v)
		}
		if ff := FirstFit(p); len(sol.Unscheduled) > len(ff.Unscheduled) {
			t.Errorf("instance %d: solver left %d meetings out, first fit %d", i, len(sol.Unscheduled), len(ff.Unscheduled))
		}
	}
}
