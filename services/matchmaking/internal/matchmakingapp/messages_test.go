package matchmakingapp

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/apperr/msgcheck"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
)

// TestMessages checks the catalogue the service links (its messages and the kernel's), and that
// no package of the service makes a user message from a bare one-language string.
func TestMessages(t *testing.T) {
	if err := msgcheck.Catalogue(apperr.Messages()); err != nil {
		t.Error(err)
	}
	dirs, err := filepath.Glob("../*")
	if err != nil || len(dirs) < 7 {
		t.Fatalf("the service's packages: %v %v", dirs, err)
	}
	bare, err := msgcheck.BareStrings(dirs...)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bare {
		t.Error(b)
	}
}

// TestAnswersInCallersLanguage sends failing requests to the whole service and reads the
// problems in Vietnamese (no Accept-Language) and English, by code and by text.
func TestAnswersInCallersLanguage(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	_, api := startOn(t, natsURL, tokens)
	buyerTok, _ := tokens.Token(t, "buyer", "")
	orgTok, _ := tokens.Token(t, "organiser", "")
	withProfile, _ := tokens.Token(t, "buyer", "")
	buyerC, orgC, ownerC := api.With(buyerTok), api.With(orgTok), api.With(withProfile)
	newBuyer(t, ownerC, "Siêu thị Xanh")
	badBuyer := map[string]any{"name": "A", "kind": "shop", "province": "Atlantis"}
	kinds := func(or string) string {
		return strings.Join(buyer.Kinds[:len(buyer.Kinds)-1], ", ") + or + buyer.Kinds[len(buyer.Kinds)-1]
	}
	tests := []struct {
		name         string
		client       testenv.Client
		method, path string
		body         any
		lang         string
		status       int
		code, detail string
		fields       []apperr.FieldError
	}{
		{"bad buyer profile, vi", buyerC, "POST", "/api/buyers", badBuyer, "", 422, "invalid_fields",
			"Một số trường chưa hợp lệ; xem chi tiết ở từng trường.", []apperr.FieldError{
				{Field: "name", Code: "buyer_name_required", Message: "bắt buộc phải có: tên của tổ chức, ít nhất 2 ký tự"},
				{Field: "kind", Code: "one_of", Message: "phải là " + kinds(" hoặc ")},
				{Field: "province", Code: "buyer_province_unknown", Message: "không phải một trong 34 tỉnh, thành phố"}}},
		{"bad buyer profile, en", buyerC, "POST", "/api/buyers", badBuyer, "en", 422, "invalid_fields",
			"Some fields are invalid; see each field for what is wrong.", []apperr.FieldError{
				{Field: "name", Code: "buyer_name_required", Message: "is required: the organisation's name, at least 2 characters"},
				{Field: "kind", Code: "one_of", Message: "must be " + kinds(" or ")},
				{Field: "province", Code: "buyer_province_unknown", Message: "is not one of the 34 provinces and cities"}}},
		{"a second buyer profile, en", ownerC, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Lam", "kind": "other", "province": "01"}, "en",
			409, "buyer_profile_exists", "This account already has a buyer profile.", nil},
		{"agenda without a buyer profile, vi", buyerC, "GET", "/api/fairs/f1/agenda", nil, "", 409, "meeting_buyer_profile_missing",
			"Hãy tạo hồ sơ người mua trước.", nil},
		{"agenda without a buyer profile, en", buyerC, "GET", "/api/fairs/f1/agenda", nil, "en-US,en;q=0.9", 409, "meeting_buyer_profile_missing",
			"Create your buyer profile first.", nil},
		{"a problem without slots, en", orgC, "POST", "/api/scheduling/solve", map[string]any{"slots": 0, "tables": 1}, "en", 422, "invalid_fields",
			"Some fields are invalid; see each field for what is wrong.", []apperr.FieldError{
				{Field: "slots", Code: "between", Message: "must be a number from 1 to 64"}}},
		{"a meeting listed twice, vi", orgC, "POST", "/api/scheduling/solve", map[string]any{"slots": 2, "tables": 1,
			"meetings": []map[string]any{{"id": "m", "participants": []string{"a"}}, {"id": "m", "participants": []string{"b"}}}}, "", 422, "invalid_fields",
			"Một số trường chưa hợp lệ; xem chi tiết ở từng trường.", []apperr.FieldError{
				{Field: "meetings[1].id", Code: "schedule_id_repeated", Message: `phải có mã, và mỗi mã chỉ xuất hiện một lần ("m")`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.lang != "" {
				headers = []string{"Accept-Language", tt.lang}
			}
			r := tt.client.Do(t, tt.method, tt.path, tt.body, headers...)
			var p httpx.Problem
			r.Decode(t, &p)
			if r.Status != tt.status || p.Code != tt.code || p.Detail != tt.detail {
				t.Errorf("answer = %d %s %q, want %d %s %q", r.Status, p.Code, p.Detail, tt.status, tt.code, tt.detail)
			}
			if !reflect.DeepEqual(p.Errors, tt.fields) {
				t.Errorf("field errors = %+v, want %+v", p.Errors, tt.fields)
			}
			want := "vi"
			if tt.lang != "" {
				want = "en"
			}
			if got := r.Header.Get("Content-Language"); got != want {
				t.Errorf("Content-Language = %q, want %q", got, want)
			}
		})
	}
}

// TestUnscheduledReasonsInCallersLanguage solves a day whose one meeting cannot be placed and
// reads why, by code and in each language.
func TestUnscheduledReasonsInCallersLanguage(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	_, api := startOn(t, natsURL, tokens)
	orgTok, _ := tokens.Token(t, "organiser", "")
	problem := map[string]any{"slots": 2, "morning_slots": 0, "tables": 1, "time_limit_ms": 50,
		"meetings": []map[string]any{{"id": "m1", "participants": []string{"a", "b"}, "session": "morning"}}}
	for _, tt := range []struct{ lang, reason string }{
		{"", "không có khung giờ nào trong phiên buổi sáng mà mọi người tham gia (a, b) đều rảnh"},
		{"en", "no slot of the morning session is free for all of a, b"},
	} {
		var headers []string
		if tt.lang != "" {
			headers = []string{"Accept-Language", tt.lang}
		}
		r := api.With(orgTok).Do(t, "POST", "/api/scheduling/solve", problem, headers...)
		var sol struct {
			Unscheduled []struct{ Meeting, Code, Reason string }
		}
		r.Decode(t, &sol)
		if r.Status != 200 || len(sol.Unscheduled) != 1 || sol.Unscheduled[0].Code != "unscheduled.no_common_slot" || sol.Unscheduled[0].Reason != tt.reason {
			t.Errorf("solve (Accept-Language %q) = %d %+v, want m1 unscheduled.no_common_slot %q", tt.lang, r.Status, sol.Unscheduled, tt.reason)
		}
	}
}
