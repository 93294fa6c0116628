package exhibitorapp

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// TestRetriesAfterALostResponseGetWhatTheFirstRunStored: a producer's registration, product and
// application, each stored by a first run whose process died before its response was kept,
// answer the retry with what was stored, and nothing is stored twice.
func TestRetriesAfterALostResponseGetWhatTheFirstRunStored(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-lost", orgID), events.FairPublished)
	tok, _ := f.tokens.Token(t, "producer", "")
	me := f.api.With(tok)

	producerID := testenv.RetryAfterALostResponse(t, f.app.Host.DB, me, "registration", "/api/producers", "/api/producers/", "reg-1", profile("1700555001"))
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	product := map[string]any{"name_vi": "Nước mắm cá cơm 40 độ đạm", "criteria_set": 9, "stars": 4, "unit": "bottle",
		"certificate": map[string]string{"decision_no": "77/QĐ-UBND", "issued_by": "UBND tỉnh Kiên Giang", "issued_on": issued}}
	productID := testenv.RetryAfterALostResponse(t, f.app.Host.DB, me, "product", "/api/producers/"+producerID+"/products", "/api/products/", "prod-1", product)
	var page struct{ Items []struct{ ID string } }
	me.Do(t, "GET", "/api/producers/"+producerID+"/products", nil).Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != productID {
		t.Errorf("the producer's products after the retry: %+v, want only %s", page.Items, productID)
	}

	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-lost/applications", nil).Status == 200
	})
	apply := map[string]any{"product_ids": []string{productID}, "booth_count": 1}
	appID := testenv.RetryAfterALostResponse(t, f.app.Host.DB, me, "application", "/api/fairs/fair-lost/applications", "/api/applications/", "apply-1", apply)
	var mine struct{ Items []struct{ ID string } }
	f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-lost/applications", nil).Decode(t, &mine)
	if len(mine.Items) != 1 || mine.Items[0].ID != appID {
		t.Errorf("the fair's applications after the retry: %+v, want only %s", mine.Items, appID)
	}
	// Another producer sending the same key is another request: it never gets the first one's.
	otherTok, _ := f.tokens.Token(t, "producer", "")
	other := f.api.With(otherTok)
	if r := other.Do(t, "POST", "/api/producers", profile("1700555002"), httpx.IdempotencyHeader, "reg-1"); r.Status != 201 || r.Header.Get("Location") == "/api/producers/"+producerID {
		t.Errorf("another producer with the same key: %d %s", r.Status, r.Header.Get("Location"))
	}
}

// A producer claiming an imported profile with its code, whose response was lost, gets the
// profile it claimed when it retries: not the 409 of an account that already has one.
func TestAClaimRetriedAfterALostResponseGetsTheProfile(t *testing.T) {
	f := start(t)
	_, imported := f.importedProducers(t)
	id, code := imported["4600123456"][0], imported["4600123456"][1]
	tok, _ := f.tokens.Token(t, "producer", "")
	body := map[string]any{"kind": "cooperative", "legal_name": "HTX Chè Tân Cương", "tax_code": "4600123456", "province": "Thái Nguyên",
		"commune": "Xã Tân Cương", "phone": "0208 3855 123", "claim_code": code}
	got := testenv.RetryAfterALostResponse(t, f.app.Host.DB, f.api.With(tok), "claim", "/api/producers", "/api/producers/", "claim-1", body)
	if got != id {
		t.Errorf("the claim answered producer %s, want the imported %s", got, id)
	}
	// A new registration of the same tax code, without the code, is no re-run: it is refused.
	delete(body, "claim_code")
	body["legal_name"] = "HTX Chè Tân Cương mới"
	if r := f.api.With(tok).Do(t, "POST", "/api/producers", body, httpx.IdempotencyHeader, "register-again"); r.Status != 409 {
		t.Errorf("registering the tax code of the profile held, with a new key: %d %s, want 409", r.Status, r.Body)
	}
}
