package schedule

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"
)

// The capacity bound. Take a set C of participants such that no meeting has two of them (in a
// B2B day: the buyers, as every meeting has one buyer). In any schedule, the meetings of C's
// members at a slot are distinct meetings, so at most Tables members of C are busy at once.
// Each member's busy slots form a pattern: as many slots as it has meetings, each meeting
// matched to a slot of its own domain, with one break fewer than the pattern has runs. The
// fewest breaks over patterns of all members that never put more than Tables members in a
// slot, plus each other participant's bound alone, is a lower bound on the total. A day whose
// busiest participants cannot all be in the middle of the day at once needs breaks, and this
// bound counts them where the per-participant bound sees none.
//
// The fewest breaks is found by a depth-first search over members (the one with the fewest
// patterns left first), deepening the allowed number of breaks one at a time: every budget it
// exhausts without a packing proves the bound one higher. The search of one budget stops after
// levelTime, at a packing, or when the bound reaches the best schedule found so far (which is
// then optimal). Two sets are searched in turn: the busiest participants (the buyers), then the
// busiest of the rest (the producers); their breaks are separate sums, so their bounds add up.

// maxPatterns caps the patterns listed, and tried, for one member and one number of breaks;
// maxBoundCells caps the table of fewest meetings per member, window and breaks.
const (
	maxPatterns   = 20000
	maxBoundCells = 4 << 20
)

type packMember struct {
	load     int
	doms     []uint64 // domains of its meetings that can be placed
	usable   uint64
	patterns [][]uint64 // patterns by number of breaks, listed up to the budget searched
	group    int        // members with equal domains are interchangeable
	// fewest[k*windows+x]: fewest meetings in window x with up to k breaks, for the blocked
	// slots and most breaks it was computed for.
	fewest        []int
	fewestBlocked uint64
	fewestK       int
}

type packer struct {
	slots, tables int
	members       []packMember
	used          []int // members busy per slot (1-based)
	ctx           context.Context
	aborted       bool
	choice        [][2]int // per member: breaks, pattern index
	// Per member, filled by propagate: compulsory slots, slots it may not take, fewest breaks
	// it needs and most it may spend.
	must, blocked []uint64
	minK, allowed []int
	options       []int    // patterns left per member
	placed        []bool   // per member
	free          []int    // members not placed yet
	windows       []uint64 // every run of consecutive slots
}

// aloneBound is the fewest breaks participant p could have on its own: its meetings need at
// least as many runs as the largest blocks of its usable slots must be combined to hold them.
func (s *solver) aloneBound(p int) int {
	k := s.placeable[p]
	if k == 0 {
		return 0
	}
	var usable uint64
	for _, m := range s.of[p] {
		if s.possible[m] {
			usable |= s.ms[m].domain
		}
	}
	var runs []int
	for sl := 1; sl <= s.slots; {
		if usable&bit(sl) == 0 {
			sl++
			continue
		}
		n := 0
		for sl <= s.slots && usable&bit(sl) != 0 {
			n++
			sl++
		}
		runs = append(runs, n)
	}
	slices.Sort(runs)
	slices.Reverse(runs)
	covered, r := 0, 0
	for _, n := range runs {
		if covered >= k {
			break
		}
		covered += n
		r++
	}
	return max(r-1, 0)
}

// mostBreaks is the most breaks a participant with k meetings can have in a day of slots.
func mostBreaks(k, slots int) int { return max(0, min(k-1, slots-k)) }

// capacityBound raises *lb while it proves more, until ctx ends, the relaxation is solved, or
// *lb reaches *upper (the breaks of the best schedule so far). It returns what it proved of each
// set of sets() (set 0: the sum of its members' bounds alone).
func (s *solver) capacityBound(ctx context.Context, lb, upper *atomic.Int64, levelTime time.Duration) (parts [3]int) {
	// The two sets' breaks are separate sums, so their relaxations' bounds add up, with the
	// bound alone of everyone in neither.
	order, load, set := s.sets()
	base := 0
	for p := range s.pids {
		if set[p] == 0 {
			base += s.aloneBound(p)
		}
	}
	proved := [2]int{}
	defer func() { parts = [3]int{base, proved[0], proved[1]} }()
	raise := func() bool {
		v := int64(base + proved[0] + proved[1])
		if v > lb.Load() {
			lb.Store(v)
		}
		return v >= upper.Load() || ctx.Err() != nil
	}
	for c := range proved {
		pk := s.packerFor(ctx, order, load, set, c+1)
		most := 0 // the most breaks the members could have
		for _, m := range pk.members {
			most += mostBreaks(m.load, s.slots)
		}
		for budget := 0; budget <= most; budget++ {
			proved[c] = budget
			if raise() {
				return
			}
			if !pk.prepare(ctx, budget) {
				return // too many patterns to search this budget
			}
			level, cancel := context.WithTimeout(ctx, levelTime)
			pk.ctx = level
			found := pk.search(budget)
			cancel()
			if found {
				break // the relaxation has a packing with this many breaks: its bound is exact
			}
			if pk.aborted {
				break // this budget takes too long: keep what is proved, try the other set
			}
		}
	}
	return
}

// sets orders the participants busiest first (with their meetings that can be placed) and puts
// them in two sets, each member sharing no meeting with an earlier one of its set: in a B2B day
// the buyers (set 1), then the producers (set 2); 0 for everyone in neither.
func (s *solver) sets() (order, load, set []int) {
	order, load = make([]int, len(s.pids)), s.placeable
	for p := range order {
		order[p] = p
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(load[b], load[a]) })
	set = make([]int, len(s.pids))
	for c := 1; c <= 2; c++ {
		covered := make([]bool, len(s.ms))
		for _, p := range order {
			if load[p] == 0 || set[p] != 0 {
				continue
			}
			clash := false
			for _, m := range s.of[p] {
				if s.possible[m] && covered[m] {
					clash = true
					break
				}
			}
			if clash {
				continue
			}
			set[p] = c
			for _, m := range s.of[p] {
				covered[m] = true
			}
		}
	}
	return order, load, set
}

// packerFor sets up the relaxation of the participants in set c.
func (s *solver) packerFor(ctx context.Context, order, load, set []int, c int) *packer {
	pk := &packer{slots: s.slots, tables: s.tables, used: make([]int, s.slots+1), ctx: ctx}
	groups := map[string]int{}
	for _, p := range order {
		if set[p] != c {
			continue
		}
		m := packMember{load: load[p]}
		for _, x := range s.of[p] {
			if s.possible[x] {
				m.doms = append(m.doms, s.ms[x].domain)
				m.usable |= s.ms[x].domain
			}
		}
		slices.Sort(m.doms)
		key := string(bitsKey(m.doms))
		g, ok := groups[key]
		if !ok {
			g = len(groups)
			groups[key] = g
		}
		m.group = g
		pk.members = append(pk.members, m)
	}
	// Interchangeable members next to each other, busiest groups first.
	slices.SortStableFunc(pk.members, func(a, b packMember) int {
		return cmp.Or(cmp.Compare(b.load, a.load), cmp.Compare(a.group, b.group))
	})
	pk.windows = allRuns(s.slots)
	n := len(pk.members)
	pk.choice, pk.must, pk.blocked, pk.minK, pk.allowed = make([][2]int, n), make([]uint64, n), make([]uint64, n), make([]int, n), make([]int, n)
	pk.options, pk.placed = make([]int, n), make([]bool, n)
	for j := range n {
		pk.free = append(pk.free, j)
	}
	return pk
}

// prepare lists every member's patterns with up to budget breaks; false when that is too much.
func (pk *packer) prepare(ctx context.Context, budget int) bool {
	if (budget+1)*len(pk.windows)*len(pk.members) > maxBoundCells {
		return false
	}
	for i := range pk.members {
		if !pk.members[i].extend(ctx, budget, pk.slots) {
			return false
		}
	}
	return true
}

func bitsKey(doms []uint64) []byte {
	b := make([]byte, 0, 8*len(doms))
	for _, d := range doms {
		for i := 0; i < 8; i++ {
			b = append(b, byte(d>>(8*i)))
		}
	}
	return b
}

// extend lists the member's patterns with exactly k breaks; false when there are too many or
// ctx ends first.
func (m *packMember) extend(ctx context.Context, k, slots int) bool {
	if len(m.patterns) > k {
		return true
	}
	var out []uint64
	tried := 0
	ok := eachPattern(ctx, m.load, slots, k+1, m.usable, func(mask uint64) bool {
		if tried++; tried > 10*maxPatterns || tried%256 == 0 && ctx.Err() != nil {
			return false
		}
		if matchable(m.doms, mask) {
			out = append(out, mask)
		}
		return len(out) <= maxPatterns
	})
	m.patterns = append(m.patterns, out)
	return ok
}

// eachPattern calls visit with every set of k slots of usable that forms exactly runs runs of
// consecutive slots (in a day of slots), until visit returns false or ctx ends; it reports
// whether it went through them all. A branch that cannot hold the slots or runs left is not
// entered, and ctx is looked at every patternCheck steps: a participant with more meetings
// than usable slots has no pattern, found at once, not after walking every placement of runs.
func eachPattern(ctx context.Context, k, slots, runs int, usable uint64, visit func(mask uint64) bool) bool {
	// after[s] is the number of usable slots from s to the end of the day.
	after := make([]int, slots+2)
	for sl := slots; sl >= 1; sl-- {
		after[sl] = after[sl+1]
		if usable&bit(sl) != 0 {
			after[sl]++
		}
	}
	steps := 0
	var gen func(from, left, runsLeft int, mask uint64) bool
	gen = func(from, left, runsLeft int, mask uint64) bool {
		if steps++; steps%patternCheck == 0 && ctx.Err() != nil {
			return false
		}
		if runsLeft == 0 {
			return left != 0 || visit(mask)
		}
		if from > slots || runsLeft > left || left > after[from] {
			return true
		}
		for start := from; start <= slots && left <= after[start]; start++ {
			if usable&bit(start) == 0 {
				continue
			}
			run := uint64(0)
			for n := 1; n <= left-(runsLeft-1) && start+n-1 <= slots; n++ {
				sl := start + n - 1
				if usable&bit(sl) == 0 {
					break
				}
				run |= bit(sl)
				if runsLeft == 1 && n < left {
					continue
				}
				if !gen(start+n+1, left-n, runsLeft-1, mask|run) {
					return false
				}
			}
		}
		return true
	}
	return gen(1, k, runs, 0)
}

// patternCheck is how many steps eachPattern takes between looks at its context.
const patternCheck = 1024

// matchable reports whether each meeting can take its own slot of mask.
func matchable(doms []uint64, mask uint64) bool {
	var owner [MaxSlots]int
	for i := range owner {
		owner[i] = -1
	}
	var seen uint64
	var augment func(i int) bool
	augment = func(i int) bool {
		for free := doms[i] & mask &^ seen; free != 0; free &= free - 1 {
			sl := bits.TrailingZeros64(free)
			seen |= 1 << uint(sl)
			if owner[sl] < 0 || augment(owner[sl]) {
				owner[sl] = i
				return true
			}
		}
		return false
	}
	for i := range doms {
		if doms[i]&mask == 0 {
			return false
		}
		seen = 0
		if !augment(i) {
			return false
		}
	}
	return true
}

func (pk *packer) apply(mask uint64, d int) {
	for x := mask; x != 0; x &= x - 1 {
		sl := bits.TrailingZeros64(x) + 1
		pk.used[sl] += d
	}
}

// propagate narrows the members not placed yet to the patterns that still fit, to a fixpoint:
// a member's compulsory part (the slots every pattern left to it uses) takes a place at those
// slots from everyone else, and a member may spend only the breaks the others leave it. It
// reports false when some member has no pattern left or a slot is over capacity.
func (pk *packer) propagate(budget int) bool {
	for _, j := range pk.free {
		pk.must[j] = 0
	}
	for iter := 0; iter < 32; iter++ {
		var full uint64
		for sl := 1; sl <= pk.slots; sl++ {
			c := pk.used[sl]
			for _, j := range pk.free {
				if pk.must[j]&bit(sl) != 0 {
					c++
				}
			}
			if c > pk.tables {
				return false
			}
			if c == pk.tables {
				full |= bit(sl)
			}
		}
		need := 0
		for _, j := range pk.free {
			m := &pk.members[j]
			blocked := full &^ pk.must[j]
			pk.blocked[j] = blocked
			pk.minK[j] = -1
			for k := 0; k <= budget && k < len(m.patterns) && pk.minK[j] < 0; k++ {
				for _, pat := range m.patterns[k] {
					if pat&blocked == 0 {
						pk.minK[j] = k
						break
					}
				}
			}
			if pk.minK[j] < 0 {
				return false
			}
			need += pk.minK[j]
		}
		if need > budget {
			return false
		}
		changed := false
		for _, j := range pk.free {
			m := &pk.members[j]
			pk.allowed[j] = budget - (need - pk.minK[j])
			and, options := ^uint64(0), 0
			for k := 0; k <= pk.allowed[j] && k < len(m.patterns); k++ {
				for _, pat := range m.patterns[k] {
					if pat&pk.blocked[j] == 0 {
						and &= pat
						options++
					}
				}
			}
			pk.options[j] = options
			if and != pk.must[j] {
				pk.must[j] = and
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return pk.energetic(budget)
}

// energetic checks every window of consecutive slots: the members' fewest meetings inside it
// must fit the tables free there. A member can keep meetings out of a window only by spending
// breaks, and the budget is shared, so the fewest meetings in all are a small knapsack over the
// members: least[b] is the fewest with b breaks spent.
func (pk *packer) energetic(budget int) bool {
	nw := len(pk.windows)
	for _, j := range pk.free {
		if pk.ctx.Err() != nil {
			pk.aborted = true
			return false
		}
		pk.inWindows(j)
	}
	least := make([]int, budget+1)
	next := make([]int, budget+1)
	for x, w := range pk.windows {
		free := bits.OnesCount64(w) * pk.tables
		for y := w; y != 0; y &= y - 1 {
			free -= pk.used[bits.TrailingZeros64(y)+1]
		}
		for b := range least {
			least[b] = 0
		}
		for _, j := range pk.free {
			f := pk.members[j].fewest
			top := pk.members[j].fewestK
			for b := range next {
				best := math.MaxInt
				for k := 0; k <= min(b, top); k++ {
					if v := least[b-k] + f[k*nw+x]; v < best {
						best = v
					}
				}
				next[b] = best
			}
			least, next = next, least
		}
		if least[budget] > free {
			return false
		}
	}
	return true
}

// inWindows fills the member's fewest meetings per window with up to k breaks, for k up to
// what it may spend, from the patterns left to it; it reuses the last answer when those are
// the same.
func (pk *packer) inWindows(j int) {
	m := &pk.members[j]
	top := min(pk.allowed[j], len(m.patterns)-1)
	if m.fewest != nil && m.fewestBlocked == pk.blocked[j] && m.fewestK == top {
		return
	}
	nw := len(pk.windows)
	m.fewestBlocked, m.fewestK = pk.blocked[j], top
	m.fewest = slices.Grow(m.fewest[:0], (top+1)*nw)[:(top+1)*nw]
	for k := 0; k <= top; k++ {
		row := m.fewest[k*nw : (k+1)*nw]
		if k == 0 {
			for x := range row {
				row[x] = MaxSlots * MaxSlots
			}
		} else {
			copy(row, m.fewest[(k-1)*nw:k*nw])
		}
		for _, pat := range m.patterns[k] {
			if pat&pk.blocked[j] != 0 {
				continue
			}
			for x, w := range pk.windows {
				if c := bits.OnesCount64(pat & w); c < row[x] {
					row[x] = c
				}
			}
		}
	}
}

// search places the members not placed yet within the budget of breaks, the one with the
// fewest patterns left first.
func (pk *packer) search(budget int) bool {
	if len(pk.free) == 0 {
		return true
	}
	if pk.ctx.Err() != nil {
		pk.aborted = true
	}
	if pk.aborted || !pk.propagate(budget) {
		return false
	}
	at := -1
	for x, j := range pk.free {
		if j > 0 && pk.members[j-1].group == pk.members[j].group && !pk.placed[j-1] {
			continue // interchangeable members are placed in order
		}
		if at < 0 || pk.options[j] < pk.options[pk.free[at]] {
			at = x
		}
	}
	i := pk.free[at]
	m := &pk.members[i]
	blocked, allowed := pk.blocked[i], pk.allowed[i]
	fromK, fromIdx := 0, 0
	if i > 0 && pk.members[i-1].group == m.group {
		// Interchangeable with the previous member: take patterns in order, never before its.
		fromK, fromIdx = pk.choice[i-1][0], pk.choice[i-1][1]
	}
	last := len(pk.free) - 1
	pk.free[at], pk.free[last] = pk.free[last], pk.free[at]
	pk.free = pk.free[:last]
	pk.placed[i] = true
	defer func() {
		pk.placed[i] = false
		pk.free = pk.free[:last+1]
		pk.free[at], pk.free[last] = pk.free[last], pk.free[at]
	}()
	for k := fromK; k <= allowed && k < len(m.patterns); k++ {
		start := 0
		if k == fromK {
			start = fromIdx
		}
		for idx := start; idx < len(m.patterns[k]); idx++ {
			pat := m.patterns[k][idx]
			if pat&blocked != 0 {
				continue
			}
			pk.apply(pat, 1)
			pk.choice[i] = [2]int{k, idx}
			ok := pk.search(budget - k)
			pk.apply(pat, -1)
			if ok {
				return true
			}
			if pk.aborted {
				return false
			}
		}
	}
	return false
}
