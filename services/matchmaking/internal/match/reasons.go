package match

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
)

// The functions here write a factor's reasons in Vietnamese and English. Only the producers
// that make a ranking are explained, so none of them runs in the fast pass.

// anyCategoryReasons names the product's criteria set when the need asks for no category.
func anyCategoryReasons(pr *index.Product) (string, string) {
	cs, _ := ocop.CriteriaSetByNumber(pr.CriteriaSet)
	return "Bộ tiêu chí " + strconv.Itoa(pr.CriteriaSet) + ": " + cs.Group, "criteria set " + strconv.Itoa(pr.CriteriaSet)
}

// exactCategoryReasons says the product is in one of the asked criteria sets.
func exactCategoryReasons(pr *index.Product) (string, string) {
	cs, _ := ocop.CriteriaSetByNumber(pr.CriteriaSet)
	return "Đúng bộ tiêu chí " + strconv.Itoa(pr.CriteriaSet) + " (" + cs.Group + ")", "exact criteria set " + strconv.Itoa(pr.CriteriaSet)
}

// sectorReasons says the product is only in the asked sector.
func sectorReasons(pr *index.Product) (string, string) {
	sec, _ := ocop.SectorByCode(pr.Sector)
	return "Cùng ngành " + sec.NameVI, "same sector: " + sec.NameEN
}

// keywordReasons lists the folded keywords found in the product's folded text.
func keywordReasons(keywords []string, fold string) (string, string) {
	var found []string
	for _, k := range keywords {
		if strings.Contains(fold, k) {
			found = append(found, k)
		}
	}
	if len(found) == 0 {
		return "Không khớp từ khóa", "no keyword matches"
	}
	return "Khớp từ khóa: " + strings.Join(found, ", "), "matches keywords: " + strings.Join(found, ", ")
}

// certReasons says which of the needed certifications the producer has and lacks.
func certReasons(p *prepared, prod *index.Producer, now time.Time) (string, string) {
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

// capacityReasons compares the product's monthly capacity with the asked volume; rel is ≥ or <.
func capacityReasons(p *prepared, pr *index.Product, rel string) (string, string) {
	return fmt.Sprintf("Công suất %s %s/tháng %s %s %s", num(pr.Capacity), unitVI(pr.Unit), rel, num(p.Volume), unitVI(p.Unit)),
		fmt.Sprintf("capacity %s %s/month %s %s %s", numEN(pr.Capacity), pr.Unit, rel, numEN(p.Volume), p.Unit)
}

// withinBudgetReasons gives the product's lowest price, which the budget covers.
func withinBudgetReasons(pr *index.Product) (string, string) {
	return "Giá từ " + vntext.FormatVND(pr.PriceMin) + " trong ngân sách", "price from " + strconv.FormatInt(pr.PriceMin, 10) + " VND within budget"
}

// overBudgetReasons gives the product's lowest price and the budget it exceeds.
func overBudgetReasons(p *prepared, pr *index.Product) (string, string) {
	return "Giá từ " + vntext.FormatVND(pr.PriceMin) + " cao hơn mức " + vntext.FormatVND(p.MaxPrice),
		"price from " + strconv.FormatInt(pr.PriceMin, 10) + " VND above " + strconv.FormatInt(p.MaxPrice, 10)
}

// placeReasons names the producer's province and how it meets the place preference, by the
// score the need gave it (1 asked province, 0.8 preferred region, 0 elsewhere).
func placeReasons(score float64, province string) (string, string) {
	prov, _ := ocop.ProvinceByCode(province)
	switch score {
	case 1:
		return "Ở " + prov.Name + " như yêu cầu", "in " + prov.Name + " as asked"
	case 0.8:
		return "Thuộc vùng ưu tiên (" + prov.Name + ")", "in a preferred region (" + prov.Name + ")"
	default:
		return "Ngoài khu vực ưu tiên (" + prov.Name + ")", "outside the preferred places (" + prov.Name + ")"
	}
}

// boothReasons says where at the fair the producer exhibits: each booth's code and zone.
func boothReasons(booths []index.Booth) (string, string) {
	vi, en := make([]string, len(booths)), make([]string, len(booths))
	for i, b := range booths {
		vi[i], en[i] = "gian "+b.Code, "booth "+b.Code
		if b.Zone != "" {
			vi[i] += " (" + b.Zone + ")"
			en[i] += " (zone " + b.Zone + ")"
		}
	}
	if len(booths) == 0 {
		return "Có gian hàng tại hội chợ", "exhibits at the fair"
	}
	return "Có gian hàng tại hội chợ: " + strings.Join(vi, ", "), "exhibits at the fair: " + strings.Join(en, ", ")
}

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
