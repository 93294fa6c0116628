package schedule

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// fewestBreaks finds, by trying every placement, the fewest breaks of a schedule that places
// every meeting (spread and "after" aside, as the bound ignores them); false when none does.
func fewestBreaks(s *solver) (int, bool) {
	return fewestWhere(s, func(*solver) bool { return true })
}

// fewestWhere finds, by trying every placement, the fewest breaks of a schedule that places
// every meeting and that ok accepts; false when none does.
func fewestWhere(s *solver, ok func(*solver) bool) (int, bool) {
	best := least(s, func(s *solver) int {
		if ok(s) {
			return s.total
		}
		return math.MaxInt
	})
	return best, best != math.MaxInt
}

// least is the least value, by trying every placement, of a schedule that places every meeting
// (math.MaxInt when there is none).
func least(s *solver, value func(*solver) int) int {
	best := math.MaxInt
	var try func(m int)
	try = func(m int) {
		if m == len(s.ms) {
			best = min(best, value(s))
			return
		}
		for sl := 1; sl <= s.slots; sl++ {
			if s.fits(m, sl) {
				s.place(m, sl)
				try(m + 1)
				s.remove(m)
			}
		}
	}
	try(0)
	return best
}

// tinyTightProblem makes days small enough to solve by trying everything, with few tables so
// that the capacity bound has work to do: "buyers" meet "producers".
func tinyTightProblem(r *rand.Rand) Problem {
	slots := 3 + r.IntN(4)
	p := Problem{Slots: slots, MorningSlots: r.IntN(slots + 1), Tables: 1 + r.IntN(2), MaxBreakSpread: 3}
	buyers, producers := 2+r.IntN(3), 2+r.IntN(4)
	for i := 0; i < buyers+producers; i++ {
		pt := Participant{ID: fmt.Sprintf("x%d", i)}
		if r.IntN(4) == 0 {
			pt.Unavailable = []int{1 + r.IntN(slots)}
		}
		p.Participants = append(p.Participants, pt)
	}
	pairs := map[[2]int]bool{}
	for i := 0; i < 3+r.IntN(7); i++ {
		b, q := r.IntN(buyers), buyers+r.IntN(producers)
		if pairs[[2]int{b, q}] {
			continue
		}
		pairs[[2]int{b, q}] = true
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%d", i), Participants: []string{fmt.Sprintf("x%d", b), fmt.Sprintf("x%d", q)},
			Session: []string{Any, Any, Any, Morning, Afternoon}[r.IntN(5)]})
	}
	return p
}

func TestCapacityBoundNeverExceedsTheOptimum(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	tight, solved := 0, 0
	for i := 0; i < 3000; i++ {
		p := tinyTightProblem(r)
		s := newSolver(p)
		opt, ok := fewestBreaks(newSolver(p))
		if !ok || s.impossible > 0 {
			continue
		}
		solved++
		var lb, upper atomic.Int64
		upper.Store(math.MaxInt64)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s.capacityBound(ctx, &lb, &upper, time.Second)
		cancel()
		if int(lb.Load()) > opt {
			t.Fatalf("instance %d: bound %d above the optimum %d\n%+v", i, lb.Load(), opt, p)
		}
		if int(lb.Load()) > s.lowerBound() {
			tight++
		}
	}
	if tight == 0 {
		t.Errorf("the capacity bound never beat the per-participant bound on tight days")
	}
	t.Logf("%d days with a full schedule; capacity bound above the per-participant bound on %d", solved, tight)
}

func TestBoundOnAPackedDay(t *testing.T) {
	// Generated day 1 (50 participants, 162 meetings, 12 slots, 16 tables): the buyers cannot
	// all be busy in the middle of the day, so at least 5 breaks are needed, where each
	// participant alone needs only 1. (The solver finds 5 within a few seconds: see make bench.)
	p := Generate(101, 0.25)
	p.TimeLimitMS = 2000
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(p, sol); len(v) > 0 {
		t.Fatalf("violations: %v", v)
	}
	if sol.LowerBound != 5 || sol.TotalBreaks < sol.LowerBound {
		t.Errorf("%d breaks, bound %d: want a bound of 5", sol.TotalBreaks, sol.LowerBound)
	}
	if (sol.Status == Optimal) != (sol.TotalBreaks == sol.LowerBound) {
		t.Errorf("status %s with %d breaks and bound %d", sol.Status, sol.TotalBreaks, sol.LowerBound)
	}
	if s := newSolver(p); s.lowerBound() != 1 {
		t.Errorf("per-participant bound %d, want 1", s.lowerBound())
	}
}

func TestBudgetSearchAgreesWithTryingEverything(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 3))
	found, none := 0, 0
	for i := 0; i < 2000; i++ {
		p := tinyTightProblem(r)
		p.Tables += r.IntN(2)
		if n := len(p.Meetings); n > 1 && r.IntN(3) == 0 {
			j := 1 + r.IntN(n-1)
			p.Meetings[j].After = []string{p.Meetings[r.IntN(j)].ID}
		}
		if n := len(p.Meetings); n > 0 && r.IntN(3) == 0 {
			p.Meetings[r.IntN(n)].FixedSlot = 1 + r.IntN(p.Slots)
		}
		if newSolver(p).impossible > 0 {
			continue // trying everything would place those too
		}
		opt, ok := fewestBreaks(newSolver(p))
		var parts [3]int // half the time, what the capacity bound proves of each set
		if i%2 == 1 {
			var lb, upper atomic.Int64
			upper.Store(math.MaxInt64)
			parts = newSolver(p).capacityBound(context.Background(), &lb, &upper, time.Second)
		}
		for budget := range 3 {
			res, slots := newSolver(p).withinBudget(context.Background(), budget, parts)
			switch {
			case res == budgetUnknown:
				t.Fatalf("instance %d, budget %d: no answer\n%+v", i, budget, p)
			case ok && opt <= budget:
				if res != budgetFound {
					t.Fatalf("instance %d: %d within %d breaks, but the optimum is %d\n%+v", i, res, budget, opt, p)
				}
				if v := foundWrong(p, slots, budget); len(v) > 0 {
					t.Fatalf("instance %d: found %v within %d breaks: %v", i, slots, budget, v)
				}
				found++
			case res != budgetNone:
				t.Fatalf("instance %d: %d within %d breaks, but the optimum is %d (any full schedule: %v)\n%+v", i, res, budget, opt, ok, p)
			default:
				none++
			}
		}
	}
	t.Logf("within the budget: %d; proved over it: %d", found, none)
}

func TestBudgetSearchRaisesTheBound(t *testing.T) {
	// A generated day whose buyers fit between them, so the capacity bound is 0, but whose
	// buyers and producers together cannot all keep their meetings in one run.
	p := Generate(504, 0)
	s := newSolver(p)
	var lb, upper atomic.Int64
	upper.Store(math.MaxInt64)
	s.capacityBound(context.Background(), &lb, &upper, time.Second)
	if lb.Load() != 0 {
		t.Fatalf("capacity bound %d, want 0", lb.Load())
	}
	if res, _ := s.withinBudget(context.Background(), 0, [3]int{}); res != budgetNone {
		t.Errorf("search without breaks: %d, want none", res)
	}
	p.TimeLimitMS = 1000
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if sol.LowerBound < 1 {
		t.Errorf("bound %d, want at least 1", sol.LowerBound)
	}
}

func TestBudgetSearchNeverDeniesAScheduleItWasShown(t *testing.T) {
	// On generated days: the annealing's schedule (placing every meeting) has some number of
	// breaks, so the budget search must never prove that budget impossible, with or without
	// what the capacity bound proves of each set, and whatever it finds within a budget must
	// pass the checker.
	for seed := uint64(600); seed < 606; seed++ {
		p := Generate(seed, float64(seed%4)/3)
		p.TimeLimitMS = 300
		sol, err := Solve(context.Background(), p)
		if err != nil || len(sol.Unscheduled) > 0 {
			continue
		}
		var lb, upper atomic.Int64
		upper.Store(math.MaxInt64)
		parts := newSolver(p).capacityBound(context.Background(), &lb, &upper, 300*time.Millisecond)
		for _, budget := range []int{sol.LowerBound, sol.TotalBreaks} {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			res, slots := newSolver(p).withinBudget(ctx, budget, parts)
			cancel()
			if res == budgetNone && budget >= sol.TotalBreaks {
				t.Fatalf("day %d: no schedule within %d breaks, but the annealing found %d", seed, budget, sol.TotalBreaks)
			}
			if res == budgetFound {
				if v := foundWrong(p, slots, budget); len(v) > 0 {
					t.Fatalf("day %d: found within %d breaks: %v", seed, budget, v)
				}
			}
		}
	}
}

// foundWrong is what is wrong with a schedule the budget search found: the checker's
// violations, more breaks than the budget, or a meeting that could be placed left out.
func foundWrong(p Problem, slots []int, budget int) []string {
	s := newSolver(p)
	s.restore(snapshot{slot: slots})
	v := Check(p, s.solution(time.Now(), 0))
	if s.total > budget {
		v = append(v, fmt.Sprintf("%d breaks", s.total))
	}
	if s.unsched != s.impossible {
		v = append(v, fmt.Sprintf("%d meetings left out", s.unsched-s.impossible))
	}
	return v
}
