package exhibitorapp

import (
	"reflect"
	"testing"
)

// TestRefusalsInCallersLanguage reads the service's refusals and an import report without
// Accept-Language (Vietnamese) and with en: each is in that language, says so in
// Content-Language, and carries the same codes either way.
func TestRefusalsInCallersLanguage(t *testing.T) {
	f := start(t)
	prodTok, _ := f.tokens.Token(t, "producer", "")
	orgTok, _ := f.tokens.Token(t, "organiser", "")
	bad := map[string]any{"kind": "co-op", "legal_name": "HTX Chè Tân Cương", "tax_code": "12", "province": "Thái Nguyên",
		"commune": "Xã Tân Cương", "phone": "0912 345 678"}
	csv := "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
		"HTX Chè Tân Cương,HTX,4600123456,Thái Nguyên,Xã Tân Cương,0912345678,Chè búp,11,7,12/QĐ-UBND,UBND tỉnh Thái Nguyên,15/03/2024,kg\n"
	type field struct{ Field, Code, Message string }
	tests := []struct {
		lang, contentLang      string
		detail, missingProfile string
		fields                 []field
		starsError             string
	}{
		{"", "vi", "Một số trường chưa hợp lệ; xem chi tiết ở từng trường.",
			"Bạn chưa có hồ sơ chủ thể OCOP; hãy tạo hồ sơ trước.",
			[]field{{"kind", "one_of", "phải là cooperative, enterprise, household_business hoặc cooperative_group"},
				{"tax_code", "tax_code_invalid", "phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số từ 001 với chi nhánh (ví dụ 0101234567-001)"}},
			"Số sao phải là 3, 4, 5 hoặc tiềm năng 5 sao"},
		{"en", "en", "Some fields are invalid; see each field for what is wrong.",
			"You have no producer profile yet; create it first.",
			[]field{{"kind", "one_of", "must be cooperative, enterprise, household_business or cooperative_group"},
				{"tax_code", "tax_code_invalid", "must be 10 digits, or 10 digits, a dash and 3 digits from 001 for a branch (e.g. 0101234567-001)"}},
			"Số sao must be 3, 4, 5 or tiềm năng 5 sao"},
	}
	for _, tt := range tests {
		t.Run("lang="+tt.contentLang, func(t *testing.T) {
			var headers []string
			if tt.lang != "" {
				headers = []string{"Accept-Language", tt.lang}
			}
			var p struct {
				Code, Detail string
				Errors       []field
			}
			r := f.api.With(prodTok).Do(t, "POST", "/api/producers", bad, headers...)
			r.Decode(t, &p)
			if r.Status != 422 || p.Code != "invalid_fields" || p.Detail != tt.detail || r.Header.Get("Content-Language") != tt.contentLang {
				t.Errorf("bad profile = %d %s %q (%s), want 422 invalid_fields %q (%s)", r.Status, p.Code, p.Detail,
					r.Header.Get("Content-Language"), tt.detail, tt.contentLang)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("field errors = %+v, want %+v", p.Errors, tt.fields)
			}
			r = f.api.With(prodTok).Do(t, "GET", "/api/producers/me", nil, headers...)
			r.Decode(t, &p)
			if r.Status != 404 || p.Code != "producer_profile_missing" || p.Detail != tt.missingProfile {
				t.Errorf("no profile yet = %d %s %q, want 404 producer_profile_missing %q", r.Status, p.Code, p.Detail, tt.missingProfile)
			}
			var rep struct{ Results []struct{ Errors []field } }
			r = f.api.With(orgTok).Do(t, "POST", "/api/producers/import", csv, append(headers, "Content-Type", "text/csv")...)
			r.Decode(t, &rep)
			want := field{"stars", "import_column_one_of", tt.starsError}
			if r.Status != 200 || len(rep.Results) != 1 || !reflect.DeepEqual(rep.Results[0].Errors, []field{want}) {
				t.Errorf("import of a row with 7 stars = %d %s, want its one field error %+v", r.Status, r.Body, want)
			}
		})
	}
}
