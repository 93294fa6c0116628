// Package match ranks producers for a buyer's sourcing need: a score in [0,1] from weighted
// factors (category fit, keywords, stars, certifications for the target market, capacity
// against volume, price, place, exhibiting at the fair), each with a short reason in Vietnamese
// and English. Expired certificates and products below the minimum stars never appear. Which
// certifications an export market expects is data (markets.json), not code.
package match

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// Market is an export market and the certifications its buyers expect.
type Market struct {
	NameVI    string   `json:"name_vi"`
	NameEN    string   `json:"name_en"`
	Expects   []string `json:"expects"`
	Trademark bool     `json:"trademark"`
}

//go:embed markets.json
var marketsJSON []byte

// Markets loads the market table.
func Markets() map[string]Market {
	var m map[string]Market
	if err := json.Unmarshal(marketsJSON, &m); err != nil {
		panic("match: markets.json: " + err.Error()) // embedded at build time; a test decodes it
	}
	return m
}

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
}

// Factor is one part of a score.
type Factor struct {
	Name     string  `json:"name"`
	Score    float64 `json:"score"`
	Weight   float64 `json:"weight"`
	ReasonVI string  `json:"reason_vi"`
	ReasonEN string  `json:"reason_en"`
}

// ProductMatch is one of a producer's products that fits.
type ProductMatch struct {
	ProductID string  `json:"product_id"`
	Name      string  `json:"name"`
	Stars     int     `json:"stars"`
	Score     float64 `json:"score"`
}

// Result is a ranked producer.
type Result struct {
	ProducerID   string         `json:"producer_id"`
	ProducerName string         `json:"producer_name"`
	Province     string         `json:"province_code"`
	Score        float64        `json:"score"`
	Factors      []Factor       `json:"factors"`
	Products     []ProductMatch `json:"products"`
}

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

// Matcher ranks producers against needs.
type Matcher struct {
	Index   *index.Index
	Markets map[string]Market
}

// prepared is a need with its derived lookups computed once per request.
type prepared struct {
	Need
	keywords []string
	certs    []string
	market   Market
	sets     []int
	sectors  map[string]bool
	// place scores every province code for the need's place preference.
	place map[string]float64
	// toNeedUnit converts a product unit to the need's unit; missing means not comparable.
	toNeedUnit map[string]float64
}

func (m *Matcher) prepare(n Need) prepared {
	p := prepared{Need: n, market: m.Markets[n.Market], sectors: map[string]bool{}}
	for _, k := range n.Keywords {
		if f := vntext.Fold(k); f != "" {
			p.keywords = append(p.keywords, f)
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
	p.toNeedUnit = map[string]float64{}
	for _, u := range ocop.Units() {
		if f, ok := ocop.Convert(1, u.Code, n.Unit); ok {
			p.toNeedUnit[u.Code] = f
		}
	}
	return p
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
	limit = max(limit, 1)
	p := m.prepare(n)
	var out []Result
	sc := rankScratchPool.Get().(*rankScratch)
	defer sc.release()
	m.Index.Read(func(v index.View) {
		v.Products(p.sets, func(pr *index.Product) {
			prod := pr.Producer
			if prod == nil || !m.eligible(p, pr, now) {
				return
			}
			score, _ := m.score(v, p, pr, prod, now, false)
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
		cands := make([]*candidate, 0, limit+1)
		for i := range sc.cands {
			c := &sc.cands[i]
			if len(cands) == limit && !better(c, cands[limit-1]) {
				continue
			}
			k := len(cands)
			for k > 0 && better(c, cands[k-1]) {
				k--
			}
			cands = slices.Insert(cands, k, c)
			if len(cands) > limit {
				cands = cands[:limit]
			}
		}
		out = make([]Result, 0, len(cands))
		for _, c := range cands {
			score, factors := m.score(v, p, c.best, c.producer, now, true)
			var products []ProductMatch
			for k, pr := range c.top {
				if pr != nil {
					products = append(products, ProductMatch{ProductID: pr.ID, Name: pr.NameVI, Stars: pr.Stars, Score: c.scores[k]})
				}
			}
			out = append(out, Result{ProducerID: c.producer.ID, ProducerName: c.producer.Name, Province: c.producer.Province,
				Score: score, Factors: factors, Products: products})
		}
	})
	return out
}

// ScoreProducer returns how well one producer's best product fits a need.
func (m *Matcher) ScoreProducer(n Need, producerID string, now time.Time) (Result, bool) {
	p := m.prepare(n)
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
			score, _ := m.score(v, p, pr, prod, now, false)
			products = append(products, ProductMatch{ProductID: pr.ID, Name: pr.NameVI, Stars: pr.Stars, Score: score})
			if best == nil || score > bestScore || (score == bestScore && pr.ID < best.ID) {
				best, bestScore = pr, score
			}
		}
		if best == nil {
			return
		}
		score, factors := m.score(v, p, best, prod, now, true)
		slices.SortFunc(products, func(a, b ProductMatch) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.ProductID, b.ProductID))
		})
		res = Result{ProducerID: prod.ID, ProducerName: prod.Name, Province: prod.Province, Score: score, Factors: factors, Products: products}
		found = true
	})
	return res, found
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

// score rates one product. With explain false it only computes the number: the reason texts
// are built lazily by the closures, which are not called.
func (m *Matcher) score(v index.View, p prepared, pr *index.Product, prod *index.Producer, now time.Time, explain bool) (float64, []Factor) {
	var factors []Factor
	total, weight := 0.0, 0.0
	// add counts a factor and reports whether its reasons are wanted; reasons are built only then,
	// so the fast pass allocates nothing for them.
	add := func(name string, score float64) bool {
		w := weightOf(name)
		total += score * w
		weight += w
		return explain
	}
	note := func(name string, score float64, vi, en string) {
		factors = append(factors, Factor{Name: name, Score: round(score), Weight: weightOf(name), ReasonVI: vi, ReasonEN: en})
	}
	switch {
	case len(p.CriteriaSets) == 0 && len(p.sectors) == 0:
		if sc := 1.0; add("category", sc) {
			vi, en := func() (string, string) {
				cs, _ := ocop.CriteriaSetByNumber(pr.CriteriaSet)
				return "Bộ tiêu chí " + strconv.Itoa(pr.CriteriaSet) + ": " + cs.Group, "criteria set " + strconv.Itoa(pr.CriteriaSet)
			}()
			note("category", sc, vi, en)
		}
	case slices.Contains(p.CriteriaSets, pr.CriteriaSet):
		if sc := 1.0; add("category", sc) {
			vi, en := func() (string, string) {
				cs, _ := ocop.CriteriaSetByNumber(pr.CriteriaSet)
				return "Đúng bộ tiêu chí " + strconv.Itoa(pr.CriteriaSet) + " (" + cs.Group + ")", "exact criteria set " + strconv.Itoa(pr.CriteriaSet)
			}()
			note("category", sc, vi, en)
		}
	default:
		if sc := 0.6; add("category", sc) {
			vi, en := func() (string, string) {
				sec, _ := ocop.SectorByCode(pr.Sector)
				return "Cùng ngành " + sec.NameVI, "same sector: " + sec.NameEN
			}()
			note("category", sc, vi, en)
		}
	}

	if len(p.keywords) > 0 {
		hit := 0
		for _, k := range p.keywords {
			if strings.Contains(pr.Fold, k) {
				hit++
			}
		}
		if sc := float64(hit) / float64(len(p.keywords)); add("keywords", sc) {
			vi, en := func() (string, string) {
				var found []string
				for _, k := range p.keywords {
					if strings.Contains(pr.Fold, k) {
						found = append(found, k)
					}
				}
				if len(found) == 0 {
					return "Không khớp từ khóa", "no keyword matches"
				}
				return "Khớp từ khóa: " + strings.Join(found, ", "), "matches keywords: " + strings.Join(found, ", ")
			}()
			note("keywords", sc, vi, en)
		}
	}

	switch {
	case pr.Stars >= 5:
		if sc := 1.0; add("stars", sc) {
			note("stars", sc, "Đạt 5 sao OCOP", "OCOP 5 stars")
		}
	case pr.PotentialFive:
		if sc := 0.9; add("stars", sc) {
			note("stars", sc, "Đạt 4 sao, tiềm năng 5 sao", "4 stars, potential 5 stars")
		}
	case pr.Stars == 4:
		if sc := 0.75; add("stars", sc) {
			note("stars", sc, "Đạt 4 sao OCOP", "OCOP 4 stars")
		}
	default:
		if sc := 0.5; add("stars", sc) {
			note("stars", sc, "Đạt 3 sao OCOP", "OCOP 3 stars")
		}
	}

	if len(p.certs) > 0 || p.market.Trademark {
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
		if sc := float64(got) / float64(max(need, 1)); add("certifications", sc) {
			vi, en := func() (string, string) { return m.certReasons(p, prod, now) }()
			note("certifications", sc, vi, en)
		}
	}

	if p.Volume > 0 {
		f, ok := p.toNeedUnit[pr.Unit]
		capIn := pr.Capacity * f
		switch {
		case !ok || pr.Capacity == 0:
			if sc := 0.3; add("capacity", sc) {
				vi, en := func() (string, string) {
					return "Chưa rõ công suất theo đơn vị " + unitVI(p.Unit), "capacity unknown in " + p.Unit
				}()
				note("capacity", sc, vi, en)
			}
		case capIn >= p.Volume:
			if sc := 1.0; add("capacity", sc) {
				vi, en := func() (string, string) {
					return fmt.Sprintf("Công suất %s %s/tháng ≥ %s %s", num(pr.Capacity), unitVI(pr.Unit), num(p.Volume), unitVI(p.Unit)),
						fmt.Sprintf("capacity %s %s/month ≥ %s %s", numEN(pr.Capacity), pr.Unit, numEN(p.Volume), p.Unit)
				}()
				note("capacity", sc, vi, en)
			}
		default:
			if sc := capIn / p.Volume; add("capacity", sc) {
				vi, en := func() (string, string) {
					return fmt.Sprintf("Công suất %s %s/tháng < %s %s", num(pr.Capacity), unitVI(pr.Unit), num(p.Volume), unitVI(p.Unit)),
						fmt.Sprintf("capacity %s %s/month < %s %s", numEN(pr.Capacity), pr.Unit, numEN(p.Volume), p.Unit)
				}()
				note("capacity", sc, vi, en)
			}
		}
	}

	if p.MaxPrice > 0 {
		switch {
		case pr.PriceMin == 0:
			if sc := 0.5; add("price", sc) {
				note("price", sc, "Chưa có giá", "no price listed")
			}
		case pr.PriceMin <= p.MaxPrice:
			if sc := 1.0; add("price", sc) {
				vi, en := func() (string, string) {
					return "Giá từ " + vntext.FormatVND(pr.PriceMin) + " trong ngân sách", "price from " + strconv.FormatInt(pr.PriceMin, 10) + " VND within budget"
				}()
				note("price", sc, vi, en)
			}
		default:
			if sc := float64(p.MaxPrice) / float64(pr.PriceMin); add("price", sc) {
				vi, en := func() (string, string) {
					return "Giá từ " + vntext.FormatVND(pr.PriceMin) + " cao hơn mức " + vntext.FormatVND(p.MaxPrice),
						"price from " + strconv.FormatInt(pr.PriceMin, 10) + " VND above " + strconv.FormatInt(p.MaxPrice, 10)
				}()
				note("price", sc, vi, en)
			}
		}
	}

	if p.place != nil {
		sc := p.place[prod.Province]
		if add("place", sc) {
			prov, _ := ocop.ProvinceByCode(prod.Province)
			switch sc {
			case 1:
				note("place", sc, "Ở "+prov.Name+" như yêu cầu", "in "+prov.Name+" as asked")
			case 0.8:
				note("place", sc, "Thuộc vùng ưu tiên ("+prov.Name+")", "in a preferred region ("+prov.Name+")")
			default:
				note("place", sc, "Ngoài khu vực ưu tiên ("+prov.Name+")", "outside the preferred places ("+prov.Name+")")
			}
		}
	}

	if p.FairID != "" {
		if v.Exhibiting(p.FairID, prod.ID) {
			if sc := 1.0; add("fair", sc) {
				note("fair", sc, "Có gian hàng tại hội chợ", "exhibits at the fair")
			}
		} else {
			if sc := 0.0; add("fair", sc) {
				note("fair", sc, "Không tham gia hội chợ này", "not exhibiting at this fair")
			}
		}
	}
	return round(total / weight), factors
}

// certReasons says which of the needed certifications the producer has and lacks.
func (m *Matcher) certReasons(p prepared, prod *index.Producer, now time.Time) (string, string) {
	var have, missing []string
	for _, c := range p.certs {
		if until, ok := prod.Certs[c]; ok && !until.Before(now) {
			have = append(have, certName(c))
		} else {
			missing = append(missing, certName(c))
		}
	}
	target := p.market.NameVI
	if target == "" {
		target = "yêu cầu của người mua"
	}
	targetEN := p.market.NameEN
	if targetEN == "" {
		targetEN = "the buyer"
	}
	var vi, en []string
	if len(have) > 0 {
		vi = append(vi, "Có "+strings.Join(have, ", ")+", cần cho thị trường "+target)
		en = append(en, "has "+strings.Join(have, ", ")+", needed for "+targetEN)
	}
	if len(missing) > 0 {
		vi = append(vi, "thiếu "+strings.Join(missing, ", "))
		en = append(en, "lacks "+strings.Join(missing, ", "))
	}
	if p.market.Trademark {
		if prod.Trademark {
			vi, en = append(vi, "có nhãn hiệu đăng ký"), append(en, "has a registered trademark")
		} else {
			vi, en = append(vi, "chưa có nhãn hiệu đăng ký"), append(en, "no registered trademark")
		}
	}
	return strings.Join(vi, "; "), strings.Join(en, "; ")
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

func certName(code string) string {
	if c, ok := ocop.CertificationByCode(code); ok {
		return c.Name
	}
	return code
}

func unitVI(code string) string {
	if u, ok := ocop.UnitByCode(code); ok {
		return u.NameVI
	}
	return code
}

// num writes a number the Vietnamese way: 1,5 and 12.000.
func num(f float64) string {
	if f == math.Trunc(f) {
		s := vntext.FormatVND(int64(f))
		return strings.TrimSuffix(s, " ₫")
	}
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

func numEN(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
