package schedule

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// longDays are the seeds of the long two-session days (GenerateLong) the tests and the bench use.
var longDays = []uint64{1, 2, 3, 4, 5, 6}

// BenchmarkScheduleLong solves the long two-session days over three seeds each and reports the
// best and worst breaks, the lower bound, the gap left, how many runs proved the optimum, the
// slowest time to a first schedule and the slowest solve.
func BenchmarkScheduleLong(b *testing.B) { benchLong(b, "long", GenerateLong) }

// BenchmarkSchedulePlanted does the same on long days laid around a schedule without breaks
// (plantedLong): their optimum is 0.
func BenchmarkSchedulePlanted(b *testing.B) { benchLong(b, "planted", plantedLong) }

func benchLong(b *testing.B, kind string, generate func(uint64) Problem) {
	for _, day := range longDays {
		p := generate(day)
		name := fmt.Sprintf("%s%d_%dparticipants_%dmeetings_%dslots_%dmorning_%dtables", kind, day, len(p.Participants), len(p.Meetings), p.Slots, p.MorningSlots, p.Tables)
		b.Run(name, func(b *testing.B) {
			lo, hi, lb, proved, first, ms := math.MaxInt, 0, 0, 0, time.Duration(0), int64(0)
			for b.Loop() {
				for seed := uint64(1); seed <= 3; seed++ {
					q := p
					q.Seed = seed
					sol, firstAt, err := solve(context.Background(), q)
					if err != nil {
						b.Fatal(err)
					}
					if v := Check(q, sol); len(v) > 0 || len(sol.Unscheduled) > 0 {
						b.Fatalf("violations %v, unscheduled %v", v, sol.Unscheduled)
					}
					lo, hi = min(lo, sol.TotalBreaks), max(hi, sol.TotalBreaks)
					lb, ms, first = max(lb, sol.LowerBound), max(ms, sol.ElapsedMS), max(first, firstAt)
					if sol.Status == Optimal {
						proved++
					}
				}
			}
			b.ReportMetric(float64(lo), "breaks-best")
			b.ReportMetric(float64(hi), "breaks-worst")
			b.ReportMetric(float64(lb), "lower-bound")
			b.ReportMetric(float64(hi-lb), "gap-worst")
			b.ReportMetric(float64(proved), "proved-optimal-of-3")
			b.ReportMetric(float64(first.Milliseconds()), "first-ms-max")
			b.ReportMetric(float64(ms), "solve-ms-max")
		})
	}
}

// The long days have the shape they stand for: 21–22 slots, a morning of 12–13, 70–78
// participants, 154–302 meetings, most bound to a session, 12–22 tables; a short solve places
// every meeting within the rules.
func TestGenerateLongHasTheShape(t *testing.T) {
	for _, day := range longDays {
		p := GenerateLong(day)
		if err := p.Validate(); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		bound := boundToASession(p)
		if p.Slots < 21 || p.Slots > 22 || p.MorningSlots < 12 || p.MorningSlots > 13 || p.Slots-p.MorningSlots < 8 || p.Slots-p.MorningSlots > 10 ||
			len(p.Participants) < 70 || len(p.Participants) > 78 || len(p.Meetings) < 154 || len(p.Meetings) > 302 ||
			2*bound <= len(p.Meetings) || p.Tables < 12 || p.Tables > 22 || p.MaxBreakSpread != 2 {
			t.Errorf("day %d: %d slots (%d morning), %d participants, %d meetings (%d bound), %d tables, spread %d",
				day, p.Slots, p.MorningSlots, len(p.Participants), len(p.Meetings), bound, p.Tables, p.MaxBreakSpread)
		}
	}
	p := GenerateLong(longDays[0])
	p.TimeLimitMS = 300
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if v := Check(p, sol); len(v) > 0 || len(sol.Unscheduled) > 0 {
		t.Fatalf("violations %v, unscheduled %v", v, sol.Unscheduled)
	}
}

// boundToASession counts the meetings held to the morning or the afternoon.
func boundToASession(p Problem) int {
	n := 0
	for _, m := range p.Meetings {
		if m.Session == Morning || m.Session == Afternoon {
			n++
		}
	}
	return n
}

// On small two-session days (most meetings bound to the morning or the afternoon, some
// participants unavailable, few tables) the answer is what trying every placement finds: an
// "optimal" answer has exactly the fewest breaks, and every answer at least that many, with a
// bound no higher.
func TestTwoSessionDaysAgreeWithTryingEverything(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 3))
	optimal := 0
	for i := 0; i < 300 && optimal < 40; i++ {
		p := tinyTightProblem(r)
		if p.MorningSlots == 0 || p.MorningSlots == p.Slots {
			continue // one session only
		}
		for j := range p.Meetings {
			p.Meetings[j].Session = []string{Morning, Afternoon, Any}[r.IntN(3)]
		}
		p.MaxBreakSpread, p.TimeLimitMS, p.Seed = MaxSlots, 50, uint64(i+1) // spread aside, as the brute force
		want, ok := fewestBreaks(newSolver(p))
		if !ok || newSolver(p).impossible > 0 {
			continue
		}
		sol, err := Solve(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if v := Check(p, sol); len(v) > 0 {
			t.Fatalf("day %d: %v", i, v)
		}
		if sol.TotalBreaks < want || sol.LowerBound > want || sol.Status == Optimal && sol.TotalBreaks != want {
			t.Errorf("day %d: %s with %d breaks and bound %d; trying everything finds %d\n%+v", i, sol.Status, sol.TotalBreaks, sol.LowerBound, want, p)
		}
		if sol.Status == Optimal {
			optimal++
		}
	}
	if optimal < 20 {
		t.Errorf("only %d small two-session days answered optimal", optimal)
	}
}

// The annealings weigh the buyers' breaks only on days whose buyers meet producers: on the long
// days, where anyone may meet anyone, every break weighs the same (weighed, those days ended a
// break or two higher).
func TestOnlyBuyerDaysWeighTheBusiest(t *testing.T) {
	for _, day := range longDays {
		if newSolver(GenerateLong(day)).twoSided() {
			t.Errorf("long day %d counted as buyers meeting producers", day)
		}
	}
	for i, size := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if !newSolver(Generate(uint64(100+i), size)).twoSided() {
			t.Errorf("bench day %d not counted as buyers meeting producers", i)
		}
	}
	// Seed 79 of the smallest size: the greedy first set takes a producer busier than some
	// buyers, and leaves meetings without a member; the two sides are still there.
	if !newSolver(Generate(79, 0)).twoSided() {
		t.Error("a buyer–producer day whose first set misses meetings counted as anyone meeting anyone")
	}
	// One meeting between two producers makes a day one where anyone may meet anyone.
	p := Generate(100, 0)
	p.Meetings = append(p.Meetings, Meeting{ID: "pp", Participants: []string{"p00", "p01"}, Session: Any})
	if newSolver(p).twoSided() {
		t.Error("a day with a meeting between two producers counted as buyers meeting producers")
	}
}
