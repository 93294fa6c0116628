package producer

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
)

// A legal name sent with a right-to-left override, a zero width space and NUL is answered and
// stored without them, as a probe of the running service found it was not.
func TestPatchStoresNameWithoutInvisibleCharacters(t *testing.T) {
	st := NewStore(testenv.DB(t))
	prod, err := New("01900000-0000-7000-8000-000000000001", "acc1", validFields(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(t.Context(), prod, ""); err != nil {
		t.Fatal(err)
	}
	h := &Routes{Store: st, Notify: func() {}, Now: time.Now}
	engine := gin.New()
	engine.PATCH("/api/producers/:id", func(c *gin.Context) {
		c.Set("ocopfair.principal", auth.Principal{AccountID: "acc1", Role: auth.RoleProducer})
		h.patch(c)
	})
	body := `{"legal_name":"HTX \u202eovT\u200b\u0000 Probe"}` // JSON escapes, as the probe sent them
	req := httptest.NewRequest(http.MethodPatch, "/api/producers/"+prod.ID, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	engine.ServeHTTP(w, req)

	const want = "HTX ovT Probe"
	var got response
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != http.StatusOK || err != nil {
		t.Fatalf("PATCH = %d %s, want 200", w.Code, w.Body)
	}
	if got.LegalName != want {
		t.Errorf("PATCH answered legal_name %q, want %q", got.LegalName, want)
	}
	stored, err := st.Get(t.Context(), prod.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.LegalName != want {
		t.Errorf("stored legal name = %q, want %q", stored.LegalName, want)
	}
	// Names that look blank (Hangul fillers, braille blanks, tone marks alone) are refused under
	// the field, as the probe found they were stored.
	for _, blank := range []string{`\u3164\u3164\u3164`, `\u2800\u2800\u2800`, `\u0301\u0301\u0301`} {
		req := httptest.NewRequest(http.MethodPatch, "/api/producers/"+prod.ID, strings.NewReader(`{"legal_name":"`+blank+`"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, req)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"legal_name"`) {
			t.Errorf("PATCH legal_name %s = %d %s, want 422 at legal_name", blank, w.Code, w.Body)
		}
	}
	// Text over its limit is refused under its field, not cut without a word.
	for field, limit := range map[string]int{"address": 300, "trademark_registration": 80, "export_experience": 2000, "commune": 120} {
		req := httptest.NewRequest(http.MethodPatch, "/api/producers/"+prod.ID, strings.NewReader(`{"`+field+`":"`+strings.Repeat("ô", limit+1)+`"}`))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, req)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"`+field+`"`) || !strings.Contains(w.Body.String(), `"code":"too_long"`) {
			t.Errorf("PATCH %s of %d letters = %d %s, want 422 too_long at %s", field, limit+1, w.Code, w.Body, field)
		}
	}
}
