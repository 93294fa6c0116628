package ocop

import (
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Sector codes of Decision 148/QĐ-TTg (2023).
const (
	SectorFood       = "food"
	SectorBeverage   = "beverage"
	SectorMedicinal  = "medicinal"
	SectorHandicraft = "handicraft"
	SectorOrnamental = "ornamental"
	SectorTourism    = "tourism"
)

// Sector is one of the six OCOP product sectors.
type Sector struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

var sectors = []Sector{
	{SectorFood, "Thực phẩm", "Food"},
	{SectorBeverage, "Đồ uống", "Beverages"},
	{SectorMedicinal, "Dược liệu và sản phẩm từ dược liệu", "Medicinal herbs and products"},
	{SectorHandicraft, "Hàng thủ công mỹ nghệ", "Handicrafts"},
	{SectorOrnamental, "Sinh vật cảnh", "Ornamental plants and animals"},
	{SectorTourism, "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "Community and eco-tourism services"},
}

// Sectors returns the six sectors.
func Sectors() []Sector { return append([]Sector(nil), sectors...) }

// SectorByCode returns the sector with the given code.
func SectorByCode(code string) (Sector, bool) {
	for _, s := range sectors {
		if s.Code == code {
			return s, true
		}
	}
	return Sector{}, false
}

// CriteriaSet is one of the 26 product criteria sets ("bộ tiêu chí").
type CriteriaSet struct {
	Number   int    `json:"number"`
	Sector   string `json:"sector"`
	Group    string `json:"group"`
	SubGroup string `json:"sub_group,omitempty"`
	// NameVI is the group with its sub-group, as the decision names the set; NameEN says it in
	// English, for readers of the English interface.
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

// set makes criteria set n, named in both languages.
func set(n int, sector, group, subGroup, nameEN string) CriteriaSet {
	vi := group
	if subGroup != "" {
		vi += " — " + subGroup
	}
	return CriteriaSet{Number: n, Sector: sector, Group: group, SubGroup: subGroup, NameVI: vi, NameEN: nameEN}
}

var criteriaSets = []CriteriaSet{
	set(1, SectorFood, "Thực phẩm tươi sống", "Rau, củ, quả, hạt tươi", "Fresh food — fresh vegetables, tubers, fruit and nuts"),
	set(2, SectorFood, "Thực phẩm tươi sống", "Thịt, thủy sản, trứng, sữa tươi", "Fresh food — fresh meat, seafood, eggs and milk"),
	set(3, SectorFood, "Thực phẩm thô, sơ chế", "Gạo, ngũ cốc, hạt sơ chế", "Raw and pre-processed food — rice, cereals, pre-processed nuts"),
	set(4, SectorFood, "Thực phẩm thô, sơ chế", "Mật ong, mật khác, nông sản thực phẩm khác", "Raw and pre-processed food — honey, syrups, other farm food products"),
	set(5, SectorFood, "Thực phẩm chế biến", "Đồ ăn nhanh", "Processed food — fast food"),
	set(6, SectorFood, "Thực phẩm chế biến", "Chế biến từ gạo, ngũ cốc", "Processed food — from rice and cereals"),
	set(7, SectorFood, "Thực phẩm chế biến", "Chế biến từ rau, củ, quả, hạt", "Processed food — from vegetables, tubers, fruit and nuts"),
	set(8, SectorFood, "Thực phẩm chế biến", "Chế biến từ thịt, trứng, sữa, thủy sản, mật ong...", "Processed food — from meat, eggs, milk, seafood, honey…"),
	set(9, SectorFood, "Gia vị", "Tương, nước mắm, gia vị dạng lỏng", "Seasonings — sauces, fish sauce, liquid seasonings"),
	set(10, SectorFood, "Gia vị", "Gia vị khác (muối, hành, tỏi, tiêu...)", "Seasonings — other (salt, shallots, garlic, pepper…)"),
	set(11, SectorFood, "Chè", "Chè tươi, chè chế biến", "Tea — fresh and processed tea"),
	set(12, SectorFood, "Chè", "Trà từ thực vật khác", "Tea — teas from other plants"),
	set(13, SectorFood, "Cà phê, ca cao", "", "Coffee and cocoa"),
	set(14, SectorBeverage, "Đồ uống có cồn", "Rượu trắng", "Alcoholic drinks — white spirits"),
	set(15, SectorBeverage, "Đồ uống có cồn", "Đồ uống có cồn khác", "Alcoholic drinks — other"),
	set(16, SectorBeverage, "Đồ uống không cồn", "Nước khoáng, nước uống đóng chai", "Soft drinks — mineral and bottled water"),
	set(17, SectorBeverage, "Đồ uống không cồn", "Đồ uống không cồn khác", "Soft drinks — other"),
	set(18, SectorMedicinal, "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền", "", "Functional foods, herbal and traditional medicines"),
	set(19, SectorMedicinal, "Mỹ phẩm từ dược liệu", "", "Herbal cosmetics"),
	set(20, SectorMedicinal, "Tinh dầu và dược liệu khác", "", "Essential oils and other herbal products"),
	set(21, SectorHandicraft, "Thủ công mỹ nghệ gia dụng, trang trí", "", "Household and decorative handicrafts"),
	set(22, SectorHandicraft, "Vải, may mặc", "", "Textiles and garments"),
	set(23, SectorOrnamental, "Hoa", "", "Flowers"),
	set(24, SectorOrnamental, "Cây cảnh", "", "Ornamental plants"),
	set(25, SectorOrnamental, "Động vật cảnh", "", "Ornamental animals"),
	set(26, SectorTourism, "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "", "Community tourism, eco-tourism and tourist sites"),
}

// CriteriaSets returns the 26 criteria sets in number order.
func CriteriaSets() []CriteriaSet { return append([]CriteriaSet(nil), criteriaSets...) }

// CriteriaSetByNumber returns criteria set n (1..26).
func CriteriaSetByNumber(n int) (CriteriaSet, bool) {
	if n < 1 || n > len(criteriaSets) {
		return CriteriaSet{}, false
	}
	return criteriaSets[n-1], true
}

// Classification is what an old or free-text product group resolves to: a sector, and a criteria
// set when the text names one unambiguously (0 otherwise).
type Classification struct {
	Sector      string
	CriteriaSet int
}

// groupAliases maps folded 2019 group names (Decision 1048/QĐ-TTg) and common sector names to
// today's classification.
var groupAliases = map[string]Classification{
	"thuc pham":                             {SectorFood, 0},
	"do uong":                               {SectorBeverage, 0},
	"thao duoc":                             {SectorMedicinal, 0},
	"duoc lieu":                             {SectorMedicinal, 0},
	"duoc lieu va san pham tu duoc lieu":    {SectorMedicinal, 0},
	"vai va may mac":                        {SectorHandicraft, 22},
	"vai, may mac":                          {SectorHandicraft, 22},
	"luu niem - noi that - trang tri":       {SectorHandicraft, 21},
	"luu niem – noi that – trang tri":       {SectorHandicraft, 21},
	"luu niem, noi that, trang tri":         {SectorHandicraft, 21},
	"hang thu cong my nghe":                 {SectorHandicraft, 0},
	"thu cong my nghe":                      {SectorHandicraft, 0},
	"sinh vat canh":                         {SectorOrnamental, 0},
	"dich vu du lich nong thon va ban hang": {SectorTourism, 26},
	"dich vu du lich":                       {SectorTourism, 26},
	"du lich cong dong":                     {SectorTourism, 26},
}

// Classify resolves a sector code, a criteria-set number, a current group or sub-group name, or a
// 2019 group name to a classification. It ignores diacritics and case.
func Classify(s string) (Classification, bool) {
	key := vntext.Fold(s)
	if sec, ok := SectorByCode(key); ok {
		return Classification{Sector: sec.Code}, true
	}
	if c, ok := groupAliases[key]; ok {
		return c, true
	}
	for _, sec := range sectors {
		if vntext.Fold(sec.NameVI) == key || vntext.Fold(sec.NameEN) == key {
			return Classification{Sector: sec.Code}, true
		}
	}
	for _, cs := range criteriaSets {
		if cs.SubGroup != "" && vntext.Fold(cs.SubGroup) == key {
			return Classification{Sector: cs.Sector, CriteriaSet: cs.Number}, true
		}
	}
	var found *CriteriaSet
	for i, cs := range criteriaSets {
		if vntext.Fold(cs.Group) == key {
			if found != nil { // a group with several sets names only its sector
				return Classification{Sector: cs.Sector}, true
			}
			found = &criteriaSets[i]
		}
	}
	if found != nil {
		return Classification{Sector: found.Sector, CriteriaSet: found.Number}, true
	}
	return Classification{}, false
}
