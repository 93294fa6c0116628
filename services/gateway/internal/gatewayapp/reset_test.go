package gatewayapp

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
)

// TestPasswordResetWithACodeFromTheOffice: a producer who forgot the password phones the office;
// an admin issues a code and reads it out; the producer sets a new password with it (typed in
// lower case, with a space) and is signed in, its earlier sessions ended. The code works once;
// a wrong code, another account's code, an unknown email and a code past its tries are refused
// alike; a new code voids the one before; only admins issue codes.
func TestPasswordResetWithACodeFromTheOffice(t *testing.T) {
	f := start(t, nil)
	tok, id := f.register(t, "htx.quen@example.vn", "producer")
	old := f.client.With(tok)
	_, otherID := f.register(t, "htx.khac@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	issue := func(accountID string) string {
		t.Helper()
		r := admin.Do(t, "POST", "/api/accounts/"+accountID+"/password-reset", nil)
		var got struct{ Code string }
		if r.Decode(t, &got); r.Status != 201 || len(got.Code) != 11 || r.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("issue a reset code: %d %s", r.Status, r.Body)
		}
		return got.Code
	}
	reset := func(email, code, password string) testenv.Response {
		t.Helper()
		return f.client.Do(t, "POST", "/api/auth/password-reset", map[string]string{"email": email, "code": code, "new_password": password})
	}
	if r := old.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil); r.Status != 403 {
		t.Errorf("a producer issuing itself a code: %d %s", r.Status, r.Body)
	}
	first := issue(id)
	code := issue(id) // the second voids the first
	otherCode := issue(otherID)
	refused := map[string][2]string{
		"a voided code":           {"htx.quen@example.vn", first},
		"another account's code":  {"htx.quen@example.vn", otherCode},
		"an unknown email":        {"nobody@example.vn", code},
		"text that is no code":    {"htx.quen@example.vn", "abc"},
		"the code of another one": {"htx.khac@example.vn", code},
	}
	for name, c := range refused {
		if r := reset(c[0], c[1], "mật-khẩu-mới-2026"); r.Status != 422 || !strings.Contains(string(r.Body), `"code":"password_reset_code_invalid"`) {
			t.Errorf("%s: %d %s, want 422 on code", name, r.Status, r.Body)
		}
	}
	if r := reset("htx.quen@example.vn", code, "ngắn"); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"new_password"`) {
		t.Errorf("a short new password: %d %s", r.Status, r.Body)
	}
	// Typed as read out over the phone: lower case, a space for the dash, O for 0.
	typed := strings.ToLower(strings.ReplaceAll(strings.Replace(code, "-", " ", 1), "0", "O"))
	// Two phones sending it at once: one sets the password, the other is refused.
	answers := make([]testenv.Response, 2)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() { answers[i] = reset("htx.quen@example.vn", typed, "mật-khẩu-mới-2026") })
	}
	wg.Wait()
	ok := 0
	var signedIn account.RegisterResponse
	for _, r := range answers {
		if r.Status == 200 {
			ok++
			r.Decode(t, &signedIn)
		}
	}
	if ok != 1 || signedIn.AccessToken == "" {
		t.Fatalf("the code sent twice at once: %d and %d, want one 200 with a token", answers[0].Status, answers[1].Status)
	}
	testenv.Eventually(t, "the session from before the reset is refused", func() bool {
		return old.Do(t, "GET", "/api/auth/me", nil).Status == 401
	})
	if r := f.client.With(signedIn.AccessToken).Do(t, "GET", "/api/auth/me", nil); r.Status != 200 {
		t.Errorf("the token the reset answered: %d %s", r.Status, r.Body)
	}
	f.login(t, "htx.quen@example.vn", "mật-khẩu-mới-2026")
	if r := reset("htx.quen@example.vn", code, "mật-khẩu-khác-2026"); r.Status != 422 {
		t.Errorf("the code used a second time: %d %s", r.Status, r.Body)
	}
	triesSpendACode(t, issue(otherID), reset)
}

// triesSpendACode: five wrong tries spend a code: the right one is refused after them.
func triesSpendACode(t *testing.T, code string, reset func(email, code, password string) testenv.Response) {
	t.Helper()
	for range 5 {
		if r := reset("htx.khac@example.vn", "ZZZZZ-ZZZZZ", "mật-khẩu-mới-2026"); r.Status != 422 {
			t.Fatalf("a wrong code: %d %s, want 422 (within the sign-in limit)", r.Status, r.Body)
		}
	}
	if r := reset("htx.khac@example.vn", code, "mật-khẩu-mới-2026"); r.Status != 422 {
		t.Errorf("the right code after five wrong tries: %d %s, want 422", r.Status, r.Body)
	}
}

// TestAResetCodeExpires: a code read out and typed more than 30 minutes later is refused.
func TestAResetCodeExpires(t *testing.T) {
	var late atomic.Int64
	f := start(t, func(c *Config) { c.Clock = func() time.Time { return time.Now().Add(time.Duration(late.Load())) } })
	_, id := f.register(t, "htx.muon@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	var got struct{ Code string }
	admin.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil).Decode(t, &got)
	late.Store(int64(31 * time.Minute))
	r := f.client.Do(t, "POST", "/api/auth/password-reset", map[string]string{"email": "htx.muon@example.vn", "code": got.Code, "new_password": "mật-khẩu-mới-2026"})
	if r.Status != 422 || !strings.Contains(string(r.Body), "password_reset_code_invalid") {
		t.Errorf("a code 31 minutes old: %d %s, want 422", r.Status, r.Body)
	}
}

// TestADisabledAccountIsNotLetBackInByAResetCode: a code issued before the account was disabled
// neither sets its password nor signs it in, and does not come back when it is enabled again.
func TestADisabledAccountIsNotLetBackInByAResetCode(t *testing.T) {
	f := start(t, nil)
	_, id := f.register(t, "btc.nghi@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	var got struct{ Code string }
	admin.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil).Decode(t, &got)
	if r := admin.Do(t, "POST", "/api/accounts/"+id+"/disable", nil); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	body := map[string]string{"email": "btc.nghi@example.vn", "code": got.Code, "new_password": "mật-khẩu-mới-2026"}
	if r := f.client.Do(t, "POST", "/api/auth/password-reset", body); r.Status != 422 || strings.Contains(string(r.Body), "access_token") {
		t.Errorf("a disabled account's code: %d %s, want 422 and no token", r.Status, r.Body)
	}
	if r := admin.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil); r.Status != 409 {
		t.Errorf("a code for a disabled account: %d %s, want 409", r.Status, r.Body)
	}
	if r := admin.Do(t, "POST", "/api/accounts/"+id+"/enable", nil); r.Status != 200 {
		t.Fatalf("enable: %d %s", r.Status, r.Body)
	}
	if r := f.client.Do(t, "POST", "/api/auth/password-reset", body); r.Status != 422 {
		t.Errorf("the code from before the disabling, once enabled again: %d %s, want 422", r.Status, r.Body)
	}
	f.login(t, "btc.nghi@example.vn", "long-enough-pw")
}
