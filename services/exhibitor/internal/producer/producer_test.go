package producer

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func ptr[T any](v T) *T { return &v }

func validFields() Fields {
	return Fields{
		Kind: ptr(KindCooperative), LegalName: ptr("  Hợp tác xã Chè Tân Cương "), TaxCode: ptr("4600123456"),
		Province: ptr("Thái Nguyên"), Commune: ptr("Xã Tân Cương"), Phone: ptr("+84 912 345 678"),
		Email: ptr("HTX@TanCuong.vn"), Certifications: &[]Certification{{Code: "vietgap", Number: "VG-123", ValidUntil: time.Date(2027, 5, 1, 0, 0, 0, 0, vntext.Zone)}},
		ExportMarkets: &[]string{"jp", "JP", "eu"},
	}
}

func TestNewValid(t *testing.T) {
	now := time.Now()
	p, err := New("p1", "acc1", validFields(), now)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if p.LegalName != "Hợp tác xã Chè Tân Cương" || p.Phone != "0912345678" || p.Email != "htx@tancuong.vn" || p.Province.Code != "19" || p.Revision != 1 {
		t.Errorf("New = %+v", p)
	}
	if len(p.ExportMarkets) != 2 || p.ExportMarkets[0] != "JP" || p.ExportMarkets[1] != "EU" {
		t.Errorf("export markets = %v, want [JP EU]", p.ExportMarkets)
	}
	if !p.Certified("vietgap", time.Date(2027, 5, 1, 12, 0, 0, 0, vntext.Zone)) || p.Certified("vietgap", time.Date(2027, 5, 2, 0, 0, 0, 0, vntext.Zone)) {
		t.Error("Certified is wrong around valid_until")
	}
}

func TestNewOldProvinceNameStoredAsNew(t *testing.T) {
	f := validFields()
	f.Province = ptr("Hà Giang")
	p, err := New("p1", "acc1", f, time.Now())
	if err != nil || p.Province.Name != "Tuyên Quang" {
		t.Errorf("province = %q, %v, want Tuyên Quang", p.Province.Name, err)
	}
}

// A branch's tax code typed as 13 digits on a number pad is stored with its hyphen.
func TestNewBranchTaxCodeWithoutHyphen(t *testing.T) {
	f := validFields()
	code := "0101234567001"
	f.TaxCode = &code
	p, err := New("p1", "acc1", f, time.Now())
	if err != nil || p.TaxCode != "0101234567-001" {
		t.Errorf("New with tax code %s: %q, %v; want 0101234567-001", code, p.TaxCode, err)
	}
}

func TestNewInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Fields)
		field  string
	}{
		{"missing kind", func(f *Fields) { f.Kind = nil }, "kind"},
		{"bad kind", func(f *Fields) { f.Kind = ptr("company") }, "kind"},
		{"short tax code", func(f *Fields) { f.TaxCode = ptr("46001234") }, "tax_code"},
		{"bad branch", func(f *Fields) { f.TaxCode = ptr("4600123456-1") }, "tax_code"},
		{"unknown province", func(f *Fields) { f.Province = ptr("Gotham") }, "province"},
		{"bad phone", func(f *Fields) { f.Phone = ptr("12345") }, "phone"},
		{"bad email", func(f *Fields) { f.Email = ptr("not mail") }, "email"},
		{"no commune", func(f *Fields) { f.Commune = ptr("  ") }, "commune"},
		{"unknown certification", func(f *Fields) {
			f.Certifications = &[]Certification{{Code: "iso_14000", Number: "1", ValidUntil: time.Now()}}
		}, "certifications[0].code"},
		{"certification without number", func(f *Fields) {
			f.Certifications = &[]Certification{{Code: "haccp", ValidUntil: time.Now()}}
		}, "certifications[0].number"},
		{"bad market", func(f *Fields) { f.ExportMarkets = &[]string{"Japan"} }, "export_markets[0]"},
		{"a code of no country", func(f *Fields) { f.ExportMarkets = &[]string{"JP", "XX"} }, "export_markets[1]"},
		{"too many markets", func(f *Fields) {
			f.ExportMarkets = &[]string{"JP", "KR", "CN", "US", "AU", "EU", "GB", "FR", "DE", "IT", "ES", "NL", "BE",
				"SE", "NO", "DK", "FI", "PL", "CZ", "AT", "CH", "IE", "PT", "GR", "HU", "RO", "BG", "HR", "SI", "SK", "LT", "LV", "EE", "LU", "MT", "CY",
				"CA", "MX", "BR", "AR", "CL", "PE", "CO", "ZA", "EG", "MA", "NG", "KE", "AE", "SA", "QA", "KW", "IL", "TR", "IN", "PK", "BD", "LK",
				"TH", "MY", "SG"}
		}, "export_markets"},
		{"a description of 4,001 letters", func(f *Fields) { f.DescriptionVI = ptr(strings.Repeat("ạ", 4001)) }, "description_vi"},
		{"an English description of 4,001 letters", func(f *Fields) { f.DescriptionEN = ptr(strings.Repeat("a", 4001)) }, "description_en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validFields()
			tt.mutate(&f)
			_, err := New("p1", "acc1", f, time.Now())
			var e *apperr.Error
			if !errors.As(err, &e) || e.Kind != apperr.Invalid {
				t.Fatalf("New error = %v, want invalid", err)
			}
			for _, fe := range e.Fields {
				if fe.Field == tt.field {
					return
				}
			}
			t.Errorf("no error for %s in %+v", tt.field, e.Fields)
		})
	}
}

func TestPatch(t *testing.T) {
	p, _ := New("p1", "acc1", validFields(), time.Now())
	next, err := p.Patch(Fields{Phone: ptr("024 3825 1234"), DescriptionVI: ptr("Chè búp  Tân Cương")}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if next.Phone != "02438251234" || next.DescriptionVI != "Chè búp Tân Cương" || next.Revision != 2 || next.LegalName != p.LegalName {
		t.Errorf("Patch = %+v", next)
	}
	if _, err := p.Patch(Fields{TaxCode: ptr("x")}, time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("Patch(bad tax code) = %v", err)
	}
	if p.Revision != 1 {
		t.Error("Patch changed the original")
	}
}

// A province left unchosen is asked for, not called unknown.
func TestAnUnchosenProvinceIsAskedFor(t *testing.T) {
	f := validFields()
	f.Province = ptr(" ")
	_, err := New("p1", "acc1", f, time.Now())
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("New error = %v, want invalid", err)
	}
	var got []string
	for _, fe := range e.Fields {
		if fe.Field == "province" {
			got = append(got, fe.Code)
		}
	}
	if len(got) != 1 || got[0] != "required" {
		t.Errorf("province errors %v, want one: required", got)
	}
}
