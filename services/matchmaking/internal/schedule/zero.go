package schedule

import (
	"context"
	"math/bits"
	"slices"
)

// The search for a day without breaks. When the bounds say 0 and the annealing has not found it,
// this settles the question: either a schedule with no break at all (optimal), or a proof that
// every schedule has one (the bound rises to 1). Without breaks, each participant's meetings
// fill one run of consecutive slots, so the search only chooses where each run starts:
//   - a meeting can take only slots inside the runs of all its participants;
//   - a start is kept only if the participant's meetings can each take their own slot of that
//     run (a matching);
//   - counting (see energetic): within any window of slots, each of the two sets of sets() is
//     busy between its members' fewest and most slots there, never more than the tables allow,
//     and a set that has a member in every meeting is busy exactly as often as meetings take
//     place there, so both sets' counts must meet.
// It branches on the participant with the fewest meetings (then the fewest starts left): each
// choice pins its few meetings and, through them, its partners' runs. Once every start is
// chosen, it places the meetings themselves (tables, 'after' order) by a small search of its own.

type zeroResult int

const (
	zeroUnknown zeroResult = iota // stopped by its limits
	zeroNone                      // every schedule has a break
	zeroFound                     // slots holds a schedule without breaks
)

// maxSubsetSlots: on days of up to this many slots the counting runs over every set of slots,
// not only runs of consecutive ones (a day of 8 slots whose producers all have 4 meetings is
// busy as often in slots 1 and 5 as in 2 and 6).
const maxSubsetSlots = 10

// zeroNodes caps the choices the search makes before it gives up.
const zeroNodes = 2_000_000

type matchCache struct {
	ok     bool
	doms   []uint64
	starts uint64
}

type zeroSearch struct {
	s       *solver
	ctx     context.Context
	members []int    // participants with meetings to place
	k       []int    // per participant: its meetings that can be placed
	doms    []uint64 // scratch for matchable
	set     []int
	starts  []uint64    // per participant: where its run may start (bit st for slot st)
	union   []uint64    // per participant: slots of some run left
	must    []uint64    // per participant: slots of every run left
	md      []uint64    // per meeting: slots it may still take
	windows []uint64    // every run of consecutive slots
	size    []int       // per window: its slots
	inRun   [][][]uint8 // [k][st][window]: slots of the run of k from st inside the window
	covers  [3]bool     // per set: every meeting has one of its members
	lo, hi  []int       // per set and window: its fewest and most busy slots inside it (set 0: the range of a covering set)
	fewest  []uint8     // per participant and window: its fewest slots of a run inside it
	most    []uint8     // and its most
	rowsOf  []uint64    // per participant: the starts its fewest and most are for
	match   []matchCache
	nodes   int
	aborted bool
	slots   []int // the schedule found
}

// zeroBreaks searches for a schedule in which nobody has a break.
func (s *solver) zeroBreaks(ctx context.Context) (zeroResult, []int) {
	z := &zeroSearch{s: s, ctx: ctx, k: make([]int, len(s.pids)), starts: make([]uint64, len(s.pids)),
		union: make([]uint64, len(s.pids)), must: make([]uint64, len(s.pids)), md: make([]uint64, len(s.ms))}
	_, _, z.set = s.sets()
	for c := 1; c <= 2; c++ {
		z.covers[c] = true
		for m := range s.ms {
			if s.possible[m] && !slices.ContainsFunc(s.ms[m].parts, func(p int) bool { return z.set[p] == c }) {
				z.covers[c] = false
				break
			}
		}
	}
	if s.slots <= maxSubsetSlots {
		for x := uint64(1); x < 1<<uint(s.slots); x++ {
			z.windows = append(z.windows, x)
			z.size = append(z.size, bits.OnesCount64(x))
		}
	} else {
		for a := 1; a <= s.slots; a++ {
			for b := a; b <= s.slots; b++ {
				z.windows = append(z.windows, run(a, b-a+1))
				z.size = append(z.size, b-a+1)
			}
		}
	}
	nw, n := len(z.windows), len(s.pids)
	z.lo, z.hi = make([]int, 3*nw), make([]int, 3*nw)
	z.fewest, z.most, z.rowsOf, z.match = make([]uint8, n*nw), make([]uint8, n*nw), make([]uint64, n), make([]matchCache, n)
	z.inRun = make([][][]uint8, s.slots+1)
	for k := 1; k <= s.slots; k++ {
		z.inRun[k] = make([][]uint8, s.slots+1)
		for st := 1; st+k-1 <= s.slots; st++ {
			z.inRun[k][st] = make([]uint8, nw)
			for x, w := range z.windows {
				z.inRun[k][st][x] = uint8(bits.OnesCount64(run(st, k) & w))
			}
		}
	}
	for p := range s.pids {
		for _, m := range s.of[p] {
			if s.possible[m] {
				z.k[p]++
			}
		}
		if z.k[p] == 0 {
			continue
		}
		if z.k[p] > s.slots {
			return zeroNone, nil
		}
		z.members = append(z.members, p)
		for st := 1; st+z.k[p]-1 <= s.slots; st++ {
			z.starts[p] |= bit(st)
		}
	}
	if z.search() {
		return zeroFound, z.slots
	}
	if z.aborted {
		return zeroUnknown, nil
	}
	return zeroNone, nil
}

// run is the run of k slots from slot st.
func run(st, k int) uint64 { return (uint64(1)<<uint(k) - 1) << uint(st-1) }

// propagate narrows the starts to a fixpoint; false when some participant has none left or a
// window cannot hold what its participants must have there.
func (z *zeroSearch) propagate() bool {
	s := z.s
	for changed := true; changed; {
		changed = false
		for _, p := range z.members {
			u, a := uint64(0), ^uint64(0)
			for x := z.starts[p]; x != 0; x &= x - 1 {
				w := run(bits.TrailingZeros64(x)+1, z.k[p])
				u |= w
				a &= w
			}
			z.union[p], z.must[p] = u, a
		}
		for m := range s.ms {
			if !s.possible[m] {
				continue
			}
			d := s.ms[m].domain
			for _, p := range s.ms[m].parts {
				d &= z.union[p]
			}
			if d == 0 {
				return false
			}
			z.md[m] = d
		}
		for _, p := range z.members {
			kept := z.starts[p] & z.matchableStarts(p)
			if kept == 0 {
				return false
			}
			if kept != z.starts[p] {
				z.starts[p], changed = kept, true
			}
		}
		if changed {
			continue
		}
		ok, ch := z.energetic()
		if !ok {
			return false
		}
		changed = ch
	}
	return true
}

// matchableStarts is the starts of p's run where each of its meetings can take its own slot,
// given the slots they may take now; kept for as long as those stay the same.
func (z *zeroSearch) matchableStarts(p int) uint64 {
	s := z.s
	z.doms = z.doms[:0]
	for _, m := range s.of[p] {
		if s.possible[m] {
			z.doms = append(z.doms, z.md[m])
		}
	}
	if c := &z.match[p]; c.ok && slices.Equal(c.doms, z.doms) {
		return c.starts
	}
	var good uint64
	for st := 1; st+z.k[p]-1 <= s.slots; st++ {
		if matchable(z.doms, run(st, z.k[p])) {
			good |= bit(st)
		}
	}
	z.match[p] = matchCache{ok: true, doms: append(z.match[p].doms[:0], z.doms...), starts: good}
	return good
}

// energetic checks every window of consecutive slots. A set's members are busy there, between
// them, for at least the sum of their fewest slots inside it (over the starts left to each)
// and at most the sum of their most, and never more than the window has tables. When a set
// covers every meeting (each has one of its members), the set is busy there exactly as often
// as meetings take place there, so the two sets' ranges must meet. A start that would take its
// member's set out of the range is dropped (the others' sums, taken before, are only looser).
func (z *zeroSearch) energetic() (ok, changed bool) {
	nw := len(z.windows)
	clear(z.lo)
	clear(z.hi)
	for _, p := range z.members {
		c := z.set[p]
		if c == 0 {
			continue
		}
		few, most := z.rows(p)
		lo, hi := z.lo[c*nw:(c+1)*nw], z.hi[c*nw:(c+1)*nw]
		for x := range lo {
			lo[x] += int(few[x])
			hi[x] += int(most[x])
		}
	}
	// low[x], high[x]: the range a set that covers every meeting must be in.
	low, high := z.lo[:nw], z.hi[:nw]
	for x := range z.windows {
		low[x], high[x] = 0, z.size[x]*z.s.tables
		for c := 1; c <= 2; c++ {
			if z.covers[c] {
				low[x] = max(low[x], z.lo[c*nw+x])
				high[x] = min(high[x], z.hi[c*nw+x])
			} else if z.lo[c*nw+x] > high[x] {
				return false, false
			}
		}
		if low[x] > high[x] {
			return false, false
		}
	}
	for _, p := range z.members {
		c := z.set[p]
		if c == 0 || bits.OnesCount64(z.starts[p]) < 2 {
			continue
		}
		few, most := z.rows(p)
		lo, hi := z.lo[c*nw:(c+1)*nw], z.hi[c*nw:(c+1)*nw]
		kept := z.starts[p]
		for y := z.starts[p]; y != 0; y &= y - 1 {
			st := bits.TrailingZeros64(y) + 1
			in := z.inRun[z.k[p]][st]
			for x := range in {
				v := int(in[x])
				if lo[x]-int(few[x])+v > high[x] || z.covers[c] && hi[x]-int(most[x])+v < low[x] {
					kept &^= bit(st)
					break
				}
			}
		}
		if kept == 0 {
			return false, false
		}
		if kept != z.starts[p] {
			z.starts[p], changed = kept, true
		}
	}
	return true, changed
}

// rows is p's fewest and most slots of a run inside each window, over the starts left to it;
// kept for as long as those stay the same.
func (z *zeroSearch) rows(p int) (few, most []uint8) {
	nw := len(z.windows)
	few, most = z.fewest[p*nw:(p+1)*nw], z.most[p*nw:(p+1)*nw]
	if z.rowsOf[p] == z.starts[p] {
		return few, most
	}
	z.rowsOf[p] = z.starts[p]
	for x := range few {
		few[x], most[x] = MaxSlots, 0
	}
	for y := z.starts[p]; y != 0; y &= y - 1 {
		in := z.inRun[z.k[p]][bits.TrailingZeros64(y)+1]
		for x, v := range in {
			few[x], most[x] = min(few[x], v), max(most[x], v)
		}
	}
	return few, most
}

// search chooses the runs' starts, the participant with the fewest left first.
func (z *zeroSearch) search() bool {
	if z.nodes++; z.nodes > zeroNodes || (z.nodes%256 == 0 && z.ctx.Err() != nil) {
		z.aborted = true
	}
	if z.aborted || !z.propagate() {
		return false
	}
	at, fewest := -1, 0
	for _, p := range z.members {
		n := bits.OnesCount64(z.starts[p])
		if n < 2 {
			continue
		}
		better := at < 0 || z.k[p] < z.k[at] || z.k[p] == z.k[at] && n < fewest
		if better {
			at, fewest = p, n
		}
	}
	if at < 0 {
		return z.place()
	}
	saved := slices.Clone(z.starts)
	for x := saved[at]; x != 0; x &= x - 1 {
		z.starts[at] = x & -x
		if z.search() {
			return true
		}
		if z.aborted {
			return false
		}
		copy(z.starts, saved)
	}
	return false
}

// place puts each meeting at a slot of the chosen runs (md, after propagate), minding the
// tables and the 'after' order.
func (z *zeroSearch) place() bool {
	s := z.s
	var todo []int
	for m := range s.ms {
		if s.possible[m] {
			todo = append(todo, m)
		}
	}
	slots := make([]int, len(s.ms))
	occ := make([]uint64, len(s.pids))
	count := make([]int, s.slots+1)
	var dfs func(left int) bool
	dfs = func(left int) bool {
		if left == 0 {
			return true
		}
		if z.nodes++; z.nodes > zeroNodes || (z.nodes%256 == 0 && z.ctx.Err() != nil) {
			z.aborted = true
			return false
		}
		// The meeting with the fewest slots left next.
		at, fewest, fewestFree := -1, 0, uint64(0)
		for i := 0; i < left; i++ {
			m := todo[i]
			free := z.md[m]
			for _, p := range s.ms[m].parts {
				free &^= occ[p]
			}
			for x := free; x != 0; x &= x - 1 {
				sl := bits.TrailingZeros64(x) + 1
				if count[sl] >= s.tables || !orderOK(s, slots, m, sl) {
					free &^= bit(sl)
				}
			}
			if n := bits.OnesCount64(free); at < 0 || n < fewest {
				at, fewest, fewestFree = i, n, free
			}
			if fewest == 0 {
				return false
			}
		}
		m := todo[at]
		todo[at], todo[left-1] = todo[left-1], todo[at]
		for x := fewestFree; x != 0; x &= x - 1 {
			sl := bits.TrailingZeros64(x) + 1
			slots[m] = sl
			count[sl]++
			for _, p := range s.ms[m].parts {
				occ[p] |= bit(sl)
			}
			if dfs(left - 1) {
				return true
			}
			slots[m] = 0
			count[sl]--
			for _, p := range s.ms[m].parts {
				occ[p] &^= bit(sl)
			}
			if z.aborted {
				break
			}
		}
		todo[at], todo[left-1] = todo[left-1], todo[at]
		return false
	}
	if !dfs(len(todo)) {
		return false
	}
	z.slots = slots
	return true
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
