package match

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// The reasons of the factors, each with its code, said in the reader's language only when a
// ranking is answered (Localize). Only the producers that make a ranking are explained, so none
// of the functions here runs in the fast pass.
var (
	msgCategoryAny = apperr.M("match.category_any",
		"Bộ tiêu chí %s",
		"criteria set %s")
	msgCategoryExact = apperr.M("match.category_exact",
		"Đúng bộ tiêu chí %s",
		"exact criteria set %s")
	msgCategorySector = apperr.M("match.category_sector",
		"Cùng ngành %s",
		"same sector: %s")
	msgKeywordsNone = apperr.M("match.keywords_none",
		"Không khớp từ khóa",
		"no keyword matches")
	msgKeywords = apperr.M("match.keywords",
		"Khớp từ khóa: %s",
		"matches keywords: %s")
	msgStars5 = apperr.M("match.stars_5",
		"Đạt 5 sao OCOP",
		"OCOP 5 stars")
	msgStarsPotential = apperr.M("match.stars_potential_5",
		"Đạt 4 sao, tiềm năng 5 sao",
		"4 stars, potential 5 stars")
	msgStars4 = apperr.M("match.stars_4",
		"Đạt 4 sao OCOP",
		"OCOP 4 stars")
	msgStars3 = apperr.M("match.stars_3",
		"Đạt 3 sao OCOP",
		"OCOP 3 stars")
	msgCertsHaveAsked = apperr.M("match.certs_have_asked",
		"Có %s, người mua yêu cầu",
		"has %s, which the buyer asks for")
	msgCertsHave = apperr.M("match.certs_have",
		"Có %s, cần cho thị trường %s",
		"has %s, needed for %s")
	msgCertsHaveToo = apperr.M("match.certs_have_too",
		"có %s, cần cho thị trường %s",
		"has %s, needed for %s")
	msgCertsMissingAsked = apperr.M("match.certs_missing_asked",
		"thiếu %s, người mua yêu cầu",
		"lacks %s, which the buyer asks for")
	msgCertsMissing = apperr.M("match.certs_missing",
		"thiếu %s, cần cho thị trường %s",
		"lacks %s, needed for %s")
	msgTrademark = apperr.M("match.trademark",
		"có nhãn hiệu đăng ký",
		"has a registered trademark")
	msgNoTrademark = apperr.M("match.trademark_missing",
		"chưa có nhãn hiệu đăng ký",
		"no registered trademark")
	msgCapacityUnknown = apperr.M("match.capacity_unknown",
		"Chưa rõ công suất theo đơn vị %s",
		"capacity unknown in %s")
	msgCapacity = apperr.M("match.capacity",
		"Công suất %s/tháng %s %s",
		"capacity %s/month %s %s")
	msgPriceNone = apperr.M("match.price_none",
		"Chưa có giá",
		"no price listed")
	msgPriceWithin = apperr.M("match.price_within",
		"Giá từ %s, không vượt mức %s",
		"price from %s, within %s")
	msgPriceOver = apperr.M("match.price_over",
		"Giá từ %s cao hơn mức %s",
		"price from %s above %s")
	msgPriceOtherUnit = apperr.M("match.price_other_unit",
		"Giá từ %s, không quy đổi được sang %s để so với giá tối đa",
		"price from %s, which does not convert to %s to compare with the highest price")
	msgPlaceAsked = apperr.M("match.place_asked",
		"Ở %s như yêu cầu",
		"in %s as asked")
	msgPlaceRegion = apperr.M("match.place_region",
		"Thuộc vùng ưu tiên (%s)",
		"in a preferred region (%s)")
	msgPlaceElsewhere = apperr.M("match.place_elsewhere",
		"Ngoài khu vực ưu tiên (%s)",
		"outside the preferred places (%s)")
	msgExhibits = apperr.M("match.exhibits",
		"Có gian hàng tại hội chợ",
		"exhibits at the fair")
	msgExhibitsAt = apperr.M("match.exhibits_at",
		"Có gian hàng tại hội chợ: %s",
		"exhibits at the fair: %s")
	msgBooth = apperr.M("match.booth",
		"%s",
		"booth %s")
	msgBoothInZone = apperr.M("match.booth_in_zone",
		"%s (%s)",
		"booth %s (zone %s)")
	msgNotExhibiting = apperr.M("match.not_exhibiting",
		"Chưa có gian hàng tại hội chợ này",
		"no booth at this fair yet")
	msgNotExhibitingAt = apperr.M("match.not_exhibiting_at",
		"Chưa có gian hàng tại %s",
		"no booth yet at %s")
)

// pair is a value that has a name of its own in each language (a sector, a market), passed to
// a message as a parameter.
type pair struct{ vi, en string }

// In says p in lang.
func (p pair) In(lang apperr.Lang) string {
	if lang == apperr.English && p.en != "" {
		return p.en
	}
	return p.vi
}

// joined is a list of localized parts said one after another with sep between them.
type joined struct {
	parts []apperr.Localized
	sep   string
}

// In says every part in lang.
func (j joined) In(lang apperr.Lang) string {
	out := make([]string, len(j.parts))
	for i, p := range j.parts {
		out[i] = p.In(lang)
	}
	return strings.Join(out, j.sep)
}

// quantity is an amount as each language writes it: 1,5 and 12.000 in Vietnamese, 1.5 and 12,000
// in English.
type quantity float64

// In writes q in lang.
func (q quantity) In(lang apperr.Lang) string {
	group, point := ",", "."
	if lang != apperr.English {
		group, point = ".", ","
	}
	whole, frac, _ := strings.Cut(strconv.FormatFloat(float64(q), 'f', -1, 64), ".")
	if frac != "" {
		return vntext.Group(whole, group) + point + frac
	}
	return vntext.Group(whole, group)
}

// money is an amount of đồng: 250.000 ₫ in Vietnamese, 250,000 VND in English.
type money int64

// In writes m in lang.
func (m money) In(lang apperr.Lang) string {
	if lang == apperr.English {
		return vntext.Group(strconv.FormatInt(int64(m), 10), ",") + " VND"
	}
	return vntext.FormatVND(int64(m))
}

// unitPrice is a price per unit, by the unit's code, and when converted, what it comes to per
// another unit: 250.000 ₫/kg (250.000.000 ₫/tấn). Without a unit it is the price alone.
type unitPrice struct {
	price     money
	unit      string
	converted money
	to        string
}

// In writes u in lang.
func (u unitPrice) In(lang apperr.Lang) string {
	s := u.price.In(lang)
	if u.unit != "" {
		s += "/" + unitWord(u.unit, 1, lang)
	}
	if u.to != "" {
		s += " (" + u.converted.In(lang) + "/" + unitWord(u.to, 1, lang) + ")"
	}
	return s
}

// amount is a quantity of a unit, by the unit's code: 1.500 lít in Vietnamese, 1,500 litres in
// English (a symbol such as kg stays as it is).
type amount struct {
	q    float64
	unit string
}

// In writes a in lang.
func (a amount) In(lang apperr.Lang) string {
	return quantity(a.q).In(lang) + " " + unitWord(a.unit, a.q, lang)
}

// unitName names a unit, by code, as amounts are counted in: lít; litres, kg.
type unitName string

// In names u in lang.
func (u unitName) In(lang apperr.Lang) string { return unitWord(string(u), 2, lang) }

// unitWord names the unit of code for q of it in lang; an unknown code is itself.
func unitWord(code string, q float64, lang apperr.Lang) string {
	u, ok := ocop.UnitByCode(code)
	switch {
	case !ok:
		return code
	case lang == apperr.English && q == 1:
		return u.NameEN
	case lang == apperr.English:
		return u.NameENPlural
	}
	return u.NameVI
}

// criteriaSet names a criteria set: its number and its group, after a colon or in parentheses.
func criteriaSet(n int, paren bool) pair {
	cs, _ := ocop.CriteriaSetByNumber(n)
	num := strconv.Itoa(n)
	group, _, _ := strings.Cut(cs.NameEN, " — ") // the English name's group, before its sub-group
	if paren {
		return pair{vi: num + " (" + cs.Group + ")", en: num + " (" + group + ")"}
	}
	return pair{vi: num + ": " + cs.Group, en: num + ": " + group}
}

// sectorReason says the product is only in the asked sector.
func sectorReason(pr *index.Product) apperr.Localized {
	sec, _ := ocop.SectorByCode(pr.Sector)
	return msgCategorySector.With(pair{vi: sec.NameVI, en: sec.NameEN})
}

// keywordReason lists the keywords found in the product's folded text (searched folded, named
// as said: "cà phê", not "ca phe").
func keywordReason(keywords, said []string, fold string) apperr.Localized {
	var found []string
	for i, k := range keywords {
		if strings.Contains(fold, k) {
			found = append(found, said[i])
		}
	}
	if len(found) == 0 {
		return msgKeywordsNone.With()
	}
	return msgKeywords.With(strings.Join(found, ", "))
}

// certReason says which of the needed certifications the producer has and lacks, and why each
// is needed: the buyer asks for it, or the buyer's market expects it.
func certReason(p *prepared, prod *index.Producer, now time.Time) apperr.Localized {
	var have, missing [2][]string // [0]: the buyer asks for it; [1]: only the market expects it
	for _, c := range p.certs {
		by := 1
		if slices.Contains(p.RequiredCerts, c) {
			by = 0
		}
		if until, ok := prod.Certs[c]; ok && !until.Before(now) {
			have[by] = append(have[by], certName(c))
		} else {
			missing[by] = append(missing[by], certName(c))
		}
	}
	market := pair{vi: p.market.NameVI, en: p.market.NameEN}
	parts := joined{sep: "; "}
	if len(have[0]) > 0 {
		parts.parts = append(parts.parts, msgCertsHaveAsked.With(strings.Join(have[0], ", ")))
	}
	if len(have[1]) > 0 {
		had := msgCertsHave
		if len(have[0]) > 0 {
			had = msgCertsHaveToo
		}
		parts.parts = append(parts.parts, had.With(strings.Join(have[1], ", "), market))
	}
	if len(missing[0]) > 0 {
		parts.parts = append(parts.parts, msgCertsMissingAsked.With(strings.Join(missing[0], ", ")))
	}
	if len(missing[1]) > 0 {
		parts.parts = append(parts.parts, msgCertsMissing.With(strings.Join(missing[1], ", "), market))
	}
	if p.market.Trademark {
		if prod.Trademark {
			parts.parts = append(parts.parts, msgTrademark)
		} else {
			parts.parts = append(parts.parts, msgNoTrademark)
		}
	}
	return parts
}

// capacityReason compares the product's monthly capacity with the asked volume; rel is ≥ or <.
func capacityReason(p *prepared, pr *index.Product, rel string) apperr.Localized {
	return msgCapacity.With(amount{pr.Capacity, pr.Unit}, rel, amount{p.Volume, p.Unit})
}

// placeReason names the producer's province and how it meets the place preference, by the
// score the need gave it (1 asked province, 0.8 preferred region, 0 elsewhere).
func placeReason(score float64, province string) apperr.Localized {
	prov, _ := ocop.ProvinceByCode(province)
	switch score {
	case 1:
		return msgPlaceAsked.With(prov.Name)
	case 0.8:
		return msgPlaceRegion.With(prov.Name)
	default:
		return msgPlaceElsewhere.With(prov.Name)
	}
}

// notExhibitingReason says the producer has no booth at the fair named fair ("" when the fair's
// name is not known here: the fair is then "this fair").
func notExhibitingReason(fair string) apperr.Localized {
	if fair == "" {
		return msgNotExhibiting
	}
	return msgNotExhibitingAt.With(fair)
}

// boothReason says where at the fair the producer exhibits: each booth's code and zone.
func boothReason(booths []index.Booth) apperr.Localized {
	if len(booths) == 0 {
		return msgExhibits
	}
	list := joined{sep: ", "}
	for _, b := range booths {
		if b.Zone != "" {
			list.parts = append(list.parts, msgBoothInZone.With(b.Code, b.Zone))
		} else {
			list.parts = append(list.parts, msgBooth.With(b.Code))
		}
	}
	return msgExhibitsAt.With(list)
}

func certName(code string) string {
	if c, ok := ocop.CertificationByCode(code); ok {
		return c.Name
	}
	return code
}
