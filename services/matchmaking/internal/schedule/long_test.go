package schedule

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"
)

// longDays are the seeds of the long two-session days (GenerateLong) the tests and the bench use.
var longDays = []uint64{1, 2, 3, 4, 5, 6}

// BenchmarkScheduleLong solves the long two-session days over three seeds each and reports the
// best and worst breaks, the lower bound, the gap left, how many runs proved the optimum, the
// slowest time to a first schedule and the slowest solve.
func BenchmarkScheduleLong(b *testing.B) {
	for _, day := range longDays {
		p := GenerateLong(day)
		name := fmt.Sprintf("long%d_%dparticipants_%dmeetings_%dslots_%dmorning_%dtables", day, len(p.Participants), len(p.Meetings), p.Slots, p.MorningSlots, p.Tables)
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
		bound := 0
		for _, m := range p.Meetings {
			if m.Session == Morning || m.Session == Afternoon {
				bound++
			}
		}
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
