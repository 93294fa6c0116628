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
}

var criteriaSets = []CriteriaSet{
	{1, SectorFood, "Thực phẩm tươi sống", "Rau, củ, quả, hạt tươi"},
	{2, SectorFood, "Thực phẩm tươi sống", "Thịt, thủy sản, trứng, sữa tươi"},
	{3, SectorFood, "Thực phẩm thô, sơ chế", "Gạo, ngũ cốc, hạt sơ chế"},
	{4, SectorFood, "Thực phẩm thô, sơ chế", "Mật ong, mật khác, nông sản thực phẩm khác"},
	{5, SectorFood, "Thực phẩm chế biến", "Đồ ăn nhanh"},
	{6, SectorFood, "Thực phẩm chế biến", "Chế biến từ gạo, ngũ cốc"},
	{7, SectorFood, "Thực phẩm chế biến", "Chế biến từ rau, củ, quả, hạt"},
	{8, SectorFood, "Thực phẩm chế biến", "Chế biến từ thịt, trứng, sữa, thủy sản, mật ong..."},
	{9, SectorFood, "Gia vị", "Tương, nước mắm, gia vị dạng lỏng"},
	{10, SectorFood, "Gia vị", "Gia vị khác (muối, hành, tỏi, tiêu...)"},
	{11, SectorFood, "Chè", "Chè tươi, chè chế biến"},
	{12, SectorFood, "Chè", "Trà từ thực vật khác"},
	{13, SectorFood, "Cà phê, ca cao", ""},
	{14, SectorBeverage, "Đồ uống có cồn", "Rượu trắng"},
	{15, SectorBeverage, "Đồ uống có cồn", "Đồ uống có cồn khác"},
	{16, SectorBeverage, "Đồ uống không cồn", "Nước khoáng, nước uống đóng chai"},
	{17, SectorBeverage, "Đồ uống không cồn", "Đồ uống không cồn khác"},
	{18, SectorMedicinal, "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền", ""},
	{19, SectorMedicinal, "Mỹ phẩm từ dược liệu", ""},
	{20, SectorMedicinal, "Tinh dầu và dược liệu khác", ""},
	{21, SectorHandicraft, "Thủ công mỹ nghệ gia dụng, trang trí", ""},
	{22, SectorHandicraft, "Vải, may mặc", ""},
	{23, SectorOrnamental, "Hoa", ""},
	{24, SectorOrnamental, "Cây cảnh", ""},
	{25, SectorOrnamental, "Động vật cảnh", ""},
	{26, SectorTourism, "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", ""},
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
