package exhibitorapp

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// An organiser corrects a producer's product: the producer sees that an organiser changed it
// last, and who, in the product and in their list; the public and other producers do not see
// who. The producer's own edit then shows the producer.
func TestAProducerSeesWhoChangedTheirProductLast(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, prod := f.producerWithProduct(t, "1700000081", "Gạo ST25 Sóc Trăng", 4, issued)
	b, _, _ := f.producerWithProduct(t, "1700000082", "Bưởi Năm Roi", 4, issued)
	orgTok, orgAcc := f.tokens.Token(t, "organiser", "")
	type editor struct{ Role, Name string }
	changedBy := func(r []byte) *editor {
		t.Helper()
		var body struct {
			ChangedBy *editor `json:"changed_by"`
		}
		if err := json.Unmarshal(r, &body); err != nil {
			t.Fatal(err)
		}
		return body.ChangedBy
	}
	if r := f.api.With(orgTok).Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 95000}); r.Status != http.StatusOK {
		t.Fatalf("the organiser's correction: %d %s", r.Status, r.Body)
	}
	want := editor{Role: "organiser", Name: "organiser " + orgAcc[:8]}
	if got := changedBy(a.Do(t, "GET", "/api/products/"+prod, nil).Body); got == nil || *got != want {
		t.Errorf("the producer reads changed_by %+v, want %+v", got, want)
	}
	list := a.Do(t, "GET", "/api/producers/"+aID+"/products", nil)
	if !strings.Contains(string(list.Body), `"changed_by":{"role":"organiser","name":"`+want.Name+`"}`) {
		t.Errorf("the producer's list: %s, want who changed the product", list.Body)
	}
	for who, c := range map[string][]byte{"the public": f.api.Do(t, "GET", "/api/products/"+prod, nil).Body, "another producer": b.Do(t, "GET", "/api/products/"+prod, nil).Body,
		"the public's list": f.api.Do(t, "GET", "/api/producers/"+aID+"/products", nil).Body} {
		if strings.Contains(string(c), "changed_by") {
			t.Errorf("%s reads who changed the product: %s", who, c)
		}
	}
	if r := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"price_max_vnd": 99000}); r.Status != http.StatusOK || changedBy(r.Body) == nil || changedBy(r.Body).Role != "producer" {
		t.Errorf("the producer's own edit: %d %s, want changed_by the producer", r.Status, r.Body)
	}
}

// A producer's product rated again takes its new decision with the new stars: stars alone are
// refused under the decision number; an organiser corrects stars typed wrong without one.
func TestNewStarsComeWithTheirDecision(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prod := f.producerWithProduct(t, "1700000083", "Chè Shan tuyết Suối Giàng", 4, issued)
	if r := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"stars": 5}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"field":"certificate.decision_no"`) {
		t.Errorf("5 stars without a new decision: %d %s, want 422 on certificate.decision_no", r.Status, r.Body)
	}
	cert := map[string]string{"decision_no": "88/QĐ-BNNMT", "issued_by": "Bộ Nông nghiệp và Môi trường", "issued_on": issued}
	if r := a.Do(t, "PATCH", "/api/products/"+prod, map[string]any{"stars": 5, "certificate": cert}); r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"stars":5`) {
		t.Errorf("5 stars with the ministry's decision: %d %s", r.Status, r.Body)
	}
	orgTok, _ := f.tokens.Token(t, "organiser", "")
	if r := f.api.With(orgTok).Do(t, "PATCH", "/api/products/"+prod, map[string]any{"stars": 4}); r.Status != http.StatusOK {
		t.Errorf("an organiser correcting the stars: %d %s", r.Status, r.Body)
	}
}
