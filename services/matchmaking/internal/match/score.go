package match

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// weightOf returns a factor's weight (a switch: this runs for every product of a scan).
func weightOf(name string) float64 {
	switch name {
	case "category", "keywords":
		return 0.20
	case "certifications", "capacity":
		return 0.15
	case "stars":
		return 0.10
	case "price":
		return 0.08
	}
	return 0.06 // place, fair
}

// tally sums one product's weighted factors; when explaining it also keeps each factor with its
// reasons. It stays on score's stack: the steps only borrow it.
type tally struct {
	total, weight float64
	explain       bool
	factors       []Factor
}

// add counts a factor and reports whether its reasons are wanted; reasons are built only then,
// so the fast pass allocates nothing for them.
func (t *tally) add(name string, score float64) bool {
	w := weightOf(name)
	t.total += score * w
	t.weight += w
	return t.explain
}

// note keeps a counted factor with its reason, said in the reader's language only when answered.
func (t *tally) note(name string, score float64, reason apperr.Localized) {
	t.factors = append(t.factors, Factor{Name: name, Score: round(score), Weight: weightOf(name), text: reason})
}

// score rates one product. With explain false it only computes the number: each step builds
// its reason texts only when the tally asks for them. The steps run in a fixed order, which is
// the order of the factors in a result and of the sum.
func (m *Matcher) score(v index.View, p *prepared, pr *index.Product, prod *index.Producer, now time.Time, explain bool) (float64, []Factor) {
	t := tally{explain: explain}
	t.category(p, pr)
	t.keywords(p, pr)
	t.stars(pr)
	t.certifications(p, prod, now)
	t.capacity(p, pr)
	t.price(p, pr)
	t.place(p, prod)
	t.fair(v, p, prod)
	return round(t.total / t.weight), t.factors
}

// category rates the product's criteria set or sector against the asked ones.
func (t *tally) category(p *prepared, pr *index.Product) {
	switch {
	case len(p.CriteriaSets) == 0 && len(p.sectors) == 0:
		if sc := 1.0; t.add("category", sc) {
			t.note("category", sc, msgCategoryAny.With(criteriaSet(pr.CriteriaSet, false)))
		}
	case slices.Contains(p.CriteriaSets, pr.CriteriaSet):
		if sc := 1.0; t.add("category", sc) {
			t.note("category", sc, msgCategoryExact.With(criteriaSet(pr.CriteriaSet, true)))
		}
	default:
		if sc := 0.6; t.add("category", sc) {
			t.note("category", sc, sectorReason(pr))
		}
	}
}

// keywords rates the share of the need's keywords found in the product's folded text.
func (t *tally) keywords(p *prepared, pr *index.Product) {
	if len(p.keywords) == 0 {
		return
	}
	hit := 0
	for _, k := range p.keywords {
		if strings.Contains(pr.Fold, k) {
			hit++
		}
	}
	if sc := float64(hit) / float64(len(p.keywords)); t.add("keywords", sc) {
		t.note("keywords", sc, keywordReason(p.keywords, p.said, pr.Fold))
	}
}

// stars rates the product's OCOP rating; a four-star product with five-star potential ranks
// just below five stars.
func (t *tally) stars(pr *index.Product) {
	switch {
	case pr.Stars >= 5:
		if sc := 1.0; t.add("stars", sc) {
			t.note("stars", sc, msgStars5)
		}
	case pr.PotentialFive:
		if sc := 0.9; t.add("stars", sc) {
			t.note("stars", sc, msgStarsPotential)
		}
	case pr.Stars == 4:
		if sc := 0.75; t.add("stars", sc) {
			t.note("stars", sc, msgStars4)
		}
	default:
		if sc := 0.5; t.add("stars", sc) {
			t.note("stars", sc, msgStars3)
		}
	}
}

// certifications rates the share of the needed certifications the producer holds now, counting
// a registered trademark as one more where the market expects it.
func (t *tally) certifications(p *prepared, prod *index.Producer, now time.Time) {
	if len(p.certs) == 0 && !p.market.Trademark {
		return
	}
	need, got := len(p.certs), 0
	for _, c := range p.certs {
		if until, ok := prod.Certs[c]; ok && !until.Before(now) {
			got++
		}
	}
	if p.market.Trademark {
		need++
		if prod.Trademark {
			got++
		}
	}
	if sc := float64(got) / float64(max(need, 1)); t.add("certifications", sc) {
		t.note("certifications", sc, certReason(p, prod, now))
	}
}

// capacity rates the product's monthly capacity against the asked volume, in the need's unit;
// a capacity that cannot be compared scores low rather than zero.
func (t *tally) capacity(p *prepared, pr *index.Product) {
	if p.Volume > 0 {
		f, ok := p.toNeedUnit[pr.Unit]
		capIn := pr.Capacity * f
		switch {
		case !ok || pr.Capacity == 0:
			if sc := 0.3; t.add("capacity", sc) {
				t.note("capacity", sc, msgCapacityUnknown.With(unitName(p.Unit)))
			}
		case capIn >= p.Volume:
			if sc := 1.0; t.add("capacity", sc) {
				t.note("capacity", sc, capacityReason(p, pr, "≥"))
			}
		default:
			if sc := capIn / p.Volume; t.add("capacity", sc) {
				t.note("capacity", sc, capacityReason(p, pr, "<"))
			}
		}
	}
}

// price rates the product's lowest price against the buyer's budget, both per the request's
// unit: a price per kg is compared with a budget per tonne as a thousand times it. A price in a
// unit that does not convert (per bottle against per kg) is said, not judged.
func (t *tally) price(p *prepared, pr *index.Product) {
	if p.MaxPrice <= 0 {
		return
	}
	if pr.PriceMin == 0 {
		if sc := 0.5; t.add("price", sc) {
			t.note("price", sc, msgPriceNone)
		}
		return
	}
	asked := unitPrice{price: money(p.MaxPrice), unit: p.Unit}
	offered, in := unitPrice{price: money(pr.PriceMin), unit: pr.Unit}, float64(pr.PriceMin)
	if p.Unit != "" && pr.Unit != p.Unit {
		f, ok := p.toNeedUnit[pr.Unit] // one product unit is f of the request's
		if !ok || f <= 0 {
			if sc := 0.5; t.add("price", sc) {
				t.note("price", sc, msgPriceOtherUnit.With(offered, unitName(p.Unit)))
			}
			return
		}
		in = float64(pr.PriceMin) / f
		if c := math.Round(in); c >= 1 { // a price that comes to less than 1 ₫ is not said so
			offered.converted, offered.to = money(c), p.Unit
		}
	}
	switch {
	case in <= float64(p.MaxPrice):
		if sc := 1.0; t.add("price", sc) {
			t.note("price", sc, msgPriceWithin.With(offered, asked))
		}
	default:
		if sc := float64(p.MaxPrice) / in; t.add("price", sc) {
			t.note("price", sc, msgPriceOver.With(offered, asked))
		}
	}
}

// place rates the producer's province against the asked provinces and regions.
func (t *tally) place(p *prepared, prod *index.Producer) {
	if p.place == nil {
		return
	}
	if sc := p.place[prod.Province]; t.add("place", sc) {
		t.note("place", sc, placeReason(sc, prod.Province))
	}
}

// fair rates whether the producer exhibits at the fair the buyer visits.
func (t *tally) fair(v index.View, p *prepared, prod *index.Producer) {
	if p.FairID == "" {
		return
	}
	if v.Exhibiting(p.FairID, prod.ID) {
		if sc := 1.0; t.add("fair", sc) {
			t.note("fair", sc, boothReason(v.BoothsOf(p.FairID, prod.ID)))
		}
	} else {
		if sc := 0.0; t.add("fair", sc) {
			t.note("fair", sc, notExhibitingReason(v.FairName(p.FairID)))
		}
	}
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }
