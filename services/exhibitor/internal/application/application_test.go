package application

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vntext.Zone) }

func fairWith(mut func(*Fair)) Fair {
	f := Fair{ID: "f1", Status: "published", StartDate: day(2026, 12, 10), EndDate: day(2026, 12, 14), MinStars: 3, MaxBoothsPerProducer: 2}
	if mut != nil {
		mut(&f)
	}
	return f
}

var honey = Product{ProductID: "p1", Name: "Mật ong bạc hà", CriteriaSet: 4, Sector: "food", Stars: 4, ExpiresOn: day(2027, 6, 1)}

func rule(rules []Rule, code string) Rule {
	for _, r := range rules {
		if r.Code == code {
			return r
		}
	}
	return Rule{}
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name     string
		fair     Fair
		province string
		products []Product
		booths   int
		failing  string
	}{
		{"all pass", fairWith(nil), "15", []Product{honey}, 1, ""},
		{"stars below minimum", fairWith(func(f *Fair) { f.MinStars = 5 }), "15", []Product{honey}, 1, "min_stars"},
		{"sector not allowed", fairWith(func(f *Fair) { f.AllowedSectors = []string{"handicraft"} }), "15", []Product{honey}, 1, "sector"},
		{"province not allowed", fairWith(func(f *Fair) { f.AllowedProvinces = []string{"01"} }), "15", []Product{honey}, 1, "province"},
		{"region allows", fairWith(func(f *Fair) { f.AllowedRegions = []string{"northern_midlands_mountains"} }), "15", []Product{honey}, 1, ""},
		{"promotion group allows", fairWith(func(f *Fair) { f.AllowedRegions = []string{"promo_northern_mountains"} }), "15", []Product{honey}, 1, ""},
		{"certificate expires during the fair", fairWith(nil), "15", []Product{{Name: "Chè", Stars: 3, Sector: "food", ExpiresOn: day(2026, 12, 14)}}, 1, "certificates"},
		{"certificate valid through the last day", fairWith(nil), "15", []Product{{Name: "Chè", Stars: 3, Sector: "food", ExpiresOn: day(2026, 12, 15)}}, 1, ""},
		{"too many booths", fairWith(nil), "15", []Product{honey}, 3, "booths"},
		{"certificate expired already", fairWith(nil), "15", []Product{{Name: "Chè", Stars: 3, Sector: "food", ExpiresOn: day(2026, 11, 5)}}, 1, "certificates_current"},
	}
	now := day(2026, 11, 5)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := Evaluate(tt.fair, tt.province, tt.products, tt.booths, now)
			if len(rules) != 6 {
				t.Fatalf("%d rules, want 6", len(rules))
			}
			for _, r := range rules {
				if r.Reason().In(apperr.Vietnamese) == "" || r.Reason().In(apperr.English) == "" {
					t.Errorf("rule %s lacks a reason", r.Code)
				}
				if want := r.Code != tt.failing; r.Pass != want {
					t.Errorf("rule %s pass = %v, want %v (%s)", r.Code, r.Pass, want, r.Reason().In(apperr.English))
				}
				if want := r.Code == RuleCertificatesCurrent; r.Blocks != want {
					t.Errorf("rule %s blocks = %v, want %v", r.Code, r.Blocks, want)
				}
			}
		})
	}
	r := rule(Evaluate(fairWith(func(f *Fair) { f.MinStars = 5 }), "15", []Product{honey}, 1, now), "min_stars")
	if vi := r.Reason().In(apperr.Vietnamese); !strings.Contains(vi, "tối thiểu 5 sao") || !strings.Contains(vi, "Mật ong bạc hà (4★)") {
		t.Errorf("reason %q", vi)
	}
	if en := r.Reason().In(apperr.English); !strings.Contains(en, "at least 5 stars") || !strings.Contains(en, "Mật ong bạc hà (4★)") {
		t.Errorf("reason %q", en)
	}
	lapsing := Product{Name: "Chè", Stars: 3, Sector: "food", ExpiresOn: day(2026, 12, 14)}
	r = rule(Evaluate(fairWith(func(f *Fair) { f.AllowedSectors = []string{"food"} }), "15", []Product{lapsing}, 1, now), "certificates")
	if vi, en := r.Reason().In(apperr.Vietnamese), r.Reason().In(apperr.English); vi != "Giấy chứng nhận hết hạn trước khi hội chợ kết thúc (14/12/2026): Chè (hết hạn 14/12/2026)" ||
		en != "Certificates expire before the fair ends (14/12/2026): Chè (expires 14/12/2026)" {
		t.Errorf("certificates reasons = %q, %q", vi, en)
	}
}

func TestMove(t *testing.T) {
	a := Application{ID: "a1", Status: Submitted, Revision: 1}
	approved, err := a.Move(Approve, "", time.Now())
	if err != nil || approved.Status != Approved || approved.Revision != 2 {
		t.Fatalf("approve = %+v, %v", approved, err)
	}
	if _, err := a.Move(Reject, " ", time.Now()); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("reject without reason = %v", err)
	}
	if _, err := a.Move(Reject, strings.Repeat("ạ", 1001), time.Now()); !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "reason") {
		t.Errorf("reject with a reason of 1,001 letters = %v, want it refused, not cut", err)
	}
	if r, err := a.Move(Reject, strings.Repeat("ạ", 1000), time.Now()); err != nil || len([]rune(r.Reason)) != 1000 {
		t.Errorf("reject with a reason of 1,000 letters = %v", err)
	}
	withdrawn, _ := approved.Move(Withdraw, "", time.Now())
	if _, err := withdrawn.Move(Approve, "", time.Now()); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("approve a withdrawn application = %v", err)
	}
	if !Approved.Active() || Withdrawn.Active() || Cancelled.Active() || Rejected.Active() {
		t.Error("Active is wrong")
	}
}

func TestRequestValidate(t *testing.T) {
	r := Request{ProductIDs: []string{"a", "a"}, BoothCount: 11}
	err := r.Validate()
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "product_ids[1]") || !strings.Contains(err.Error(), "booth_count") {
		t.Errorf("Validate = %v", err)
	}
	ok := Request{ProductIDs: []string{"a"}}
	if err := ok.Validate(); err != nil || ok.BoothKind != "standard" || ok.BoothCount != 1 {
		t.Errorf("defaults: %+v, %v", ok, err)
	}
}

func TestOpen(t *testing.T) {
	f := fairWith(func(f *Fair) { f.ApplicationsOpen, f.ApplicationsClose = day(2026, 11, 1), day(2026, 11, 20) })
	if err := f.Open(day(2026, 11, 5)); err != nil {
		t.Errorf("Open(within the window) = %v, want nil", err)
	}
	if err := f.Open(day(2026, 11, 20)); !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "status published") {
		t.Errorf("Open(at the close) = %v, want a Conflict naming the status", err)
	}
}

func TestSubmit(t *testing.T) {
	f := fairWith(nil)
	applicant := Applicant{ProducerID: "pr1", Name: "HTX Mật ong Bắc Hà", Province: "15"}
	req := Request{ProductIDs: []string{"p1"}, BoothKind: "standard", BoothCount: 1}
	now := day(2026, 11, 5)
	a, err := Submit("a1", "acc1", f, applicant, []Product{honey}, req, now)
	if err != nil || a.Status != Submitted || a.Revision != 1 || a.ProducerID != "pr1" || a.AccountID != "acc1" || !a.SubmittedAt.Equal(now) || len(a.Rules) != 6 {
		t.Errorf("Submit = %+v, %v", a, err)
	}
	expired := honey
	expired.ProductID, expired.ExpiresOn = "p2", now
	_, err = Submit("a2", "acc1", f, applicant, []Product{honey, expired}, req, now)
	var e *apperr.Error
	if !errors.As(err, &e) || e.Kind != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "product_ids[1]" || e.Fields[0].Code != RuleCertificatesCurrent {
		t.Errorf("Submit with an expired product = %v, want Invalid with one field error on product_ids[1], code %s", err, RuleCertificatesCurrent)
	}
}

func TestRulesStoredBeforeTheyKeptValuesStillRead(t *testing.T) {
	legacy := ruleDoc{Code: "certificates", ReasonVI: "Giấy chứng nhận hết hạn trước khi hội chợ kết thúc: Chè (hết hạn 14/12/2026)",
		ReasonEN: "certificates expire before the fair ends: Chè (expires 2026-12-14)"}.rule()
	if got := legacy.Reason().In(apperr.Vietnamese); got != legacy.StoredVI {
		t.Errorf("a stored rule's reason in vi = %q, want the stored text", got)
	}
	if got := legacy.Reason().In(apperr.English); got != legacy.StoredEN {
		t.Errorf("a stored rule's reason in en = %q, want the stored text", got)
	}
	// A rule evaluated now is stored with its values, not its texts, and reads back the same.
	now := day(2026, 11, 5)
	for _, r := range Evaluate(fairWith(func(f *Fair) { f.AllowedSectors = []string{"food"} }), "15", []Product{honey}, 3, now) {
		d := toRuleDoc(r)
		if d.ReasonVI != "" || d.ReasonEN != "" {
			t.Errorf("rule %s stored with texts %q, %q", r.Code, d.ReasonVI, d.ReasonEN)
		}
		for _, lang := range []apperr.Lang{apperr.Vietnamese, apperr.English} {
			if got, want := d.rule().Reason().In(lang), r.Reason().In(lang); got != want {
				t.Errorf("rule %s read back in %s = %q, want %q", r.Code, lang, got, want)
			}
		}
	}
}
