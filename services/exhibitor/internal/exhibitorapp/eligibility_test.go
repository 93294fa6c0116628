package exhibitorapp

import (
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// eligibilityRule is a rule as an application answer shows it.
type eligibilityRule struct {
	Code   string
	Pass   bool
	Blocks bool
	Reason string
}

// TestOneEligibilityStory checks that the rules that block an application and those that only
// warn are one list with one set of codes: an expired certificate refuses the application (422,
// a field error with the rule's code), a certificate that lapses during the fair is answered with
// eligible=false and the same rule list, and every reason is said in the caller's language.
func TestOneEligibilityStory(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-e", orgID), events.FairPublished)
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-e/applications", nil).Status == 200
	})

	// Refused: the certificate expired a month ago.
	expired, _, prodX := f.producerWithProduct(t, "1700000051", "Rượu ngô men lá", 4, time.Now().AddDate(-3, -1, 0).Format(time.DateOnly))
	for lang, want := range map[string]string{
		"vi": "Giấy chứng nhận OCOP của Rượu ngô men lá đã hết hạn",
		"en": "The OCOP certificate of Rượu ngô men lá has expired",
	} {
		r := expired.Do(t, "POST", "/api/fairs/fair-e/applications", map[string]any{"product_ids": []string{prodX}}, "Accept-Language", lang)
		var p struct {
			Errors []struct{ Field, Code, Message string }
		}
		r.Decode(t, &p)
		if r.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "product_ids[0]" || p.Errors[0].Code != "certificates_current" ||
			!startsWith(p.Errors[0].Message, want) {
			t.Errorf("apply with an expired certificate (%s) = %d %s, want 422 on product_ids[0], code certificates_current, %q", lang, r.Status, r.Body, want)
		}
	}

	// Warned: the certificate lapses two days before the fair ends.
	lapsing, _, prodL := f.producerWithProduct(t, "1700000052", "Chè Shan tuyết", 4, time.Now().AddDate(-3, 1, 2).Format(time.DateOnly))
	r := lapsing.Do(t, "POST", "/api/fairs/fair-e/applications", map[string]any{"product_ids": []string{prodL}})
	var app struct {
		ID          string
		Eligible    bool
		Eligibility []eligibilityRule
	}
	r.Decode(t, &app)
	if r.Status != 201 || app.Eligible {
		t.Fatalf("apply with a certificate lapsing during the fair = %d %s, want 201 and eligible=false", r.Status, r.Body)
	}
	codes := make([]string, len(app.Eligibility))
	for i, rule := range app.Eligibility {
		codes[i] = rule.Code
	}
	if want := []string{"certificates_current", "certificates", "min_stars", "sector", "province", "booths"}; !slices.Equal(codes, want) {
		t.Errorf("rule codes = %v, want %v", codes, want)
	}
	current, lapse := app.Eligibility[0], app.Eligibility[1]
	if !current.Pass || !current.Blocks || lapse.Pass || lapse.Blocks {
		t.Errorf("certificates_current %+v, certificates %+v: want the first passed and blocking, the second failed and warning", current, lapse)
	}
	if !startsWith(lapse.Reason, "Giấy chứng nhận hết hạn trước khi hội chợ kết thúc") {
		t.Errorf("certificates reason by default = %q, want Vietnamese", lapse.Reason)
	}
	var en struct{ Eligibility []eligibilityRule }
	lapsing.Do(t, "GET", "/api/applications/"+app.ID, nil, "Accept-Language", "en-GB,en;q=0.9").Decode(t, &en)
	if len(en.Eligibility) != 6 || !startsWith(en.Eligibility[1].Reason, "Certificates expire before the fair ends") {
		t.Errorf("rules in English = %+v", en.Eligibility)
	}
}

func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }
