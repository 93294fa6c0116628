package eventapp

import (
	"reflect"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// TestMessages checks every message the event service links (its own and the kernel's), and
// that none of its packages makes a user message from a bare one-language string.
func TestMessages(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	bare, err := msgcheck.BareStrings(".", "../allocation", "../applicants", "../booth", "../fair", "../report") // pkg/sheet: in pkg/httpx TestCatalogue
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bare {
		t.Error(b)
	}
}

// TestRefusalsInCallersLanguage sends failing requests to the whole service with and without
// Accept-Language and reads the problem's language, code and field errors.
func TestRefusalsInCallersLanguage(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Hà Nội mùa Đông")
	badBooth := map[string]any{"booths": []map[string]any{{"code": "a b", "zone": "", "kind": "huge"}}}
	tests := []struct {
		name, method, path string
		body               any
		lang               string
		status             int
		contentLanguage    string
		code, detail       string
		fields             []apperr.FieldError
	}{
		{"move, no language", "POST", "/api/fairs/" + id + "/start", nil, "", 409, "vi", "fair_move_not_allowed",
			"Không thể bắt đầu hội chợ đang là bản nháp; lúc này chỉ có thể hủy hoặc công bố.", nil},
		{"move, en", "POST", "/api/fairs/" + id + "/start", nil, "en-US,en;q=0.9", 409, "en", "fair_move_not_allowed",
			"Cannot start a draft fair; allowed: cancel or publish.", nil},
		{"booth fields, en", "POST", "/api/fairs/" + id + "/booths", badBooth, "en", 422, "en", "invalid_fields",
			"Some fields are invalid; see each field for what is wrong.", []apperr.FieldError{
				{Field: "booths[0].code", Code: "booth_code", Message: "must be 1 to 12 letters, digits or dashes, such as A01"},
				{Field: "booths[0].zone", Code: "booth_zone", Message: "is required, at most 60 characters (e.g. Khu Tây Bắc)"},
				{Field: "booths[0].kind", Code: "one_of", Message: "must be standard, corner, double or premium"},
				{Field: "booths[0].size", Code: "booth_size", Message: "width and depth must be 1 to 100 metres"}}},
		{"booth fields, no language", "POST", "/api/fairs/" + id + "/booths", badBooth, "", 422, "vi", "invalid_fields",
			"Một số trường chưa hợp lệ; xem chi tiết ở từng trường.", []apperr.FieldError{
				{Field: "booths[0].code", Code: "booth_code", Message: "phải có từ 1 đến 12 chữ cái, chữ số hoặc dấu gạch ngang, ví dụ A01"},
				{Field: "booths[0].zone", Code: "booth_zone", Message: "bắt buộc phải có, dài tối đa 60 ký tự (ví dụ Khu Tây Bắc)"},
				{Field: "booths[0].kind", Code: "one_of", Message: "phải là standard, corner, double hoặc premium"},
				{Field: "booths[0].size", Code: "booth_size", Message: "chiều rộng và chiều sâu phải từ 1 đến 100 mét"}}},
		{"hidden draft, en", "GET", "/api/fairs/" + id, nil, "en", 404, "en", "not_found", "The fair was not found.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.lang != "" {
				headers = []string{"Accept-Language", tt.lang}
			}
			client := e.org
			if tt.method == "GET" {
				client = e.api
			}
			r := client.Do(t, tt.method, tt.path, tt.body, headers...)
			var p httpx.Problem
			r.Decode(t, &p)
			if r.Status != tt.status || p.Code != tt.code || p.Detail != tt.detail {
				t.Errorf("answer = %d %s %q, want %d %s %q", r.Status, p.Code, p.Detail, tt.status, tt.code, tt.detail)
			}
			if got := r.Header.Get("Content-Language"); got != tt.contentLanguage {
				t.Errorf("Content-Language = %q, want %q", got, tt.contentLanguage)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("field errors = %+v, want %+v", p.Errors, tt.fields)
			}
		})
	}
}
