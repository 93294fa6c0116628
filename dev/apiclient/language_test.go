package apiclient_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
)

// journey is what the producer's journey leaves behind for the checks that follow it.
type journey struct {
	fair, product, application, producerToken string
}

// answer is one exchange made through the gateway with a language asked for.
type answer struct {
	status int
	lang   string
	body   map[string]any
}

// send makes one request through the gateway with token and Accept-Language lang.
func send(t *testing.T, gw, token, lang, method, path string, body any) answer {
	t.Helper()
	var in bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&in).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, gw+path, &in)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, lang: resp.Header.Get("Content-Language")}
	if err := json.NewDecoder(resp.Body).Decode(&a.body); err != nil {
		t.Fatalf("%s %s: %d, body: %v", method, path, resp.StatusCode, err)
	}
	return a
}

// texts are the words an answer says to a person: a problem's title, detail and field messages,
// or a resource's reason.
func (a answer) texts() []string {
	var out []string
	for _, k := range []string{"title", "detail", "reason"} {
		if s, ok := a.body[k].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	fields, _ := a.body["errors"].([]any)
	for _, f := range fields {
		if m, ok := f.(map[string]any)["message"].(string); ok {
			out = append(out, m)
		}
	}
	return out
}

// said checks that every text of a is in lang: Vietnamese with its diacritics and no English, or
// English with no Vietnamese once the names (words people wrote) are left out; a problem says
// its language in Content-Language too.
func said(t *testing.T, what string, a answer, lang string, names ...string) {
	t.Helper()
	if _, problem := a.body["title"]; problem && a.lang != lang {
		t.Errorf("%s: Content-Language %q, want %q", what, a.lang, lang)
	}
	texts := a.texts()
	if len(texts) == 0 {
		t.Errorf("%s: nothing said in %s: %v", what, lang, a.body)
	}
	for _, s := range texts {
		var faults []string
		if lang == "vi" {
			faults = msgcheck.NotVietnamese(s)
		} else {
			for _, n := range names {
				s = strings.ReplaceAll(s, n, "")
			}
			faults = msgcheck.NotEnglish(s)
		}
		if len(faults) > 0 {
			t.Errorf("%s in %s: %q: %v", what, lang, s, faults)
		}
	}
}

// languagesReachTheClient reads through the gateway, in Vietnamese and in English, a validation
// error, a not-found, a refused application and the reason of an application the fair's
// cancellation cancelled: each by its code, each in the language asked for.
func languagesReachTheClient(t *testing.T, gw string, j journey) {
	org := token(t, gw, "xttm@hanoi.example.vn", "organiser-pass-1")
	for _, lang := range []string{"vi", "en"} {
		bad := send(t, gw, org, lang, "POST", "/api/fairs", map[string]any{"kind": "circus"})
		if bad.status != http.StatusUnprocessableEntity || bad.body["code"] != "invalid_fields" {
			t.Errorf("an invalid fair in %s: %d %v, want 422 invalid_fields", lang, bad.status, bad.body)
		}
		said(t, "an invalid fair", bad, lang)
		missing := send(t, gw, org, lang, "GET", "/api/fairs/"+uuid.NewString(), nil)
		if missing.status != http.StatusNotFound || missing.body["code"] != "not_found" {
			t.Errorf("a fair that does not exist in %s: %d %v, want 404 not_found", lang, missing.status, missing.body)
		}
		said(t, "a fair that does not exist", missing, lang)
		again := send(t, gw, j.producerToken, lang, "POST", "/api/fairs/"+j.fair+"/applications",
			map[string]any{"product_ids": []string{j.product}, "booth_count": 1})
		if again.status != http.StatusConflict || again.body["code"] != "application_exists" {
			t.Errorf("a second application in %s: %d %v, want 409 application_exists", lang, again.status, again.body)
		}
		said(t, "a second application", again, lang)
	}
	const why = "Bão số 3 đổ bộ"
	if a := send(t, gw, org, "vi", "POST", "/api/fairs/"+j.fair+"/cancel", map[string]any{"reason": why}); a.status != http.StatusOK {
		t.Fatalf("cancel the fair: %d %v", a.status, a.body)
	}
	var cancelled answer
	for deadline := time.Now().Add(30 * time.Second); cancelled.body["status"] != "cancelled"; time.Sleep(200 * time.Millisecond) {
		if cancelled = send(t, gw, j.producerToken, "vi", "GET", "/api/applications/"+j.application, nil); time.Now().After(deadline) {
			t.Fatalf("the application after its fair was cancelled: %d %v", cancelled.status, cancelled.body)
		}
	}
	for lang, want := range map[string]string{"vi": "Hội chợ đã bị hủy: " + why, "en": "The fair was cancelled: " + why} {
		a := send(t, gw, j.producerToken, lang, "GET", "/api/applications/"+j.application, nil)
		if a.body["reason_code"] != "fair_cancelled" || a.body["reason"] != want {
			t.Errorf("the cancelled application in %s: reason %v (%v), want %q (fair_cancelled)", lang, a.body["reason"], a.body["reason_code"], want)
		}
		said(t, "the cancelled application", a, lang, why)
	}
}
