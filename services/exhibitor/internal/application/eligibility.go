package application

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// The eligibility rules, one list whether a rule blocks an application or only warns: a rule
// that blocks refuses the application (422, a field error with the rule's code), a rule that
// warns lets it through with eligible=false and leaves the decision to the organisers.
const (
	// RuleCertificatesCurrent blocks: an expired product is no longer an OCOP product, and an
	// organiser can never show it as one.
	RuleCertificatesCurrent = "certificates_current"
	// RuleCertificates warns: a certificate that lapses before the fair ends is the organisers'
	// call (the producer may renew in time, or show the product for the days it is valid).
	RuleCertificates = "certificates"
	// RuleMinStars warns: fewer stars than the fair asks.
	RuleMinStars = "min_stars"
	// RuleSector warns: a product outside the fair's sectors.
	RuleSector = "sector"
	// RuleProvince warns: a producer from outside the fair's provinces and regions.
	RuleProvince = "province"
	// RuleBooths warns: more booths than the fair allows a producer.
	RuleBooths = "booths"
)

// Rule is one eligibility check: its code, whether it passed, whether failing it blocks the
// application, and the values its reason is said from. The reason is said in the reader's
// language only at the edge (Reason); nothing stores it rendered.
type Rule struct {
	Code   string
	Pass   bool
	Blocks bool
	Args   RuleArgs
	// StoredVI and StoredEN are the reasons of a rule stored before rules kept their values (in
	// Vietnamese and English, as they were written then); empty for every rule evaluated since.
	StoredVI, StoredEN string
}

// RuleArgs are the values a rule's reason is said from; each rule uses some of them.
type RuleArgs struct {
	Stars     int           // min_stars: the stars the fair asks
	Asked     int           // booths: the booths asked
	Limit     int           // booths: the most booths per producer
	LastDay   string        // certificates: the fair's last day (YYYY-MM-DD)
	Sectors   []string      // sector: the fair's sectors (codes)
	Province  string        // province: the producer's province (code)
	Offending []RuleProduct // the products that fail the rule
}

// RuleProduct is a product that fails a rule, with what makes it fail.
type RuleProduct struct {
	ProductID string
	Name      string
	Stars     int
	ExpiresOn string // YYYY-MM-DD
}

// The reasons of the rules, passed and failed. The message of the rule that blocks has the rule's
// code, which its field errors carry; the others are named after their rules.
var (
	msgCertificatesCurrentOK = apperr.M("eligibility.certificates_current_ok",
		"Giấy chứng nhận OCOP của mọi sản phẩm đang còn hiệu lực",
		"Every product's OCOP certificate is valid today")
	msgCertificatesCurrent = apperr.M(RuleCertificatesCurrent,
		"Giấy chứng nhận OCOP của %s đã hết hạn: sản phẩm hết hạn không còn là sản phẩm OCOP nên không thể trưng bày; hãy gia hạn giấy chứng nhận trước khi đăng ký",
		"The OCOP certificate of %s has expired: an expired product is no longer OCOP and cannot be shown; renew the certificate before applying")
	msgCertificatesOK = apperr.M("eligibility.certificates_ok",
		"Giấy chứng nhận OCOP còn hiệu lực đến hết ngày %s",
		"Every OCOP certificate is valid through %s")
	msgCertificates = apperr.M("eligibility."+RuleCertificates,
		"Giấy chứng nhận hết hạn trước khi hội chợ kết thúc (%s): %s",
		"Certificates expire before the fair ends (%s): %s")
	msgMinStarsOK = apperr.M("eligibility.min_stars_ok",
		"Tất cả sản phẩm đạt từ %d sao OCOP",
		"Every product has at least %d OCOP stars")
	msgMinStars = apperr.M("eligibility."+RuleMinStars,
		"Hội chợ yêu cầu tối thiểu %d sao: %s",
		"The fair requires at least %d stars: %s")
	msgSectorAny = apperr.M("eligibility.sector_any",
		"Hội chợ nhận mọi ngành hàng",
		"The fair takes every sector")
	msgSectorOK = apperr.M("eligibility.sector_ok",
		"Ngành hàng phù hợp: %s",
		"Sectors allowed: %s")
	msgSector = apperr.M("eligibility."+RuleSector,
		"Ngành hàng không thuộc phạm vi hội chợ (%s): %s",
		"Outside the fair's sectors (%s): %s")
	msgProvinceOK = apperr.M("eligibility.province_ok",
		"Tỉnh/thành %s được tham gia",
		"%s may take part")
	msgProvince = apperr.M("eligibility."+RuleProvince,
		"Hội chợ không dành cho chủ thể ở %s",
		"The fair is not open to producers from %s")
	msgBoothsOK = apperr.M("eligibility.booths_ok",
		"Đăng ký %d gian, trong giới hạn %d gian",
		"Booths asked: %d, within the limit of %d")
	msgBooths = apperr.M("eligibility."+RuleBooths,
		"Đăng ký %d gian, vượt giới hạn %d gian mỗi chủ thể",
		"Booths asked: %d, more than the limit of %d per producer")
	msgExpiresOn = apperr.M("eligibility.expires_on",
		"%s (hết hạn %s)",
		"%s (expires %s)")
)

// Reason is the rule's reason, to be said in the reader's language.
func (r Rule) Reason() apperr.Localized {
	if r.StoredVI != "" || r.StoredEN != "" {
		return legacyReason{vi: r.StoredVI, en: r.StoredEN}
	}
	a := r.Args
	switch r.Code {
	case RuleCertificatesCurrent:
		if r.Pass {
			return msgCertificatesCurrentOK.With()
		}
		return msgCertificatesCurrent.With(productNames(a.Offending))
	case RuleCertificates:
		last := formatDay(a.LastDay)
		if r.Pass {
			return msgCertificatesOK.With(last)
		}
		return msgCertificates.With(last, expiring(a.Offending))
	case RuleMinStars:
		if r.Pass {
			return msgMinStarsOK.With(a.Stars)
		}
		return msgMinStars.With(a.Stars, withStars(a.Offending))
	case RuleSector:
		switch {
		case len(a.Sectors) == 0:
			return msgSectorAny.With()
		case r.Pass:
			return msgSectorOK.With(sectorNames(a.Sectors))
		}
		return msgSector.With(sectorNames(a.Sectors), productNames(a.Offending))
	case RuleProvince:
		prov, _ := ocop.ProvinceByCode(a.Province)
		if r.Pass {
			return msgProvinceOK.With(prov.Name)
		}
		return msgProvince.With(prov.Name)
	case RuleBooths:
		if r.Pass {
			return msgBoothsOK.With(a.Asked, a.Limit)
		}
		return msgBooths.With(a.Asked, a.Limit)
	}
	return legacyReason{vi: r.Code, en: r.Code}
}

// legacyReason is a reason stored in both languages before rules kept their values.
type legacyReason struct{ vi, en string }

// In says the stored reason in lang (the other language when lang's is missing).
func (l legacyReason) In(lang apperr.Lang) string {
	if lang == apperr.English && l.en != "" || l.vi == "" {
		return l.en
	}
	return l.vi
}

// productNames lists products by name.
type productNames []RuleProduct

// In joins the names; names are the same in every language.
func (p productNames) In(apperr.Lang) string {
	names := make([]string, len(p))
	for i, pr := range p {
		names[i] = pr.Name
	}
	return strings.Join(names, ", ")
}

// withStars lists products with their stars, "Mật ong (2★)".
type withStars []RuleProduct

// In joins the products with their stars.
func (p withStars) In(apperr.Lang) string {
	out := make([]string, len(p))
	for i, pr := range p {
		out[i] = fmt.Sprintf("%s (%d★)", pr.Name, pr.Stars)
	}
	return strings.Join(out, ", ")
}

// expiring lists products with the day their certificates expire, in the reader's language.
type expiring []RuleProduct

// In joins the products with their expiry days.
func (p expiring) In(lang apperr.Lang) string {
	out := make([]string, len(p))
	for i, pr := range p {
		out[i] = msgExpiresOn.With(pr.Name, formatDay(pr.ExpiresOn)).In(lang)
	}
	return strings.Join(out, ", ")
}

// sectorNames lists sectors by their names in the reader's language.
type sectorNames []string

// In joins the sectors' names (a code the reference data does not know is shown as it is).
func (s sectorNames) In(lang apperr.Lang) string {
	out := make([]string, len(s))
	for i, code := range s {
		out[i] = code
		if sec, ok := ocop.SectorByCode(code); ok {
			out[i] = sec.NameVI
			if lang == apperr.English {
				out[i] = sec.NameEN
			}
		}
	}
	return strings.Join(out, ", ")
}

// formatDay shows a YYYY-MM-DD day as dd/mm/yyyy, the way both languages read dates here.
func formatDay(day string) string {
	t, err := time.ParseInLocation(time.DateOnly, day, vntext.Zone)
	if err != nil {
		return day
	}
	return vntext.FormatDate(t)
}

// Blocking returns the field errors of the rules that block, one per offending product (its
// place in the request's product_ids), each with the rule's code; nil when none blocks.
func Blocking(rules []Rule, products []Product) error {
	var v apperr.Validation
	for _, r := range rules {
		if r.Pass || !r.Blocks {
			continue
		}
		for _, off := range r.Args.Offending {
			i := slices.IndexFunc(products, func(p Product) bool { return p.ProductID == off.ProductID })
			v.Fail(fmt.Sprintf("product_ids[%d]", i), msgCertificatesCurrent, productNames{off})
		}
	}
	return v.Err()
}

// Evaluate checks an application against a fair's rules at now, one rule at a time, in the order
// of the rule list: the rule that blocks first.
func Evaluate(f Fair, province string, products []Product, boothCount int, now time.Time) []Rule {
	var expired, lapsing, low, off []RuleProduct
	minStars := max(f.MinStars, 3)
	last := f.LastDay()
	for _, p := range products {
		rp := RuleProduct{ProductID: p.ProductID, Name: p.Name, Stars: p.Stars, ExpiresOn: p.ExpiresOn.In(vntext.Zone).Format(time.DateOnly)}
		if !now.Before(p.ExpiresOn) {
			expired = append(expired, rp)
		} else if !ocop.ValidThrough(p.ExpiresOn, last) {
			lapsing = append(lapsing, rp)
		}
		if p.Stars < minStars {
			low = append(low, rp)
		}
		if len(f.AllowedSectors) > 0 && !slices.Contains(f.AllowedSectors, p.Sector) {
			off = append(off, rp)
		}
	}
	maxBooths := f.MaxBoothsPerProducer
	if maxBooths == 0 {
		maxBooths = 2
	}
	prov, _ := ocop.ProvinceByCode(province)
	return []Rule{
		{Code: RuleCertificatesCurrent, Pass: len(expired) == 0, Blocks: true, Args: RuleArgs{Offending: expired}},
		{Code: RuleCertificates, Pass: len(lapsing) == 0, Args: RuleArgs{LastDay: last.In(vntext.Zone).Format(time.DateOnly), Offending: lapsing}},
		{Code: RuleMinStars, Pass: len(low) == 0, Args: RuleArgs{Stars: minStars, Offending: low}},
		{Code: RuleSector, Pass: len(off) == 0, Args: RuleArgs{Sectors: f.AllowedSectors, Offending: off}},
		{Code: RuleProvince, Pass: allowsProvince(f, prov), Args: RuleArgs{Province: province}},
		{Code: RuleBooths, Pass: boothCount <= maxBooths, Args: RuleArgs{Asked: boothCount, Limit: maxBooths}},
	}
}

// WithProvince returns rules with the province rule judged again for province at fair f, the
// others as they were judged: a producer that moved is judged where it is now.
func WithProvince(rules []Rule, f Fair, province string) []Rule {
	prov, _ := ocop.ProvinceByCode(province)
	out := slices.Clone(rules)
	for i, r := range out {
		if r.Code == RuleProvince {
			out[i].Pass, out[i].Args = allowsProvince(f, prov), RuleArgs{Province: province}
		}
	}
	return out
}

func allowsProvince(f Fair, p ocop.Province) bool {
	if len(f.AllowedProvinces) == 0 && len(f.AllowedRegions) == 0 {
		return true
	}
	if slices.Contains(f.AllowedProvinces, p.Code) {
		return true
	}
	for _, r := range f.AllowedRegions {
		if p.InRegion(r) {
			return true
		}
	}
	return false
}
