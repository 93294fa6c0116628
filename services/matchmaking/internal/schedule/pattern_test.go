package schedule

import (
	"context"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"
)

// runsOf counts the runs of consecutive slots in mask.
func runsOf(mask uint64) int { return bits.OnesCount64(mask &^ (mask << 1)) }

// TestEachPatternListsEveryPattern: on small days with holes, eachPattern lists exactly the sets
// of k usable slots forming runs runs that trying every subset finds, each once.
func TestEachPatternListsEveryPattern(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 12))
	for c := 0; c < 400; c++ {
		slots := 1 + rng.IntN(10)
		usable := rng.Uint64() & (uint64(1)<<uint(slots) - 1)
		k, runs := rng.IntN(slots+2), 1+rng.IntN(4)
		want := map[uint64]bool{}
		for sub := uint64(0); sub < 1<<uint(slots); sub++ {
			if sub&^usable == 0 && bits.OnesCount64(sub) == k && runsOf(sub) == runs {
				want[sub] = true
			}
		}
		got := map[uint64]bool{}
		all := eachPattern(context.Background(), k, slots, runs, usable, func(mask uint64) bool {
			if got[mask] {
				t.Errorf("case %d: %b listed twice", c, mask)
			}
			got[mask] = true
			return true
		})
		if !all || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("case %d (k %d, %d slots, %d runs, usable %b): listed %v (all %v), want %v", c, k, slots, runs, usable, got, all, want)
		}
	}
}

// TestEachPatternWithoutPatternsEndsAtOnce: a participant with more meetings than usable slots
// has no pattern, said without walking every placement of its runs (it took minutes: a
// 3.5 KB trial problem held the scheduler past its time limit), and a listing that goes on
// stops once its context has ended.
func TestEachPatternWithoutPatternsEndsAtOnce(t *testing.T) {
	day := uint64(1)<<60 - 1
	for _, k := range []int{61, 64, 70} {
		visited := 0
		if all := eachPattern(context.Background(), k, 60, 5, day, func(uint64) bool { visited++; return true }); !all || visited != 0 {
			t.Errorf("%d meetings on 60 slots: all %v, %d patterns, want none", k, all, visited)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	visited := 0
	if all := eachPattern(ctx, 30, 60, 12, day, func(uint64) bool { visited++; return true }); all || visited > 10*patternCheck {
		t.Errorf("with its context ended a listing of millions went on: all %v after %d patterns", all, visited)
	}
}

// TestATrialWithAnOverfullParticipantKeepsItsTimeLimit: the trial problem that held a core for
// minutes (one participant with 64 meetings on 60 slots) is answered within its time limit.
func TestATrialWithAnOverfullParticipantKeepsItsTimeLimit(t *testing.T) {
	p := Problem{Slots: 60, Tables: 1000, MaxBreakSpread: 100, TimeLimitMS: 1000}
	for i := range 64 {
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("x%d", i), Participants: []string{"x", fmt.Sprintf("y%d", i)}})
	}
	for j := range 6 {
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("z%da", j), Participants: []string{fmt.Sprintf("z%d", j), fmt.Sprintf("wa%d", j)}},
			Meeting{ID: fmt.Sprintf("z%db", j), Participants: []string{fmt.Sprintf("z%d", j), fmt.Sprintf("wb%d", j)}})
	}
	start := time.Now()
	sol, err := Solve(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// The limit is 1 s; the answer is allowed time to be put together, not another minute.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a 1 s trial took %v", took)
	}
	if n := len(sol.Unscheduled); n != 4 {
		t.Errorf("%d meetings left unscheduled, want the 4 of x's 64 that do not fit", n)
	}
}
