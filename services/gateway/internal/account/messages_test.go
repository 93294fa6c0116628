package account

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// TestMessages checks the catalogue this package links (its own messages and the kernel's), and
// that neither this package, the live relay nor the proxy makes a user message from a bare string.
func TestMessages(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	bare, err := msgcheck.BareStrings(".", "../live", "../proxy")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bare {
		t.Error(b)
	}
}

// accountRoutes serves the account routes on a fresh database, with sign-in limits of
// loginPerMinute, and returns the router and the routes.
func accountRoutes(t *testing.T, loginPerMinute int) (http.Handler, *Routes) {
	t.Helper()
	db := testenv.DB(t)
	if err := db.EnsureIndexes(context.Background(), Indexes()...); err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: metrics.New("test")})
	rt := NewRoutes(NewStore(db), auth.NewSigner(priv, "k", "iss", "aud", time.Hour), fast, loginPerMinute, func() {}, nil)
	rt.Register(httpx.API{Router: r, Doc: openapi.New("test", "1", "")})
	return r, rt
}

// TestSignInAndUpInCallersLanguage drives the sign-up and sign-in routes and reads their refusals
// in Vietnamese (the default) and English.
func TestSignInAndUpInCallersLanguage(t *testing.T) {
	r, _ := accountRoutes(t, 100)
	post := func(path, body, lang string) (int, httpx.Problem) {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		w := httptest.NewRecorder()
		r.ServeHTTP(w, req)
		var p httpx.Problem
		if w.Code >= 400 {
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatalf("%s: problem %s: %v", path, w.Body, err)
			}
		}
		return w.Code, p
	}
	const good = `{"email":"htx@example.vn","name":"HTX Tân Cương","role":"producer","password":"chè-ngon-2026"}`
	if code, p := post("/api/auth/register", good, ""); code != http.StatusCreated {
		t.Fatalf("register = %d %+v", code, p)
	}
	tests := []struct {
		name, path, body, lang string
		status                 int
		code, detail           string
		fields                 []apperr.FieldError
	}{
		{"taken email, vi", "/api/auth/register", good, "", 409, "email_taken", "Đã có tài khoản dùng địa chỉ email này.", nil},
		{"taken email, en", "/api/auth/register", good, "en", 409, "email_taken", "An account with this email already exists.", nil},
		{"wrong password, vi", "/api/auth/login", `{"email":"htx@example.vn","password":"sai-mat-khau"}`, "vi-VN", 401, "login_failed", "Email hoặc mật khẩu không đúng.", nil},
		{"wrong password, en", "/api/auth/login", `{"email":"htx@example.vn","password":"sai-mat-khau"}`, "en-US,en;q=0.9", 401, "login_failed", "The email or password is wrong.", nil},
		{"bad fields, en", "/api/auth/register", `{"email":"x","name":"A","role":"organiser","password":"short"}`, "en", 422, "invalid_fields",
			"Some fields are invalid; see each field for what is wrong.", []apperr.FieldError{
				{Field: "email", Code: "email_invalid", Message: "must be an email address such as ten@example.vn"},
				{Field: "name", Code: "length_between", Message: "must be 2 to 120 characters"},
				{Field: "role", Code: "one_of", Message: "must be producer or buyer"},
				{Field: "password", Code: "length_between", Message: "must be 10 to 128 characters"}}},
		{"bad fields, vi", "/api/auth/register", `{"email":"a@example.vn","name":"An","role":"buyer","password":"A@Example.vn"}`, "", 422, "invalid_fields",
			"Một số trường chưa hợp lệ; xem chi tiết ở từng trường.", []apperr.FieldError{
				{Field: "password", Code: "password_is_email", Message: "không được trùng với địa chỉ email"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, p := post(tt.path, tt.body, tt.lang)
			if code != tt.status || p.Code != tt.code || p.Detail != tt.detail {
				t.Errorf("answer = %d %s %q, want %d %s %q", code, p.Code, p.Detail, tt.status, tt.code, tt.detail)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("field errors = %+v, want %+v", p.Errors, tt.fields)
			}
		})
	}
}
