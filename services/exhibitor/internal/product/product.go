// Package product is an OCOP product of a producer: its criteria set, star rating and certificate
// (whose status is derived from the date), barcode, prices, capacity and season.
package product

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Certificate is the OCOP recognition decision.
type Certificate struct {
	DecisionNo string
	IssuedBy   string
	IssuedOn   time.Time
	// ExpiresOn is the first day the certificate is no longer valid.
	ExpiresOn time.Time
}

// Status derives the certificate's status at now.
func (c Certificate) Status(now time.Time) ocop.CertificateStatus {
	return ocop.StatusAt(c.ExpiresOn, now)
}

// Product is an OCOP product.
type Product struct {
	ID         string
	ProducerID string
	// Code is the product's public code, what its verification URL and QR carry (NewCode);
	// empty only on products stored before codes existed, until BackfillCodes runs.
	Code            string
	NameVI          string
	NameEN          string
	CriteriaSet     int
	Rating          ocop.Rating
	Certificate     Certificate
	GTIN            string
	Unit            string
	PriceMin        int64
	PriceMax        int64
	MonthlyCapacity float64
	ShelfLifeDays   int
	SeasonMonths    []int
	DescriptionVI   string
	DescriptionEN   string
	ImageURLs       []string
	// Photo is the version of the product's photo (PhotoStore), empty without one.
	Photo     string
	Deleted   bool
	Revision  int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// ChangedBy is who made the last change through the API (empty for an import, and for
	// products stored before it was kept).
	ChangedBy Editor
}

// Editor is who changed a product: a role (producer, organiser or admin) and the name their
// account bears.
type Editor struct {
	Role, Name string
}

// Sector returns the sector derived from the criteria set.
func (p Product) Sector() string {
	cs, _ := ocop.CriteriaSetByNumber(p.CriteriaSet)
	return cs.Sector
}

// Fields are the editable fields; nil is "not given".
type Fields struct {
	NameVI          *string
	NameEN          *string
	CriteriaSet     *int
	Stars           *int
	PotentialFive   *bool
	DecisionNo      *string
	IssuedBy        *string
	IssuedOn        *time.Time
	ExpiresOn       *time.Time
	GTIN            *string
	Unit            *string
	PriceMin        *int64
	PriceMax        *int64
	MonthlyCapacity *float64
	ShelfLifeDays   *int
	SeasonMonths    *[]int
	DescriptionVI   *string
	DescriptionEN   *string
	ImageURLs       *[]string
}

// New validates a new product of producerID.
func New(id, producerID string, f Fields, now time.Time) (Product, error) {
	p := Product{ID: id, ProducerID: producerID, Code: NewCode(), Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := p.apply(f, true, now); err != nil {
		return Product{}, err
	}
	return p, nil
}

// Patch returns the product with f applied and its revision advanced.
func (p Product) Patch(f Fields, now time.Time) (Product, error) {
	if p.Deleted {
		return Product{}, apperr.New(apperr.NotFound, msgNotFound)
	}
	next := p
	next.SeasonMonths = slices.Clone(p.SeasonMonths)
	next.ImageURLs = slices.Clone(p.ImageURLs)
	if err := next.apply(f, false, now); err != nil {
		return Product{}, err
	}
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// decisionKey is a decision number as two are compared: the same number typed otherwise
// (fullwidth digits, case, marks, Đ or Ð, spaces, dashes and slashes) reads the same, so that
// "1000 / qđ–ubnd" is not a new decision beside "1000/QĐ-UBND". It catches a slip, not a lie:
// any other number passes, and ratings are checked when organisers review an application.
func decisionKey(s string) string {
	var b strings.Builder
	for _, r := range vntext.Fold(strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E { // fullwidth forms of ASCII
			return r - 0xFEE0
		}
		return r
	}, s)) {
		switch {
		case r == 'ð':
			b.WriteRune('d')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// description is a description as written, or old with a field error when it is longer than
// 4,000 letters: cutting it would lose the end of what the producer wrote without a word.
func description(s, field, old string, v *checks) string {
	s = vntext.Clean(s)
	if !v.Expect(utf8.RuneCountInString(s) <= 4000, field, apperr.LengthBetween, 0, 4000) {
		return old
	}
	return s
}

// apply validates and copies the given fields; required demands every mandatory field, now is
// the time of the write. The groups run in the order of the fields, so field errors are reported
// in that order.
func (p *Product) apply(f Fields, required bool, now time.Time) error {
	v := &checks{required: required}
	p.applyRating(f, v)
	p.applyCertificate(f, v, now)
	p.applyTrade(f, v)
	if f.SeasonMonths != nil {
		p.SeasonMonths = seasonMonths(*f.SeasonMonths, v)
	}
	if f.DescriptionVI != nil {
		p.DescriptionVI = description(*f.DescriptionVI, "description_vi", p.DescriptionVI, v)
	}
	if f.DescriptionEN != nil {
		p.DescriptionEN = description(*f.DescriptionEN, "description_en", p.DescriptionEN, v)
	}
	if f.ImageURLs != nil {
		p.ImageURLs = imageURLs(*f.ImageURLs, v)
	}
	return v.Err()
}

// checks collects the field errors of one write; required makes a missing mandatory field one.
type checks struct {
	apperr.Validation
	required bool
}

// need reports whether a field is given, recording it as missing when it is required.
func (v *checks) need(given bool, field string) bool {
	if !given && v.required {
		v.Fail(field, apperr.Required)
	}
	return given
}

// applyRating copies what the product is and how it is rated: names, criteria set and stars.
func (p *Product) applyRating(f Fields, v *checks) {
	if v.need(f.NameVI != nil, "name_vi") {
		n := vntext.Clean(*f.NameVI)
		if l := utf8.RuneCountInString(n); v.Expect(l >= 3 && l <= 200, "name_vi", apperr.LengthBetween, 3, 200) && v.Expect(vntext.Readable(n), "name_vi", apperr.Unreadable) {
			p.NameVI = n
		}
	}
	if f.NameEN != nil {
		n := vntext.Clean(*f.NameEN)
		if v.Expect(utf8.RuneCountInString(n) <= 200, "name_en", apperr.LengthBetween, 0, 200) {
			p.NameEN = n
		}
	}
	if v.need(f.CriteriaSet != nil, "criteria_set") {
		if _, ok := ocop.CriteriaSetByNumber(*f.CriteriaSet); v.Expect(ok, "criteria_set", msgCriteriaSet) {
			p.CriteriaSet = *f.CriteriaSet
		}
	}
	if v.need(f.Stars != nil, "stars") {
		p.Rating.Stars = *f.Stars
	}
	if f.PotentialFive != nil {
		p.Rating.PotentialFive = *f.PotentialFive
	}
	v.Merge("", p.Rating.Validate())
}

// applyCertificate copies the recognition decision and checks its dates against each other and
// against now: a certificate issued after today would be listed as valid before it exists. The
// checks run on every write, so a product stored before a check existed is corrected at its next
// edit.
func (p *Product) applyCertificate(f Fields, v *checks, now time.Time) {
	if v.need(f.DecisionNo != nil, "certificate.decision_no") {
		d := v.Text("certificate.decision_no", *f.DecisionNo, 80)
		if v.Expect(d != "", "certificate.decision_no", msgDecisionNo, exampleDecisionNo) {
			p.Certificate.DecisionNo = d
		}
	}
	if v.need(f.IssuedBy != nil, "certificate.issued_by") {
		b := v.Text("certificate.issued_by", *f.IssuedBy, 200)
		if v.Expect(b != "", "certificate.issued_by", msgIssuedBy, exampleIssuedBy) {
			p.Certificate.IssuedBy = b
		}
	}
	if v.need(f.IssuedOn != nil, "certificate.issued_on") {
		if f.ExpiresOn == nil && !f.IssuedOn.Equal(p.Certificate.IssuedOn) {
			// A new issue date restarts the 36 months; the same one sent again (a form saving
			// the certificate as it is) keeps the expiry, which may be shorter.
			p.Certificate.ExpiresOn = ocop.DefaultExpiry(*f.IssuedOn)
		}
		p.Certificate.IssuedOn = *f.IssuedOn
	}
	if f.ExpiresOn != nil {
		p.Certificate.ExpiresOn = *f.ExpiresOn
	}
	if !p.Certificate.IssuedOn.IsZero() {
		v.Expect(p.Certificate.ExpiresOn.After(p.Certificate.IssuedOn), "certificate.expires_on", msgExpiryBeforeIssue)
		v.Expect(!p.Certificate.ExpiresOn.After(p.Certificate.IssuedOn.AddDate(0, ocop.CertificateValidMonths, 1)), "certificate.expires_on", msgCertificateTooLong, ocop.CertificateValidMonths)
		v.Expect(p.Certificate.IssuedOn.Year() >= 2018, "certificate.issued_on", msgCertificateTooEarly)
		v.Expect(issuedBy(p.Certificate.IssuedOn, now), "certificate.issued_on", msgCertificateInFuture)
	}
}

// issuedBy reports whether a certificate dated issued exists at now. Issue dates are days in
// Vietnam, so a certificate dated today is allowed at any hour of today there.
func issuedBy(issued, now time.Time) bool {
	y, m, d := now.In(vntext.Zone).Date()
	return issued.Before(time.Date(y, m, d+1, 0, 0, 0, 0, vntext.Zone))
}

// applyTrade copies how the product is sold: barcode, unit, prices, capacity and shelf life.
func (p *Product) applyTrade(f Fields, v *checks) {
	if f.GTIN != nil {
		g := strings.TrimSpace(*f.GTIN)
		v.Expect(g == "" || ocop.ValidGTIN13(g), "gtin", msgGTIN)
		p.GTIN = g
	}
	if v.need(f.Unit != nil, "unit") {
		if _, ok := ocop.UnitByCode(*f.Unit); v.Expect(ok, "unit", msgUnit) {
			p.Unit = *f.Unit
		}
	}
	if f.PriceMin != nil {
		p.PriceMin = *f.PriceMin
	}
	if f.PriceMax != nil {
		p.PriceMax = *f.PriceMax
	}
	minOK := v.Expect(p.PriceMin >= 0 && p.PriceMin <= 1_000_000_000, "price_min_vnd", msgPriceRange)
	if v.Expect(p.PriceMax >= 0 && p.PriceMax <= 1_000_000_000, "price_max_vnd", msgPriceRange) && minOK {
		v.Expect(p.PriceMax == 0 || p.PriceMin <= p.PriceMax, "price_min_vnd", msgPriceMinAboveMax)
	}
	if f.MonthlyCapacity != nil {
		v.Expect(*f.MonthlyCapacity >= 0 && *f.MonthlyCapacity <= 1e9, "monthly_capacity", msgCapacity)
		p.MonthlyCapacity = *f.MonthlyCapacity
	}
	if f.ShelfLifeDays != nil {
		v.Expect(*f.ShelfLifeDays >= 0 && *f.ShelfLifeDays <= 36500, "shelf_life_days", msgShelfLife)
		p.ShelfLifeDays = *f.ShelfLifeDays
	}
}

// seasonMonths validates the months of the season, sorted, each once.
func seasonMonths(given []int, v *checks) []int {
	var months []int
	for i, m := range given {
		if v.Expect(m >= 1 && m <= 12, fmt.Sprintf("season_months[%d]", i), msgMonth) && !slices.Contains(months, m) {
			months = append(months, m)
		}
	}
	slices.Sort(months)
	return months
}

// imageURLs validates at most 10 http(s) image addresses.
func imageURLs(given []string, v *checks) []string {
	v.Expect(len(given) <= 10, "image_urls", apperr.TooMany, 10)
	var urls []string
	for i, s := range given {
		u, err := url.Parse(strings.TrimSpace(s))
		if v.Expect(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 500, fmt.Sprintf("image_urls[%d]", i), msgImageURL) {
			urls = append(urls, u.String())
		}
	}
	return urls
}
