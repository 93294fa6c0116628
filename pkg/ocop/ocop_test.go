package ocop

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func TestProvincesTable(t *testing.T) {
	ps := Provinces()
	if len(ps) != 34 {
		t.Fatalf("len(Provinces()) = %d, want 34", len(ps))
	}
	seen := map[string]bool{}
	perRegion := map[string]int{}
	for _, p := range ps {
		if seen[p.Code] {
			t.Errorf("duplicate province code %s", p.Code)
		}
		seen[p.Code] = true
		if _, ok := RegionByCode(p.Region); !ok {
			t.Errorf("province %s has unknown region %q", p.Name, p.Region)
		}
		if r, ok := RegionByCode(p.Promotion); !ok || !r.Promotion {
			t.Errorf("province %s has unknown promotion group %q", p.Name, p.Promotion)
		}
		perRegion[p.Region]++
	}
	want := map[string]int{RegionNorthernMidlands: 9, RegionRedRiverDelta: 6, RegionCentralCoast: 8,
		RegionCentralHighlands: 3, RegionSoutheast: 3, RegionMekongDelta: 5}
	for r, n := range want {
		if perRegion[r] != n {
			t.Errorf("region %s has %d provinces, want %d", r, perRegion[r], n)
		}
	}
}

func TestLookupProvince(t *testing.T) {
	tests := []struct{ in, wantName string }{
		{"Hà Nội", "Hà Nội"},
		{"ha noi", "Hà Nội"},
		{"01", "Hà Nội"},
		{"Khánh Hoà", "Khánh Hòa"},
		{"Tỉnh Khánh Hòa", "Khánh Hòa"},
		{"Hà Giang", "Tuyên Quang"},
		{"Bắc Giang", "Bắc Ninh"},
		{"Quảng Nam", "Đà Nẵng"},
		{"Bình Dương", "TP. Hồ Chí Minh"},
		{"TP. HCM", "TP. Hồ Chí Minh"},
		{"Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"},
		{"Kiên Giang", "An Giang"},
		{"Thừa Thiên Huế", "Huế"},
		{"Bà Rịa – Vũng Tàu", "TP. Hồ Chí Minh"},
		{"Đắk Nông", "Lâm Đồng"},
		{"Sóc Trăng", "Cần Thơ"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, ok := LookupProvince(tt.in)
			if !ok || p.Name != tt.wantName {
				t.Errorf("LookupProvince(%q) = %q, %v, want %q", tt.in, p.Name, ok, tt.wantName)
			}
		})
	}
	for _, bad := range []string{"", "Atlantis", "99", "tỉnh"} {
		if p, ok := LookupProvince(bad); ok {
			t.Errorf("LookupProvince(%q) = %q, want not found", bad, p.Name)
		}
	}
}

func TestCriteriaSets(t *testing.T) {
	sets := CriteriaSets()
	if len(sets) != 26 {
		t.Fatalf("len(CriteriaSets()) = %d, want 26", len(sets))
	}
	for i, cs := range sets {
		if cs.Number != i+1 {
			t.Errorf("set at %d has number %d", i, cs.Number)
		}
		if _, ok := SectorByCode(cs.Sector); !ok {
			t.Errorf("set %d has unknown sector %q", cs.Number, cs.Sector)
		}
	}
	if _, ok := CriteriaSetByNumber(0); ok {
		t.Error("CriteriaSetByNumber(0) found a set")
	}
	if cs, _ := CriteriaSetByNumber(9); cs.Group != "Gia vị" {
		t.Errorf("set 9 group = %q, want Gia vị", cs.Group)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want Classification
	}{
		{"Thảo dược", Classification{SectorMedicinal, 0}},
		{"Vải và may mặc", Classification{SectorHandicraft, 22}},
		{"Lưu niệm – nội thất – trang trí", Classification{SectorHandicraft, 21}},
		{"Đồ uống", Classification{SectorBeverage, 0}},
		{"food", Classification{SectorFood, 0}},
		{"Tương, nước mắm, gia vị dạng lỏng", Classification{SectorFood, 9}},
		{"Cà phê, ca cao", Classification{SectorFood, 13}},
		{"Chè", Classification{SectorFood, 0}},
		{"Hoa", Classification{SectorOrnamental, 23}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Classify(tt.in)
			if !ok || got != tt.want {
				t.Errorf("Classify(%q) = %+v, %v, want %+v", tt.in, got, ok, tt.want)
			}
		})
	}
	if _, ok := Classify("xe máy"); ok {
		t.Error(`Classify("xe máy") succeeded`)
	}
}

func TestRating(t *testing.T) {
	tests := []struct {
		name     string
		r        Rating
		valid    bool
		priority int
	}{
		{"five", Rating{Stars: 5}, true, 4},
		{"potential five", Rating{Stars: 4, PotentialFive: true}, true, 3},
		{"four", Rating{Stars: 4}, true, 2},
		{"three", Rating{Stars: 3}, true, 1},
		{"two is not certified", Rating{Stars: 2}, false, 0},
		{"potential on a three", Rating{Stars: 3, PotentialFive: true}, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			if (err == nil) != tt.valid {
				t.Errorf("%+v.Validate() = %v, want valid %v", tt.r, err, tt.valid)
			}
			if err != nil && !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%+v.Validate() kind = %v, want invalid", tt.r, apperr.KindOf(err))
			}
			if got := tt.r.Priority(); got != tt.priority {
				t.Errorf("%+v.Priority() = %d, want %d", tt.r, got, tt.priority)
			}
		})
	}
	for score, want := range map[float64]int{95: 5, 90: 5, 89.9: 4, 70: 4, 69: 3, 50: 3, 49: 2, 30: 2, 10: 1} {
		if got := StarsFromScore(score); got != want {
			t.Errorf("StarsFromScore(%v) = %d, want %d", score, got, want)
		}
	}
}

func TestCertificateStatus(t *testing.T) {
	issued := time.Date(2024, 3, 15, 0, 0, 0, 0, vntext.Zone)
	expires := DefaultExpiry(issued)
	if want := time.Date(2027, 3, 15, 0, 0, 0, 0, vntext.Zone); !expires.Equal(want) {
		t.Fatalf("DefaultExpiry(%v) = %v, want %v", issued, expires, want)
	}
	tests := []struct {
		name string
		now  time.Time
		want CertificateStatus
	}{
		{"fresh", issued.AddDate(0, 1, 0), CertificateValid},
		{"91 days left", expires.AddDate(0, 0, -91), CertificateValid},
		{"89 days left", expires.AddDate(0, 0, -89), CertificateExpiring},
		{"last moment", expires.Add(-time.Second), CertificateExpiring},
		{"expiry day", expires, CertificateExpired},
		{"long gone", expires.AddDate(1, 0, 0), CertificateExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusAt(expires, tt.now); got != tt.want {
				t.Errorf("StatusAt(%v, %v) = %s, want %s", expires, tt.now, got, tt.want)
			}
		})
	}
	if !ValidThrough(expires, expires.AddDate(0, 0, -1)) {
		t.Error("certificate not valid through the day before expiry")
	}
	if ValidThrough(expires, expires) {
		t.Error("certificate valid through its expiry day")
	}
}

func TestValidGTIN13(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"8934563138165", true},
		{"8935049500506", true},
		{"4006381333931", true},
		{"8934563138166", false},
		{"893456313816", false},
		{"89345631381650", false},
		{"893456313816X", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidGTIN13(tt.in); got != tt.want {
			t.Errorf("ValidGTIN13(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidTaxCode(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0101234567", true},
		{"0101234567-001", true},
		{"0101234567-999", true},
		{"0101234567-000", false},
		{"010123456", false},
		{"0101234567-01", false},
		{"0101234567-0011", false},
		{"01012345a7", false},
		{"0101234567-", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidTaxCode(tt.in); got != tt.want {
			t.Errorf("ValidTaxCode(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A branch's 13 digits typed without the hyphen (a number pad has none) are written with it;
// the spaces and dots people group the digits with go; anything else is left for ValidTaxCode
// to judge.
func TestNormalizeTaxCode(t *testing.T) {
	for in, want := range map[string]string{
		"0101234567001":    "0101234567-001",
		" 0101234567-001 ": "0101234567-001",
		"0101 234 567":     "0101234567",
		"0101.234.567-001": "0101234567-001",
		"0101 234 567 001": "0101234567-001",
		"0101234567":       "0101234567",
		"01012345670011":   "01012345670011",
		"010123456700a":    "010123456700a",
	} {
		if got := NormalizeTaxCode(in); got != want || ValidTaxCode(got) != (want != "01012345670011" && want != "010123456700a") {
			t.Errorf("NormalizeTaxCode(%q) = %q (valid %v), want %q", in, got, ValidTaxCode(got), want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0912345678", "0912345678", true},
		{"091 234 5678", "0912345678", true},
		{"0912.345.678", "0912345678", true},
		{"+84 912 345 678", "0912345678", true},
		{"84912345678", "0912345678", true},
		{"(024) 3825 1234", "02438251234", true},
		{"0312345678", "0312345678", true},
		{"0112345678", "", false},
		{"091234567", "", false},
		{"+1 202 555 0100", "", false},
		{"0912abc678", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizePhone(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		amount   float64
		from, to string
		want     float64
		ok       bool
	}{
		{2, "tonne", "kg", 2000, true},
		{1500, "kg", "tonne", 1.5, true},
		{500, "ml", "litre", 0.5, true},
		{10, "bottle", "bottle", 10, true},
		{10, "bottle", "box", 0, false},
		{1, "kg", "litre", 0, false},
		{1, "kg", "furlong", 0, false},
	}
	for _, tt := range tests {
		got, ok := Convert(tt.amount, tt.from, tt.to)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Convert(%v, %s, %s) = %v, %v, want %v, %v", tt.amount, tt.from, tt.to, got, ok, tt.want, tt.ok)
		}
	}
}

// Export markets are countries by their ISO code, or the EU; codes of no country are refused.
func TestMarketCode(t *testing.T) {
	for in, want := range map[string]bool{"JP": true, " us ": true, "EU": true, "GB": true, "UK": true, "vn": true,
		"XX": false, "ZZ": false, "QM": false, "USA": false, "J1": false, "": false, "SU": false, "YU": false, "AN": false} {
		if _, ok := MarketCode(in); ok != want {
			t.Errorf("MarketCode(%q) ok = %v, want %v", in, ok, want)
		}
	}
	// One market, one code: a code the standard replaced is given as its successor.
	for in, want := range map[string]string{" kr": "KR", "uk": "GB", "GB": "GB", "DD": "DE", "BU": "MM", "EU": "EU"} {
		if code, ok := MarketCode(in); code != want || !ok {
			t.Errorf("MarketCode(%q) = %q, %v; want %s", in, code, ok, want)
		}
	}
}

// TestUnitsNamedForMany: symbols (kg, g, ml) stay as they are; every other unit has an English
// plural of its own, which the match reasons and the console say for any quantity but one.
func TestUnitsNamedForMany(t *testing.T) {
	for _, u := range Units() {
		symbol := u.NameEN == u.Code && len(u.Code) <= 2
		if u.NameENPlural == "" || (u.NameENPlural == u.NameEN) != symbol {
			t.Errorf("unit %s: %q for one, %q for many", u.Code, u.NameEN, u.NameENPlural)
		}
	}
}

// TestCriteriaSetsNamedInBothLanguages: every set has a Vietnamese name made of its group and
// sub-group, and an English name with no Vietnamese in it, for readers of either interface.
func TestCriteriaSetsNamedInBothLanguages(t *testing.T) {
	for _, c := range CriteriaSets() {
		if !strings.HasPrefix(c.NameVI, c.Group) || (c.SubGroup != "" && !strings.HasSuffix(c.NameVI, c.SubGroup)) {
			t.Errorf("set %d: name_vi %q is not its group and sub-group", c.Number, c.NameVI)
		}
		if problems := msgcheck.NotEnglish(c.NameEN); c.NameEN == "" || len(problems) > 0 {
			t.Errorf("set %d: name_en %q: %v", c.Number, c.NameEN, problems)
		}
	}
}

// Contact emails need one address with a domain that has a dot.
func TestValidEmail(t *testing.T) {
	for _, e := range []string{"huong@example.vn", "mua.hang@sieuthi-xanh.com.vn", "a+b@x.io"} {
		if !ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = false", e)
		}
	}
	for _, e := range []string{"", "thuha@sieuthixanh", "thuha@", "@example.vn", "Hà <ha@example.vn>", "a b@example.vn", "ha@example.vn.", "ha@.vn", "a@b@c.vn", "ha@[127.0.0.1]", `"ha"@example.vn`} {
		if ValidEmail(e) {
			t.Errorf("ValidEmail(%q) = true", e)
		}
	}
}
