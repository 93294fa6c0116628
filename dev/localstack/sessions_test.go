package localstack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/localstack"
	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
)

// checkSessionsEnd drives ending sessions through the gateway of the real system: a buyer signs
// out everywhere, then changes the password, then an admin disables the account; after each, the
// earlier token is refused by the matchmaking service (not only the gateway, which issued it),
// while the token the buyer gets next works at once. The buyer's badge at a fair checks in
// until the account is disabled, and once it is enabled again the organisers' print has the
// buyer again before they sign in, with a new badge.
func checkSessionsEnd(t *testing.T, gw testenv.Client, buyer, org localstack.DemoAccount, fairID string) {
	t.Helper()
	badgeOf, scan, printed := badgeDesk(t, gw, org)
	signIn := func(password string) testenv.Client { return signInAs(t, gw, buyer.Email, password) }
	works := func(c testenv.Client, what string) {
		t.Helper()
		if r := c.Do(t, "GET", "/api/buyers/me", nil); r.Status != 200 {
			t.Fatalf("%s: %d %s", what, r.Status, r.Body)
		}
	}
	refused := func(c testenv.Client, what string) {
		t.Helper()
		testenv.Eventually(t, what, func() bool {
			r := c.Do(t, "GET", "/api/buyers/me", nil)
			return r.Status == 401 && strings.Contains(string(r.Body), "token_revoked")
		})
	}
	first := signIn(buyer.Password)
	works(first, "before signing out")
	badge := badgeOf(first)
	holder := badgeHolder(t, first)
	if text := printed(); !strings.Contains(text, holder) {
		t.Fatalf("the organisers' print has no %q:\n%s", holder, text)
	}
	// A calendar feed needs no sign-in: one made by a session that ends ends with it.
	var feed struct{ Path string }
	r := first.Do(t, "POST", "/api/fairs/"+fairID+"/agenda/feed", nil)
	if r.Decode(t, &feed); r.Status != 200 || gw.Do(t, "GET", feed.Path, nil).Status != 200 {
		t.Fatalf("calendar feed: %d %s", r.Status, r.Body)
	}
	if r := first.Do(t, "POST", "/api/auth/sign-out-everywhere", nil); r.Status != 204 {
		t.Fatalf("sign out everywhere: %d %s", r.Status, r.Body)
	}
	refused(first, "the matchmaking service refuses the token signed out everywhere")
	testenv.Eventually(t, "the calendar feed ends with the session", func() bool { return gw.Do(t, "GET", feed.Path, nil).Status == 404 })
	second := signIn(buyer.Password)
	works(second, "a sign-in right after signing out everywhere")

	var changed struct {
		AccessToken string `json:"access_token"`
	}
	r = second.Do(t, "POST", "/api/auth/password", map[string]string{"current_password": buyer.Password, "new_password": "mật-khẩu-mới-2026"})
	if r.Decode(t, &changed); r.Status != 200 {
		t.Fatalf("change password: %d %s", r.Status, r.Body)
	}
	refused(second, "the matchmaking service refuses the token from before the password change")
	third := gw.With(changed.AccessToken)
	works(third, "the token the password change answered")
	checkNewSessionsFeedLives(t, gw, third, fairID)
	if r := scan(badge); r.Status != 201 {
		t.Errorf("the badge after signing out everywhere and a new password: %d %s, want 201", r.Status, r.Body)
	}

	admin := signInAs(t, gw, "admin@example.vn", "admin-password-1")
	var me struct{ ID string }
	third.Do(t, "GET", "/api/auth/me", nil).Decode(t, &me)
	if r := admin.Do(t, "POST", "/api/accounts/"+me.ID+"/disable", nil); r.Status != 200 {
		t.Fatalf("disable: %d %s", r.Status, r.Body)
	}
	refused(third, "the matchmaking service refuses a disabled account's token")
	testenv.Eventually(t, "the disabled account's badge refused at the gate", func() bool {
		r := scan(badge)
		return r.Status == 422 && strings.Contains(string(r.Body), `"code":"badge_invalid"`)
	})
	if r := gw.Do(t, "POST", "/api/auth/login", map[string]string{"email": buyer.Email, "password": "mật-khẩu-mới-2026"}); r.Status != 403 {
		t.Errorf("a disabled account signs in: %d %s", r.Status, r.Body)
	}
	checkEnabledAgain(t, admin, me.ID, holder, printed)
	again := signIn("mật-khẩu-mới-2026")
	works(again, "a sign-in once enabled again")
	if next := badgeOf(again); next == badge {
		t.Error("the badge once enabled again is the one disabling ended")
	} else if r := scan(next); r.Status != 201 {
		t.Errorf("the new badge once enabled again: %d %s, want 201", r.Status, r.Body)
	}
}

// checkEnabledAgain: the organisers' print leaves the disabled buyer (holder) out; an admin
// enables the account, and the print has the buyer again before they sign in.
func checkEnabledAgain(t *testing.T, admin testenv.Client, account, holder string, printed func() string) {
	t.Helper()
	if text := printed(); strings.Contains(text, holder) {
		t.Errorf("the organisers' print has the disabled buyer %q", holder)
	}
	if r := admin.Do(t, "POST", "/api/accounts/"+account+"/enable", nil); r.Status != 200 {
		t.Fatalf("enable: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the buyer back on the organisers' print once enabled, before signing in", func() bool { return strings.Contains(printed(), holder) })
}

// badgeHolder is the name a buyer's badge bears: its contact's, or else the buyer's.
func badgeHolder(t *testing.T, c testenv.Client) string {
	t.Helper()
	var me struct {
		Name    string
		Contact struct{ Name string }
	}
	r := c.Do(t, "GET", "/api/buyers/me", nil)
	if r.Decode(t, &me); r.Status != 200 {
		t.Fatalf("the buyer's profile: %d %s", r.Status, r.Body)
	}
	if me.Contact.Name != "" {
		return me.Contact.Name
	}
	return me.Name
}

// signInAs signs in through the gateway and returns the client with the token.
func signInAs(t *testing.T, gw testenv.Client, email, password string) testenv.Client {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r := gw.Do(t, "POST", "/api/auth/login", map[string]string{"email": email, "password": password})
	if r.Decode(t, &tok); r.Status != 200 {
		t.Fatalf("sign-in as %s: %d %s", email, r.Status, r.Body)
	}
	return gw.With(tok.AccessToken)
}

// badgeDesk returns how a participant reads its badge at the first of the demo organiser's fairs
// where it has one (that fair from then on), how the organiser scans a code at its gate, and what
// the organiser's print of that fair's badges reads (its words joined by single spaces).
func badgeDesk(t *testing.T, gw testenv.Client, org localstack.DemoAccount) (badgeOf func(testenv.Client) string, scan func(string) testenv.Response, printed func() string) {
	t.Helper()
	staff := signInAs(t, gw, org.Email, org.Password)
	var fairs struct{ Items []struct{ ID string } }
	staff.Do(t, "GET", "/api/fairs?organiser=me&limit=100", nil).Decode(t, &fairs)
	badgeFair := ""
	badgeOf = func(c testenv.Client) string {
		t.Helper()
		for _, f := range fairs.Items {
			if badgeFair != "" && f.ID != badgeFair {
				continue
			}
			var b struct{ Code string }
			if r := c.Do(t, "GET", "/api/fairs/"+f.ID+"/badge", nil); r.Status == 200 {
				r.Decode(t, &b)
				badgeFair = f.ID
				return b.Code
			}
		}
		t.Fatalf("no badge at the demo organiser's %d fairs", len(fairs.Items))
		return ""
	}
	scan = func(code string) testenv.Response {
		return staff.Do(t, "POST", "/api/fairs/"+badgeFair+"/checkins", map[string]any{"scan_id": uuid.NewString(), "code": code, "place": "gate"})
	}
	printed = func() string {
		r := staff.Do(t, "GET", "/api/fairs/"+badgeFair+"/badges.pdf", nil)
		if r.Status != 200 {
			t.Fatalf("badges.pdf: %d %s", r.Status, r.Body)
		}
		return strings.Join(strings.Fields(pdftext.Text(t, r.Body)), " ")
	}
	return badgeOf, scan, printed
}

// checkNewSessionsFeedLives: a calendar feed a session makes right after a revocation (its token
// stamped at the revocation's second, ahead of the service's clock) lives on.
func checkNewSessionsFeedLives(t *testing.T, gw, session testenv.Client, fairID string) {
	t.Helper()
	var fresh struct{ Path string }
	r := session.Do(t, "POST", "/api/fairs/"+fairID+"/agenda/feed", nil)
	if r.Decode(t, &fresh); r.Status != 200 {
		t.Fatalf("new session's feed: %d %s", r.Status, r.Body)
	}
	time.Sleep(1500 * time.Millisecond) // the revocation's consumer has run by now
	if r := gw.Do(t, "GET", fresh.Path, nil); r.Status != 200 {
		t.Errorf("the new session's calendar feed: %d %s", r.Status, r.Body)
	}
}
