package application

import (
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := Evaluate(tt.fair, tt.province, tt.products, tt.booths)
			if len(rules) != 5 {
				t.Fatalf("%d rules, want 5", len(rules))
			}
			for _, r := range rules {
				if r.ReasonVI == "" || r.ReasonEN == "" {
					t.Errorf("rule %s lacks a reason", r.Code)
				}
				if want := r.Code != tt.failing; r.Pass != want {
					t.Errorf("rule %s pass = %v, want %v (%s)", r.Code, r.Pass, want, r.ReasonEN)
				}
			}
		})
	}
	r := rule(Evaluate(fairWith(func(f *Fair) { f.MinStars = 5 }), "15", []Product{honey}, 1), "min_stars")
	if !strings.Contains(r.ReasonVI, "tối thiểu 5 sao") || !strings.Contains(r.ReasonVI, "Mật ong bạc hà (4★)") {
		t.Errorf("reason %q", r.ReasonVI)
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
	if err != nil || a.Status != Submitted || a.Revision != 1 || a.ProducerID != "pr1" || a.AccountID != "acc1" || !a.SubmittedAt.Equal(now) || len(a.Rules) != 5 {
		t.Errorf("Submit = %+v, %v", a, err)
	}
	expired := honey
	expired.ExpiresOn = now
	_, err = Submit("a2", "acc1", f, applicant, []Product{honey, expired}, req, now)
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "product_ids[1]") || strings.Contains(err.Error(), "product_ids[0]") {
		t.Errorf("Submit with an expired product = %v, want Invalid on product_ids[1] only", err)
	}
}
