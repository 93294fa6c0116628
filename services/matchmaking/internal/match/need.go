package match

import (
	"slices"
	"sync"

	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// Need is what a buyer is looking for.
type Need struct {
	CriteriaSets  []int
	Sectors       []string
	Keywords      []string
	MinStars      int
	Volume        float64 // per month, in Unit
	Unit          string
	RequiredCerts []string
	Market        string // "domestic" or a market code
	Regions       []string
	Provinces     []string
	MaxPrice      int64
	FairID        string
	// OnlyExhibitors keeps only the producers holding a booth at FairID: a buyer walking a fair
	// looks for whom it can meet there.
	OnlyExhibitors bool
}

// exhibitorFilter returns whether a producer may be ranked for n: any producer, or with
// OnlyExhibitors those exhibiting at n.FairID. A producer's answer is kept for its other
// products, since finding its booths walks the fair's.
func exhibitorFilter(v index.View, n Need) func(*index.Producer) bool {
	if !n.OnlyExhibitors {
		return func(*index.Producer) bool { return true }
	}
	seen := map[*index.Producer]bool{}
	return func(p *index.Producer) bool {
		ok, known := seen[p]
		if !known {
			ok = v.Exhibiting(n.FairID, p.ID)
			seen[p] = ok
		}
		return ok
	}
}

// prepared is a need with its derived lookups computed once per request.
type prepared struct {
	Need
	keywords []string // folded, to search with
	said     []string // each keyword as the buyer wrote it, to name in reasons
	certs    []string
	market   Market
	sets     []int
	sectors  map[string]bool
	// place scores every province code for the need's place preference.
	place map[string]float64
	// toNeedUnit converts a product unit to the need's unit; missing means not comparable.
	toNeedUnit map[string]float64
}

// prepare derives the need's lookups once, so that scoring each product only reads them.
func (m *Matcher) prepare(n Need) prepared {
	p := prepared{Need: n, market: m.Markets[n.Market], sectors: map[string]bool{}}
	for _, k := range n.Keywords {
		if f := vntext.Fold(k); f != "" {
			p.keywords, p.said = append(p.keywords, f), append(p.said, vntext.Clean(k))
		}
	}
	p.certs = slices.Clone(n.RequiredCerts)
	for _, c := range p.market.Expects {
		if !slices.Contains(p.certs, c) {
			p.certs = append(p.certs, c)
		}
	}
	for _, s := range n.Sectors {
		p.sectors[s] = true
	}
	if len(n.Sectors) == 0 {
		p.sets = n.CriteriaSets
	}
	if len(n.Provinces) > 0 || len(n.Regions) > 0 {
		p.place = map[string]float64{}
		for _, prov := range ocop.Provinces() {
			switch {
			case slices.Contains(n.Provinces, prov.Code):
				p.place[prov.Code] = 1
			case slices.ContainsFunc(n.Regions, prov.InRegion):
				p.place[prov.Code] = 0.8
			default:
				p.place[prov.Code] = 0
			}
		}
	}
	p.toNeedUnit = toUnit(n.Unit)
	return p
}

// unitTables holds, by unit code, the factor from every other unit to it: needs share them,
// unchanged once built. Units are a fixed set (the request's is checked against it), so the
// table stays small.
var unitTables sync.Map

// toUnit returns the factors from every unit to unit; missing means not comparable.
func toUnit(unit string) map[string]float64 {
	if t, ok := unitTables.Load(unit); ok {
		return t.(map[string]float64)
	}
	t := map[string]float64{}
	for _, u := range ocop.Units() {
		if f, ok := ocop.Convert(1, u.Code, unit); ok {
			t[u.Code] = f
		}
	}
	if _, known := ocop.UnitByCode(unit); known {
		unitTables.Store(unit, t)
	}
	return t
}

// Prepared is a need with its lookups derived (Prepare), to score many producers or the same
// need many times without deriving them again. It is read only: safe to share.
type Prepared struct{ p prepared }

// Prepare derives a need's lookups once.
func (m *Matcher) Prepare(n Need) *Prepared { return &Prepared{p: m.prepare(n)} }
