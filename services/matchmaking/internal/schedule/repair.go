package schedule

import (
	"context"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
)

// The exact repair. With a published schedule to keep, no move at all is the fewest when every
// kept meeting can stay at its slot (and table) and every other meeting can be placed around
// them; the best repair is then the schedule that moves nothing and has the fewest breaks. After
// a few changes few meetings are not kept, and a branch and bound over them alone finds that
// schedule and proves it: the answer is then "optimal" (no move, every meeting placed, and no
// schedule that moves nothing and keeps the spread has fewer breaks) within milliseconds, where
// the annealing would use its whole time limit without knowing.
//
// The search places the meetings not kept one at a time, the one with the fewest slots left
// first, each slot in order of the breaks it adds. It prunes on a bound: each participant ends
// with at least the fewest breaks its busy slots could have once its meetings left are added at
// free slots they may take (tables and partners aside), and the sum must stay below the best
// schedule so far.

// repairNodes caps the placements one exact repair tries; repairFree is the most meetings not
// kept it takes on (more rarely settle, and its quarter of the time is better spent bounding and
// annealing); repairInf is the bound of a participant whose meetings left cannot all fit (a sum
// of them cannot overflow).
const (
	repairNodes = 2_000_000
	repairFree  = 60
	repairInf   = 1 << 40
)

type repairSearch struct {
	s        *solver
	ctx      context.Context
	free     []int    // the meetings not kept, to place
	left     []int    // per participant: its free meetings not placed yet
	fit      []uint64 // per free meeting not placed: the slots it fits now (filled by floor)
	alone    []bool   // per participant: its bound is counted with its one meeting left's (scratch)
	runs     [][2]int // scratch for fewest
	next     [][2]int
	best     []int // slots of the best schedule found (nil: none better than the start)
	bestCost int
	nodes    int
	aborted  bool
}

// exactRepair searches for the cheapest schedule that keeps every kept meeting where it is and
// places every other. It reports whether that settles the run: the search ended, and no
// schedule that moves a meeting can cost less (a move costs more than the schedule's breaks and
// spread above the bound). The schedule found is then in s; when it keeps the spread, its
// breaks are the bound, and the run is optimal. It does nothing when some kept meeting cannot
// stay where it is.
func (s *solver) exactRepair(ctx context.Context, bound, upper *atomic.Int64) bool {
	r := newSolver(s.p)
	free, ok := r.keptInPlace()
	if !ok || len(free) > repairFree {
		return false
	}
	b := newRepairSearch(ctx, r, free)
	if u := upper.Load(); u < math.MaxInt64 {
		b.bestCost = int(u) // a schedule that moves nothing, places everything and keeps the spread
	}
	b.search()
	if b.aborted || b.bestCost == math.MaxInt || b.bestCost > moveCost+int(bound.Load()) {
		return false
	}
	proved := int64(b.bestCost) // nothing beat upper's schedule (moves nothing, keeps the spread), held by the other annealing
	if b.best != nil {
		s.restore(snapshot{slot: b.best})
		s.offer(upper)
		if proved = int64(s.total); s.spread() > s.p.MaxBreakSpread {
			return true // settled, but the spread the kept meetings force leaves it feasible
		}
	}
	if proved > bound.Load() {
		bound.Store(proved)
	}
	return true
}

// newRepairSearch is a search placing free on r, whose kept meetings are in place.
func newRepairSearch(ctx context.Context, r *solver, free []int) *repairSearch {
	n := len(r.pids)
	b := &repairSearch{s: r, ctx: ctx, free: free, left: make([]int, n), fit: make([]uint64, len(r.ms)), alone: make([]bool, n), bestCost: math.MaxInt}
	most := 0
	for _, m := range free {
		for _, p := range r.ms[m].parts {
			b.left[p]++
			most = max(most, b.left[p])
		}
	}
	b.runs, b.next = make([][2]int, most+1), make([][2]int, most+1)
	return b
}

// keptInPlace places every kept meeting that can be placed at its kept slot and returns the
// meetings left to place; false when one of them cannot stay there (its slot left its domain,
// two kept meetings share a participant's slot or a table, or a slot has more than the tables).
func (s *solver) keptInPlace() ([]int, bool) {
	var free []int
	tables := map[[2]int]bool{}
	for m := range s.ms {
		if !s.possible[m] {
			continue // unplaced in every schedule
		}
		k := s.keepSlot[m]
		if k == 0 {
			free = append(free, m)
			continue
		}
		at := [2]int{k, s.keepTable[m]}
		if tables[at] || !s.fits(m, k) {
			return nil, false
		}
		tables[at] = true
		s.place(m, k)
	}
	return free, true
}

// search places the free meetings left, keeping the best complete schedule; it sets aborted
// when ctx or the node cap stops it.
func (b *repairSearch) search() {
	s := b.s
	if b.nodes++; b.nodes > repairNodes || b.nodes%1024 == 0 && b.ctx.Err() != nil {
		b.aborted = true
		return
	}
	f, m := b.floor()
	if f >= b.bestCost || f >= repairInf {
		return
	}
	if m < 0 {
		b.bestCost, b.best = f, slices.Clone(s.slot) // every meeting placed: the floor is the cost
		return
	}
	slots := make([]int, 0, bits.OnesCount64(b.fit[m]))
	for x := b.fit[m]; x != 0; x &= x - 1 {
		slots = append(slots, bits.TrailingZeros64(x)+1)
	}
	slices.SortStableFunc(slots, func(x, y int) int { return s.marginal(m, x) - s.marginal(m, y) })
	for _, sl := range slots {
		s.place(m, sl)
		for _, p := range s.ms[m].parts {
			b.left[p]--
		}
		b.search()
		s.remove(m)
		for _, p := range s.ms[m].parts {
			b.left[p]++
		}
		if b.aborted {
			return
		}
	}
}

// floor is the least cost of a schedule completing this one, and the free meeting to place next
// (the one that fits the fewest slots; -1 when all are placed). Each participant ends with at
// least the fewest breaks its busy slots could have with its meetings left added at slots they
// fit now (see fewest); when both participants of a meeting have no other left, the two count
// together, at one slot. The spread counts beyond the allowed between the most of those and the
// fewest anyone can end with (a meeting added gives its participants at most one break more).
func (b *repairSearch) floor() (int, int) {
	s := b.s
	next, fewestFit := -1, math.MaxInt
	for _, m := range b.free {
		if s.slot[m] != 0 {
			continue
		}
		var fit uint64
		for _, sl := range s.ms[m].domSlots {
			if s.fits(m, int(sl)) {
				fit |= bit(int(sl))
			}
		}
		if fit == 0 {
			return repairInf, m
		}
		b.fit[m] = fit
		if n := bits.OnesCount64(fit); n < fewestFit {
			next, fewestFit = m, n
		}
	}
	sum, most, least := 0, 0, math.MaxInt
	clear(b.alone)
	for _, m := range b.free {
		if s.slot[m] != 0 || slices.ContainsFunc(s.ms[m].parts, func(p int) bool { return b.left[p] != 1 }) {
			continue
		}
		together := math.MaxInt
		for x := b.fit[m]; x != 0; x &= x - 1 {
			v := 0
			for _, p := range s.ms[m].parts {
				v += breaks(s.occ[p] | x&-x)
			}
			together = min(together, v)
		}
		sum += together
		for _, p := range s.ms[m].parts {
			b.alone[p] = true
		}
	}
	for p := range s.pids {
		if s.load[p]+b.left[p] == 0 {
			continue
		}
		lb := b.fewest(p)
		if !b.alone[p] {
			sum += lb
		}
		most, least = max(most, lb), min(least, s.brk[p]+b.left[p])
	}
	if least == math.MaxInt {
		return sum, next
	}
	return sum + max(0, most-least-s.p.MaxBreakSpread)*spreadCost, next
}

// fewest is the fewest breaks participant p can end with: its busy slots now, plus one slot for
// each of its meetings left, taken among the slots those fit now (a dynamic programme over the
// slots counting runs); repairInf when they cannot all fit.
func (b *repairSearch) fewest(p int) int {
	s := b.s
	busy, n := s.occ[p], b.left[p]
	if n == 0 {
		return breaks(busy)
	}
	var may uint64
	for _, m := range s.of[p] {
		if s.slot[m] == 0 && s.possible[m] && s.keepSlot[m] == 0 {
			may |= b.fit[m]
		}
	}
	if bits.OnesCount64(may) < n {
		return repairInf
	}
	// runs[j][e]: fewest runs so far with j slots taken, e = whether the last slot is busy.
	const inf = repairInf
	runs, next := b.runs[:n+1], b.next[:n+1]
	for j := range runs {
		runs[j] = [2]int{inf, inf}
	}
	runs[0][0] = 0
	for sl := 1; sl <= s.slots; sl++ {
		for j := range next {
			next[j] = [2]int{inf, inf}
		}
		for j := 0; j <= n; j++ {
			for e, r := range runs[j] {
				if r == inf {
					continue
				}
				start := r + 1 - e // a busy slot after an empty one starts a run
				switch {
				case busy&bit(sl) != 0:
					next[j][1] = min(next[j][1], start)
				default:
					next[j][0] = min(next[j][0], r)
					if may&bit(sl) != 0 && j < n {
						next[j+1][1] = min(next[j+1][1], start)
					}
				}
			}
		}
		runs, next = next, runs
	}
	return max(0, min(runs[n][0], runs[n][1])-1)
}
