package exhibitorapp

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

// Tax codes are public: anyone may register a company's tax code first. The company is then
// refused with words that send it to the organisers, who, having checked who it is, issue a
// claim code for the registered profile; registering with it hands the profile over, with its
// products and applications, and the account that registered it first keeps none of them.
func TestARegisteredProfileIsHandedOverWithAClaimCode(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-handover", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	const tax = "1700000077"
	squatter, producerID, productID := f.producerWithProduct(t, tax, "Nước mắm nhĩ Phú Quốc", 4, issued)
	var app struct{ ID string }
	testenv.Eventually(t, "the squatter's application", func() bool {
		r := squatter.Do(t, "POST", "/api/fairs/fair-handover/applications", map[string]any{"product_ids": []string{productID}})
		r.Decode(t, &app)
		return r.Status == http.StatusCreated
	})
	ownerTok, owner := f.tokens.Token(t, "producer", "")
	company := f.api.With(ownerTok)
	mine := profile(tax)
	mine["legal_name"] = "Công ty TNHH Nước mắm Phú Quốc Thật"

	// The tax code alone takes nothing, and says whom to ask.
	r := company.Do(t, "POST", "/api/producers", mine)
	if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "ban tổ chức") {
		t.Fatalf("the company registers its tax code, taken: %d %s", r.Status, r.Body)
	}
	// A code nobody issued takes nothing either.
	mine["claim_code"] = "ABCD-EFGH-JKLM"
	if msg := claimRefusal(t, company.Do(t, "POST", "/api/producers", mine)); msg != "claim_code_handover_refused" {
		t.Errorf("a code nobody issued: %s", msg)
	}
	code := stepOrganiserIssuesAHandOverCode(t, org, company, squatter, tax, producerID)
	checkHandOverCodeHolds(t, f, tax, code)
	// The squatter's words do not stay: a hand-over is written whole, as a new profile.
	if r := squatter.Do(t, "PATCH", "/api/producers/"+producerID, map[string]any{"email": "nhanh@example.vn", "description_vi": "Hàng chính hãng giá rẻ"}); r.Status != http.StatusOK {
		t.Fatalf("the squatter's description: %d %s", r.Status, r.Body)
	}
	if r := company.Do(t, "POST", "/api/producers", map[string]any{"tax_code": tax, "claim_code": code}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "legal_name") {
		t.Errorf("a hand-over with the tax code and the code alone: %d %s, want the profile's fields asked for", r.Status, r.Body)
	}
	mine["claim_code"] = code
	r = company.Do(t, "POST", "/api/producers", mine)
	var got struct {
		ID        string
		AccountID string `json:"account_id"`
		LegalName string `json:"legal_name"`
	}
	r.Decode(t, &got)
	if r.Status != http.StatusCreated || got.ID != producerID || got.AccountID != owner || got.LegalName != mine["legal_name"] ||
		strings.Contains(string(r.Body), "nhanh@example.vn") || strings.Contains(string(r.Body), "giá rẻ") {
		t.Fatalf("the company registers with the code: %d %s", r.Status, r.Body)
	}
	checkHandedOver(t, squatter, company, producerID, productID, app.ID)
	testenv.Eventually(t, "the application under the company's name", func() bool {
		var got shownApplication
		org.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &got)
		return got.ProducerName == mine["legal_name"]
	})
	testenv.Eventually(t, "the claimed event from the first account", func() bool {
		for _, m := range f.messages(t, events.ProducerClaimed) {
			var pl events.ProducerClaimedV1
			if m.Decode(&pl) == nil && pl.ProducerID == producerID && pl.AccountID == owner && pl.PreviousAccountID != "" && pl.PreviousAccountID != owner {
				return true
			}
		}
		return false
	})
	results := map[producer.ClaimResult]int{}
	for _, a := range claimAttempts(t, org, producerID) {
		results[a.Result]++
		if a.Result == producer.ClaimIssued && a.Reason != handOverReason {
			t.Errorf("the hand-over code's audit record: %+v, want its reason", a)
		}
	}
	if results[producer.ClaimIssued] != 1 || results[producer.ClaimSucceeded] != 1 {
		t.Errorf("the audit of the hand-over: %v", results)
	}
}

// handOverReason is what the organiser says was checked before issuing the hand-over code.
const handOverReason = "Đã xem giấy chứng nhận đăng ký doanh nghiệp số 1700000077 bản gốc"

// stepOrganiserIssuesAHandOverCode: the organisers find the profile by the tax code; only they
// issue a code, with the reason, and they see it outstanding on the profile. It returns the code.
func stepOrganiserIssuesAHandOverCode(t *testing.T, org, company, squatter testenv.Client, tax, producerID string) string {
	t.Helper()
	var found struct {
		Items []struct {
			ID    string
			Claim *struct {
				CodeOutstanding bool `json:"code_outstanding"`
			}
		}
	}
	org.Do(t, "GET", "/api/producers?tax_code=+"+tax+"+", nil).Decode(t, &found)
	if len(found.Items) != 1 || found.Items[0].ID != producerID || found.Items[0].Claim == nil || found.Items[0].Claim.CodeOutstanding {
		t.Errorf("the organiser looks the tax code up: %+v", found)
	}
	if r := company.Do(t, "GET", "/api/producers?tax_code="+tax, nil); r.Status != http.StatusForbidden {
		t.Errorf("a producer looks a tax code up: %d", r.Status)
	}
	if r := squatter.Do(t, "POST", "/api/producers/"+producerID+"/claim-code", nil); r.Status != http.StatusForbidden {
		t.Errorf("the profile's own producer issues a code: %d", r.Status)
	}
	var code struct {
		ClaimCode string `json:"claim_code"`
	}
	// A registered profile's code needs the organiser's reason, kept in the audit log.
	for _, body := range []map[string]any{nil, {"reason": "ok"}} { // none, or a word that says nothing of what was checked
		if r := org.Do(t, "POST", "/api/producers/"+producerID+"/claim-code", body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"reason"`) {
			t.Errorf("a hand-over code with the reason %v: %d %s", body, r.Status, r.Body)
		}
	}
	r := org.Do(t, "POST", "/api/producers/"+producerID+"/claim-code", map[string]any{"reason": handOverReason})
	r.Decode(t, &code)
	if r.Status != http.StatusOK || code.ClaimCode == "" {
		t.Fatalf("the organiser issues a code for a registered profile: %d %s", r.Status, r.Body)
	}
	var view claimView
	org.Do(t, "GET", "/api/producers/"+producerID, nil).Decode(t, &view)
	if !view.Claim.CodeOutstanding {
		t.Errorf("the organiser's view of the profile with a code issued: %+v", view)
	}

	return code.ClaimCode
}

// checkHandedOver: the profile, its product and its application are the company's now, and the
// account that registered it first reaches none of them.
func checkHandedOver(t *testing.T, squatter, company testenv.Client, producerID, productID, appID string) {
	t.Helper()
	// It is told what became of its profile, and whom to ask, not asked to register as if it never had one.
	if r := squatter.Do(t, "GET", "/api/producers/me", nil); r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), `"code":"producer_profile_handed_over"`) ||
		!strings.Contains(string(r.Body), "liên hệ ban tổ chức") {
		t.Errorf("the first account's own profile after the hand-over: %d %s", r.Status, r.Body)
	}
	if r := squatter.Do(t, "GET", "/api/producers/"+producerID, nil); r.Status != http.StatusForbidden {
		t.Errorf("the first account reads the profile: %d", r.Status)
	}
	testenv.Eventually(t, "the product and the application follow the profile", func() bool {
		return company.Do(t, "PATCH", "/api/products/"+productID, map[string]any{"monthly_capacity": 6000}).Status == http.StatusOK &&
			company.Do(t, "GET", "/api/applications/"+appID, nil).Status == http.StatusOK &&
			strings.Contains(string(company.Do(t, "GET", "/api/applications", nil).Body), appID)
	})
	if r := squatter.Do(t, "PATCH", "/api/products/"+productID, map[string]any{"monthly_capacity": 1}); r.Status != http.StatusForbidden {
		t.Errorf("the first account changes the product: %d %s", r.Status, r.Body)
	}
	if r := squatter.Do(t, "GET", "/api/applications/"+appID, nil); r.Status != http.StatusForbidden {
		t.Errorf("the first account reads the application: %d", r.Status)
	}
	if r := squatter.Do(t, "POST", "/api/applications/"+appID+"/withdraw", nil); r.Status != http.StatusForbidden {
		t.Errorf("the first account withdraws the application: %d %s", r.Status, r.Body)
	}
	if r := squatter.Do(t, "GET", "/api/applications", nil); strings.Contains(string(r.Body), appID) {
		t.Errorf("the first account lists the application: %s", r.Body)
	}
	if r := company.Do(t, "POST", "/api/applications/"+appID+"/withdraw", nil); r.Status != http.StatusOK {
		t.Errorf("the company withdraws its application: %d %s", r.Status, r.Body)
	}
}

// checkHandOverCodeHolds: wrong tries read as one with no code issued, and throwaway accounts
// spending theirs lock only themselves: the code still works afterwards.
func checkHandOverCodeHolds(t *testing.T, f fixture, tax, code string) {
	t.Helper()
	for i := range 12 { // 60 tries, more than the 50 from all accounts together that locked a code once
		tok, _ := f.tokens.Token(t, "producer", "")
		guess := profile(tax)
		guess["claim_code"] = "ABCD-EFGH-JKL" + string(rune('M'+i%10))
		if guess["claim_code"] == code {
			continue
		}
		c := f.api.With(tok)
		for try := range producer.ClaimAttempts + 1 {
			want := "claim_code_handover_refused"
			if try == producer.ClaimAttempts {
				want = "claim_code_handover_locked"
			}
			if msg := claimRefusal(t, c.Do(t, "POST", "/api/producers", guess)); msg != want {
				t.Fatalf("account %d, try %d of a wrong code: %s, want %s", i, try+1, msg, want)
			}
		}
	}
}
