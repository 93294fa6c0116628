package ocop

import (
	"strings"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Region is a socio-economic region, or one of Hà Nội's promotion groupings.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	// Promotion is true for Hà Nội's four promotion groupings, false for the six regions.
	Promotion bool `json:"promotion"`
}

// Codes of the six socio-economic regions.
const (
	RegionNorthernMidlands = "northern_midlands_mountains"
	RegionRedRiverDelta    = "red_river_delta"
	RegionCentralCoast     = "north_central_coast"
	RegionCentralHighlands = "central_highlands"
	RegionSoutheast        = "southeast"
	RegionMekongDelta      = "mekong_delta"
)

// Codes of Hà Nội's four promotion groupings.
const (
	PromoNorthernMountains = "promo_northern_mountains"
	PromoRedRiverDelta     = "promo_red_river_delta"
	PromoCentralHighlands  = "promo_central_highlands"
	PromoSouth             = "promo_south"
)

var regions = []Region{
	{RegionNorthernMidlands, "Trung du và miền núi phía Bắc", "Northern Midlands and Mountains", false},
	{RegionRedRiverDelta, "Đồng bằng sông Hồng", "Red River Delta", false},
	{RegionCentralCoast, "Bắc Trung Bộ và Duyên hải miền Trung", "North Central and Central Coast", false},
	{RegionCentralHighlands, "Tây Nguyên", "Central Highlands", false},
	{RegionSoutheast, "Đông Nam Bộ", "Southeast", false},
	{RegionMekongDelta, "Đồng bằng sông Cửu Long", "Mekong River Delta", false},
	{PromoNorthernMountains, "Miền núi phía Bắc", "Northern Mountains", true},
	{PromoRedRiverDelta, "Đồng bằng sông Hồng", "Red River Delta", true},
	{PromoCentralHighlands, "Miền Trung – Tây Nguyên", "Central Vietnam and Central Highlands", true},
	{PromoSouth, "Nam Bộ", "Southern Vietnam", true},
}

// promotionOf maps a socio-economic region to Hà Nội's promotion grouping.
var promotionOf = map[string]string{
	RegionNorthernMidlands: PromoNorthernMountains,
	RegionRedRiverDelta:    PromoRedRiverDelta,
	RegionCentralCoast:     PromoCentralHighlands,
	RegionCentralHighlands: PromoCentralHighlands,
	RegionSoutheast:        PromoSouth,
	RegionMekongDelta:      PromoSouth,
}

// Regions returns the six socio-economic regions followed by the four promotion groupings.
func Regions() []Region { return append([]Region(nil), regions...) }

// RegionByCode returns the region with the given code.
func RegionByCode(code string) (Region, bool) {
	for _, r := range regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}

// Province is one of the 34 provinces and centrally-run cities in force since 1 July 2025.
type Province struct {
	// Code is the administrative code; a few are disputed between sources, so it is data.
	Code string `json:"code"`
	Name string `json:"name"`
	// Region is the socio-economic region code; Promotion is Hà Nội's promotion grouping.
	Region    string `json:"region"`
	Promotion string `json:"promotion_group"`
}

// InRegion reports whether the province belongs to the region or promotion grouping code.
func (p Province) InRegion(code string) bool { return p.Region == code || p.Promotion == code }

var provinces = func() []Province {
	rows := []struct{ code, name, region string }{
		{"01", "Hà Nội", RegionRedRiverDelta},
		{"04", "Cao Bằng", RegionNorthernMidlands},
		{"08", "Tuyên Quang", RegionNorthernMidlands},
		{"11", "Điện Biên", RegionNorthernMidlands},
		{"12", "Lai Châu", RegionNorthernMidlands},
		{"14", "Sơn La", RegionNorthernMidlands},
		{"15", "Lào Cai", RegionNorthernMidlands},
		{"19", "Thái Nguyên", RegionNorthernMidlands},
		{"20", "Lạng Sơn", RegionNorthernMidlands},
		{"22", "Quảng Ninh", RegionRedRiverDelta},
		{"24", "Bắc Ninh", RegionRedRiverDelta},
		{"25", "Phú Thọ", RegionNorthernMidlands},
		{"31", "Hải Phòng", RegionRedRiverDelta},
		{"33", "Hưng Yên", RegionRedRiverDelta},
		{"37", "Ninh Bình", RegionRedRiverDelta},
		{"38", "Thanh Hóa", RegionCentralCoast},
		{"40", "Nghệ An", RegionCentralCoast},
		{"42", "Hà Tĩnh", RegionCentralCoast},
		{"44", "Quảng Trị", RegionCentralCoast},
		{"46", "Huế", RegionCentralCoast},
		{"48", "Đà Nẵng", RegionCentralCoast},
		{"51", "Quảng Ngãi", RegionCentralCoast},
		{"52", "Gia Lai", RegionCentralHighlands},
		{"56", "Khánh Hòa", RegionCentralCoast},
		{"66", "Đắk Lắk", RegionCentralHighlands},
		{"68", "Lâm Đồng", RegionCentralHighlands},
		{"75", "Đồng Nai", RegionSoutheast},
		{"79", "TP. Hồ Chí Minh", RegionSoutheast},
		{"80", "Tây Ninh", RegionSoutheast},
		{"82", "Đồng Tháp", RegionMekongDelta},
		{"86", "Vĩnh Long", RegionMekongDelta},
		{"91", "An Giang", RegionMekongDelta},
		{"92", "Cần Thơ", RegionMekongDelta},
		{"96", "Cà Mau", RegionMekongDelta},
	}
	out := make([]Province, len(rows))
	for i, r := range rows {
		out[i] = Province{Code: r.code, Name: r.name, Region: r.region, Promotion: promotionOf[r.region]}
	}
	return out
}()

// provinceAliases maps the folded old or informal name to the code of the province it is part of
// today (Resolution 202/2025/QH15 merged 63 units into 34).
var provinceAliases = map[string]string{
	"ha giang": "08", "yen bai": "15", "bac kan": "19", "bac can": "19",
	"vinh phuc": "25", "hoa binh": "25", "bac giang": "24", "thai binh": "33",
	"hai duong": "31", "ha nam": "37", "nam dinh": "37", "quang binh": "44",
	"thua thien hue": "46", "thua thien - hue": "46", "quang nam": "48", "kon tum": "51",
	"binh dinh": "52", "ninh thuan": "56", "dak nong": "68", "binh thuan": "68",
	"phu yen": "66", "binh duong": "79", "ba ria - vung tau": "79", "ba ria vung tau": "79",
	"ba ria-vung tau": "79", "vung tau": "79", "binh phuoc": "75", "long an": "80",
	"soc trang": "92", "hau giang": "92", "ben tre": "86", "tra vinh": "86",
	"tien giang": "82", "bac lieu": "96", "kien giang": "91",
	"ho chi minh": "79", "thanh pho ho chi minh": "79", "hcm": "79", "tphcm": "79",
	"tp hcm": "79", "sai gon": "79", "dak lak": "66", "daklak": "66", "ha noi": "01", "ha tay": "01",
}

var provinceByFold = func() map[string]string {
	m := make(map[string]string, len(provinces)+len(provinceAliases))
	for _, p := range provinces {
		m[vntext.Fold(p.Name)] = p.Code
		m[p.Code] = p.Code
	}
	for k, v := range provinceAliases {
		m[k] = v
	}
	return m
}()

// Provinces returns the 34 provinces in code order.
func Provinces() []Province { return append([]Province(nil), provinces...) }

// ProvinceByCode returns the province with the given code.
func ProvinceByCode(code string) (Province, bool) {
	for _, p := range provinces {
		if p.Code == code {
			return p, true
		}
	}
	return Province{}, false
}

// LookupProvince finds a province by code, current name or old name, ignoring diacritics, case
// and prefixes such as "tỉnh" or "TP.". "Hà Giang" finds Tuyên Quang; "Khánh Hoà" finds Khánh Hòa.
func LookupProvince(s string) (Province, bool) {
	key := vntext.Fold(s)
	key = strings.NewReplacer(".", " ", "–", "-", "—", "-").Replace(key)
	key = strings.Join(strings.Fields(key), " ")
	for _, prefix := range []string{"tinh ", "thanh pho ", "tp "} {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			if _, known := provinceByFold[rest]; known {
				key = rest
				break
			}
		}
	}
	code, ok := provinceByFold[key]
	if !ok {
		return Province{}, false
	}
	return ProvinceByCode(code)
}
