package schedule

import (
	"bufio"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// dpll decides small formulas by splitting on variables with unit propagation; model[v] is
// variable v's value when satisfiable.
func dpll(vars int, clauses [][]int32) (model []bool, ok bool) {
	val := make([]int8, vars+1) // 0 unset, 1 true, -1 false
	litVal := func(l int32) int8 {
		if l > 0 {
			return val[l]
		}
		return -val[-l]
	}
	var trail []int32
	set := func(l int32) {
		if l > 0 {
			val[l] = 1
		} else {
			val[-l] = -1
		}
		trail = append(trail, l)
	}
	propagate := func() bool {
		for changed := true; changed; {
			changed = false
			for _, cl := range clauses {
				free, unit := 0, int32(0)
				sat := false
				for _, l := range cl {
					switch litVal(l) {
					case 1:
						sat = true
					case 0:
						free++
						unit = l
					}
					if sat {
						break
					}
				}
				if sat {
					continue
				}
				if free == 0 {
					return false
				}
				if free == 1 {
					set(unit)
					changed = true
				}
			}
		}
		return true
	}
	var solve func() bool
	solve = func() bool {
		mark := len(trail)
		undo := func() {
			for _, l := range trail[mark:] {
				if l > 0 {
					val[l] = 0
				} else {
					val[-l] = 0
				}
			}
			trail = trail[:mark]
		}
		if !propagate() {
			undo()
			return false
		}
		v := int32(0)
		for i := 1; i <= vars; i++ {
			if val[i] == 0 {
				v = int32(i)
				break
			}
		}
		if v == 0 {
			return true
		}
		for _, l := range []int32{v, -v} {
			inner := len(trail)
			set(l)
			if solve() {
				return true
			}
			for _, u := range trail[inner:] {
				if u > 0 {
					val[u] = 0
				} else {
					val[-u] = 0
				}
			}
			trail = trail[:inner]
		}
		undo()
		return false
	}
	if !solve() {
		return nil, false
	}
	model = make([]bool, vars+1)
	for i := 1; i <= vars; i++ {
		model[i] = val[i] == 1
	}
	return model, true
}

// fewestWithinSpread is the fewest breaks of a schedule placing every meeting within the
// spread, by trying every placement.
func fewestWithinSpread(s *solver) (int, bool) {
	return fewestWhere(s, func(s *solver) bool { return s.spread() <= s.p.MaxBreakSpread })
}

// The day as a formula is satisfiable with a budget of breaks exactly when trying every
// placement finds a schedule within it (and within the spread, when someone has a single
// meeting), on small two-session days with unavailable slots and few tables; a model reads back
// as a schedule that the checker accepts, within the budget.
func TestCNFAgreesWithTryingEverything(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 5))
	compared, spreads, needing := 0, 0, 0
	for i := 0; i < 3000 && compared < 300; i++ {
		p := tinyTightProblem(r)
		if p.MorningSlots == 0 || p.MorningSlots == p.Slots {
			continue
		}
		// Some meetings between any two participants: days that are not buyers and producers only.
		for j := r.IntN(4); j > 0; j-- {
			a, b := r.IntN(len(p.Participants)), r.IntN(len(p.Participants))
			if a != b {
				p.Meetings = append(p.Meetings, Meeting{ID: "n" + strconv.Itoa(j), Participants: []string{p.Participants[a].ID, p.Participants[b].ID}})
			}
		}
		for j := range p.Meetings {
			p.Meetings[j].Session = []string{Morning, Afternoon, Any}[r.IntN(3)]
		}
		p.MaxBreakSpread = r.IntN(2)
		s := newSolver(p)
		if s.impossible > 0 {
			continue
		}
		single := false
		for q := range s.pids {
			single = single || s.placeable[q] == 1
		}
		want, ok := fewestBreaks(s)
		if single {
			want, ok = fewestWithinSpread(s)
		}
		if !ok {
			continue
		}
		compared++
		if single {
			spreads++
		}
		if want > 0 {
			needing++
		}
		for budget := max(0, want-1); budget <= want; budget++ {
			c := s.encode(budget)
			clauses := c.clauses
			for _, l := range c.budgetLits(budget) {
				clauses = append(clauses, []int32{l})
			}
			model, sat := dpll(c.vars, clauses)
			if sat != (budget >= want) {
				t.Fatalf("day %d: satisfiable %v with %d breaks; trying everything finds %d\n%+v", i, sat, budget, want, p)
			}
			if !sat {
				continue
			}
			slots := c.slots(s, model)
			x := newSolver(p)
			for m, sl := range slots {
				if sl == 0 || !x.fits(m, sl) {
					t.Fatalf("day %d: the model puts meeting %d at slot %d, where it does not fit", i, m, sl)
				}
				x.place(m, sl)
			}
			sol := x.solution(x.started, 0)
			if v := Check(p, sol); len(v) > 0 || sol.TotalBreaks > budget || single && sol.MaxBreakSpread > p.MaxBreakSpread {
				t.Fatalf("day %d: the model's schedule has %d breaks (budget %d), spread %d: %v", i, sol.TotalBreaks, budget, sol.MaxBreakSpread, v)
			}
		}
	}
	t.Logf("%d days compared, %d with someone of a single meeting, %d needing breaks", compared, spreads, needing)
	if compared < 300 || spreads < 50 || needing < 60 {
		t.Errorf("only %d small days compared, %d with someone of a single meeting", compared, spreads)
	}
}

// WriteCNF writes a formula a DIMACS reader takes: its header counts the clauses that follow,
// each ends in 0, and every meeting has its variables named.
func TestWriteCNF(t *testing.T) {
	p := GenerateLong(1)
	var b strings.Builder
	if err := WriteCNF(&b, p, 7); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	sc.Buffer(nil, 1<<20)
	vars, want, got := 0, -1, 0
	named := map[string]bool{}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 5 && f[0] == "c" && f[1] == "x":
			named[f[3]] = true
		case f[0] == "c":
		case f[0] == "p":
			vars, _ = strconv.Atoi(f[2])
			want, _ = strconv.Atoi(f[3])
		default:
			got++
			if f[len(f)-1] != "0" {
				t.Fatalf("clause %q does not end in 0", sc.Text())
			}
			for _, l := range f[:len(f)-1] {
				n, err := strconv.Atoi(l)
				if err != nil || n == 0 || n > vars || -n > vars {
					t.Fatalf("literal %q outside 1..%d", l, vars)
				}
			}
		}
	}
	if got != want || got == 0 || len(named) != len(p.Meetings) {
		t.Errorf("%d clauses for a header of %d; %d of %d meetings named", got, want, len(named), len(p.Meetings))
	}
	if err := WriteCNF(&b, p, -1); err == nil {
		t.Error("a negative budget is taken")
	}
}
