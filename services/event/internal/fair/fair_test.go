package fair

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func ptr[T any](v T) *T { return &v }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vntext.Zone) }

func valid() Fields {
	return Fields{
		NameVI: ptr("Hội chợ OCOP Hà Nội 2026"), Kind: ptr(KindFair), Region: ptr("red_river_delta"), HostProvince: ptr("Hà Nội"),
		Venue: &Venue{Name: "Cung Văn hóa Hữu nghị", Address: "91 Trần Hưng Đạo"}, StartDate: ptr(day(2026, 12, 10)), EndDate: ptr(day(2026, 12, 14)),
		ApplicationsOpen: ptr(day(2026, 11, 1)), ApplicationsClose: ptr(day(2026, 12, 1)),
	}
}

func TestNewDefaults(t *testing.T) {
	f, err := New("f1", "org1", valid(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != Draft || f.Eligibility.MinStars != 3 || f.Eligibility.MaxBoothsPerProducer != 2 || f.HostProvince != "01" || !f.IsOrganiser("org1") {
		t.Errorf("New = %+v", f)
	}
}

func TestNewValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Fields)
		field  string
	}{
		{"no name", func(f *Fields) { f.NameVI = nil }, "name_vi"},
		{"bad kind", func(f *Fields) { f.Kind = ptr("party") }, "kind"},
		{"bad region", func(f *Fields) { f.Region = ptr("atlantis") }, "region"},
		{"end before start", func(f *Fields) { f.EndDate = ptr(day(2026, 12, 9)) }, "end_date"},
		{"window closes after start", func(f *Fields) { f.ApplicationsClose = ptr(day(2026, 12, 10)) }, "applications_close"},
		{"window reversed", func(f *Fields) { f.ApplicationsOpen = ptr(day(2026, 12, 2)) }, "applications_close"},
		{"min stars 2", func(f *Fields) { f.Eligibility = &Eligibility{MinStars: 2} }, "eligibility.min_stars"},
		{"bad quota province", func(f *Fields) { f.Eligibility = &Eligibility{ProvinceQuotas: map[string]int{"Narnia": 3}} }, "eligibility.province_quotas.Narnia"},
		{"subsidy over 100", func(f *Fields) { f.Fees = &Fees{SubsidyPercent: 120} }, "fees.subsidy_percent"},
		{"unknown booth kind price", func(f *Fields) { f.Fees = &Fees{BoothPrices: map[string]int64{"vip": 1}} }, "fees.booth_prices.vip"},
		{"an English name of 201 letters", func(f *Fields) { f.NameEN = ptr(strings.Repeat("a", 201)) }, "name_en"},
		{"a theme of 301 letters", func(f *Fields) { f.Theme = ptr(strings.Repeat("ấ", 301)) }, "theme"},
		{"a venue address of 301 letters", func(f *Fields) { f.Venue = &Venue{Name: "Cung Văn hóa", Address: strings.Repeat("ạ", 301)} }, "venue.address"},
		{"seven sectors", func(f *Fields) { f.Eligibility = &Eligibility{AllowedSectors: slices.Repeat([]string{"food"}, 7)} }, "eligibility.allowed_sectors"},
		{"35 provinces", func(f *Fields) { f.Eligibility = &Eligibility{AllowedProvinces: slices.Repeat([]string{"01"}, 35)} }, "eligibility.allowed_provinces"},
		{"many regions", func(f *Fields) {
			f.Eligibility = &Eligibility{AllowedRegions: slices.Repeat([]string{"red_river_delta"}, 100)}
		}, "eligibility.allowed_regions"},
		{"35 province quotas", func(f *Fields) { f.Eligibility = &Eligibility{ProvinceQuotas: manyQuotas(35)} }, "eligibility.province_quotas"},
		{"a contact email that is none", func(f *Fields) { f.Contact = &Contact{Email: "btc@hanoi"} }, "contact.email"},
		{"a contact email of 300 letters", func(f *Fields) { f.Contact = &Contact{Email: strings.Repeat("a", 290) + "@hanoi.gov.vn"} }, "contact.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := valid()
			tt.mutate(&f)
			_, err := New("f1", "org1", f, time.Now())
			var e *apperr.Error
			if !errors.As(err, &e) {
				t.Fatalf("New = %v, want a validation error", err)
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

func TestLifecycle(t *testing.T) {
	now := day(2026, 11, 5)
	f, _ := New("f1", "org1", valid(), now)
	steps := []struct {
		action Action
		want   Status
	}{{Publish, Published}, {CloseApplications, ApplicationsClosed}, {Start, Live}, {Complete, Completed}}
	for _, s := range steps {
		switch s.action {
		case Start: // the day before the fair's first, to set up
			now = day(2026, 12, 9)
		case Complete: // once it has begun
			now = day(2026, 12, 12)
		}
		next, err := f.Move(s.action, "", now)
		if err != nil || next.Status != s.want {
			t.Fatalf("%s from %s = %s, %v", s.action, f.Status, next.Status, err)
		}
		if next.Revision != f.Revision+1 {
			t.Errorf("revision not advanced")
		}
		f = next
	}
	_, err := f.Move(Cancel, "late", now)
	if !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "no further moves") {
		t.Errorf("cancel a completed fair = %v", err)
	}
}

// A fair opens from the day before its first, and is completed once it has begun; the actions
// it offers follow its dates.
func TestStartAndCompleteKeepToTheDates(t *testing.T) {
	f, _ := New("f1", "org1", valid(), day(2026, 10, 1)) // from 10/12/2026 to 14/12/2026
	f, _ = f.Move(Publish, "", day(2026, 11, 5))
	f, _ = f.Move(CloseApplications, "", day(2026, 12, 2))
	if _, err := f.Move(Start, "", day(2026, 12, 8)); !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "10/12/2026") {
		t.Errorf("start two days early = %v, want a conflict naming the first day", err)
	}
	if got := f.AllowedAt(day(2026, 12, 8)); slices.Contains(got, Start) {
		t.Errorf("actions two days early %v, want no start", got)
	}
	live, err := f.Move(Start, "", day(2026, 12, 9))
	if err != nil || !slices.Contains(f.AllowedAt(day(2026, 12, 9)), Start) {
		t.Fatalf("start the day before = %v, actions %v", err, f.AllowedAt(day(2026, 12, 9)))
	}
	if _, err := live.Move(Complete, "", day(2026, 12, 9).Add(23*time.Hour)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("complete before the first day = %v, want a conflict", err)
	}
	if got := live.AllowedAt(day(2026, 12, 9)); !slices.Equal(got, []Action{Cancel}) {
		t.Errorf("a live fair's actions before its first day %v, want cancel only", got)
	}
	if _, err := live.Move(Complete, "", day(2026, 12, 10)); err != nil {
		t.Errorf("complete on the first day (ended early) = %v", err)
	}
}

func TestIllegalMoveNamesAllowed(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	_, err := f.Move(Start, "", day(2026, 11, 5))
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.Conflict || e.Code() != "fair_move_not_allowed" {
		t.Fatalf("start a draft = %v, want a fair_move_not_allowed conflict", err)
	}
	for lang, want := range map[apperr.Lang]string{
		apperr.Vietnamese: "Không thể bắt đầu hội chợ đang là bản nháp; lúc này chỉ có thể hủy hoặc công bố.",
		apperr.English:    "Cannot start a draft fair; allowed: cancel or publish.",
	} {
		if got := e.Detail(lang); got != want {
			t.Errorf("start a draft, %s = %q, want %q", lang, got, want)
		}
	}
}

func TestCancelNeedsReason(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	if _, err := f.Move(Cancel, "  ", time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("cancel without reason = %v", err)
	}
	if _, err := f.Move(Cancel, strings.Repeat("Bão ", 126), time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("cancel with a reason of 503 letters = %v, want it refused, not cut", err)
	}
	c, err := f.Move(Cancel, "Bão số 5", time.Now())
	if err != nil || c.Status != Cancelled || c.CancelReason != "Bão số 5" {
		t.Errorf("cancel = %+v, %v", c, err)
	}
}

func TestPublishAfterWindowClosed(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	if _, err := f.Move(Publish, "", day(2026, 12, 2)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("publish after the window = %v", err)
	}
}

func TestAcceptsApplications(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	f, _ = f.Move(Publish, "", day(2026, 11, 5))
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{{day(2026, 10, 31), false}, {day(2026, 11, 1), true}, {day(2026, 11, 30), true}, {day(2026, 12, 1), false}} {
		if got := f.AcceptsApplications(tt.at); got != tt.want {
			t.Errorf("AcceptsApplications(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestUpdateLocksRulesAfterClose(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	f, _ = f.Move(Publish, "", day(2026, 11, 5))
	if _, err := f.Update(Fields{Eligibility: &Eligibility{MinStars: 4}}, time.Now()); err != nil {
		t.Errorf("change rules while published: %v", err)
	}
	f, _ = f.Move(CloseApplications, "", day(2026, 12, 1))
	if _, err := f.Update(Fields{StartDate: ptr(day(2026, 12, 11))}, time.Now()); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("move dates after close = %v", err)
	}
	if g, err := f.Update(Fields{Theme: ptr("Tết")}, time.Now()); err != nil || g.Theme != "Tết" {
		t.Errorf("change theme after close = %v", err)
	}
}

// New dates keep the fair's B2B days within it: a change that would leave one outside is refused
// on the date that leaves it, and the days may be moved first.
func TestDatesKeepTheB2BDays(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	f, err := f.SetB2BDays([]B2BDay{{Date: day(2026, 12, 11), StartTime: "08:00", SlotMinutes: 20, Slots: 12, Tables: 10}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		fields Fields
		want   []string
	}{
		{"start after the day", Fields{StartDate: ptr(day(2026, 12, 12))}, []string{"start_date fair_dates_leave_b2b_day"}},
		{"end before the day", Fields{EndDate: ptr(day(2026, 12, 10))}, []string{"end_date fair_dates_leave_b2b_day"}},
		{"moved months on", Fields{StartDate: ptr(day(2027, 3, 6)), EndDate: ptr(day(2027, 3, 10))}, []string{"start_date fair_dates_leave_b2b_day"}},
		{"still within", Fields{StartDate: ptr(day(2026, 12, 11)), EndDate: ptr(day(2026, 12, 11))}, nil},
	} {
		_, err := f.Update(c.fields, time.Now())
		if got := fieldCodes(err); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	msg := ""
	if _, err := f.Update(Fields{EndDate: ptr(day(2026, 12, 10))}, time.Now()); err != nil {
		var e *apperr.Error
		if errors.As(err, &e) && len(e.Fields) == 1 {
			msg = e.Fields[0].Localize(apperr.Vietnamese).Message
		}
	}
	if !strings.Contains(msg, "11/12/2026") {
		t.Errorf("the refusal says %q, want the B2B day it leaves out", msg)
	}
	// A fair stored with a day outside (before the rule) takes other changes.
	f.B2BDays[0].Date = day(2026, 12, 20)
	if _, err := f.Update(Fields{Theme: ptr("Tết")}, time.Now()); err != nil {
		t.Errorf("a theme changed on a fair stored with a B2B day outside: %v", err)
	}
}

func TestSetB2BDays(t *testing.T) {
	f, _ := New("f1", "org1", valid(), time.Now())
	good := B2BDay{Date: day(2026, 12, 11), StartTime: "08:00", SlotMinutes: 20, Slots: 21, MorningSlots: 13, Tables: 14}
	g, err := f.SetB2BDays([]B2BDay{good}, time.Now())
	if err != nil || len(g.B2BDays) != 1 {
		t.Fatalf("SetB2BDays = %v", err)
	}
	bad := good
	bad.Date, bad.MorningSlots = day(2027, 1, 1), 30
	if _, err := f.SetB2BDays([]B2BDay{bad}, time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("day outside the fair = %v", err)
	}
}

func TestAssignsBooths(t *testing.T) {
	for _, c := range []struct {
		status Status
		want   bool
	}{
		{Draft, false}, {Published, true}, {ApplicationsClosed, true}, {Live, true}, {Completed, false}, {Cancelled, false},
	} {
		t.Run(string(c.status), func(t *testing.T) {
			if got := (Fair{Status: c.status}).AssignsBooths(); got != c.want {
				t.Errorf("Fair{Status: %s}.AssignsBooths() = %v, want %v", c.status, got, c.want)
			}
		})
	}
}

// manyQuotas is n province quotas, under keys as long as a request may send.
func manyQuotas(n int) map[string]int {
	q := map[string]int{}
	for i := range n {
		q[strings.Repeat("x", i+1)] = 1
	}
	return q
}

// A list of the fair's eligibility too long is one error, not one per entry (100,000 entries
// were stored, and carried by every later event of the fair); a code listed twice is kept once.
func TestEligibilityListsAreBounded(t *testing.T) {
	f := valid()
	f.Eligibility = &Eligibility{AllowedSectors: slices.Repeat([]string{"nope"}, 10_000)}
	_, err := New("f1", "org1", f, time.Now())
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "eligibility.allowed_sectors" {
		t.Errorf("10,000 sectors: %v, want one error on eligibility.allowed_sectors", err)
	}
	f.Eligibility = &Eligibility{AllowedSectors: []string{"food", "food", "beverage"}, AllowedProvinces: []string{"Hà Nội", "01"}}
	fr, err := New("f1", "org1", f, time.Now())
	if err != nil || !slices.Equal(fr.Eligibility.AllowedSectors, []string{"food", "beverage"}) || !slices.Equal(fr.Eligibility.AllowedProvinces, []string{"01"}) {
		t.Errorf("codes listed twice: %+v, %v, want each once", fr.Eligibility, err)
	}
}
