package gatewayapp

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/gateway/internal/account"
	"github.com/ocopfair/ocopfair/services/gateway/internal/live"
)

// Signing out everywhere, changing the password and disabling an account each end the account's
// earlier sessions at the gateway; a disabled account cannot sign in (said only with the right
// password), and each request is refused field by field when it is wrong.
func TestSessionsEnd(t *testing.T) {
	f := start(t, nil)
	tok, id := f.register(t, "htx.sessions@example.vn", "producer")
	producer := f.client.With(tok)
	revoked := func(c testenv.Client, what string) {
		t.Helper()
		testenv.Eventually(t, what, func() bool {
			r := c.Do(t, "GET", "/api/auth/me", nil)
			return r.Status == 401 && strings.Contains(string(r.Body), "token_revoked")
		})
	}
	if r := producer.Do(t, "POST", "/api/auth/sign-out-everywhere", nil); r.Status != 204 {
		t.Fatalf("sign out everywhere: %d %s", r.Status, r.Body)
	}
	revoked(producer, "the token signed out everywhere is refused")
	// Signing in again at once gives a token that works at once.
	again := f.client.With(f.login(t, "htx.sessions@example.vn", "long-enough-pw"))
	if r := again.Do(t, "GET", "/api/auth/me", nil); r.Status != 200 {
		t.Fatalf("a new sign-in after signing out everywhere: %d %s", r.Status, r.Body)
	}

	for _, c := range []struct {
		body  map[string]string
		field string
	}{
		{map[string]string{"current_password": "wrong-password-1", "new_password": "mật-khẩu-mới-2026"}, "current_password"},
		{map[string]string{"current_password": "long-enough-pw", "new_password": "ngắn"}, "new_password"},
		{map[string]string{"current_password": "long-enough-pw", "new_password": "long-enough-pw"}, "new_password"},
		{map[string]string{"current_password": "long-enough-pw", "new_password": "htx.sessions@example.vn"}, "new_password"},
	} {
		r := again.Do(t, "POST", "/api/auth/password", c.body)
		if r.Status != 422 || !strings.Contains(string(r.Body), `"`+c.field+`"`) {
			t.Errorf("password %v: %d %s", c.body, r.Status, r.Body)
		}
	}
	r := again.Do(t, "POST", "/api/auth/password", map[string]string{"current_password": "long-enough-pw", "new_password": "mật-khẩu-mới-2026"})
	var changed account.RegisterResponse
	if r.Decode(t, &changed); r.Status != 200 || changed.AccessToken == "" {
		t.Fatalf("change password: %d %s", r.Status, r.Body)
	}
	revoked(again, "the token from before the password change is refused")
	if r := f.client.With(changed.AccessToken).Do(t, "GET", "/api/auth/me", nil); r.Status != 200 {
		t.Errorf("the token the change answered: %d %s", r.Status, r.Body)
	}
	if r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "htx.sessions@example.vn", "password": "long-enough-pw"}); r.Status != 401 {
		t.Errorf("the old password signs in: %d", r.Status)
	}

	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	var me account.Response
	admin.Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	if r := admin.Do(t, "POST", "/api/accounts/"+me.ID+"/disable", nil); r.Status != 409 {
		t.Errorf("an admin disabling itself: %d %s", r.Status, r.Body)
	}
	if r := f.client.With(changed.AccessToken).Do(t, "POST", "/api/accounts/"+id+"/disable", nil); r.Status != 403 {
		t.Errorf("a producer disabling an account: %d %s", r.Status, r.Body)
	}
	if r := admin.Do(t, "POST", "/api/accounts/00000000-0000-7000-8000-000000000000/disable", nil); r.Status != 404 {
		t.Errorf("disabling an unknown account: %d %s", r.Status, r.Body)
	}
	var acc account.Response
	r = admin.Do(t, "POST", "/api/accounts/"+id+"/disable", nil)
	if r.Decode(t, &acc); r.Status != 200 || !acc.Disabled {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	revoked(f.client.With(changed.AccessToken), "a disabled account's token is refused")
	if r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "htx.sessions@example.vn", "password": "wrong-password-9"}); r.Status != 401 {
		t.Errorf("a disabled account with a wrong password: %d (must not say it is disabled)", r.Status)
	}
	if r := f.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "htx.sessions@example.vn", "password": "mật-khẩu-mới-2026"}); r.Status != 403 || !strings.Contains(string(r.Body), "account_disabled") {
		t.Errorf("a disabled account signing in: %d %s", r.Status, r.Body)
	}
	r = admin.Do(t, "POST", "/api/accounts/"+id+"/enable", nil)
	if r.Decode(t, &acc); r.Status != 200 || acc.Disabled {
		t.Fatalf("enable: %d %s", r.Status, r.Body)
	}
	f.login(t, "htx.sessions@example.vn", "mật-khẩu-mới-2026")
}

// Signing out everywhere ends the account's open live streams within seconds, and a ticket issued
// before it opens none; the account's new session opens one again.
func TestSignOutEverywhereEndsLiveStreams(t *testing.T) {
	prof := &profiles{producers: map[string]string{}, buyers: map[string]string{}}
	f, _ := startWithProfiles(t, prof)
	tok, acc := f.register(t, "live.sessions@example.vn", "producer")
	prof.mu.Lock()
	prof.producers[acc] = "prod-live"
	prof.mu.Unlock()
	s := f.openStream(t, tok)
	var spare live.TicketResponse
	f.client.With(tok).Do(t, "POST", "/api/live/ticket", nil).Decode(t, &spare)
	if r := f.client.With(tok).Do(t, "POST", "/api/auth/sign-out-everywhere", nil); r.Status != 204 {
		t.Fatalf("sign out everywhere: %d %s", r.Status, r.Body)
	}
	// Signed in again at once (within the revocation's second, whose tokens are stamped ahead),
	// the new session opens a stream at once, and it stays open past the revocation checks.
	testenv.Eventually(t, "the old token refused", func() bool { return f.client.With(tok).Do(t, "GET", "/api/auth/me", nil).Status == 401 })
	again := f.openStream(t, f.login(t, "live.sessions@example.vn", "long-enough-pw"))
	select {
	case <-s.ended:
	case <-time.After(15 * time.Second):
		t.Fatal("the live stream stayed open after signing out everywhere")
	}
	if r := f.client.Do(t, "GET", "/api/live?ticket="+url.QueryEscape(spare.Ticket), nil); r.Status != 401 {
		t.Errorf("a ticket from before signing out: %d, want 401", r.Status)
	}
	select {
	case <-again.ended:
		t.Fatal("the new session's stream was ended")
	case <-time.After(live.RevokedCheck + time.Second):
	}
}

// The admin of OCOPFAIR_ADMIN_EMAIL disabled by another admin stays disabled across restarts
// while that admin may sign in; when no admin is left (two disabled each other at once), it is
// enabled again when the gateway starts, the way back in.
func TestTheEnvironmentsAdminIsEnabledAtStartWhenNoAdminIsLeft(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	dir := t.TempDir()
	first := startOn(t, natsURL, dir, nil)
	boot := first.client.With(first.login(t, "admin@example.vn", "admin-password-1"))
	if r := boot.Do(t, "POST", "/api/accounts", map[string]string{"email": "admin2@example.vn", "password": "admin-password-2", "name": "Quản trị 2", "role": "admin"}); r.Status != 201 {
		t.Fatalf("second admin: %d %s", r.Status, r.Body)
	}
	second := first.client.With(first.login(t, "admin2@example.vn", "admin-password-2"))
	var me account.Response
	boot.Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	if r := second.Do(t, "POST", "/api/accounts/"+me.ID+"/disable", nil); r.Status != 200 {
		t.Fatalf("disable the first admin: %d %s", r.Status, r.Body)
	}
	if r := first.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "admin@example.vn", "password": "admin-password-1"}); r.Status != 403 {
		t.Fatalf("the disabled admin signs in: %d", r.Status)
	}
	first.app.host.Close()
	again := startOn(t, natsURL, dir, nil)
	if r := again.client.Do(t, "POST", "/api/auth/login", map[string]string{"email": "admin@example.vn", "password": "admin-password-1"}); r.Status != 403 {
		t.Fatalf("the environment's admin, disabled by an admin who may sign in, after a restart: %d, want 403", r.Status)
	}
	// The second admin disabled too, as when two disable each other at the same moment.
	again.disableInStore(t, "admin2@example.vn")
	again.app.host.Close()
	third := startOn(t, natsURL, dir, nil)
	third.login(t, "admin@example.vn", "admin-password-1")
}

// A replica refuses the tokens of an account it disabled at once. Until a disabling stored by
// another replica reaches it, the account's token still passes there; the account's own routes
// and an admin's account routes refuse it anyway, so a password change cannot hand out a token
// stamped after the disabling, nor a disabled admin enable itself. (The relay is off: a
// revocation is stored, never published; the other replica's write is the store's.)
func TestADisabledAccountGetsNoNewToken(t *testing.T) {
	f := start(t, func(c *Config) { c.RelayOff = true })
	tok, id := f.register(t, "htx.disabled@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	if r := admin.Do(t, "POST", "/api/accounts/"+id+"/disable", nil); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	if r := f.client.With(tok).Do(t, "GET", "/api/auth/me", nil); r.Status != 401 || !strings.Contains(string(r.Body), "token_revoked") {
		t.Errorf("the token of an account this replica disabled: %d %s", r.Status, r.Body)
	}

	tok, _ = f.register(t, "htx.disabled2@example.vn", "producer")
	f.disableInStore(t, "htx.disabled2@example.vn")
	producer := f.client.With(tok)
	if r := producer.Do(t, "POST", "/api/auth/password", map[string]string{"current_password": "long-enough-pw", "new_password": "another-long-pw"}); r.Status != 403 || strings.Contains(string(r.Body), "access_token") {
		t.Errorf("a disabled account changing its password: %d %s", r.Status, r.Body)
	}
	if r := producer.Do(t, "GET", "/api/auth/me", nil); r.Status != 403 {
		t.Errorf("a disabled account's me: %d %s", r.Status, r.Body)
	}

	if r := admin.Do(t, "POST", "/api/accounts", map[string]string{"email": "admin2@example.vn", "password": "admin-password-2", "name": "Quản trị 2", "role": "admin"}); r.Status != 201 {
		t.Fatalf("second admin: %d %s", r.Status, r.Body)
	}
	second := f.client.With(f.login(t, "admin2@example.vn", "admin-password-2"))
	var me account.Response
	second.Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	f.disableInStore(t, "admin2@example.vn")
	for _, path := range []string{"/api/accounts/" + me.ID + "/enable", "/api/accounts/" + id + "/enable"} {
		if r := second.Do(t, "POST", path, nil); r.Status != 403 {
			t.Errorf("a disabled admin's %s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := second.Do(t, "GET", "/api/accounts", nil); r.Status != 403 {
		t.Errorf("a disabled admin listing accounts: %d", r.Status)
	}
}

// Devices of one account signing out everywhere at once succeed (or find themselves signed out
// already), and a revocation is never stored over with an earlier time. (The relay is off, so every request passes its token check
// and reaches the store.)
func TestRevocationsRacing(t *testing.T) {
	f := start(t, func(c *Config) { c.RelayOff = true })
	_, id := f.register(t, "htx.race@example.vn", "producer")
	toks := make([]string, 6)
	for i := range toks {
		toks[i] = f.login(t, "htx.race@example.vn", "long-enough-pw")
	}
	status := make([]int, len(toks))
	var wg sync.WaitGroup
	for i, tok := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status[i] = f.client.With(tok).Do(t, "POST", "/api/auth/sign-out-everywhere", nil).Status
		}()
	}
	wg.Wait()
	// Each one succeeds, or, reaching the gateway after another's revocation was stored (a busy
	// machine), is refused as signed out; none fails on the others' writes.
	signedOut := 0
	for i, s := range status {
		if s != 204 && s != 401 {
			t.Errorf("device %d signing out everywhere at once with the others: %d, want 204 (or 401 once signed out)", i, s)
		}
		if s == 204 {
			signedOut++
		}
	}
	if signedOut == 0 {
		t.Error("no device signed out everywhere")
	}
	acc, found, err := f.app.accounts.ByID(t.Context(), id)
	if err != nil || !found || acc.TokensValidAfter.IsZero() {
		t.Fatalf("the account after signing out: %v %v %v", acc.TokensValidAfter, found, err)
	}
	stale, after := acc, acc
	stale.TokensValidAfter = acc.TokensValidAfter.Add(-time.Second)
	after.TokensValidAfter = acc.TokensValidAfter.Add(-time.Second / 2)
	if err := f.app.accounts.Revoke(t.Context(), stale, after, events.RevokedSignOut, ""); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("a revocation read before a later one was stored: %v, want a conflict", err)
	}
	if now, _, _ := f.app.accounts.ByID(t.Context(), id); !now.TokensValidAfter.Equal(acc.TokensValidAfter) {
		t.Errorf("tokens valid after %v, then %v after a stale revocation", acc.TokensValidAfter, now.TokensValidAfter)
	}
}

// A revocation whose write ends in a later second than the one it revoked from is stored again
// from that second: a sign-in that read the account before the write, begun after that second
// started, stamps its token with it, and the token must not pass.
func TestARevocationWrittenAcrossASecondRevokesFromThatSecond(t *testing.T) {
	var mu sync.Mutex
	now, step := time.Now(), time.Duration(0)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(step)
		return now
	}
	f := start(t, func(c *Config) { c.RelayOff = true; c.Clock = clock })
	tok, id := f.register(t, "htx.second@example.vn", "producer")
	mu.Lock()
	base := time.Now().Truncate(time.Second).Add(time.Second)
	now, step = base.Add(600*time.Millisecond), 300*time.Millisecond // read at .9, written at 1.2
	mu.Unlock()
	if r := f.client.With(tok).Do(t, "POST", "/api/auth/sign-out-everywhere", nil); r.Status != 204 {
		t.Fatalf("sign out everywhere: %d %s", r.Status, r.Body)
	}
	acc, _, err := f.app.accounts.ByID(t.Context(), id)
	if want := base.Add(2 * time.Second); err != nil || !acc.TokensValidAfter.Equal(want) {
		t.Errorf("tokens valid after %v (%v), want %v: the second the write ended in", acc.TokensValidAfter, err, want)
	}
}

// disableInStore disables the account of email as another replica would: stored with its event,
// without this replica's routes hearing of it.
func (f fixture) disableInStore(t *testing.T, email string) {
	t.Helper()
	acc, _, err := f.app.accounts.ByEmail(t.Context(), email)
	if err != nil {
		t.Fatal(err)
	}
	after := acc
	after.Disabled, after.TokensValidAfter = true, account.NotBefore(time.Now())
	if !after.TokensValidAfter.After(acc.TokensValidAfter) {
		after.TokensValidAfter = acc.TokensValidAfter.Add(time.Second)
	}
	if err := f.app.accounts.Revoke(t.Context(), acc, after, events.RevokedDisabled, ""); err != nil {
		t.Fatal(err)
	}
}

// An admin's sessions ended on another replica (the event not here yet): the account routes here
// refuse its token, and an enabling read before a later disabling does not undo it.
func TestAccountRoutesRefuseATokenRevokedElsewhere(t *testing.T) {
	f := start(t, func(c *Config) { c.RelayOff = true })
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	if r := admin.Do(t, "POST", "/api/accounts", map[string]string{"email": "admin2@example.vn", "password": "admin-password-2", "name": "Quản trị 2", "role": "admin"}); r.Status != 201 {
		t.Fatalf("second admin: %d %s", r.Status, r.Body)
	}
	second := f.client.With(f.login(t, "admin2@example.vn", "admin-password-2"))
	acc, _, err := f.app.accounts.ByEmail(t.Context(), "admin2@example.vn")
	if err != nil {
		t.Fatal(err)
	}
	after := acc
	after.TokensValidAfter = account.NotBefore(time.Now()).Add(time.Second)
	if err := f.app.accounts.Revoke(t.Context(), acc, after, events.RevokedSignOut, ""); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/accounts", "/api/accounts/" + acc.ID, "/api/auth/me"} {
		if r := second.Do(t, "GET", path, nil); r.Status != 401 || !strings.Contains(string(r.Body), "token_revoked") {
			t.Errorf("GET %s with a token from before the sessions ended: %d %s", path, r.Status, r.Body)
		}
	}

	stale, _, _ := f.app.accounts.ByEmail(t.Context(), "admin2@example.vn")
	f.disableInStore(t, "admin2@example.vn")
	read, _, _ := f.app.accounts.ByEmail(t.Context(), "admin2@example.vn")
	enabled := read
	enabled.Disabled = false
	if err := f.app.accounts.Enable(t.Context(), enabled, time.Now(), ""); err != nil {
		t.Fatalf("enable: %v", err)
	}
	f.disableInStore(t, "admin2@example.vn")
	late := read // read while disabled the first time, before the second disabling
	late.Disabled = false
	if err := f.app.accounts.Enable(t.Context(), late, time.Now(), ""); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("an enabling read before a later disabling: %v, want a conflict", err)
	}
	if now, _, _ := f.app.accounts.ByEmail(t.Context(), "admin2@example.vn"); !now.Disabled || !now.TokensValidAfter.After(stale.TokensValidAfter) {
		t.Errorf("after the late enabling: disabled %v, tokens valid after %v", now.Disabled, now.TokensValidAfter)
	}
}
