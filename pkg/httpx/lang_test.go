package httpx_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
)

var testTooBig = apperr.M("test.too_big", "Kho %[1]s chỉ chứa được %[2]d thùng.", "The %[1]s store holds only %[2]d crates.")

type stockReq struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (r stockReq) Validate() error {
	var v apperr.Validation
	v.Expect(r.Name != "", "name", apperr.Required)
	v.Expect(r.Count <= 100, "count", apperr.Between, 0, 100)
	return v.Err()
}

// langRouter answers with the problems the language tests look at.
func langRouter(t *testing.T) *gin.Engine {
	t.Helper()
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")})
	r.POST("/stock", func(c *gin.Context) {
		var req stockReq
		if httpx.Bind(c, &req) {
			c.Status(http.StatusNoContent)
		}
	})
	r.POST("/optional", func(c *gin.Context) {
		var req struct {
			Reason string `json:"reason"`
		}
		if httpx.BindOptional(c, &req) {
			c.String(http.StatusOK, "reason=%q", req.Reason)
		}
	})
	r.GET("/conflict", func(c *gin.Context) {
		httpx.RespondError(c, apperr.New(apperr.Conflict, testTooBig, "Hà Nội", 12))
	})
	r.GET("/legacy", func(c *gin.Context) { httpx.RespondError(c, apperr.E(apperr.Conflict, "an old message")) })
	r.GET("/internal", func(c *gin.Context) { httpx.RespondError(c, errors.New("disk on fire")) })
	return r
}

func TestProblemInCallersLanguage(t *testing.T) {
	r := langRouter(t)
	tests := []struct {
		name, header, wantLang string
	}{
		{"no header", "", "vi"},
		{"vi", "vi", "vi"},
		{"vi-VN", "vi-VN,vi;q=0.9", "vi"},
		{"en", "en", "en"},
		{"en-GB", "en-GB", "en"},
		{"en preferred by q", "vi;q=0.4, en;q=0.9", "en"},
		{"vi preferred by q", "en;q=0.3, vi", "vi"},
		{"en refused", "en;q=0, fr", "vi"},
		{"unknown language", "fr-FR, de;q=0.8", "vi"},
		{"unknown before en", "fr, en;q=0.5", "en"},
		{"wildcard", "*", "vi"},
		{"garbage", ";;;q=x", "vi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(r, "POST", "/stock", `{"count":500}`, map[string]string{"Accept-Language": tt.header})
			if w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422; body %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Content-Language"); got != tt.wantLang {
				t.Errorf("Content-Language = %q, want %q", got, tt.wantLang)
			}
			if got := w.Header().Get("Vary"); !strings.Contains(got, "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language in it", got)
			}
			p := problemOf(t, w)
			want := map[string]httpx.Problem{
				"vi": {Title: "Dữ liệu chưa hợp lệ", Detail: "Một số trường chưa hợp lệ; xem chi tiết ở từng trường.",
					Errors: []apperr.FieldError{{Field: "name", Code: "required", Message: "bắt buộc phải có"},
						{Field: "count", Code: "between", Message: "phải là số từ 0 đến 100"}}},
				"en": {Title: "Invalid input", Detail: "Some fields are invalid; see each field for what is wrong.",
					Errors: []apperr.FieldError{{Field: "name", Code: "required", Message: "is required"},
						{Field: "count", Code: "between", Message: "must be a number from 0 to 100"}}},
			}[tt.wantLang]
			if p.Title != want.Title || p.Detail != want.Detail || p.Code != "invalid_fields" {
				t.Errorf("problem = %q / %q / %q, want %q / %q / invalid_fields", p.Title, p.Detail, p.Code, want.Title, want.Detail)
			}
			if diff := cmp.Diff(want.Errors, p.Errors); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblemCodesAndTexts(t *testing.T) {
	r := langRouter(t)
	tests := []struct {
		name, method, path, body, lang string
		status                         int
		code, detail                   string
		fieldCode, fieldMessage        string
	}{
		{"parameters in order per language, vi", "GET", "/conflict", "", "vi", 409, "test.too_big", "Kho Hà Nội chỉ chứa được 12 thùng.", "", ""},
		{"parameters in order per language, en", "GET", "/conflict", "", "en", 409, "test.too_big", "The Hà Nội store holds only 12 crates.", "", ""},
		{"a bare string keeps its text, coded by kind", "GET", "/legacy", "", "vi", 409, "conflict", "an old message", "", ""},
		{"internal, vi", "GET", "/internal", "", "vi", 500, "internal_error", "Hệ thống gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Vui lòng thử lại sau.", "", ""},
		{"internal, en", "GET", "/internal", "", "en", 500, "internal_error", "Something went wrong on our side; the error has been logged. Please try again later.", "", ""},
		{"unknown field, en", "POST", "/stock", `{"name":"x","colour":"red"}`, "en", 422, "unknown_field", "The request has a field this endpoint does not know.", "field_unknown", "unknown field; check its spelling"},
		{"unknown field, vi", "POST", "/stock", `{"name":"x","colour":"red"}`, "vi", 422, "unknown_field", "Yêu cầu có một trường mà API này không nhận.", "field_unknown", "trường này không có trong API; hãy kiểm tra lại tên trường"},
		{"wrong type, en", "POST", "/stock", `{"name":"x","count":"many"}`, "en", 422, "wrong_type", "A field has the wrong type.", "field_type", "must be a whole number"},
		{"wrong type, vi", "POST", "/stock", `{"name":"x","count":"many"}`, "vi", 422, "wrong_type", "Một trường có kiểu dữ liệu không đúng.", "field_type", "phải là một số nguyên"},
		{"malformed, en", "POST", "/stock", `{"name":}`, "en", 400, "body_not_json", "The request body is not valid JSON (at byte 9).", "", ""},
		{"cut off, vi", "POST", "/stock", `{"name":`, "vi", 400, "body_truncated", "Nội dung JSON bị cắt ngang, chưa đầy đủ.", "", ""},
		{"trailing, en", "POST", "/stock", `{"name":"x"} {}`, "en", 400, "body_trailing_data", "The request body has data after the JSON object.", "", ""},
		{"missing body, vi", "POST", "/stock", ``, "vi", 400, "body_missing", "Yêu cầu chưa có nội dung; hãy gửi một đối tượng JSON.", "", ""},
		{"null body, en", "POST", "/stock", `null`, "en", 400, "body_missing", "The request has no body; send a JSON object.", "", ""},
		{"white space body, en", "POST", "/stock", " \n ", "en", 400, "body_missing", "The request has no body; send a JSON object.", "", ""},
		{"too large, vi", "POST", "/stock", `{"name":"` + strings.Repeat("a", httpx.MaxBodyBytes) + `"}`, "vi", 413, "body_too_large", "Nội dung yêu cầu vượt quá 1048576 byte.", "", ""},
		{"no route, en", "GET", "/nothing", "", "en", 404, "no_route", "There is no endpoint at GET /nothing.", "", ""},
		{"no route, vi", "GET", "/nothing", "", "vi", 404, "no_route", "Không có API nào tại GET /nothing.", "", ""},
		{"method, en", "DELETE", "/stock", "", "en", 405, "method_not_allowed", "/stock does not take the DELETE method.", "", ""},
		{"method, vi", "DELETE", "/stock", "", "vi", 405, "method_not_allowed", "Địa chỉ /stock không nhận phương thức DELETE.", "", ""},
		{"paging, en", "GET", "/page?limit=0", "", "en", 422, "invalid_fields", "Some fields are invalid; see each field for what is wrong.", "limit_invalid", "must be a whole number from 1 to 100"},
		{"cursor, vi", "GET", "/page?cursor=%21%21", "", "vi", 422, "invalid_fields", "Một số trường chưa hợp lệ; xem chi tiết ở từng trường.", "cursor_invalid", "không phải con trỏ của một trang trước"},
	}
	r.GET("/page", func(c *gin.Context) {
		var after string
		if _, err := httpx.PageAfter(c, &after); err != nil {
			httpx.RespondError(c, err)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(r, tt.method, tt.path, tt.body, map[string]string{"Accept-Language": tt.lang})
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			p := problemOf(t, w)
			if p.Code != tt.code || p.Detail != tt.detail {
				t.Errorf("code, detail = %q, %q; want %q, %q", p.Code, p.Detail, tt.code, tt.detail)
			}
			if p.Title == "" || p.Type == "" || p.Instance == "" || p.CorrelationID == "" {
				t.Errorf("problem lacks type, title, instance or correlation_id: %+v", p)
			}
			if tt.fieldCode == "" {
				return
			}
			if len(p.Errors) != 1 || p.Errors[0].Code != tt.fieldCode || p.Errors[0].Message != tt.fieldMessage {
				t.Errorf("field errors = %+v, want one %s: %q", p.Errors, tt.fieldCode, tt.fieldMessage)
			}
		})
	}
}

// TestMissingBodyRule: a route that takes a body refuses a missing one with 400, however it is
// missing; a route whose body is optional takes a missing one as {} and refuses a broken one.
func TestMissingBodyRule(t *testing.T) {
	r := langRouter(t)
	chunked := func(path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", path, io.NopCloser(strings.NewReader(body)))
		req.ContentLength = -1
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		return w
	}
	tests := []struct {
		name   string
		w      *httptest.ResponseRecorder
		status int
		body   string
	}{
		{"required, no bytes", do(r, "POST", "/stock", "", nil), 400, ""},
		{"required, chunked and empty", chunked("/stock", ""), 400, ""},
		{"required, null", do(r, "POST", "/stock", "null", nil), 400, ""},
		{"optional, no bytes", do(r, "POST", "/optional", "", nil), 200, `reason=""`},
		{"optional, chunked and empty", chunked("/optional", ""), 200, `reason=""`},
		{"optional, null", do(r, "POST", "/optional", "null", nil), 200, `reason=""`},
		{"optional, given", do(r, "POST", "/optional", `{"reason":"trùng lịch"}`, nil), 200, `reason="trùng lịch"`},
		{"optional, broken", do(r, "POST", "/optional", `{"reason":`, nil), 400, ""},
		{"optional, unknown field", do(r, "POST", "/optional", `{"why":"x"}`, nil), 422, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", tt.w.Code, tt.status, tt.w.Body)
			}
			if tt.status == 400 && tt.body == "" && strings.HasPrefix(tt.name, "required") {
				if p := problemOf(t, tt.w); p.Code != "body_missing" {
					t.Errorf("code = %q, want body_missing", p.Code)
				}
			}
			if tt.body != "" && tt.w.Body.String() != tt.body {
				t.Errorf("body = %s, want %s", tt.w.Body, tt.body)
			}
		})
	}
}

func TestWriteProblemOutsideGin(t *testing.T) {
	for _, tt := range []struct{ lang, detail string }{
		{"en", "The request body is larger than 10 bytes."},
		{"", "Nội dung yêu cầu vượt quá 10 byte."},
	} {
		req := httptest.NewRequest("POST", "/api/fairs", nil)
		req.Header.Set("Accept-Language", tt.lang)
		w := httptest.NewRecorder()
		httpx.WriteProblem(w, req, httpx.BodyTooLarge(10))
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d, want 413", w.Code)
		}
		if p := problemOf(t, w); p.Code != "body_too_large" || p.Detail != tt.detail || p.Instance != "/api/fairs" {
			t.Errorf("WriteProblem(%q) = %+v, want body_too_large %q", tt.lang, p, tt.detail)
		}
		if w.Header().Get("Content-Language") == "" || w.Header().Get("Vary") != "Accept-Language" {
			t.Errorf("headers = %v, want Content-Language and Vary", w.Header())
		}
	}
}

// TestReplayKeepsItsLanguage: a refusal kept for an Idempotency-Key is replayed as it was sent,
// and says which language it is in, whatever the retry asks for.
func TestReplayKeepsItsLanguage(t *testing.T) {
	r, signer, _ := newServer(t, true)
	tok, _, _ := signer.Issue(auth.Principal{AccountID: "a1", Role: auth.RoleProducer}, time.Now(), "j")
	hdr := map[string]string{"Authorization": "Bearer " + tok, httpx.IdempotencyHeader: "k-lang", "Accept-Language": "en"}
	first := do(r, "POST", "/api/things", `{"count":-1}`, hdr)
	hdr["Accept-Language"] = "vi"
	again := do(r, "POST", "/api/things", `{"count":-1}`, hdr)
	if first.Code != 422 || again.Code != 422 || again.Header().Get(httpx.IdempotentReplay) != "true" {
		t.Fatalf("answers = %d, %d (replayed %q), want 422 twice, the second replayed", first.Code, again.Code, again.Header().Get(httpx.IdempotentReplay))
	}
	if got := again.Header().Get("Content-Language"); got != "en" {
		t.Errorf("the replay's Content-Language = %q, want en, the language of its body", got)
	}
	if p := problemOf(t, again); p.Detail != "Some fields are invalid; see each field for what is wrong." {
		t.Errorf("the replay's detail = %q, want the first answer's", p.Detail)
	}
}
