// Package producer is the OCOP producer ("chủ thể OCOP") profile: who makes the products, where,
// with which quality certifications, and how to reach them.
package producer

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kinds of producer.
const (
	KindCooperative       = "cooperative"        // hợp tác xã (HTX)
	KindEnterprise        = "enterprise"         // doanh nghiệp
	KindHouseholdBusiness = "household_business" // hộ kinh doanh / cơ sở sản xuất
	KindCooperativeGroup  = "cooperative_group"  // tổ hợp tác
)

// Kinds lists the producer kinds.
var Kinds = []string{KindCooperative, KindEnterprise, KindHouseholdBusiness, KindCooperativeGroup}

// Certification is a quality certification the producer holds.
type Certification struct {
	Code       string
	Number     string
	ValidUntil time.Time
}

// Producer is a producer profile.
type Producer struct {
	ID             string
	AccountID      string
	Kind           string
	LegalName      string
	TaxCode        string
	Province       ocop.Province
	Commune        string
	Address        string
	Phone          string
	Email          string
	DescriptionVI  string
	DescriptionEN  string
	Certifications []Certification
	Trademark      string
	ExportMarkets  []string
	ExportNotes    string
	Revision       int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Fields is the editable part of a profile; nil pointers are "not given" (left unchanged by a
// patch, missing on create).
type Fields struct {
	Kind           *string
	LegalName      *string
	TaxCode        *string
	Province       *string
	Commune        *string
	Address        *string
	Phone          *string
	Email          *string
	DescriptionVI  *string
	DescriptionEN  *string
	Certifications *[]Certification
	Trademark      *string
	ExportMarkets  *[]string
	ExportNotes    *string
}

// New validates f as a complete profile for accountID.
func New(id, accountID string, f Fields, now time.Time) (Producer, error) {
	p := Producer{ID: id, AccountID: accountID, CreatedAt: now, UpdatedAt: now, Revision: 1}
	if err := p.apply(f, true); err != nil {
		return Producer{}, err
	}
	return p, nil
}

// Patch returns p with the given fields changed and validated, and its revision advanced.
func (p Producer) Patch(f Fields, now time.Time) (Producer, error) {
	next := p
	next.Certifications = slices.Clone(p.Certifications)
	next.ExportMarkets = slices.Clone(p.ExportMarkets)
	if err := next.apply(f, false); err != nil {
		return Producer{}, err
	}
	next.Revision = p.Revision + 1
	next.UpdatedAt = now
	return next, nil
}

// text is s cleaned, or old with a field error when it is longer than max letters: cutting it
// would lose the end of what the producer wrote without a word.
func text(v *checks, field string, s *string, max int, old string) string {
	c := vntext.Clean(*s)
	if !v.Short(field, c, max) {
		return old
	}
	return c
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

// apply validates and copies the given fields; required demands every mandatory field. The
// groups run in the order of the fields, so field errors are reported in that order.
func (p *Producer) apply(f Fields, required bool) error {
	v := &checks{required: required}
	p.applyIdentity(f, v)
	p.applyPlaceAndContact(f, v)
	if f.DescriptionVI != nil {
		p.DescriptionVI = description(*f.DescriptionVI, "description_vi", p.DescriptionVI, v)
	}
	if f.DescriptionEN != nil {
		p.DescriptionEN = description(*f.DescriptionEN, "description_en", p.DescriptionEN, v)
	}
	if f.Certifications != nil {
		p.Certifications = certifications(*f.Certifications, v)
	}
	if f.Trademark != nil {
		p.Trademark = text(v, "trademark_registration", f.Trademark, 80, p.Trademark)
	}
	if f.ExportMarkets != nil {
		p.ExportMarkets = exportMarkets(*f.ExportMarkets, v)
	}
	if f.ExportNotes != nil {
		p.ExportNotes = text(v, "export_experience", f.ExportNotes, 2000, p.ExportNotes)
	}
	return v.Err()
}

// checks collects the field errors of one write; required makes a missing mandatory field one.
type checks struct {
	apperr.Validation
	required bool
}

// need reports whether a field is given, recording it as missing when it is required.
func (v *checks) need(ptr *string, field string) bool {
	if ptr == nil {
		if v.required {
			v.Fail(field, apperr.Required)
		}
		return false
	}
	return true
}

// applyIdentity copies who the producer is: kind, legal name and tax code.
func (p *Producer) applyIdentity(f Fields, v *checks) {
	if v.need(f.Kind, "kind") {
		if v.Expect(slices.Contains(Kinds, *f.Kind), "kind", apperr.OneOf, apperr.OrOf(Kinds...)) {
			p.Kind = *f.Kind
		}
	}
	if v.need(f.LegalName, "legal_name") {
		name := vntext.Clean(*f.LegalName)
		if v.Expect(utf8.RuneCountInString(name) >= 3 && utf8.RuneCountInString(name) <= 200, "legal_name", apperr.LengthBetween, 3, 200) &&
			v.Expect(vntext.Readable(name), "legal_name", apperr.Unreadable) {
			p.LegalName = name
		}
	}
	if v.need(f.TaxCode, "tax_code") {
		tc := ocop.NormalizeTaxCode(*f.TaxCode)
		if v.Expect(ocop.ValidTaxCode(tc), "tax_code", msgTaxCode) {
			p.TaxCode = tc
		}
	}
}

// applyPlaceAndContact copies where the producer is and how to reach it.
func (p *Producer) applyPlaceAndContact(f Fields, v *checks) {
	if v.need(f.Province, "province") {
		prov, ok := ocop.LookupProvince(*f.Province)
		if strings.TrimSpace(*f.Province) == "" {
			v.Fail("province", apperr.Required) // none chosen: asked for, not called unknown
		} else if v.Expect(ok, "province", msgProvince, oldProvinceExample) {
			p.Province = prov
		}
	}
	if v.need(f.Commune, "commune") {
		c := vntext.Clean(*f.Commune)
		if v.Expect(c != "", "commune", msgCommune) && v.Expect(utf8.RuneCountInString(c) <= 120, "commune", apperr.TooLong, 120) {
			p.Commune = c
		}
	}
	if f.Address != nil {
		p.Address = text(v, "address", f.Address, 300, p.Address)
	}
	if v.need(f.Phone, "phone") {
		phone, ok := ocop.NormalizePhone(*f.Phone)
		if v.Expect(ok, "phone", msgPhone) {
			p.Phone = phone
		}
	}
	if f.Email != nil {
		e := strings.ToLower(strings.TrimSpace(*f.Email))
		if e != "" {
			if !ocop.ValidEmail(e) {
				v.Fail("email", msgEmail)
			}
		}
		p.Email = e
	}
}

// certifications validates a profile's certifications: known codes, each once, with a number
// and a last valid day, at most 20.
func certifications(given []Certification, v *checks) []Certification {
	certs := make([]Certification, 0, len(given))
	seen := map[string]bool{}
	for i, c := range given {
		field := "certifications[" + strconv.Itoa(i) + "]"
		if _, ok := ocop.CertificationByCode(c.Code); !ok {
			v.Fail(field+".code", apperr.OneOf, certificationCodes())
			continue
		}
		if seen[c.Code] {
			v.Fail(field+".code", msgCertificationTwice)
			continue
		}
		seen[c.Code] = true
		num := strings.TrimSpace(c.Number)
		v.Expect(num != "" && len(num) <= 80, field+".number", msgCertificationNumber)
		v.Expect(!c.ValidUntil.IsZero(), field+".valid_until", msgCertificationUntil)
		certs = append(certs, Certification{Code: c.Code, Number: num, ValidUntil: c.ValidUntil})
	}
	v.Expect(len(given) <= 20, "certifications", apperr.TooMany, 20)
	return certs
}

// exportMarkets validates market codes (a country's ISO code, or EU), upper-cased, each kept
// once, at most ocop.MaxMarkets.
func exportMarkets(given []string, v *checks) []string {
	if !v.Expect(len(given) <= ocop.MaxMarkets, "export_markets", apperr.TooMany, ocop.MaxMarkets) {
		return nil
	}
	markets := make([]string, 0, len(given))
	for i, m := range given {
		m, ok := ocop.MarketCode(m)
		if !v.Expect(ok, "export_markets["+strconv.Itoa(i)+"]", msgExportMarket) {
			continue
		}
		if !slices.Contains(markets, m) {
			markets = append(markets, m)
		}
	}
	return markets
}

// ImportedAccountPrefix marks the placeholder account of a producer created from a provincial
// spreadsheet; the producer claims the profile by signing up with the same tax code.
const ImportedAccountPrefix = "import:"

// Claimable reports whether an account may take over this imported profile.
func (p Producer) Claimable() bool { return strings.HasPrefix(p.AccountID, ImportedAccountPrefix) }

// Claim hands the profile to accountID with the fields the producer entered: an imported
// profile, or one an organiser hands over to the company that owns its tax code (the claim code
// the organiser issued is the proof, checked before). It is never handed to its own account.
func (p Producer) Claim(accountID string, f Fields, now time.Time) (Producer, error) {
	if p.AccountID == accountID {
		return Producer{}, apperr.New(apperr.Conflict, msgHaveProfile)
	}
	if !p.Claimable() {
		// Handed over from the account that registered it first: nothing of what that account
		// wrote (contacts, descriptions, certifications) stays; the company writes its profile
		// whole, as a new registration does.
		next, err := New(p.ID, accountID, f, now)
		if err != nil {
			return Producer{}, err
		}
		next.CreatedAt, next.Revision = p.CreatedAt, p.Revision+1
		return next, nil
	}
	next, err := p.Patch(f, now)
	if err != nil {
		return Producer{}, err
	}
	next.AccountID = accountID
	return next, nil
}

// CertificationCodes returns the codes of the certifications the producer holds, in order.
func (p Producer) CertificationCodes() []string {
	codes := make([]string, 0, len(p.Certifications))
	for _, c := range p.Certifications {
		codes = append(codes, c.Code)
	}
	return codes
}

// Certified reports whether the producer holds certification code valid through day.
func (p Producer) Certified(code string, day time.Time) bool {
	for _, c := range p.Certifications {
		if c.Code == code && ocop.ValidThrough(c.ValidUntil.AddDate(0, 0, 1), day) {
			return true
		}
	}
	return false
}

// certificationCodes lists the certification codes a profile may hold, as they are written in
// requests.
func certificationCodes() apperr.Or {
	var codes apperr.Or
	for _, c := range ocop.Certifications() {
		codes = append(codes, c.Code)
	}
	return codes
}
