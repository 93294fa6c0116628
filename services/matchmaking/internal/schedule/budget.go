package schedule

import (
	"context"
	"math"
	"math/bits"
	"slices"
)

// The search for a day within a budget of breaks. When the annealing has not reached the bound,
// this settles whether a schedule with at most that many breaks exists: either it finds one
// (optimal), or it proves there is none (the bound rises by one, and the next budget is tried).
// Each participant's busy slots form a pattern: as many slots as it has meetings, with some
// breaks. The search chooses a pattern for everyone: every pattern within what the budget
// leaves the participant's set once the other sets have their proved fewest breaks (see
// capacityBound). On a B2B day whose buyers must have as many breaks as the budget, the
// producers' patterns are then runs of consecutive slots, and the buyers' are few enough to
// list even on long days. A meeting fixed to a slot is in every pattern of its participants.
// The search narrows the patterns left to each participant:
//   - the participants' fewest breaks must fit the budget together, so each may spend only
//     what the others leave it;
//   - a meeting can take only slots that all its participants may still be busy at;
//   - a pattern is kept only if the participant's meetings can each take their own slot of it
//     (a matching);
//   - counting (see energetic): within any window of slots, each of the two sets of sets() is
//     busy between its members' fewest and most slots there, never more than the tables allow,
//     and a set that has a member in every meeting is busy exactly as often as meetings take
//     place there, so both sets' counts must meet.
// It first decides who has breaks (see split), then branches on the participant with the fewest
// meetings (then the fewest patterns left), fewest breaks first: each choice pins its few
// meetings and, through them, its partners' patterns. Once every pattern is chosen, it places
// the meetings themselves (tables, 'after' order) by a small search of its own.

type budgetResult int

const (
	budgetUnknown budgetResult = iota // stopped by its limits, or too many patterns to list
	budgetNone                        // every schedule has more breaks
	budgetFound                       // a schedule within the budget
)

const (
	// shortDay: patterns with breaks are listed as every choice of slots for a participant
	// whose meetings not fixed to a slot can take at most this many slots between them (for
	// the others, as runs with gaps between, up to maxListed); on days of at most this many
	// slots the counting runs over every set of slots, not only runs of consecutive ones (a day
	// of 8 slots whose producers all have 4 meetings is busy as often in slots 1 and 5 as in 2
	// and 6).
	shortDay = 10
	// budgetNodes caps the choices one search makes before it gives up; maxBudgetCells caps its
	// tables of busy slots per pattern and window (bytes).
	budgetNodes    = 2_000_000
	maxBudgetCells = 64 << 20
	// maxListed caps the patterns with breaks tried for one participant on a long day.
	maxListed = 1 << 20
)

type matchCache struct {
	ok    bool
	doms  []uint64
	good  []uint64 // patterns known to be matchable
	known []uint64 // patterns checked
}

// tightWindow is a window where a participant's pattern may have at most up and at least down
// of its slots (see energetic).
type tightWindow struct{ w, up, down int }

type budgetSearch struct {
	s       *solver
	ctx     context.Context
	budget  int
	members []int      // participants with meetings to place
	k       []int      // per participant: its meetings that can be placed
	pats    [][]uint64 // per participant: the busy slots it may have, fewest breaks first
	pbrk    [][]uint8  // breaks of each pattern
	upto    [][]int    // per participant and number of breaks: its patterns with at most that many (they come first)
	off     []int      // per participant: where its words start in alive
	alive   []uint64   // per participant, a bitset over its patterns, all together
	union   []uint64   // per participant: slots of some pattern left
	must    []uint64   // per participant: slots of every pattern left
	minB    []int      // per participant: fewest breaks of a pattern left
	md      []uint64   // per meeting: slots it may still take
	doms    []uint64   // scratch for matchable
	scratch []uint64   // scratch for propagate
	set     []int
	others  [3]int    // per set: the breaks the other sets have at least
	covers  [3]bool   // per set: every meeting has one of its members
	windows []uint64  // the sets of slots counted over
	inPat   [][]uint8 // per participant, pattern and window: the pattern's slots inside the window
	lo, hi  []int     // per set and window: its fewest and most busy slots inside it (set 0: the range of a covering set)
	fewest  []uint8   // per participant and window: its fewest busy slots inside it, over its patterns left
	most    []uint8   // and its most
	rowsFor [][]uint64
	match   []matchCache
	tight   []tightWindow
	nodes   int
	aborted bool
	slots   []int // the schedule found
}

// withinBudget searches for a schedule with at most budget breaks. parts are lower bounds on the
// breaks of each set of sets() (set 0: everyone in neither) in every schedule: a member of one
// may spend only what the others' bounds leave it.
func (s *solver) withinBudget(ctx context.Context, budget int, parts [3]int) (budgetResult, []int) {
	b := &budgetSearch{s: s, ctx: ctx, budget: budget}
	for c := range b.others {
		b.others[c] = parts[0] + parts[1] + parts[2] - parts[c]
	}
	n := len(s.pids)
	b.k, b.pats, b.pbrk, b.off, b.upto = make([]int, n), make([][]uint64, n), make([][]uint8, n), make([]int, n+1), make([][]int, n)
	b.union, b.must, b.minB, b.md = make([]uint64, n), make([]uint64, n), make([]int, n), make([]uint64, len(s.ms))
	_, _, b.set = s.sets()
	if s.slots <= shortDay {
		for x := uint64(1); x < 1<<uint(s.slots); x++ {
			b.windows = append(b.windows, x)
		}
	} else {
		b.windows = allRuns(s.slots)
	}
	nw := len(b.windows)
	cells := 2 * n * nw // the tables below: fewest and most per participant, and each pattern's counts
	for p := range s.pids {
		var doms []uint64
		for _, m := range s.of[p] {
			if s.possible[m] {
				doms = append(doms, s.ms[m].domain)
			}
		}
		b.k[p] = len(doms)
		b.off[p+1] = b.off[p]
		if b.k[p] == 0 {
			continue
		}
		if b.k[p] > s.slots {
			return budgetNone, nil
		}
		if !b.list(p, doms) {
			return budgetUnknown, nil
		}
		if len(b.pats[p]) == 0 {
			return budgetNone, nil
		}
		if cells += len(b.pats[p]) * nw; cells > maxBudgetCells {
			return budgetUnknown, nil // the tables would not fit: stop listing now
		}
		b.members = append(b.members, p)
		b.off[p+1] += (len(b.pats[p]) + 63) / 64
	}
	b.alive = make([]uint64, b.off[n])
	most := 0
	for _, p := range b.members {
		most = max(most, b.off[p+1]-b.off[p])
	}
	b.scratch = make([]uint64, most)
	for _, p := range b.members {
		w := b.words(p)
		for i := range len(b.pats[p]) {
			w[i/64] |= 1 << uint(i%64)
		}
	}
	for c := 1; c <= 2; c++ {
		b.covers[c] = true
		for m := range s.ms {
			if s.possible[m] && !slices.ContainsFunc(s.ms[m].parts, func(p int) bool { return b.set[p] == c }) {
				b.covers[c] = false
				break
			}
		}
	}
	b.inPat = make([][]uint8, n)
	for _, p := range b.members {
		if ctx.Err() != nil {
			return budgetUnknown, nil
		}
		b.inPat[p] = make([]uint8, len(b.pats[p])*nw)
		for i, pat := range b.pats[p] {
			for x, w := range b.windows {
				b.inPat[p][i*nw+x] = uint8(bits.OnesCount64(pat & w))
			}
		}
	}
	b.lo, b.hi = make([]int, 3*nw), make([]int, 3*nw)
	b.fewest, b.most, b.rowsFor, b.match = make([]uint8, n*nw), make([]uint8, n*nw), make([][]uint64, n), make([]matchCache, n)
	if b.search() {
		return budgetFound, b.slots
	}
	if b.aborted {
		return budgetUnknown, nil
	}
	return budgetNone, nil
}

// run is the run of k slots from slot st.
func run(st, k int) uint64 { return (uint64(1)<<uint(k) - 1) << uint(st-1) }

// allRuns is every run of consecutive slots of a day, by first slot, then length.
func allRuns(slots int) []uint64 {
	var out []uint64
	for a := 1; a <= slots; a++ {
		for b := a; b <= slots; b++ {
			out = append(out, run(a, b-a+1))
		}
	}
	return out
}

// list lists p's patterns within what the budget leaves it whose slots its meetings can each
// take, fewest breaks first; false when there are too many to list or the deadline passes.
func (b *budgetSearch) list(p int, doms []uint64) bool {
	s, k := b.s, b.k[p]
	most := b.budget - b.others[b.set[p]] // what the other sets leave p's
	byBreaks := make([][]uint64, b.budget+1)
	add := func(mask uint64) {
		if nb := breaks(mask); nb <= most && matchable(doms, mask) {
			byBreaks[nb] = append(byBreaks[nb], mask)
		}
	}
	// Meetings fixed to a slot are in every pattern; the others choose among the slots left.
	var fixed, free uint64
	for _, d := range doms {
		if d&(d-1) == 0 {
			fixed |= d
		} else {
			free |= d
		}
	}
	free &^= fixed
	need := k - bits.OnesCount64(fixed)
	switch {
	case need < 0: // two meetings fixed to one slot: no pattern
	case most <= 0:
		for st := 1; st+k-1 <= s.slots; st++ {
			add(run(st, k))
		}
	case bits.OnesCount64(free) > shortDay:
		// Runs of busy slots with gaps between, at most most+1 of them; no more than maxListed
		// tried, and none once the deadline has passed.
		tried := 0
		for runs := 1; runs <= most+1; runs++ {
			ok := eachPattern(b.ctx, k, s.slots, runs, free|fixed, func(mask uint64) bool {
				if tried++; tried > maxListed || tried%256 == 0 && b.ctx.Err() != nil {
					return false
				}
				if mask&fixed == fixed {
					add(mask)
				}
				return true
			})
			if !ok {
				return false
			}
		}
	default:
		var at []uint64 // the free slots, one bit each
		for x := free; x != 0; x &= x - 1 {
			at = append(at, x&-x)
		}
		// Every choice of need free slots, in increasing order (the next with as many bits set).
		for sub := uint64(1)<<uint(need) - 1; sub < 1<<uint(len(at)); {
			mask := fixed
			for x := sub; x != 0; x &= x - 1 {
				mask |= at[bits.TrailingZeros64(x)]
			}
			add(mask)
			if sub == 0 {
				break
			}
			c := sub & -sub
			r := sub + c
			sub = ((r^sub)>>2)/c | r
		}
	}
	b.upto[p] = make([]int, b.budget+1)
	for nb, pats := range byBreaks {
		b.pats[p] = append(b.pats[p], pats...)
		for range pats {
			b.pbrk[p] = append(b.pbrk[p], uint8(nb))
		}
		b.upto[p][nb] = len(b.pats[p])
	}
	return true
}

// prefix is word i of the bitset of the first n patterns.
func prefix(n, i int) uint64 {
	switch lo := n - i*64; {
	case lo >= 64:
		return ^uint64(0)
	case lo <= 0:
		return 0
	default:
		return uint64(1)<<uint(lo) - 1
	}
}

func (b *budgetSearch) words(p int) []uint64 { return b.alive[b.off[p]:b.off[p+1]] }

// left is how many patterns p has left.
func (b *budgetSearch) left(p int) int {
	n := 0
	for _, v := range b.words(p) {
		n += bits.OnesCount64(v)
	}
	return n
}

// keep narrows p's patterns to those of mask; false when none is left.
func (b *budgetSearch) keep(p int, mask []uint64) (ok, changed bool) {
	w := b.words(p)
	left := false
	for i := range w {
		if v := w[i] & mask[i]; v != w[i] {
			w[i], changed = v, true
		}
		left = left || w[i] != 0
	}
	return left, changed
}

// propagate narrows the patterns to a fixpoint; false when some participant has none left, the
// budget is overspent, or a window cannot hold what its participants must have there.
func (b *budgetSearch) propagate() bool {
	s := b.s
	mask := b.scratch
	for changed := true; changed; {
		if b.ctx.Err() != nil {
			b.aborted = true
			return false
		}
		changed = false
		need := 0
		for _, p := range b.members {
			u, a, fewest := uint64(0), ^uint64(0), 255
			for wi, w := range b.words(p) {
				for x := w; x != 0; x &= x - 1 {
					i := wi*64 + bits.TrailingZeros64(x)
					u |= b.pats[p][i]
					a &= b.pats[p][i]
					fewest = min(fewest, int(b.pbrk[p][i]))
				}
			}
			b.union[p], b.must[p], b.minB[p] = u, a, fewest
			need += fewest
		}
		if need > b.budget {
			return false
		}
		if b.budget > 0 {
			for _, p := range b.members {
				within := b.upto[p][b.budget-(need-b.minB[p])] // the others leave it that many breaks
				m := mask[:b.off[p+1]-b.off[p]]
				for i := range m {
					m[i] = prefix(within, i)
				}
				ok, ch := b.keep(p, m)
				if !ok {
					return false
				}
				changed = changed || ch
			}
			if changed {
				continue
			}
		}
		for m := range s.ms {
			if !s.possible[m] {
				continue
			}
			d := s.ms[m].domain
			for _, p := range s.ms[m].parts {
				d &= b.union[p]
			}
			if d == 0 {
				return false
			}
			b.md[m] = d
		}
		for _, p := range b.members {
			ok, ch := b.keep(p, b.matchable(p))
			if !ok {
				return false
			}
			changed = changed || ch
		}
		if changed {
			continue
		}
		ok, ch := b.energetic()
		if !ok {
			return false
		}
		changed = ch
	}
	return true
}

// matchable is the patterns of p whose slots each of its meetings can take, given the slots
// they may take now; kept for as long as those stay the same.
func (b *budgetSearch) matchable(p int) []uint64 {
	s := b.s
	b.doms = b.doms[:0]
	for _, m := range s.of[p] {
		if s.possible[m] {
			b.doms = append(b.doms, b.md[m])
		}
	}
	c := &b.match[p]
	if !c.ok || !slices.Equal(c.doms, b.doms) {
		if !c.ok {
			nw := b.off[p+1] - b.off[p]
			c.good, c.known = make([]uint64, nw), make([]uint64, nw)
		}
		c.ok, c.doms = true, append(c.doms[:0], b.doms...)
		clear(c.good)
		clear(c.known)
	}
	// Only the patterns still alive are checked; a backtrack that revives others checks them then.
	for wi, w := range b.words(p) {
		for x := w &^ c.known[wi]; x != 0; x &= x - 1 {
			if i := wi*64 + bits.TrailingZeros64(x); matchable(b.doms, b.pats[p][i]) {
				c.good[wi] |= x & -x
			}
		}
		c.known[wi] |= w
	}
	return c.good
}

// energetic checks every window of slots. A set's members are busy there, between them, for
// at least the sum of their fewest slots inside it (over the patterns left to each) and at most
// the sum of their most, and never more than the window has tables. When a set covers every
// meeting (each has one of its members), the set is busy there exactly as often as meetings
// take place there, so the two sets' ranges must meet. A pattern that would take its member's
// set out of the range is dropped (the others' sums, taken before, are only looser).
func (b *budgetSearch) energetic() (ok, changed bool) {
	nw := len(b.windows)
	clear(b.lo)
	clear(b.hi)
	for _, p := range b.members {
		c := b.set[p]
		if c == 0 {
			continue
		}
		few, most := b.rows(p)
		lo, hi := b.lo[c*nw:(c+1)*nw], b.hi[c*nw:(c+1)*nw]
		for x := range lo {
			lo[x] += int(few[x])
			hi[x] += int(most[x])
		}
	}
	// low[x], high[x]: the range a set that covers every meeting must be in.
	low, high := b.lo[:nw], b.hi[:nw]
	for x, w := range b.windows {
		low[x], high[x] = 0, bits.OnesCount64(w)*b.s.tables
		for c := 1; c <= 2; c++ {
			if b.covers[c] {
				low[x] = max(low[x], b.lo[c*nw+x])
				high[x] = min(high[x], b.hi[c*nw+x])
			} else if b.lo[c*nw+x] > high[x] {
				return false, false
			}
		}
		if low[x] > high[x] {
			return false, false
		}
	}
	for _, p := range b.members {
		c := b.set[p]
		if c == 0 || b.left(p) < 2 {
			continue // one pattern left: the ranges above hold it
		}
		few, most := b.rows(p)
		lo, hi := b.lo[c*nw:(c+1)*nw], b.hi[c*nw:(c+1)*nw]
		// Only the windows where some pattern left could break a range are checked: a pattern
		// is dropped if it has more than up or fewer than down slots in one.
		b.tight = b.tight[:0]
		for y := range nw {
			up, down := high[y]-lo[y]+int(few[y]), math.MinInt
			if b.covers[c] {
				down = low[y] - hi[y] + int(most[y])
			}
			if int(most[y]) > up || int(few[y]) < down {
				b.tight = append(b.tight, tightWindow{y, up, down})
			}
		}
		if len(b.tight) == 0 {
			continue
		}
		w := b.words(p)
		var ch bool
		for wi := range w {
			for x := w[wi]; x != 0; x &= x - 1 {
				i := wi*64 + bits.TrailingZeros64(x)
				in := b.inPat[p][i*nw : (i+1)*nw]
				for _, t := range b.tight {
					if v := int(in[t.w]); v > t.up || v < t.down {
						w[wi] &^= 1 << uint(i%64)
						ch = true
						break
					}
				}
			}
		}
		if ch {
			if !slices.ContainsFunc(w, func(v uint64) bool { return v != 0 }) {
				return false, false
			}
			changed = true
		}
	}
	return true, changed
}

// rows is p's fewest and most busy slots inside each window, over the patterns left to it;
// kept for as long as those stay the same.
func (b *budgetSearch) rows(p int) (few, most []uint8) {
	nw := len(b.windows)
	few, most = b.fewest[p*nw:(p+1)*nw], b.most[p*nw:(p+1)*nw]
	w := b.words(p)
	if b.rowsFor[p] != nil && slices.Equal(b.rowsFor[p], w) {
		return few, most
	}
	b.rowsFor[p] = append(b.rowsFor[p][:0], w...)
	for x := range few {
		few[x], most[x] = MaxSlots, 0
	}
	for wi := range w {
		for y := w[wi]; y != 0; y &= y - 1 {
			i := wi*64 + bits.TrailingZeros64(y)
			for x, v := range b.inPat[p][i*nw : (i+1)*nw] {
				few[x], most[x] = min(few[x], v), max(most[x], v)
			}
		}
	}
	return few, most
}

// search chooses the patterns.
func (b *budgetSearch) search() bool {
	if b.nodes++; b.nodes > budgetNodes || (b.nodes%256 == 0 && b.ctx.Err() != nil) {
		b.aborted = true
	}
	if b.aborted || !b.propagate() {
		return false
	}
	if b.budget > 0 {
		if ok, decided := b.split(); decided {
			return ok
		}
	}
	at, fewest := -1, 0
	for _, p := range b.members {
		if n := b.left(p); n > 1 && (at < 0 || b.k[p] < b.k[at] || b.k[p] == b.k[at] && n < fewest) {
			at, fewest = p, n
		}
	}
	if at < 0 {
		return b.place()
	}
	saved := slices.Clone(b.alive)
	choices := slices.Clone(b.words(at))
	w := b.words(at)
	for wi := range choices {
		for x := choices[wi]; x != 0; x &= x - 1 {
			clear(w)
			w[wi] = x & -x
			if b.search() {
				return true
			}
			if b.aborted {
				return false
			}
			copy(b.alive, saved)
		}
	}
	return false
}

// split decides, for the participant with the most meetings that may have breaks or not, first
// that it has none, then that it has some: who spends the budget settles most of the rest (the
// others may then spend only what is left). decided is false when every participant's breaks
// are settled that far.
func (b *budgetSearch) split() (ok, decided bool) {
	at := -1
	for _, p := range b.members {
		if b.minB[p] == 0 && b.withBreaks(p) && (at < 0 || b.k[p] > b.k[at]) {
			at = p
		}
	}
	if at < 0 {
		return false, false
	}
	saved := slices.Clone(b.alive)
	w := b.words(at)
	for _, breaks := range []bool{false, true} {
		for i := range w {
			if none := prefix(b.upto[at][0], i); breaks {
				w[i] &^= none
			} else {
				w[i] &= none
			}
		}
		if b.search() {
			return true, true
		}
		if b.aborted {
			return false, true
		}
		copy(b.alive, saved)
	}
	return false, true
}

// withBreaks reports whether p has a pattern with breaks left.
func (b *budgetSearch) withBreaks(p int) bool {
	for i, v := range b.words(p) {
		if v&^prefix(b.upto[p][0], i) != 0 {
			return true
		}
	}
	return false
}

// place puts each meeting at a slot of the chosen patterns (md, after propagate), minding the
// tables and the 'after' order.
func (b *budgetSearch) place() bool {
	s := b.s
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
		if b.nodes++; b.nodes > budgetNodes || (b.nodes%256 == 0 && b.ctx.Err() != nil) {
			b.aborted = true
			return false
		}
		// The meeting with the fewest slots left next.
		at, fewest, fewestFree := -1, 0, uint64(0)
		for i := 0; i < left; i++ {
			m := todo[i]
			free := b.md[m]
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
			if b.aborted {
				break
			}
		}
		todo[at], todo[left-1] = todo[left-1], todo[at]
		return false
	}
	if !dfs(len(todo)) {
		return false
	}
	b.slots = slots
	return true
}
