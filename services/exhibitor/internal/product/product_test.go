package product

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func ptr[T any](v T) *T { return &v }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vntext.Zone) }

func valid() Fields {
	return Fields{NameVI: ptr("Nước mắm Phú Quốc 40 độ đạm"), CriteriaSet: ptr(9), Stars: ptr(4), DecisionNo: ptr("1234/QĐ-UBND"),
		IssuedBy: ptr("UBND tỉnh Kiên Giang"), IssuedOn: ptr(day(2024, 3, 15)), Unit: ptr("bottle"), GTIN: ptr("8934563138165"),
		PriceMin: ptr(int64(85000)), PriceMax: ptr(int64(120000)), MonthlyCapacity: ptr(20000.0), SeasonMonths: &[]int{12, 1, 1, 2}}
}

func TestNew(t *testing.T) {
	p, err := New("p1", "prod1", valid(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !p.Certificate.ExpiresOn.Equal(day(2027, 3, 15)) {
		t.Errorf("expiry = %v, want issue + 36 months", p.Certificate.ExpiresOn)
	}
	if p.Sector() != ocop.SectorFood || len(p.SeasonMonths) != 3 || p.SeasonMonths[0] != 1 {
		t.Errorf("sector %s months %v", p.Sector(), p.SeasonMonths)
	}
	for _, tt := range []struct {
		now  time.Time
		want ocop.CertificateStatus
	}{{day(2026, 1, 1), ocop.CertificateValid}, {day(2027, 1, 1), ocop.CertificateExpiring}, {day(2027, 3, 15), ocop.CertificateExpired}} {
		if got := p.Certificate.Status(tt.now); got != tt.want {
			t.Errorf("status at %v = %s, want %s", tt.now, got, tt.want)
		}
	}
}

func TestNewInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Fields)
		field  string
	}{
		{"set 27", func(f *Fields) { f.CriteriaSet = ptr(27) }, "criteria_set"},
		{"two stars", func(f *Fields) { f.Stars = ptr(2) }, "stars"},
		{"potential five on a three", func(f *Fields) { f.Stars, f.PotentialFive = ptr(3), ptr(true) }, "potential_five_star"},
		{"bad gtin", func(f *Fields) { f.GTIN = ptr("8934563138166") }, "gtin"},
		{"no decision", func(f *Fields) { f.DecisionNo = ptr(" ") }, "certificate.decision_no"},
		{"a decision number of 81 characters", func(f *Fields) { f.DecisionNo = ptr("1234/QĐ-UBND " + strings.Repeat("x", 68)) }, "certificate.decision_no"},
		{"an issuer of 201 letters", func(f *Fields) { f.IssuedBy = ptr(strings.Repeat("ủ", 201)) }, "certificate.issued_by"},
		{"expiry beyond 36 months", func(f *Fields) { f.ExpiresOn = ptr(day(2028, 1, 1)) }, "certificate.expires_on"},
		{"unknown unit", func(f *Fields) { f.Unit = ptr("barrel") }, "unit"},
		{"min above max", func(f *Fields) { f.PriceMin = ptr(int64(200000)) }, "price_min_vnd"},
		{"min above a billion with no max", func(f *Fields) { f.PriceMin, f.PriceMax = ptr(int64(3_000_000_000)), ptr(int64(0)) }, "price_min_vnd"},
		{"a name of 201 letters", func(f *Fields) { f.NameVI = ptr(strings.Repeat("ạ", 201)) }, "name_vi"},
		{"an English name of 201 letters", func(f *Fields) { f.NameEN = ptr(strings.Repeat("a", 201)) }, "name_en"},
		{"a description of 4,001 letters", func(f *Fields) { f.DescriptionVI = ptr(strings.Repeat("ạ", 4001)) }, "description_vi"},
		{"an English description of 4,001 letters", func(f *Fields) { f.DescriptionEN = ptr(strings.Repeat("a", 4001)) }, "description_en"},
		{"month 13", func(f *Fields) { f.SeasonMonths = &[]int{13} }, "season_months[0]"},
		{"image not a url", func(f *Fields) { f.ImageURLs = &[]string{"ftp://x"} }, "image_urls[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			tt.mutate(&f)
			_, err := New("p1", "prod1", f, time.Now())
			var e *apperr.Error
			if !errors.As(err, &e) {
				t.Fatalf("New = %v, want invalid", err)
			}
			for _, fe := range e.Fields {
				if fe.Field == tt.field {
					return
				}
			}
			t.Errorf("fields %+v lack %s", e.Fields, tt.field)
		})
	}
}

func TestPatchKeepsCertificateUnlessGiven(t *testing.T) {
	p, _ := New("p1", "prod1", valid(), time.Now())
	next, err := p.Patch(Fields{PriceMax: ptr(int64(150000))}, time.Now())
	if err != nil || !next.Certificate.ExpiresOn.Equal(p.Certificate.ExpiresOn) || next.Revision != 2 {
		t.Fatalf("Patch = %+v, %v", next, err)
	}
	renewed, err := p.Patch(Fields{DecisionNo: ptr("99/QĐ-UBND"), IssuedBy: ptr("UBND"), IssuedOn: ptr(day(2027, 3, 1))}, day(2027, 3, 1))
	if err != nil || !renewed.Certificate.ExpiresOn.Equal(day(2030, 3, 1)) {
		t.Errorf("renewal expiry = %v, %v", renewed.Certificate.ExpiresOn, err)
	}
}

// A certificate sent again as it is (a form saving a new price) keeps its expiry: a 12-month
// certificate that had expired was listed as valid OCOP again after a price edit.
func TestPatchWithTheSameCertificateKeepsItsExpiry(t *testing.T) {
	f := valid()
	f.ExpiresOn = ptr(day(2025, 3, 15))
	p, err := New("p1", "prod1", f, day(2024, 6, 1))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Certificate
	next, err := p.Patch(Fields{PriceMax: ptr(int64(150000)), DecisionNo: ptr(c.DecisionNo), IssuedBy: ptr(c.IssuedBy), IssuedOn: ptr(c.IssuedOn)}, day(2025, 6, 1))
	if err != nil || !next.Certificate.ExpiresOn.Equal(day(2025, 3, 15)) || next.Certificate.Status(day(2025, 6, 1)) != c.Status(day(2025, 6, 1)) {
		t.Errorf("after a price edit with the certificate as it was: expires %v (was %v), %v", next.Certificate.ExpiresOn, c.ExpiresOn, err)
	}
}

// The issue date may be today in Vietnam, whatever the hour and the zone of the clock, but not
// later: the probe's certificate of 2099 was listed as valid until 2102.
func TestIssueDateNotAfterToday(t *testing.T) {
	tests := []struct {
		name   string
		issued time.Time
		now    time.Time
		ok     bool
	}{
		{"yesterday", day(2026, 3, 1), day(2026, 3, 2), true},
		{"today at midnight", day(2026, 3, 2), day(2026, 3, 2), true},
		{"today a second before midnight", day(2026, 3, 2), day(2026, 3, 3).Add(-time.Second), true},
		{"today in Vietnam, yesterday in UTC", day(2026, 3, 2), time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC), true},
		{"tomorrow", day(2026, 3, 3), day(2026, 3, 2).Add(23 * time.Hour), false},
		{"tomorrow in Vietnam, today in UTC", day(2026, 3, 2), time.Date(2026, 3, 1, 16, 59, 0, 0, time.UTC), false},
		{"2099", day(2099, 1, 1), day(2026, 3, 2), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			f.IssuedOn = ptr(tt.issued)
			_, err := New("p1", "prod1", f, tt.now)
			if got := hasField(err, "certificate.issued_on"); got == tt.ok {
				t.Errorf("New(issued %s, now %s) = %v, want issued_on refused %v", tt.issued.Format(time.DateOnly), tt.now, err, !tt.ok)
			}
		})
	}
}

// A product stored with a future issue date before the check existed is corrected at its next
// edit, whichever field the edit changes.
func TestPatchRefusesStoredFutureIssueDate(t *testing.T) {
	p, err := New("p1", "prod1", valid(), day(2026, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	p.Certificate.IssuedOn, p.Certificate.ExpiresOn = day(2099, 1, 1), day(2102, 1, 1)
	if _, err := p.Patch(Fields{PriceMax: ptr(int64(150000))}, day(2026, 3, 2)); !hasField(err, "certificate.issued_on") {
		t.Errorf("Patch of a product issued in 2099 = %v, want issued_on refused", err)
	}
	if _, err := p.Patch(Fields{IssuedOn: ptr(day(2026, 3, 2))}, day(2026, 3, 2)); err != nil {
		t.Errorf("Patch correcting the issue date = %v, want nil", err)
	}
}

// hasField reports whether err is a validation error naming field.
func hasField(err error, field string) bool {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, fe := range e.Fields {
		if fe.Field == field {
			return true
		}
	}
	return false
}

// A description of 4,000 letters is kept whole; one letter more is refused (it used to be cut
// without a word), and a patch that is refused leaves the description as it was.
func TestDescriptionsAreKeptWholeOrRefused(t *testing.T) {
	f := valid()
	f.DescriptionVI = ptr(strings.Repeat("ạ", 4000))
	p, err := New("p1", "prod1", f, time.Now())
	if err != nil || p.DescriptionVI != *f.DescriptionVI {
		t.Fatalf("New with 4,000 letters = %d letters, %v", len([]rune(p.DescriptionVI)), err)
	}
	if _, err := p.Patch(Fields{DescriptionVI: ptr(strings.Repeat("ạ", 4001))}, time.Now()); err == nil {
		t.Fatal("a patch with 4,001 letters was taken")
	}
}

// The same decision number typed otherwise reads the same; another number does not.
func TestDecisionKey(t *testing.T) {
	same := []string{"1000/QĐ-UBND", "1000 / qđ-ubnd", "１０００/QĐ-UBND", "1000/QÐ-UBND", "1000/QĐ–UBND", " 1000/QD-UBND "}
	for _, s := range same {
		if decisionKey(s) != decisionKey(same[0]) {
			t.Errorf("%q reads %q, want %q as %q does", s, decisionKey(s), decisionKey(same[0]), same[0])
		}
	}
	for _, s := range []string{"1001/QĐ-UBND", "1000/QĐ-BNN", "100/0QĐ-UBND0"} {
		if decisionKey(s) == decisionKey(same[0]) {
			t.Errorf("%q reads as %q", s, same[0])
		}
	}
}
