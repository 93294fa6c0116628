package allocation

import "github.com/ocopfair/ocopfair/pkg/apperr"

// Check verifies a proposal against the hard rules and returns each violation as a message to say
// in the reader's language; an empty result means the proposal may be committed. It is independent of Allocate.
func Check(p Problem, prop Proposal) []apperr.Text {
	var out []apperr.Text
	booths := map[string]Booth{}
	for _, b := range p.Booths {
		booths[b.Code] = b
	}
	apps := map[string]Application{}
	for _, a := range p.Applications {
		apps[a.ID] = a
	}
	holder := map[string]string{}
	perProvince := map[string]int{}
	holding := map[string]bool{}
	for _, h := range p.Held {
		holder[h.Code] = h.ApplicationID
		holding[h.ApplicationID] = true
		if a, ok := apps[h.ApplicationID]; ok {
			perProvince[a.Province]++
		}
	}
	added := map[string]int{}
	seenApp := map[string]bool{}
	for _, pl := range prop.Placements {
		a, ok := apps[pl.ApplicationID]
		if !ok {
			out = append(out, msgCheckUnknownApplication.With(pl.ApplicationID))
			continue
		}
		if seenApp[a.ID] || holding[a.ID] {
			out = append(out, msgCheckPlacedTwice.With(a.ID))
		}
		seenApp[a.ID] = true
		switch {
		case p.MostBooths > 0 && len(pl.Booths) > p.MostBooths:
			out = append(out, msgCheckMost.With(a.ID, len(pl.Booths), p.MostBooths))
		case len(pl.Booths) != p.count(a):
			out = append(out, msgCheckCount.With(a.ID, a.Count, len(pl.Booths)))
		}
		zones := map[string]bool{}
		for _, code := range pl.Booths {
			b, ok := booths[code]
			switch {
			case !ok:
				out = append(out, msgCheckUnknownBooth.With(code))
				continue
			case holder[code] != "":
				out = append(out, msgCheckHeld.With(code, a.ID, holder[code]))
			case !b.Usable:
				out = append(out, msgCheckUnusable.With(code))
			case b.Kind != a.Kind:
				out = append(out, msgCheckKind.With(code, b.Kind, a.ID, a.Kind))
			}
			holder[code] = a.ID
			zones[b.Zone] = true
		}
		if len(zones) > 1 {
			out = append(out, msgCheckZones.With(a.ID))
		}
		perProvince[a.Province] += len(pl.Booths)
		added[a.Province] += len(pl.Booths)
	}
	for prov, n := range perProvince {
		if q, capped := p.Quotas[prov]; capped && n > q && added[prov] > 0 {
			out = append(out, msgCheckQuota.With(prov, n, q))
		}
	}
	return out
}
