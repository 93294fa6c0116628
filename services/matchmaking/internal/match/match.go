// Package match ranks producers for a buyer's sourcing need: a score in [0,1] from weighted
// factors (category fit, keywords, stars, certifications for the target market, capacity
// against volume, price, place, exhibiting at the fair), each with a short reason said in the
// reader's language. Expired certificates and products below the minimum stars never appear. Which
// certifications an export market expects is data (markets.json), not code.
package match

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// Factor is one part of a score. Its reason is kept as messages with their values (codes from
// the catalogue, never rendered text) and said in the reader's language only when answered
// (Reason, set by Localize).
type Factor struct {
	Name   string  `json:"name"`
	Score  float64 `json:"score"`
	Weight float64 `json:"weight"`
	Reason string  `json:"reason" doc:"in the language of Accept-Language (vi by default, en)"`
	text   apperr.Localized
}

// Localize sets the reason of every factor of results to its text in lang, in place. Each reason
// is said as a sentence, from a capital: its parts may come in any order ("thiếu ISO 22000; …").
func Localize(results []Result, lang apperr.Lang) {
	for i := range results {
		for j := range results[i].Factors {
			f := &results[i].Factors[j]
			if f.text != nil {
				f.Reason = sentence(f.text.In(lang))
			}
		}
	}
}

// sentence is s with its first letter in upper case.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// ProductMatch is one of a producer's products that fits.
type ProductMatch struct {
	ProductID string  `json:"product_id"`
	Name      string  `json:"name"`
	Stars     int     `json:"stars"`
	Score     float64 `json:"score"`
	PhotoURL  *string `json:"photo_url" doc:"the product's photo, served by the gateway (add &size=thumb for the thumbnail); null without one"`
}

// photoURL is a product's photo URL in answers: nil when it has none.
func photoURL(p *index.Product) *string {
	if p.PhotoURL == "" {
		return nil
	}
	u := p.PhotoURL
	return &u
}

// Result is a ranked producer.
type Result struct {
	ProducerID   string         `json:"producer_id"`
	ProducerName string         `json:"producer_name"`
	Province     string         `json:"province_code"`
	Score        float64        `json:"score"`
	Factors      []Factor       `json:"factors"`
	Products     []ProductMatch `json:"products"`
	// Booths are the booths the producer holds at the request's fair, with their zones, so that
	// a buyer knows where to find it (empty without a fair or a booth).
	Booths []index.Booth `json:"booths"`
}

// Matcher ranks producers against needs.
type Matcher struct {
	Index   *index.Index
	Markets map[string]Market
}

// candidate is a producer's best products found in the fast, numeric pass.
type candidate struct {
	producer *index.Producer
	best     *index.Product
	score    float64
	top      [3]*index.Product // best three, by score
	scores   [3]float64
}

// offer keeps pr among the candidate's best three.
func (c *candidate) offer(pr *index.Product, score float64) {
	for i := 0; i < len(c.top); i++ {
		if c.top[i] == nil || score > c.scores[i] || (score == c.scores[i] && pr.ID < c.top[i].ID) {
			copy(c.top[i+1:], c.top[i:len(c.top)-1])
			copy(c.scores[i+1:], c.scores[i:len(c.scores)-1])
			c.top[i], c.scores[i] = pr, score
			break
		}
	}
	c.best, c.score = c.top[0], c.scores[0]
}

// rankScratch is what one ranking needs per producer, kept between rankings: a national index
// has thousands of eligible producers, and allocating their candidates anew for every request
// made the garbage collector the slowest part of the tail.
type rankScratch struct {
	at    map[*index.Producer]int // index in cands
	cands []candidate
}

var rankScratchPool = sync.Pool{New: func() any { return &rankScratch{at: map[*index.Producer]int{}} }}

// release empties the scratch (keeping no product alive) and returns it to the pool.
func (sc *rankScratch) release() {
	clear(sc.at)
	clear(sc.cands)
	sc.cands = sc.cands[:0]
	rankScratchPool.Put(sc)
}

// Rank returns the best producers for a need, at most limit, by score then producer ID. A first
// pass scores every eligible product with numbers only; reasons are written for the producers
// that make the list.
func (m *Matcher) Rank(n Need, limit int, now time.Time) []Result {
	out, _ := m.RankPage(n, 0, limit, now)
	return out
}

// RankPage is one page of Rank's list: at most limit producers from position from (0 the
// best), with reasons for those alone, and whether any ranks below them.
func (m *Matcher) RankPage(n Need, from, limit int, now time.Time) (out []Result, more bool) {
	from, limit = max(from, 0), max(limit, 1)
	keep := from + limit + 1 // one more tells whether the list goes on
	p := m.prepare(n)
	sc := rankScratchPool.Get().(*rankScratch)
	defer sc.release()
	m.Index.Read(func(v index.View) {
		exhibits := exhibitorFilter(v, p.Need)
		v.Products(p.sets, func(pr *index.Product) {
			prod := pr.Producer
			if prod == nil || !m.eligible(p, pr, now) || !exhibits(prod) {
				return
			}
			score, _ := m.score(v, &p, pr, prod, now, false)
			i, ok := sc.at[prod]
			if !ok {
				i = len(sc.cands)
				sc.cands = append(sc.cands, candidate{producer: prod})
				sc.at[prod] = i
			}
			sc.cands[i].offer(pr, score)
		})
		// Keep the best limit candidates by insertion: cheaper than sorting thousands.
		better := func(a, b *candidate) bool {
			return a.score > b.score || (a.score == b.score && a.producer.ID < b.producer.ID)
		}
		cands := make([]*candidate, 0, keep+1)
		for i := range sc.cands {
			c := &sc.cands[i]
			if len(cands) == keep && !better(c, cands[keep-1]) {
				continue
			}
			k := len(cands)
			for k > 0 && better(c, cands[k-1]) {
				k--
			}
			cands = slices.Insert(cands, k, c)
			if len(cands) > keep {
				cands = cands[:keep]
			}
		}
		more = len(cands) > from+limit
		cands = cands[min(from, len(cands)):min(from+limit, len(cands))]
		out = make([]Result, 0, len(cands))
		for _, c := range cands {
			score, factors := m.score(v, &p, c.best, c.producer, now, true)
			var products []ProductMatch
			for k, pr := range c.top {
				if pr != nil {
					products = append(products, ProductMatch{ProductID: pr.ID, Name: pr.NameVI, Stars: pr.Stars, Score: c.scores[k], PhotoURL: photoURL(pr)})
				}
			}
			out = append(out, Result{ProducerID: c.producer.ID, ProducerName: c.producer.Name, Province: c.producer.Province,
				Score: score, Factors: factors, Products: products, Booths: boothsAt(v, p.FairID, c.producer.ID)})
		}
	})
	return out, more
}

// ScoreProducer returns how well one producer's best product fits a need.
func (m *Matcher) ScoreProducer(n Need, producerID string, now time.Time) (Result, bool) {
	return m.ScorePrepared(m.Prepare(n), producerID, now)
}

// Quick is a need's score for one producer without its reasons (see QuickScores).
type Quick struct {
	// Score is what ScorePrepared would give the producer; -1 when it has no product the need
	// takes.
	Score float64
	// Specific says the need names what it seeks narrowly and this producer's best product is
	// it: a keyword found in it, or the product's criteria set among at most SpecificSets named,
	// or its sector as the one sector named. A need that names nothing, everything, or words
	// found nowhere fits every producer alike.
	Specific bool
}

// SpecificSets is the most criteria sets a need may name and still be specific (see Quick).
const SpecificSets = 3

// QuickScores returns each need's Quick for the producer, without the reasons, products and
// booths ScorePrepared builds, and under one read of the index: to rank many needs for one
// producer before explaining the few shown.
func (m *Matcher) QuickScores(needs []*Prepared, producerID string, now time.Time) []Quick {
	out := make([]Quick, len(needs))
	for i := range out {
		out[i].Score = -1
	}
	m.Index.Read(func(v index.View) {
		prod, ok := v.Producer(producerID)
		if !ok {
			return
		}
		products := v.ProductsOf(producerID)
		for i, need := range needs {
			for _, pr := range products {
				if !m.eligible(need.p, pr, now) {
					continue
				}
				if score, _ := m.score(v, &need.p, pr, prod, now, false); score > out[i].Score {
					out[i] = Quick{Score: score, Specific: specific(&need.p, pr)}
				}
			}
		}
	})
	return out
}

// specific reports whether p names pr narrowly (see Quick.Specific).
func specific(p *prepared, pr *index.Product) bool {
	for _, k := range p.keywords {
		if strings.Contains(pr.Fold, k) {
			return true
		}
	}
	if n := len(p.CriteriaSets); n > 0 && n <= SpecificSets && slices.Contains(p.CriteriaSets, pr.CriteriaSet) {
		return true
	}
	return len(p.Sectors) == 1 && p.Sectors[0] == pr.Sector
}

// ScorePrepared is ScoreProducer for a need prepared before.
func (m *Matcher) ScorePrepared(need *Prepared, producerID string, now time.Time) (Result, bool) {
	p := need.p
	var res Result
	found := false
	m.Index.Read(func(v index.View) {
		prod, ok := v.Producer(producerID)
		if !ok {
			return
		}
		var best *index.Product
		bestScore := 0.0
		var products []ProductMatch
		for _, pr := range v.ProductsOf(producerID) {
			if !m.eligible(p, pr, now) {
				continue
			}
			score, _ := m.score(v, &p, pr, prod, now, false)
			products = append(products, ProductMatch{ProductID: pr.ID, Name: pr.NameVI, Stars: pr.Stars, Score: score, PhotoURL: photoURL(pr)})
			if best == nil || score > bestScore || (score == bestScore && pr.ID < best.ID) {
				best, bestScore = pr, score
			}
		}
		if best == nil {
			return
		}
		score, factors := m.score(v, &p, best, prod, now, true)
		slices.SortFunc(products, func(a, b ProductMatch) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ProductID, b.ProductID))
		})
		res = Result{ProducerID: prod.ID, ProducerName: prod.Name, Province: prod.Province, Score: score, Factors: factors, Products: products,
			Booths: boothsAt(v, p.FairID, prod.ID)}
		found = true
	})
	return res, found
}

// boothsAt returns the booths a producer holds at a fair, an empty list when there is no fair or
// no booth.
func boothsAt(v index.View, fairID, producerID string) []index.Booth {
	if fairID == "" {
		return []index.Booth{}
	}
	if b := v.BoothsOf(fairID, producerID); b != nil {
		return b
	}
	return []index.Booth{}
}

// eligible applies the hard filters: live, certified now, enough stars, in the asked categories.
func (m *Matcher) eligible(p prepared, pr *index.Product, now time.Time) bool {
	if pr.Deleted || !now.Before(pr.ExpiresOn) || pr.Stars < max(p.MinStars, 3) {
		return false
	}
	if len(p.sectors) > 0 || len(p.CriteriaSets) > 0 {
		return p.sectors[pr.Sector] || slices.Contains(p.CriteriaSets, pr.CriteriaSet)
	}
	return true
}
