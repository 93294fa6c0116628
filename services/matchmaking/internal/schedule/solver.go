package schedule

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

const (
	unscheduledCost = 100_000 // an unplaced meeting outweighs any number of breaks
	// moveCost is a kept meeting placed at another slot: it outweighs the breaks and spread of
	// any real day (a published meeting moves only when a meeting cannot be placed otherwise,
	// never to even out the breaks that cancellations left), and ten of them one unplaced
	// meeting (a new meeting is placed if at most nine published ones must move for it).
	moveCost   = 10_000
	spreadCost = 50 // per break of spread beyond the allowed one
	// The annealings' weights on the buyers' breaks on a day whose buyers meet producers (see
	// twoSided): one each, for two ways through the same day.
	busyWeight, busyWeight2 = 3, 5
	// idleWeight is a break in the second annealing's energy, against one for each empty slot
	// between a participant's first and last meeting: it leans towards short breaks, which one
	// move closes more often (a soft weight: a break longer than idleWeight slots costs more than
	// two of one slot; the best schedule is still chosen by its cost). On days laid around a
	// schedule without breaks, breaks alone reach it sooner, and the first annealing counts them
	// so (see evenBreaks).
	idleWeight = 8
	// The annealing's temperature falls from startTemp to endTemp (in breaks) over each round:
	// at the start one break more is taken about one time in twelve.
	startTemp = 0.4
	endTemp   = 0.02
)

type meeting struct {
	id       string
	parts    []int
	domain   uint64
	preds    []int
	succs    []int
	host     int
	domSlots []uint8 // the slots of domain, for drawing one
}

type solver struct {
	p          Problem
	slots      int
	tables     int
	ms         []meeting
	pids       []string
	slot       []int    // per meeting, 0 = unscheduled
	occ        []uint64 // per participant
	count      []int    // per slot (1-based)
	brk        []int    // breaks per participant
	load       []int    // meetings per participant
	total      int
	unsched    int
	rng        *splitMix
	possible   []bool  // meeting has a non-empty domain
	impossible int     // meetings with an empty domain
	of         [][]int // meetings per participant
	placeable  []int   // per participant: its meetings with a non-empty domain
	mark       []int   // per meeting, generation stamps for kempe
	gen        int
	chain      []int
	ka, kb     int     // the two slots of the chain kempe found
	shifted    []int   // the meetings shiftRun moved, in order
	flips      []int   // participants of the chain busy at one of its slots only: they trade it for the other
	flipBrk    []int   // and their breaks once they have
	hist       []int   // participants with meetings, by number of breaks
	hmask      uint64  // bit b: some participant has b breaks
	broken     []int   // participants with breaks, in no order
	brokenAt   []int   // per participant: its index in broken, while it has breaks
	at         []int32 // meeting of participant p at slot sl: at[p*(slots+1)+sl], or -1
	weight     []int   // per participant, in the annealing's energy
	wtotal     int     // breaks weighted
	idl        []int   // per participant: empty slots between its first and last meeting
	idleTot    int     // their sum
	idleW      int     // what one of them weighs in the energy: 1, or 0 (see evenBreaks)
	unit       int     // what one break weighs in the energy before weigh's factor
	scale      int     // the largest weight: one break of it is worth one break at temperature 1
	// The chains' hot data, compact: each meeting's domain and participants
	// (partList[partOff[m]:partOff[m+1]]), and whether any meeting has an 'after' order.
	dom      []uint64
	partOff  []int32
	partList []int32
	ordered  bool
	// When the solve started, and when a schedule first placed every meeting it can within the
	// spread, after started (ns; -1 before), shared by the solve's two solvers.
	started time.Time
	firstAt *atomic.Int64
	// Per meeting, its kept slot and table (Problem.Keep; 0: none), and how many kept meetings
	// are placed at another slot.
	keepSlot, keepTable []int
	moved               int
	keeps               bool
}

func bit(s int) uint64 { return 1 << uint(s-1) }

// breaks counts the maximal runs of empty slots between occupied ones.
func breaks(mask uint64) int {
	if mask == 0 {
		return 0
	}
	return bits.OnesCount64(mask&^(mask<<1)) - 1
}

func newSolver(p Problem) *solver {
	s := &solver{p: p, slots: p.Slots, tables: p.Tables}
	index := map[string]int{}
	var unavailable []uint64
	addP := func(id string, un uint64) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(s.pids)
		s.pids = append(s.pids, id)
		unavailable = append(unavailable, un)
		return len(s.pids) - 1
	}
	for _, pt := range p.Participants {
		var un uint64
		for _, sl := range pt.Unavailable {
			un |= bit(sl)
		}
		addP(pt.ID, un)
	}
	all := uint64(1)<<uint(p.Slots) - 1
	if p.Slots == 64 {
		all = math.MaxUint64
	}
	morning := uint64(1)<<uint(p.MorningSlots) - 1
	mIndex := map[string]int{}
	for i, m := range p.Meetings {
		mIndex[m.ID] = i
	}
	s.ms = make([]meeting, len(p.Meetings))
	for i, m := range p.Meetings {
		dom := all
		switch m.Session {
		case Morning:
			dom &= morning
		case Afternoon:
			dom &^= morning
		}
		if m.FixedSlot > 0 {
			dom &= bit(m.FixedSlot)
		}
		mm := meeting{id: m.ID}
		for _, pid := range m.Participants {
			pi := addP(pid, 0)
			mm.parts = append(mm.parts, pi)
			dom &^= unavailable[pi]
		}
		mm.domain = dom
		for x := dom; x != 0; x &= x - 1 {
			mm.domSlots = append(mm.domSlots, uint8(bits.TrailingZeros64(x)+1))
		}
		mm.host = mm.parts[len(mm.parts)-1]
		s.ms[i] = mm
	}
	for i, m := range p.Meetings {
		for _, a := range m.After {
			j := mIndex[a]
			s.ms[i].preds = append(s.ms[i].preds, j)
			s.ms[j].succs = append(s.ms[j].succs, i)
		}
	}
	s.dom, s.partOff = make([]uint64, len(s.ms)), make([]int32, len(s.ms)+1)
	for i, m := range s.ms {
		s.dom[i] = m.domain
		for _, p := range m.parts {
			s.partList = append(s.partList, int32(p))
		}
		s.partOff[i+1] = int32(len(s.partList))
		s.ordered = s.ordered || len(m.preds) > 0
	}
	n := len(s.pids)
	s.slot = make([]int, len(s.ms))
	s.occ, s.brk, s.load = make([]uint64, n), make([]int, n), make([]int, n)
	s.brokenAt = make([]int, n)
	s.count = make([]int, p.Slots+1)
	s.hist = make([]int, p.Slots+1)
	s.at = make([]int32, n*(p.Slots+1))
	for i := range s.at {
		s.at[i] = -1
	}
	s.weight, s.idl = make([]int, n), make([]int, n)
	s.unit, s.idleW = idleWeight, 1
	for i := range s.weight {
		s.weight[i] = s.unit
	}
	s.scale = s.unit
	s.unsched = len(s.ms)
	s.possible = make([]bool, len(s.ms))
	s.mark = make([]int, len(s.ms))
	s.of, s.placeable = make([][]int, n), make([]int, n)
	for i, m := range s.ms {
		s.possible[i] = m.domain != 0
		if !s.possible[i] {
			s.impossible++
		}
		for _, p := range m.parts {
			s.of[p] = append(s.of[p], i)
			if s.possible[i] {
				s.placeable[p]++
			}
		}
	}
	seed := p.Seed
	if seed == 0 {
		seed = 20261128
	}
	s.rng = &splitMix{seed ^ uint64(len(s.ms))*0x9e3779b97f4a7c15}
	s.keepSlot, s.keepTable = make([]int, len(s.ms)), make([]int, len(s.ms))
	for _, k := range p.Keep {
		if m, ok := mIndex[k.Meeting]; ok {
			s.keepSlot[m], s.keepTable[m], s.keeps = k.Slot, k.Table, true
		}
	}
	return s
}

// movedBy is 1 when meeting m is kept and slot sl is not its kept slot (0: unplaced, which the
// unplaced meetings' cost counts instead).
func (s *solver) movedBy(m, sl int) int {
	if k := s.keepSlot[m]; k != 0 && sl != 0 && sl != k {
		return 1
	}
	return 0
}

// splitMix is a small, fast random source (SplitMix64): the annealing draws a few numbers per
// move, and a move costs a few hundred nanoseconds.
type splitMix struct{ x uint64 }

func (r *splitMix) Uint64() uint64 {
	r.x += 0x9e3779b97f4a7c15
	z := r.x
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// IntN is a number in [0, n), n > 0 (multiply-shift: its bias, n/2⁶⁴, does not matter here).
func (r *splitMix) IntN(n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// Float64 is a number in [0, 1).
func (r *splitMix) Float64() float64 { return float64(r.Uint64()>>11) / (1 << 53) }

// fits reports whether meeting m may take slot sl.
func (s *solver) fits(m, sl int) bool {
	mm := &s.ms[m]
	if mm.domain&bit(sl) == 0 || s.count[sl] >= s.tables {
		return false
	}
	for _, p := range mm.parts {
		if s.occ[p]&bit(sl) != 0 {
			return false
		}
	}
	return orderOK(s, s.slot, m, sl)
}

// orderOK reports whether m may take sl given the slots of the meetings placed so far.
func orderOK(s *solver, slots []int, m, sl int) bool {
	for _, q := range s.ms[m].preds {
		if slots[q] != 0 && slots[q] >= sl {
			return false
		}
	}
	for _, q := range s.ms[m].succs {
		if slots[q] != 0 && slots[q] <= sl {
			return false
		}
	}
	return true
}

func (s *solver) place(m, sl int) {
	s.moved += s.movedBy(m, sl)
	s.slot[m] = sl
	s.count[sl]++
	s.unsched--
	for _, p := range s.ms[m].parts {
		if s.load[p] > 0 {
			s.histAdd(s.brk[p], -1)
		}
		s.occ[p] |= bit(sl)
		s.load[p]++
		nb := breaks(s.occ[p])
		s.setBreaks(p, nb)
		s.setIdle(p)
		s.histAdd(nb, 1)
		s.at[p*(s.slots+1)+sl] = int32(m)
	}
}

// idle counts the empty slots between the first and last occupied ones.
func idle(mask uint64) int {
	if mask == 0 {
		return 0
	}
	return 64 - bits.LeadingZeros64(mask) - bits.TrailingZeros64(mask) - bits.OnesCount64(mask)
}

// setIdle records participant p's empty slots between meetings after its busy slots changed.
func (s *solver) setIdle(p int) {
	n := idle(s.occ[p])
	s.idleTot += n - s.idl[p]
	s.idl[p] = n
}

// setBreaks records that participant p now has nb breaks.
func (s *solver) setBreaks(p, nb int) {
	old := s.brk[p]
	s.total += nb - old
	s.wtotal += (nb - old) * s.weight[p]
	s.brk[p] = nb
	switch {
	case old == 0 && nb > 0:
		s.brokenAt[p] = len(s.broken)
		s.broken = append(s.broken, p)
	case old > 0 && nb == 0:
		i, last := s.brokenAt[p], s.broken[len(s.broken)-1]
		s.broken[i], s.brokenAt[last] = last, i
		s.broken = s.broken[:len(s.broken)-1]
	}
}

func (s *solver) remove(m int) {
	sl := s.slot[m]
	s.moved -= s.movedBy(m, sl)
	s.slot[m] = 0
	s.count[sl]--
	s.unsched++
	for _, p := range s.ms[m].parts {
		s.histAdd(s.brk[p], -1)
		s.occ[p] &^= bit(sl)
		s.load[p]--
		nb := breaks(s.occ[p])
		s.setBreaks(p, nb)
		s.setIdle(p)
		if s.load[p] > 0 {
			s.histAdd(nb, 1)
		}
		s.at[p*(s.slots+1)+sl] = -1
	}
}

// meetingAt is participant p's meeting in slot sl, or -1.
func (s *solver) meetingAt(p, sl int) int { return int(s.at[p*(s.slots+1)+sl]) }

// spread is max minus min breaks over participants with meetings.
func (s *solver) spread() int {
	if s.hmask == 0 {
		return 0
	}
	return 63 - bits.LeadingZeros64(s.hmask) - bits.TrailingZeros64(s.hmask)
}

// histAdd adds d participants with b breaks to hist.
func (s *solver) histAdd(b, d int) {
	s.hist[b] += d
	if s.hist[b] == 0 {
		s.hmask &^= 1 << uint(b)
	} else {
		s.hmask |= 1 << uint(b)
	}
}

func (s *solver) cost() int {
	return s.unsched*unscheduledCost + s.moved*moveCost + s.total + max(0, s.spread()-s.p.MaxBreakSpread)*spreadCost
}

// energy is what the annealing minimises: the cost with each participant's breaks counted its
// weight times (see weigh), one more for each empty slot between its first and last meeting
// (see idleWeight), and unplaced meetings and spread scaled by the largest weight.
func (s *solver) energy() int {
	return (s.unsched*unscheduledCost+s.moved*moveCost)*s.scale + s.wtotal + s.idleTot*s.idleW + max(0, s.spread()-s.p.MaxBreakSpread)*spreadCost*s.scale
}

// marginal is the change in breaks if meeting m took slot sl.
func (s *solver) marginal(m, sl int) int {
	d := 0
	for _, p := range s.ms[m].parts {
		d += breaks(s.occ[p]|bit(sl)) - s.brk[p]
	}
	return d
}

// greedy places meetings one by one, busiest participants first, each in the slot that adds
// the fewest breaks (ties: the earliest slot).
func (s *solver) greedy() {
	load := make([]int, len(s.pids))
	for _, m := range s.ms {
		for _, p := range m.parts {
			load[p]++
		}
	}
	order := make([]int, len(s.ms))
	for i := range order {
		order[i] = i
	}
	heaviest := func(m int) int {
		h := 0
		for _, p := range s.ms[m].parts {
			h = max(h, load[p])
		}
		return h
	}
	pinned := func(m int) int { // fixed or single-slot meetings first
		if bits.OnesCount64(s.ms[m].domain) <= 1 {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(pinned(a), pinned(b)), cmp.Compare(heaviest(b), heaviest(a)), cmp.Compare(s.ms[a].host, s.ms[b].host), cmp.Compare(a, b))
	})
	// Kept meetings first, each where it is kept if it still fits there.
	for _, m := range order {
		if k := s.keepSlot[m]; k != 0 && s.fits(m, k) {
			s.place(m, k)
		}
	}
	for _, m := range order {
		if s.slot[m] != 0 {
			continue
		}
		best, bestD := 0, 0
		for sl := 1; sl <= s.slots; sl++ {
			if !s.fits(m, sl) {
				continue
			}
			if d := s.marginal(m, sl); best == 0 || d < bestD {
				best, bestD = sl, d
			}
		}
		if best > 0 {
			s.place(m, best)
		}
	}
}

// lowerBound sums, over participants, the fewest breaks each could have alone.
func (s *solver) lowerBound() int {
	lb := 0
	for p := range s.pids {
		lb += s.aloneBound(p)
	}
	return lb
}

// offer lowers upper to the current breaks when every meeting that can be placed is placed
// within the allowed spread.
func (s *solver) offer(upper *atomic.Int64) {
	// With a schedule to keep, only one that keeps it whole bounds the breaks: the bound knows
	// nothing of moves.
	if s.unsched == s.impossible && s.moved == 0 && s.spread() <= s.p.MaxBreakSpread && int64(s.total) < upper.Load() {
		upper.Store(int64(s.total))
		if s.firstAt != nil {
			s.firstAt.CompareAndSwap(-1, int64(time.Since(s.started)))
		}
	}
}

// floor is the best cost possible: the meetings that can never be placed, plus the lower bound.
func (s *solver) floor(lb int) int {
	return s.impossible*unscheduledCost + lb
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

type snapshot struct {
	slot  []int
	cost  int
	total int
}

func (s *solver) snap() snapshot {
	return snapshot{slot: slices.Clone(s.slot), cost: s.cost(), total: s.total}
}

func (s *solver) restore(sn snapshot) {
	for m := range s.slot {
		if s.slot[m] != 0 {
			s.remove(m)
		}
	}
	for m, sl := range sn.slot {
		if sl != 0 {
			s.place(m, sl)
		}
	}
}

// anneal improves the schedule until the deadline or until it reaches the lower bound.
func (s *solver) anneal(ctx context.Context, deadline time.Time, bound, upper *atomic.Int64) snapshot {
	best := s.snap()
	floor := s.floor(int(bound.Load()))
	if best.cost <= floor || len(s.ms) == 0 {
		return best
	}
	start := time.Now()
	budget := deadline.Sub(start)
	if budget <= 0 {
		return best
	}
	cur := s.energy()
	temp := startTemp * float64(s.scale)
	// accept[d] is the chance of taking a move that adds d to the energy, at this temperature;
	// it ends where that chance is below one in a billion (moves adding more are never taken).
	accept := make([]float64, 0, 64)
	cool := func() {
		accept = accept[:0]
		step := math.Exp(-1 / temp)
		for a := 1.0; a >= 1e-9 && len(accept) < 64*s.scale; a *= step {
			accept = append(accept, a)
		}
	}
	cool()
	for iter := 0; ; iter++ {
		if iter%256 == 0 {
			if ctx.Err() != nil || !time.Now().Before(deadline) {
				break
			}
			if floor = s.floor(int(bound.Load())); best.cost <= floor || upper.Load() <= bound.Load() {
				break // this schedule, or the other annealing's, is optimal
			}
			frac := float64(time.Since(start)) / float64(budget)
			temp = float64(s.scale) * startTemp * math.Pow(endTemp/startTemp, frac)
			cool()
		}
		// One draw picks the meeting (high half) and the kind of move (low half).
		r := s.rng.Uint64()
		m := int((r >> 32) * uint64(len(s.ms)) >> 32)
		if !s.possible[m] {
			continue
		}
		var undo func()
		d, chain := 0, false
		// One move in ten is a single move (few are taken: a chain of one meeting is a move
		// too); two in ten a chain closing a break of someone who has one, two in ten a shift
		// of a whole run of someone's busy slots towards another (several chains at once: the
		// single chains cannot pass through the schedules between), the rest random chains.
		switch x := int(r & 0xffffffff * 10 >> 32); {
		case s.slot[m] == 0:
			undo = s.tryInsert(m)
		case x < 1:
			undo = s.tryMove(m)
		case x < 3:
			if d, chain = s.closing(); !chain {
				continue
			}
		case x < 5:
			undo = s.shiftRun()
		default:
			d, chain = s.kempe(m) // evaluated before anything moves
			if !chain {
				continue
			}
		}
		if !chain {
			if undo == nil {
				continue
			}
			d = s.energy() - cur
		}
		if d > 0 && (d >= len(accept) || s.rng.Float64() >= accept[d]) {
			if undo != nil {
				undo()
			}
			continue
		}
		if chain {
			s.applyKempe()
		}
		cur += d
		if c := s.cost(); c < best.cost {
			best = s.snap()
			s.offer(upper)
			if c <= floor {
				break
			}
		}
	}
	s.restore(best)
	return best
}

func (s *solver) randomSlot(m int) int {
	free := s.ms[m].domSlots
	if len(free) == 0 {
		return 0
	}
	return int(free[s.rng.IntN(len(free))])
}

// randomIn is a slot of mask chosen at random, or 0 when mask is empty.
func (s *solver) randomIn(mask uint64) int {
	n := bits.OnesCount64(mask)
	if n == 0 {
		return 0
	}
	for k := s.rng.IntN(n); k > 0; k-- {
		mask &= mask - 1
	}
	return bits.TrailingZeros64(mask) + 1
}

func (s *solver) tryMove(m int) func() {
	from, to := s.slot[m], s.randomSlot(m)
	if to == 0 || to == from {
		return nil
	}
	s.remove(m)
	if !s.fits(m, to) {
		s.place(m, from)
		return nil
	}
	s.place(m, to)
	return func() { s.remove(m); s.place(m, from) }
}

// closing picks a participant with a break and one of its meetings, and evaluates the chain that
// moves it next to its other meetings.
func (s *solver) closing() (delta int, ok bool) {
	if len(s.broken) == 0 {
		return 0, false
	}
	p := s.broken[s.rng.IntN(len(s.broken))]
	m := s.of[p][s.rng.IntN(len(s.of[p]))]
	if s.slot[m] == 0 {
		return 0, false
	}
	occ := s.occ[p]
	return s.kempeTo(m, s.randomIn((occ<<1|occ>>1)&^occ&s.ms[m].domain))
}

// shiftRun takes someone with a break and moves its first run of busy slots towards the next,
// or its last towards the one before, by as many slots as the gap between them (at most the
// run's length): one chain (see kempe) for each meeting that moves, each applied before the
// next is found. It returns how to undo them, or nil when some chain cannot move.
func (s *solver) shiftRun() func() {
	if len(s.broken) == 0 {
		return nil
	}
	p := s.broken[s.rng.IntN(len(s.broken))]
	occ := s.occ[p]
	var from, to, k int // k meetings move, from slots from.. to slots to..
	if s.rng.IntN(2) == 0 {
		lo := bits.TrailingZeros64(occ) + 1
		e := lo
		for occ&bit(e+1) != 0 {
			e++
		}
		n := e + 1
		for occ&bit(n) == 0 {
			n++
		}
		k = min(e-lo+1, n-e-1)
		from, to = lo, n-k
	} else {
		hi := 64 - bits.LeadingZeros64(occ)
		st := hi
		for occ&bit(st-1) != 0 {
			st--
		}
		pv := st - 1
		for occ&bit(pv) == 0 {
			pv--
		}
		k = min(hi-st+1, st-pv-1)
		from, to = hi-k+1, pv+1
	}
	s.shifted = s.shifted[:0]
	undo := func() {
		// Chains on disjoint pairs of slots: each swaps back on its own, last first.
		for i := len(s.shifted) - 1; i >= 0; i-- {
			x := s.shifted[i]
			s.kempeTo(x, from+i)
			s.applyKempe()
		}
	}
	for i := range k {
		x := s.meetingAt(p, from+i)
		if _, ok := s.kempeTo(x, to+i); !ok {
			undo()
			return nil
		}
		s.applyKempe()
		s.shifted = append(s.shifted, x)
	}
	return undo
}

// kempe finds the chain that swaps two slots for m: m moves from its slot a to a random slot b,
// every meeting at b sharing a participant with it moves to a, and so on. The chain keeps every
// participant in at most one meeting per slot by construction, so it reaches schedules that
// single moves cannot. It reports whether the chain may move and the change in energy if it
// did, without moving anything: a participant with meetings at both ends of the chain keeps
// its busy slots, any other trades one slot for the other. applyKempe then moves it.
func (s *solver) kempe(m int) (delta int, ok bool) {
	return s.kempeTo(m, s.randomSlot(m))
}

// kempeTo is kempe towards slot b.
func (s *solver) kempeTo(m, b int) (delta int, ok bool) {
	a := s.slot[m]
	if b == 0 || b == a {
		return 0, false
	}
	s.gen++
	s.mark[m] = s.gen
	s.chain = append(s.chain[:0], m)
	s.flips, s.flipBrk = s.flips[:0], s.flipBrk[:0]
	ends := bit(a) | bit(b)
	lo, hi := math.MaxInt, -1 // fewest and most breaks of those whose breaks change
	toA := 0                  // meetings of the chain moving from b to a
	for head := 0; head < len(s.chain); head++ {
		x := s.chain[head]
		to := a
		if s.slot[x] == a {
			to = b
		} else {
			toA++
		}
		if s.dom[x]&bit(to) == 0 {
			return 0, false
		}
		if s.keeps {
			delta += (s.movedBy(x, to) - s.movedBy(x, s.slot[x])) * moveCost * s.scale
		}
		for _, p32 := range s.partList[s.partOff[x]:s.partOff[x+1]] {
			p := int(p32)
			y := s.meetingAt(p, to)
			if y < 0 { // p is busy at one end only
				nb := breaks(s.occ[p] ^ ends)
				s.flips, s.flipBrk = append(s.flips, p), append(s.flipBrk, nb)
				if s.idleW != 0 {
					delta += (idle(s.occ[p]^ends) - s.idl[p]) * s.idleW
				}
				if nb != s.brk[p] {
					delta += (nb - s.brk[p]) * s.weight[p]
					lo, hi = min(lo, nb), max(hi, nb)
				}
			} else if s.mark[y] != s.gen { // busy at both: its meeting at the other end moves too
				s.mark[y] = s.gen
				s.chain = append(s.chain, y)
				if len(s.chain) > 40 {
					return 0, false
				}
			}
		}
	}
	toB := len(s.chain) - toA
	if s.count[a]-toB+toA > s.tables || s.count[b]-toA+toB > s.tables {
		return 0, false
	}
	if s.ordered && !s.chainOrderOK(a, b) {
		return 0, false
	}
	if hi >= 0 { // the spread can only change with someone's breaks
		delta += s.spreadChange(lo, hi) * spreadCost * s.scale
	}
	s.ka, s.kb = a, b
	return delta, true
}

// chainOrderOK reports whether the chain kempeTo found keeps every 'after' order once its
// meetings have swapped slots a and b.
func (s *solver) chainOrderOK(a, b int) bool {
	after := func(q int) int { // q's slot once the chain has moved
		if sl := s.slot[q]; sl != 0 && s.mark[q] == s.gen {
			return a + b - sl
		}
		return s.slot[q]
	}
	for _, x := range s.chain {
		to := a + b - s.slot[x]
		for _, q := range s.ms[x].preds {
			if sl := after(q); sl != 0 && sl >= to {
				return false
			}
		}
		for _, q := range s.ms[x].succs {
			if sl := after(q); sl != 0 && sl <= to {
				return false
			}
		}
	}
	return true
}

// spreadChange is the change in the spread beyond the allowed one if the chain kempeTo is
// evaluating moved (its flips taking their flipBrk breaks), where those whose breaks change
// would have lo to hi breaks.
func (s *solver) spreadChange(lo, hi int) int {
	allowed := s.p.MaxBreakSpread
	before := max(0, s.spread()-allowed)
	if before == 0 && s.hmask != 0 && max(63-bits.LeadingZeros64(s.hmask), hi)-min(bits.TrailingZeros64(s.hmask), lo) <= allowed {
		return 0 // within the allowed spread before and after
	}
	for i, p := range s.flips {
		s.histAdd(s.brk[p], -1)
		s.histAdd(s.flipBrk[i], 1)
	}
	after := max(0, s.spread()-allowed)
	for i, p := range s.flips {
		s.histAdd(s.flipBrk[i], -1)
		s.histAdd(s.brk[p], 1)
	}
	return after - before
}

// applyKempe moves the chain kempe found last: its meetings swap slots a and b, and only the
// participants at one end of it (see kempeTo's flips) change their busy slots.
func (s *solver) applyKempe() {
	a, b, stride := s.ka, s.kb, s.slots+1
	for _, x := range s.chain {
		for _, p := range s.partList[s.partOff[x]:s.partOff[x+1]] {
			s.at[int(p)*stride+s.slot[x]] = -1
		}
	}
	for _, x := range s.chain {
		to := a + b - s.slot[x]
		s.moved += s.movedBy(x, to) - s.movedBy(x, s.slot[x])
		s.count[s.slot[x]]--
		s.count[to]++
		s.slot[x] = to
		for _, p := range s.partList[s.partOff[x]:s.partOff[x+1]] {
			s.at[int(p)*stride+to] = int32(x)
		}
	}
	ends := bit(a) | bit(b)
	for i, p := range s.flips {
		s.occ[p] ^= ends
		s.setIdle(p)
		if nb := s.flipBrk[i]; nb != s.brk[p] {
			s.histAdd(s.brk[p], -1)
			s.setBreaks(p, nb)
			s.histAdd(nb, 1)
		}
	}
}

// tryInsert places an unscheduled meeting, ejecting at most one meeting in its way.
func (s *solver) tryInsert(m int) func() {
	sl := s.randomSlot(m)
	if sl == 0 {
		return nil
	}
	if s.fits(m, sl) {
		s.place(m, sl)
		return func() { s.remove(m) }
	}
	var blockers []int // the meetings of m's participants at sl
	for _, p := range s.ms[m].parts {
		if o := s.meetingAt(p, sl); o >= 0 && !slices.Contains(blockers, o) {
			blockers = append(blockers, o)
		}
	}
	var victim int
	switch {
	case len(blockers) == 1:
		victim = blockers[0]
	case len(blockers) == 0 && s.count[sl] >= s.tables:
		at := []int{}
		for o, os := range s.slot {
			if os == sl {
				at = append(at, o)
			}
		}
		victim = at[s.rng.IntN(len(at))]
	default:
		return nil
	}
	s.remove(victim)
	if !s.fits(m, sl) {
		s.place(victim, sl)
		return nil
	}
	s.place(m, sl)
	return func() { s.remove(m); s.place(victim, sl) }
}

// assignTables gives each producer (a meeting's last participant) one table for the day where
// it can, busiest producers first, and returns the table per meeting and the table changes.
func (s *solver) assignTables() ([]int, int) {
	table := make([]int, len(s.ms))
	used := make([][]bool, s.slots+1)
	for sl := range used {
		used[sl] = make([]bool, s.tables+1)
	}
	byHost := map[int][]int{}
	var hosts []int
	for m, sl := range s.slot {
		if sl == 0 {
			continue
		}
		h := s.ms[m].host
		if _, ok := byHost[h]; !ok {
			hosts = append(hosts, h)
		}
		byHost[h] = append(byHost[h], m)
	}
	slices.SortFunc(hosts, func(a, b int) int { return cmp.Or(cmp.Compare(len(byHost[b]), len(byHost[a])), cmp.Compare(a, b)) })
	// A kept meeting still in its kept slot keeps its table too.
	for m, sl := range s.slot {
		if t := s.keepTable[m]; sl != 0 && sl == s.keepSlot[m] && !used[sl][t] {
			used[sl][t], table[m] = true, t
		}
	}
	for _, h := range hosts {
		ms := byHost[h]
		home := 0
		for t := 1; t <= s.tables && home == 0; t++ {
			free := true
			for _, m := range ms {
				if table[m] == 0 && used[s.slot[m]][t] {
					free = false
					break
				}
			}
			if free {
				home = t
			}
		}
		for _, m := range ms {
			if table[m] != 0 {
				continue // kept
			}
			t := home
			if t == 0 {
				for t = 1; used[s.slot[m]][t]; t++ {
				}
			}
			used[s.slot[m]][t] = true
			table[m] = t
		}
	}
	changes := 0
	for _, h := range hosts {
		ms := slices.Clone(byHost[h])
		slices.SortFunc(ms, func(a, b int) int { return cmp.Compare(s.slot[a], s.slot[b]) })
		for i := 1; i < len(ms); i++ {
			if table[ms[i]] != table[ms[i-1]] {
				changes++
			}
		}
	}
	return table, changes
}

func (s *solver) reason(m int) apperr.Text {
	mm := s.ms[m]
	pm := s.p.Meetings[m]
	if mm.domain == 0 {
		session := pm.Session
		if session == "" {
			session = Any
		}
		if pm.FixedSlot > 0 {
			return msgFixedSlotBlocked.With(pm.FixedSlot, sessionNames[session])
		}
		return msgNoCommonSlot.With(sessionNames[session], strings.Join(pm.Participants, ", "))
	}
	return msgNoRoom.With()
}

// Solve schedules the problem within its time limit (default 10 s) or until ctx ends. It
// returns Invalid when the problem does not validate.
func Solve(ctx context.Context, p Problem) (Solution, error) {
	sol, _, err := solve(ctx, p)
	return sol, err
}

// solve is Solve, also telling when a schedule first placed every meeting that can be placed
// within the spread (-1: never).
func solve(ctx context.Context, p Problem) (Solution, time.Duration, error) {
	start := time.Now()
	if err := p.Validate(); err != nil {
		return Solution{}, -1, err
	}
	var firstAt atomic.Int64
	firstAt.Store(-1)
	limit := time.Duration(p.TimeLimitMS) * time.Millisecond
	if p.TimeLimitMS == 0 {
		limit = 10 * time.Second
	}
	s := newSolver(p)
	s.started, s.firstAt = start, &firstAt
	s.greedy()
	// The capacity bound searches on another goroutine while annealing improves the schedule;
	// each tells the other what it has (a higher bound, fewer breaks), and both stop when they
	// meet: the schedule is then proved optimal. Once the bound is done, that goroutine runs
	// a second annealing from another seed and weight, and the better schedule wins. Before
	// it, the search within the bound's budget of breaks (see budget.go) may find an optimal
	// schedule or raise the bound.
	deadline := start.Add(limit)
	var bound, upper atomic.Int64
	bound.Store(int64(s.lowerBound()))
	upper.Store(math.MaxInt64)
	s.offer(&upper)
	bctx, cancel := context.WithDeadline(ctx, deadline)
	fctx, stopFirst := context.WithCancel(ctx) // the first annealing stops early when a repair is settled
	done := make(chan struct{})
	second := s.reseeded()
	second.started, second.firstAt = start, &firstAt
	s.evenBreaks()
	if s.twoSided() {
		s.weigh(busyWeight)
		second.weigh(busyWeight2)
	}
	levelTime := max(limit/10, 50*time.Millisecond) // per budget of breaks the capacity bound searches
	go func() {
		defer close(done)
		if s.keeps { // most repairs settle here at once (see repair.go)
			rctx, cancel := context.WithTimeout(bctx, limit/4)
			settled := second.exactRepair(rctx, &bound, &upper)
			if cancel(); settled {
				stopFirst()
				return
			}
		}
		parts := s.capacityBound(bctx, &bound, &upper, levelTime)
		// The search within a budget gets up to a quarter of the time per budget and half in all
		// (the rest anneals). On a short day it lists every pattern (see list), and its proofs
		// are worth more than a second annealing, which finds such days' optimum soon anyway.
		settleFor, perBudget := limit/2, limit/4
		if s.slots <= shortDay {
			settleFor, perBudget = limit, limit
		}
		if !s.keeps { // the search within a budget places meetings afresh: it knows no moves
			sctx, cancel := context.WithTimeout(bctx, settleFor)
			second.settle(sctx, perBudget, parts, &bound, &upper)
			cancel()
		}
		second.rounds(bctx, deadline, limit, &bound, &upper)
	}()
	s.rounds(fctx, deadline, limit, &bound, &upper)
	cancel()
	stopFirst()
	<-done
	if second.cost() < s.cost() {
		s.restore(snapshot{slot: second.slot})
	}
	s.noWorseThanFirstFit()
	return s.solution(start, int(bound.Load())), time.Duration(firstAt.Load()), nil
}

// noWorseThanFirstFit takes the organiser's baseline (FirstFit) when it costs less than the
// schedule found: on a machine too busy to give the search its time, the answer is still never
// worse than placing the meetings by hand.
func (s *solver) noWorseThanFirstFit() {
	ff := FirstFit(s.p)
	index := make(map[string]int, len(s.ms))
	for m := range s.ms {
		index[s.ms[m].id] = m
	}
	slot := make([]int, len(s.ms))
	for _, a := range ff.Assignments {
		m, ok := index[a.Meeting]
		if !ok {
			return
		}
		slot[m] = a.Slot
	}
	before := s.snap()
	s.restore(snapshot{slot: slot})
	if s.cost() >= before.cost {
		s.restore(before)
	}
}

// settle searches for a schedule within the bound's budget of breaks, raising the bound by one
// each time it proves there is none, until it finds one, the budget reaches the breaks of the
// best schedule so far, or a budget takes longer than levelTime.
func (s *solver) settle(ctx context.Context, levelTime time.Duration, parts [3]int, bound, upper *atomic.Int64) {
	most := int64(0) // the most breaks anyone could have, together: beyond, no schedule places every meeting
	for _, k := range s.placeable {
		most += int64(mostBreaks(k, s.slots))
	}
	for ctx.Err() == nil {
		budget := bound.Load()
		if budget >= upper.Load() || budget > most {
			return
		}
		level, cancel := context.WithTimeout(ctx, levelTime)
		res, slots := s.withinBudget(level, int(budget), parts)
		cancel()
		switch res {
		case budgetFound:
			s.restore(snapshot{slot: slots})
			s.offer(upper)
			return
		case budgetNone:
			bound.CompareAndSwap(budget, budget+1)
		default:
			return
		}
	}
}

// reseeded is a copy of the solver's problem and schedule with a random source of its own.
func (s *solver) reseeded() *solver {
	p := s.p
	p.Seed = s.rng.Uint64() | 1
	r := newSolver(p)
	r.restore(snapshot{slot: s.slot})
	return r
}

// rounds anneals in rounds, each reheating from the best schedule so far (never worse than the
// round before; restarts escape where one long cooling gets stuck), until the deadline or until
// some schedule reaches the bound.
func (s *solver) rounds(ctx context.Context, deadline time.Time, limit time.Duration, bound, upper *atomic.Int64) {
	round := min(max(limit/3, 300*time.Millisecond), 4*time.Second)
	for ctx.Err() == nil && time.Now().Before(deadline) && upper.Load() > bound.Load() {
		best := s.anneal(ctx, minTime(deadline, time.Now().Add(round)), bound, upper)
		if best.cost <= s.floor(int(bound.Load())) {
			break
		}
	}
}

func (s *solver) solution(start time.Time, lb int) Solution {
	table, changes := s.assignTables()
	sol := Solution{TotalBreaks: s.total, LowerBound: lb, MaxBreakSpread: s.spread(), Assignments: []Assignment{}, Unscheduled: []Unscheduled{},
		ProducerTableChanges: changes}
	for m, sl := range s.slot {
		if sl == 0 {
			sol.Unscheduled = append(sol.Unscheduled, NewUnscheduled(s.ms[m].id, s.reason(m)))
			continue
		}
		a := Assignment{Meeting: s.ms[m].id, Slot: sl, Table: table[m]}
		sol.Assignments = append(sol.Assignments, a)
		if s.keepSlot[m] != 0 && (sl != s.keepSlot[m] || table[m] != s.keepTable[m]) {
			sol.Moved = append(sol.Moved, a)
		}
	}
	switch {
	case len(sol.Unscheduled) > 0:
		sol.Status = Infeasible
	case sol.TotalBreaks <= lb && sol.MaxBreakSpread <= s.p.MaxBreakSpread && s.moved == 0:
		sol.Status = Optimal
	default:
		sol.Status = Feasible
	}
	sol.ElapsedMS = time.Since(start).Milliseconds()
	return sol
}

// twoSided reports whether the day is one whose buyers meet producers: the first set of sets()
// has a participant in every meeting that can be placed, or (when that greedy set took a busy
// producer before a buyer) the meetings, all of two, split the participants in two sides. Only
// there do the busiest participants' breaks weigh more in the annealing (see weigh); on a day
// where anyone may meet anyone (the long two-session days) weighing them leaves it a break or
// two above what even weights reach (day 1 of GenerateLong, eight seeds, 10 s: 7–8 breaks
// weighed, 6–7 even).
func (s *solver) twoSided() bool {
	_, _, set := s.sets()
	covered := true
	for m := range s.ms {
		if s.possible[m] && !slices.ContainsFunc(s.ms[m].parts, func(p int) bool { return set[p] == 1 }) {
			covered = false
			break
		}
	}
	return covered || s.bipartite()
}

// bipartite reports whether every meeting that can be placed has at most two participants and
// the participants split in two sides, each meeting of two between them (a walk colouring the
// sides).
func (s *solver) bipartite() bool {
	side := make([]int8, len(s.pids)) // 0: not reached yet, then 1 or 2
	var stack []int
	for start := range s.pids {
		if side[start] != 0 {
			continue
		}
		side[start] = 1
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, m := range s.of[p] {
				switch {
				case !s.possible[m] || len(s.ms[m].parts) == 1: // one participant: no side to take
					continue
				case len(s.ms[m].parts) > 2:
					return false
				}
				q := s.ms[m].parts[0] + s.ms[m].parts[1] - p
				switch side[q] {
				case 0:
					side[q] = 3 - side[p]
					stack = append(stack, q)
				case side[p]:
					return false
				}
			}
		}
	}
	return true
}

// evenBreaks makes the annealing's energy count breaks alone, each the same, without the empty
// slots between meetings: on a day laid around a schedule without breaks, that way reaches it
// sooner (see idleWeight).
func (s *solver) evenBreaks() {
	s.unit, s.idleW, s.scale, s.wtotal = 1, 0, 1, s.total
	for p := range s.weight {
		s.weight[p] = 1
	}
}

// weigh makes each break of the first set's members (see sets) count w times in the annealing's
// energy: their schedules are the hard ones to change, and the others' breaks are then cheap to
// take on while the busiest rearrange, and cheap to repair after.
func (s *solver) weigh(w int) {
	_, _, set := s.sets()
	s.wtotal, s.scale = 0, w*s.unit
	for p := range s.weight {
		s.weight[p] = s.unit
		if set[p] == 1 {
			s.weight[p] = w * s.unit
		}
		s.wtotal += s.weight[p] * s.brk[p]
	}
}
