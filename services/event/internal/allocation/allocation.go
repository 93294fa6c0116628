// Package allocation proposes booths for approved applications. Allocate is pure: the caller
// loads the floor plan, the booths already held and the applications; Proposals keeps what it
// decides until the organiser commits it, and lets each proposal be committed once. Routes serve
// both steps; committing (commit.go) assigns the booths through the booth store.
//
// Rules, in order of strength:
//   - hard: a booth is held by at most one application; only free booths of the requested kind;
//     an application gets exactly the number of booths it asked for (but no more than the fair's
//     most per producer, which a commit would refuse), in one zone, or none;
//     per-province quotas (booths) are never exceeded; booths already held (pinned by hand or
//     committed earlier) stay where they are;
//   - priority: 5★, then potential 5★, then 4★, then 3★, then earlier applications first;
//   - preferences: the preferred zone when possible; several booths of one exhibitor side by side;
//     exhibitors sharing a criteria set not side by side when another arrangement exists.
package allocation

import (
	"cmp"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Booth is a booth of the floor plan.
type Booth struct {
	Code       string
	Zone       string
	Kind       string
	X, Y, W, H float64
	// Usable is false for booths the organiser blocked or reserved.
	Usable bool
}

// Held is a booth already assigned to an application.
type Held struct {
	Code          string
	ApplicationID string
}

// Application is an approved application.
type Application struct {
	ID            string
	ProducerID    string
	Province      string
	Priority      int // ocop.Rating.Priority of its best product
	CriteriaSets  []int
	Kind          string
	Count         int
	PreferredZone string
	SubmittedAt   time.Time
}

// Problem is everything the allocator looks at.
type Problem struct {
	Booths       []Booth
	Held         []Held
	Applications []Application
	// Quotas caps the booths per province code; a province without an entry is not capped.
	Quotas map[string]int
	// Adjacent reports whether two booths share a wall; nil uses touching rectangles.
	Adjacent func(a, b Booth) bool
	// MostBooths is the most booths one application may hold, the fair's most per producer: an
	// application asking for more is proposed that many. 0 or less sets no limit.
	MostBooths int
}

// count is the number of booths application a is to get: what it asked for, at most p.MostBooths.
func (p Problem) count(a Application) int {
	if p.MostBooths > 0 {
		return min(a.Count, p.MostBooths)
	}
	return a.Count
}

// Placement is an application with the booths proposed for it.
type Placement struct {
	ApplicationID   string   `json:"application_id"`
	Booths          []string `json:"booths"`
	Zone            string   `json:"zone"`
	InPreferredZone bool     `json:"in_preferred_zone"`
	Together        bool     `json:"together"`
}

// Proposal is the allocator's answer.
type Proposal struct {
	Placements []Placement `json:"placements"`
	Unplaced   []Unplaced  `json:"unplaced"`
	// SameSetNeighbours counts pairs of neighbouring booths held by different exhibitors that share
	// a criteria set (a soft rule; lower is better).
	SameSetNeighbours int `json:"same_set_neighbours"`
}

type state struct {
	p         Problem
	booths    []Booth
	index     map[string]int
	neighbors [][]int
	occupant  []int // application index per booth, -1 free
	apps      []Application
	appIndex  map[string]int
	sets      [][]int
	used      map[string]int // booths per province
}

func (s *state) conflicts(booth, app int) int {
	n := 0
	for _, nb := range s.neighbors[booth] {
		o := s.occupant[nb]
		if o >= 0 && o != app && s.apps[o].ProducerID != s.apps[app].ProducerID && shareSet(s.sets[o], s.sets[app]) {
			n++
		}
	}
	return n
}

func shareSet(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func touching(a, b Booth) bool {
	if a.Zone != b.Zone {
		return false
	}
	const eps = 0.05
	abs := func(f float64) float64 {
		if f < 0 {
			return -f
		}
		return f
	}
	overlap := func(a0, a1, b0, b1 float64) float64 { return min(a1, b1) - max(a0, b0) }
	touchX := abs(a.X+a.W-b.X) < eps || abs(b.X+b.W-a.X) < eps
	touchY := abs(a.Y+a.H-b.Y) < eps || abs(b.Y+b.H-a.Y) < eps
	return (touchX && overlap(a.Y, a.Y+a.H, b.Y, b.Y+b.H) > eps) || (touchY && overlap(a.X, a.X+a.W, b.X, b.X+b.W) > eps)
}

func newState(p Problem) *state {
	adj := p.Adjacent
	if adj == nil {
		adj = touching
	}
	s := &state{p: p, booths: slices.Clone(p.Booths), index: map[string]int{}, appIndex: map[string]int{}, used: map[string]int{}}
	slices.SortFunc(s.booths, func(a, b Booth) int { return cmp.Or(cmp.Compare(a.Zone, b.Zone), cmp.Compare(a.Code, b.Code)) })
	for i, b := range s.booths {
		s.index[b.Code] = i
	}
	// Neighbours per zone: booths of different zones never touch.
	s.neighbors = make([][]int, len(s.booths))
	for i := range s.booths {
		for j := i + 1; j < len(s.booths) && s.booths[j].Zone == s.booths[i].Zone; j++ {
			if adj(s.booths[i], s.booths[j]) {
				s.neighbors[i] = append(s.neighbors[i], j)
				s.neighbors[j] = append(s.neighbors[j], i)
			}
		}
	}
	s.apps = slices.Clone(p.Applications)
	for i := range s.apps {
		s.apps[i].Count = p.count(s.apps[i])
	}
	// Producers type the zone they prefer: it names a zone of the plan whatever its accents and case.
	zones := map[string]string{}
	for _, b := range s.booths {
		zones[vntext.Fold(b.Zone)] = b.Zone
	}
	for i, a := range s.apps {
		if z, ok := zones[vntext.Fold(a.PreferredZone)]; ok && a.PreferredZone != "" {
			s.apps[i].PreferredZone = z
		}
	}
	s.sets = make([][]int, len(s.apps))
	for i, a := range s.apps {
		s.appIndex[a.ID] = i
		s.sets[i] = a.CriteriaSets
	}
	s.occupant = make([]int, len(s.booths))
	for i := range s.occupant {
		s.occupant[i] = -1
	}
	for _, h := range p.Held {
		bi, ok := s.index[h.Code]
		ai, known := s.appIndex[h.ApplicationID]
		if !ok {
			continue
		}
		if !known { // held by an application not in the problem: still taken
			s.occupant[bi] = len(s.apps)
			s.apps = append(s.apps, Application{ID: h.ApplicationID})
			s.sets = append(s.sets, nil)
			s.appIndex[h.ApplicationID] = len(s.apps) - 1
			continue
		}
		s.occupant[bi] = ai
		s.used[s.apps[ai].Province]++
	}
	return s
}

// Allocate proposes booths for every application that holds none yet.
func Allocate(p Problem) Proposal {
	s := newState(p)
	holding := map[int]bool{}
	for _, o := range s.occupant {
		if o >= 0 {
			holding[o] = true
		}
	}
	order := make([]int, 0, len(p.Applications))
	for i := range p.Applications {
		if !holding[i] {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := s.apps[a], s.apps[b]
		return cmp.Or(cmp.Compare(y.Priority, x.Priority), x.SubmittedAt.Compare(y.SubmittedAt), cmp.Compare(x.ID, y.ID))
	})
	var prop Proposal
	placed := map[int][]int{}
	for _, ai := range order {
		a := s.apps[ai]
		if q, capped := p.Quotas[a.Province]; capped && s.used[a.Province]+a.Count > q {
			prop.Unplaced = append(prop.Unplaced, unplaced(a.ID, msgProvinceQuota, s.used[a.Province], q))
			continue
		}
		group := s.bestGroup(ai)
		if group == nil {
			prop.Unplaced = append(prop.Unplaced, unplaced(a.ID, msgNoZoneSpace, a.Count, a.Kind))
			continue
		}
		for _, b := range group {
			s.occupant[b] = ai
		}
		s.used[a.Province] += a.Count
		placed[ai] = group
	}
	s.improve(placed)
	for _, ai := range order {
		group, ok := placed[ai]
		if !ok {
			continue
		}
		codes := make([]string, len(group))
		for i, b := range group {
			codes[i] = s.booths[b].Code
		}
		slices.Sort(codes)
		zone := s.booths[group[0]].Zone
		a := s.apps[ai]
		prop.Placements = append(prop.Placements, Placement{ApplicationID: a.ID, Booths: codes, Zone: zone,
			InPreferredZone: a.PreferredZone == "" || a.PreferredZone == zone, Together: s.connected(group)})
	}
	prop.SameSetNeighbours = s.sameSetPairs()
	return prop
}

func (s *state) free(b int, kind string) bool {
	return s.occupant[b] < 0 && s.booths[b].Usable && s.booths[b].Kind == kind
}

// score is the cost of giving booth b to application ai: a big penalty outside the preferred
// zone, a smaller one per neighbour of the same criteria set, and a tiny one per free neighbour
// (to keep blocks of free booths whole for exhibitors who need several).
func (s *state) score(b, ai int) int {
	a := s.apps[ai]
	c := s.conflicts(b, ai) * 100
	if a.PreferredZone != "" && s.booths[b].Zone != a.PreferredZone {
		c += 10000
	}
	for _, nb := range s.neighbors[b] {
		if s.occupant[nb] < 0 && s.booths[nb].Usable {
			c++
		}
	}
	return c
}

// bestGroup finds Count free booths of the application's kind in one zone, side by side when
// possible, with the lowest total score; nil when no zone has enough.
func (s *state) bestGroup(ai int) []int {
	a := s.apps[ai]
	if a.Count < 1 {
		return nil
	}
	var best []int
	bestScore := 0
	consider := func(g []int, penalty int) {
		total := penalty
		for _, b := range g {
			total += s.score(b, ai)
		}
		if best == nil || total < bestScore {
			best, bestScore = g, total
		}
	}
	for seed := range s.booths {
		if !s.free(seed, a.Kind) {
			continue
		}
		if g := s.grow(seed, ai); g != nil {
			consider(g, 0)
		}
	}
	if best != nil || a.Count == 1 {
		return best
	}
	// No contiguous block: take the best booths of one zone, at a penalty.
	byZone := map[string][]int{}
	for b := range s.booths {
		if s.free(b, a.Kind) {
			byZone[s.booths[b].Zone] = append(byZone[s.booths[b].Zone], b)
		}
	}
	zones := make([]string, 0, len(byZone))
	for z := range byZone {
		zones = append(zones, z)
	}
	slices.Sort(zones)
	for _, z := range zones {
		cands := byZone[z]
		if len(cands) < a.Count {
			continue
		}
		slices.SortStableFunc(cands, func(x, y int) int { return cmp.Compare(s.score(x, ai), s.score(y, ai)) })
		consider(slices.Clone(cands[:a.Count]), 1000)
	}
	return best
}

// grow builds a connected group of Count booths from seed, adding the cheapest free neighbour
// each step; nil when the block around seed is too small.
func (s *state) grow(seed, ai int) []int {
	a := s.apps[ai]
	group := []int{seed}
	in := map[int]bool{seed: true}
	for len(group) < a.Count {
		next, nextScore := -1, 0
		for _, g := range group {
			for _, nb := range s.neighbors[g] {
				if in[nb] || !s.free(nb, a.Kind) {
					continue
				}
				if sc := s.score(nb, ai); next < 0 || sc < nextScore || (sc == nextScore && nb < next) {
					next, nextScore = nb, sc
				}
			}
		}
		if next < 0 {
			return nil
		}
		group = append(group, next)
		in[next] = true
	}
	return group
}

func (s *state) connected(group []int) bool {
	if len(group) <= 1 {
		return true
	}
	in := map[int]bool{}
	for _, g := range group {
		in[g] = true
	}
	seen := map[int]bool{group[0]: true}
	stack := []int{group[0]}
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, nb := range s.neighbors[b] {
			if in[nb] && !seen[nb] {
				seen[nb] = true
				stack = append(stack, nb)
			}
		}
	}
	return len(seen) == len(group)
}

// improve swaps the booths of two single-booth placements of the same kind when that lowers the
// number of same-set neighbours without leaving anyone's preferred zone. Bounded passes.
func (s *state) improve(placed map[int][]int) {
	var singles []int
	for ai, g := range placed {
		if len(g) == 1 {
			singles = append(singles, ai)
		}
	}
	slices.Sort(singles)
	zoneOK := func(ai, b int) bool {
		z := s.apps[ai].PreferredZone
		return z == "" || z == s.booths[b].Zone || z != s.booths[placed[ai][0]].Zone
	}
	for pass := 0; pass < 4; pass++ {
		changed := false
		for _, x := range singles {
			bx := placed[x][0]
			if s.conflicts(bx, x) == 0 {
				continue
			}
			for _, y := range singles {
				if x == y || s.apps[x].Kind != s.apps[y].Kind {
					continue
				}
				by := placed[y][0]
				if !zoneOK(x, by) || !zoneOK(y, bx) {
					continue
				}
				before := s.conflicts(bx, x) + s.conflicts(by, y)
				s.occupant[bx], s.occupant[by] = y, x
				after := s.conflicts(by, x) + s.conflicts(bx, y)
				if after < before {
					placed[x], placed[y] = []int{by}, []int{bx}
					changed = true
					break
				}
				s.occupant[bx], s.occupant[by] = x, y
			}
		}
		if !changed {
			return
		}
	}
}

func (s *state) sameSetPairs() int {
	n := 0
	for b, o := range s.occupant {
		if o >= 0 {
			n += s.conflicts(b, o)
		}
	}
	return n / 2
}
