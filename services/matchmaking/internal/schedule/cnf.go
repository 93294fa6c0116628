package schedule

import (
	"bufio"
	"fmt"
	"io"
	"math/bits"
)

// A day as a satisfiability problem: is there a schedule with at most a given number of breaks,
// within the allowed spread? Variables (numbered from 1, a negative literal its negation):
//   - x(m, sl): meeting m takes slot sl (one per slot of its domain);
//   - y(p, sl): participant p is busy at sl (exactly when one of its meetings is there);
//   - e(p, sl): p is busy somewhere before sl;
//   - g(p, sl): p starts again at sl after a break (busy at sl, free at sl-1, busy before).
//
// p's breaks are its g's that are true. Clauses: each meeting at exactly one slot of its
// domain, each participant in at most one meeting per slot, at most Tables meetings per slot,
// 'after' orders, and counters over the g's: each participant within the spread when someone
// must have no break, and all of them together within the budget. Only the directions the
// search needs are encoded (a g may be true without a break; never false with one).

type cnf struct {
	vars    int
	clauses [][]int32
	x       []map[int]int32 // per meeting: slot → variable
	g       [][]int32       // per participant: its break variables
	// total are the outputs of the counter over every g: total[j] true when at least j+1 are
	// (up to the largest budget asked for, maxBudget).
	total     []int32
	maxBudget int
}

func (c *cnf) newVar() int32 { c.vars++; return int32(c.vars) }

func (c *cnf) add(lits ...int32) { c.clauses = append(c.clauses, lits) }

// atMostOne adds that at most one of lits is true (pairwise for few, a ladder for more).
func (c *cnf) atMostOne(lits []int32) {
	if len(lits) <= 5 {
		for i := range lits {
			for j := i + 1; j < len(lits); j++ {
				c.add(-lits[i], -lits[j])
			}
		}
		return
	}
	// Sequential: s_i true when one of lits[0..i] is.
	prev := lits[0]
	for i := 1; i < len(lits); i++ {
		c.add(-prev, -lits[i])
		if i == len(lits)-1 {
			break
		}
		s := c.newVar()
		c.add(-prev, s)
		c.add(-lits[i], s)
		prev = s
	}
}

// counter adds a sequential counter over lits up to k+1 and returns its outputs: out[j] is true
// when at least j+1 of lits are (only that direction: an output may be true needlessly).
func (c *cnf) counter(lits []int32, k int) []int32 {
	k = min(k+1, len(lits))
	if k == 0 {
		return nil
	}
	var prev []int32
	for i, l := range lits {
		n := min(i+1, k)
		cur := make([]int32, n)
		for j := range n {
			cur[j] = c.newVar()
		}
		c.add(-l, cur[0])
		for j := range prev {
			c.add(-prev[j], cur[j]) // as many as before
			if j+1 < n {
				c.add(-prev[j], -l, cur[j+1]) // one more
			}
		}
		prev = cur
	}
	return prev
}

// atMost adds that at most k of lits are true.
func (c *cnf) atMost(lits []int32, k int) {
	if k >= len(lits) {
		return
	}
	if k == 0 {
		for _, l := range lits {
			c.add(-l)
		}
		return
	}
	out := c.counter(lits, k)
	c.add(-out[k])
}

// encode makes the clauses of s's day for budgets of breaks up to maxBudget (the budget itself
// is an assumption: see budgetLits). Meetings that can never be placed are left out. When
// someone has a single meeting (and so no break), nobody may have more breaks than the spread;
// otherwise the spread is not encoded, and a schedule read from a model must be checked for it.
func (s *solver) encode(maxBudget int) *cnf {
	c := &cnf{maxBudget: maxBudget}
	n := len(s.pids)
	c.x = make([]map[int]int32, len(s.ms))
	for m := range s.ms {
		if !s.possible[m] {
			continue
		}
		c.x[m] = map[int]int32{}
		var row []int32
		for d := s.ms[m].domain; d != 0; d &= d - 1 {
			sl := bits.TrailingZeros64(d) + 1
			v := c.newVar()
			c.x[m][sl] = v
			row = append(row, v)
		}
		c.add(row...)
		c.atMostOne(row)
	}
	// Order: m after q means m's slot above q's.
	for m := range s.ms {
		if c.x[m] == nil {
			continue
		}
		for _, q := range s.ms[m].preds {
			if c.x[q] == nil {
				continue
			}
			for sm, vm := range c.x[m] {
				for sq, vq := range c.x[q] {
					if sq >= sm {
						c.add(-vm, -vq)
					}
				}
			}
		}
	}
	// Tables.
	for sl := 1; sl <= s.slots; sl++ {
		var at []int32
		for m := range s.ms {
			if v, ok := c.x[m][sl]; ok {
				at = append(at, v)
			}
		}
		c.atMost(at, s.tables)
	}
	// Participants.
	minZero := false // someone has one meeting: no breaks, so nobody may have more than the spread
	for p := range s.pids {
		if s.placeable[p] == 1 {
			minZero = true
		}
	}
	c.g = make([][]int32, n)
	var all []int32
	for p := range n {
		if s.placeable[p] == 0 {
			continue
		}
		y := make([]int32, s.slots+2)
		for sl := 1; sl <= s.slots; sl++ {
			var at []int32
			for _, m := range s.of[p] {
				if v, ok := c.x[m][sl]; ok {
					at = append(at, v)
				}
			}
			if len(at) == 0 {
				continue
			}
			c.atMostOne(at)
			if len(at) == 1 {
				y[sl] = at[0]
				continue
			}
			v := c.newVar()
			y[sl] = v
			for _, a := range at {
				c.add(-a, v)
			}
			c.add(append([]int32{-v}, at...)...)
		}
		if s.placeable[p] == 1 {
			continue // one meeting: never a break
		}
		var e int32 // busy before sl (0: never)
		var gs []int32
		for sl := 1; sl <= s.slots; sl++ {
			if y[sl] != 0 && e != 0 {
				g := c.newVar()
				if y[sl-1] != 0 {
					c.add(-y[sl], y[sl-1], -e, g)
				} else {
					c.add(-y[sl], -e, g)
				}
				gs = append(gs, g)
			}
			if y[sl] != 0 {
				if e == 0 {
					e = y[sl]
				} else {
					ne := c.newVar()
					c.add(-e, ne)
					c.add(-y[sl], ne)
					e = ne
				}
			}
		}
		c.g[p] = gs
		c.interval(p, y, gs, s.placeable[p], s.slots)
		if minZero && s.p.MaxBreakSpread < len(gs) {
			c.atMost(gs, s.p.MaxBreakSpread)
		}
		all = append(all, gs...)
	}
	c.total = c.counter(all, maxBudget)
	return c
}

// budgetLits are the assumptions that allow at most budget breaks (none when the counter
// does not reach that far: any number is then allowed).
func (c *cnf) budgetLits(budget int) []int32 {
	if budget < len(c.total) {
		return []int32{-c.total[budget]}
	}
	return nil
}

// slots reads the schedule out of a model (model[v] true for variable v).
func (c *cnf) slots(s *solver, model []bool) []int {
	out := make([]int, len(s.ms))
	for m, xs := range c.x {
		for sl, v := range xs {
			if model[v] {
				out[m] = sl
			}
		}
	}
	return out
}

// interval adds what follows when participant p (busy at y) has no break, which none of its
// break variables gs then claims: its busy slots are one run of as many slots as it has
// meetings, from a start slot (u[sl] true when the run starts at sl or before).
func (c *cnf) interval(p int, y []int32, gs []int32, k, slots int) {
	if len(gs) == 0 {
		return
	}
	n := c.newVar()
	c.add(append([]int32{n}, gs...)...)
	last := slots - k + 1
	if last < 1 {
		c.add(-n)
		return
	}
	u := make([]int32, last+1)
	for sl := 1; sl <= last; sl++ {
		u[sl] = c.newVar()
		if sl > 1 {
			c.add(-u[sl-1], u[sl])
		}
	}
	c.add(-n, u[last])
	before := func(sl int) int32 { return u[min(sl, last)] } // start ≤ sl
	for sl := 1; sl <= slots; sl++ {
		// sl in the run: start ≤ sl and start > sl-k.
		if y[sl] != 0 {
			c.add(-n, -y[sl], before(sl))
			if sl-k >= 1 {
				c.add(-n, -y[sl], -before(sl-k))
			}
		}
		var in []int32
		in = append(in, -n, -before(sl))
		if sl-k >= 1 {
			in = append(in, before(sl-k))
		}
		if y[sl] != 0 {
			in = append(in, y[sl])
		}
		c.add(in...)
	}
}

// WriteCNF writes p as a satisfiability problem in DIMACS form: satisfiable exactly when some
// schedule placing every meeting that can be placed has at most budget breaks (within the
// spread when someone has a single meeting, see encode). Comment lines "c x VAR MEETING SLOT"
// say which variable places which meeting where, so that a model from any SAT solver reads
// back as a schedule. It is for measuring the day with other solvers.
func WriteCNF(w io.Writer, p Problem, budget int) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if budget < 0 {
		return fmt.Errorf("budget %d: not a number of breaks", budget)
	}
	s := newSolver(p)
	c := s.encode(budget)
	units := c.budgetLits(budget)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "c ocopfair schedule: %d meetings, %d slots, %d tables, at most %d breaks\n", len(s.ms), s.slots, s.tables, budget)
	for m, xs := range c.x {
		for sl := 1; sl <= s.slots; sl++ {
			if v, ok := xs[sl]; ok {
				fmt.Fprintf(bw, "c x %d %s %d\n", v, s.ms[m].id, sl)
			}
		}
	}
	fmt.Fprintf(bw, "p cnf %d %d\n", c.vars, len(c.clauses)+len(units))
	for _, cl := range c.clauses {
		for _, l := range cl {
			fmt.Fprintf(bw, "%d ", l)
		}
		bw.WriteString("0\n")
	}
	for _, l := range units {
		fmt.Fprintf(bw, "%d 0\n", l)
	}
	return bw.Flush()
}
