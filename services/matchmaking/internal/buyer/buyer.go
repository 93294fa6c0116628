// Package buyer holds buyer organisations (supermarket chains, distributors, exporters, hotels,
// ...) and their sourcing requests: what they want to buy, how much, to which certifications and
// for which market.
package buyer

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kinds of buyer.
var Kinds = []string{"supermarket_chain", "convenience_chain", "distributor", "wholesale_market", "exporter", "ecommerce",
	"hotel", "restaurant", "industrial_catering", "tourism_shop", "other"}

// Buyer is a buyer organisation, one per buyer account.
type Buyer struct {
	ID        string
	AccountID string
	Name      string
	Kind      string
	Province  string
	Markets   []string
	Contact   Contact
	Revision  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Contact is how producers reach the buyer.
type Contact struct{ Name, Phone, Email string }

// BuyerFields are the editable fields; nil is "not given".
type BuyerFields struct {
	Name     *string
	Kind     *string
	Province *string
	Markets  *[]string
	Contact  *Contact
}

// Apply validates f onto b; required demands the mandatory fields.
func (b *Buyer) Apply(f BuyerFields, required bool) error {
	var v apperr.Validation
	if f.Name != nil || required {
		name := ""
		if f.Name != nil {
			name = v.Text("name", *f.Name, 200)
		}
		if v.Expect(utf8.RuneCountInString(name) >= 2, "name", msgBuyerName) && v.Expect(vntext.Readable(name), "name", apperr.Unreadable) {
			b.Name = name
		}
	}
	if f.Kind != nil || required {
		k := ""
		if f.Kind != nil {
			k = *f.Kind
		}
		if v.Expect(slices.Contains(Kinds, k), "kind", apperr.OneOf, apperr.OrOf(Kinds...)) {
			b.Kind = k
		}
	}
	if f.Province != nil || required {
		s := ""
		if f.Province != nil {
			s = *f.Province
		}
		p, ok := ocop.LookupProvince(s)
		if strings.TrimSpace(s) == "" {
			v.Fail("province", apperr.Required) // none chosen: asked for, not called unknown
		} else if v.Expect(ok, "province", msgProvince) {
			b.Province = p.Code
		}
	}
	if f.Markets != nil && v.Expect(len(*f.Markets) <= ocop.MaxMarkets, "markets", apperr.TooMany, ocop.MaxMarkets) {
		var ms []string
		for i, m := range *f.Markets {
			if m, ok := market(m); v.Expect(ok, fmt.Sprintf("markets[%d]", i), msgMarket) && !slices.Contains(ms, m) {
				ms = append(ms, m)
			}
		}
		b.Markets = ms
	}
	if f.Contact != nil {
		c := Contact{Name: v.Text("contact.name", f.Contact.Name, 120), Email: strings.ToLower(strings.TrimSpace(f.Contact.Email))}
		if c.Email != "" {
			v.Expect(ocop.ValidEmail(c.Email), "contact.email", msgEmail)
		}
		if f.Contact.Phone != "" {
			phone, ok := ocop.NormalizePhone(f.Contact.Phone)
			v.Expect(ok, "contact.phone", msgPhone)
			c.Phone = phone
		}
		b.Contact = c
	}
	return v.Err()
}

// market reads a market as stored: domestic, or a country's or bloc's code (UK is kept as GB, as
// producers' markets are: one market, one code); ok is false for anything else.
func market(m string) (string, bool) {
	m = normMarket(m)
	if code, country := ocop.MarketCode(m); country {
		return code, true
	}
	return m, m == "domestic"
}

func normMarket(m string) string {
	m = strings.TrimSpace(m)
	if strings.EqualFold(m, "domestic") || m == "" {
		return "domestic"
	}
	return strings.ToUpper(m)
}

// Request is a sourcing request.
type Request struct {
	ID            string
	BuyerID       string
	AccountID     string
	Title         string
	CriteriaSets  []int
	Sectors       []string
	Keywords      []string
	MinStars      int
	Volume        float64
	Unit          string
	RequiredCerts []string
	Market        string
	Regions       []string
	Provinces     []string
	MaxPrice      int64
	NeededBy      time.Time
	FairID        string
	Open          bool
	Revision      int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// RequestFields are the editable fields of a request.
type RequestFields struct {
	Title         *string
	CriteriaSets  *[]int
	Sectors       *[]string
	Keywords      *[]string
	MinStars      *int
	Volume        *float64
	Unit          *string
	RequiredCerts *[]string
	Market        *string
	Regions       *[]string
	Provinces     *[]string
	MaxPrice      *int64
	NeededBy      *time.Time
	FairID        *string
}

// maxKeywords is how many keywords a sourcing request may carry.
const maxKeywords = 20

// listCap checks that the list given for field has at most max items.
func listCap[T any](v *apperr.Validation, field string, list *[]T, max int) {
	if list != nil {
		v.Expect(len(*list) <= max, field, apperr.TooMany, max)
	}
}

// Apply validates f onto r: Invalid, naming every field that is wrong.
func (r *Request) Apply(f RequestFields, required bool) error {
	var v apperr.Validation
	if f.Title != nil || required {
		t := ""
		if f.Title != nil {
			t = v.Text("title", *f.Title, 200)
		}
		if v.Expect(utf8.RuneCountInString(t) >= 3, "title", msgTitle) && v.Expect(vntext.Readable(t), "title", apperr.Unreadable) {
			r.Title = t
		}
	}
	// Lists are bounded by what they can hold (26 criteria sets, 34 provinces, ...): a longer one
	// is a mistake or an attempt to make every ranking slow, not a need.
	listCap(&v, "criteria_sets", f.CriteriaSets, 26)
	listCap(&v, "sectors", f.Sectors, 6)
	listCap(&v, "keywords", f.Keywords, maxKeywords)
	listCap(&v, "required_certifications", f.RequiredCerts, 20)
	listCap(&v, "regions", f.Regions, 10)
	listCap(&v, "provinces", f.Provinces, 34)
	if v.Failed() {
		return v.Err()
	}
	refused := r.applyProducts(&v, f)
	// Ranked on its title alone, every producer fits a request alike (rice first for "Mật ong
	// rừng"): a new one names its goods, and an edit may not take the last of them away. One
	// saved before this rule keeps its other edits. A goods entry refused already says what to
	// mend; "name your goods" beside it would say the wrong thing.
	if !refused && (required || f.CriteriaSets != nil || f.Sectors != nil || f.Keywords != nil) {
		v.Expect(len(r.CriteriaSets)+len(r.Sectors)+len(r.Keywords) > 0, "keywords", msgNoGoods)
	}
	r.applyQuantity(&v, f)
	r.applyPlaces(&v, f)
	if f.MaxPrice != nil {
		v.Expect(*f.MaxPrice >= 0, "max_price_vnd", msgNotNegative)
		r.MaxPrice = *f.MaxPrice
	}
	if f.NeededBy != nil {
		y := f.NeededBy.Year()
		v.Expect(y >= 2000 && y <= 2100, "needed_by", msgNeededBy)
		r.NeededBy = *f.NeededBy
	}
	if f.FairID != nil {
		r.FairID = strings.TrimSpace(*f.FairID)
	}
	return v.Err()
}

// applyProducts applies what is sought: criteria sets, sectors, keywords and the least stars.
func (r *Request) applyProducts(v *apperr.Validation, f RequestFields) (refused bool) {
	if f.CriteriaSets != nil {
		var sets []int
		for i, n := range *f.CriteriaSets {
			_, ok := ocop.CriteriaSetByNumber(n)
			if !v.Expect(ok, fmt.Sprintf("criteria_sets[%d]", i), apperr.Between, 1, 26) {
				refused = true
			} else if !slices.Contains(sets, n) {
				sets = append(sets, n)
			}
		}
		r.CriteriaSets = sets
	}
	if f.Sectors != nil {
		for i, s := range *f.Sectors {
			_, ok := ocop.SectorByCode(s)
			refused = !v.Expect(ok, fmt.Sprintf("sectors[%d]", i), apperr.OneOf, apperr.OrOf("food", "beverage", "medicinal", "handicraft", "ornamental", "tourism")) || refused
		}
		r.Sectors = slices.Compact(slices.Sorted(slices.Values(*f.Sectors)))
	}
	if f.Keywords != nil {
		// Each keyword once, whatever its case ("Mật ong" and "mật ong" are one; "mắm" and
		// "mầm" are two words); one without a letter or a digit ("-", a lone mark) says nothing
		// to match and is dropped.
		var ks, seen []string
		for i, k := range *f.Keywords {
			k = vntext.Clean(k)
			if !v.Short(fmt.Sprintf("keywords[%d]", i), k, 60) {
				refused = true
				continue
			}
			if !vntext.Readable(k) {
				continue
			}
			if key := strings.ToLower(k); !slices.Contains(seen, key) {
				ks, seen = append(ks, k), append(seen, key)
			}
		}
		r.Keywords = ks
	}
	if f.MinStars != nil {
		r.MinStars = *f.MinStars
	}
	if r.MinStars == 0 {
		r.MinStars = 3
	}
	v.Expect(r.MinStars >= 3 && r.MinStars <= 5, "min_stars", apperr.OneOf, apperr.OrOf("3", "4", "5"))
	return refused
}

// applyQuantity applies how much is sought, in which unit, and the certifications required.
func (r *Request) applyQuantity(v *apperr.Validation, f RequestFields) {
	if f.Volume != nil {
		v.Expect(*f.Volume >= 0 && *f.Volume <= 1e9, "monthly_volume", msgNotNegative)
		r.Volume = *f.Volume
	}
	if f.Unit != nil {
		r.Unit = *f.Unit
	}
	if r.Volume > 0 || r.Unit != "" {
		_, ok := ocop.UnitByCode(r.Unit)
		v.Expect(ok, "unit", msgUnit)
	}
	if f.RequiredCerts != nil {
		for i, c := range *f.RequiredCerts {
			_, ok := ocop.CertificationByCode(c)
			v.Expect(ok, fmt.Sprintf("required_certifications[%d]", i), msgCertification)
		}
		r.RequiredCerts = *f.RequiredCerts
	}
}

// applyPlaces applies where the products go (the target market) and where they may come from.
func (r *Request) applyPlaces(v *apperr.Validation, f RequestFields) {
	if f.Market != nil {
		m, ok := market(*f.Market)
		if v.Expect(ok, "target_market", msgMarket) {
			r.Market = m
		}
	}
	if r.Market == "" {
		r.Market = "domestic"
	}
	if f.Regions != nil {
		for i, code := range *f.Regions {
			_, ok := ocop.RegionByCode(code)
			v.Expect(ok, fmt.Sprintf("regions[%d]", i), msgRegion)
		}
		r.Regions = *f.Regions
	}
	if f.Provinces != nil {
		var ps []string
		for i, s := range *f.Provinces {
			p, ok := ocop.LookupProvince(s)
			if v.Expect(ok, fmt.Sprintf("provinces[%d]", i), msgProvince) {
				ps = append(ps, p.Code)
			}
		}
		r.Provinces = ps
	}
}
