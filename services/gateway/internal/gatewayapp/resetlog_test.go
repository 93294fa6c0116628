package gatewayapp

import (
	"encoding/base64"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

type resetRecord struct {
	IssuedAt  string                    `json:"issued_at"`
	IssuedBy  struct{ ID, Name string } `json:"issued_by"`
	ExpiresAt string                    `json:"expires_at"`
	Tries     int                       `json:"wrong_tries"`
	Status    string
	EndedAt   string `json:"ended_at"`
}

// TestTheOfficeSeesWhoIssuedEachResetCode: each code issued for an account is on record, newest
// first, with the admin who issued it and how it ended: replaced by a newer one, used (with the
// wrong tries before), spent by five wrong tries, cancelled when the account was disabled, or
// expired. Read a page at a time, a page's first entry is still told replaced by the one before
// it. The codes are not in it; only admins read it, and only of an account that exists.
func TestTheOfficeSeesWhoIssuedEachResetCode(t *testing.T) {
	var late atomic.Int64
	f := start(t, func(c *Config) { c.Clock = func() time.Time { return time.Now().Add(time.Duration(late.Load())) } })
	tok, id := f.register(t, "htx.ghi@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	issue := func() string {
		t.Helper()
		var got struct{ Code string }
		r := admin.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil)
		if r.Decode(t, &got); r.Status != 201 {
			t.Fatalf("issue: %d %s", r.Status, r.Body)
		}
		return got.Code
	}
	reset := func(code string) int {
		t.Helper()
		return f.client.Do(t, "POST", "/api/auth/password-reset", map[string]string{"email": "htx.ghi@example.vn", "code": code, "new_password": "mật-khẩu-mới-2026"}).Status
	}
	codes := []string{issue(), issue()} // the second replaces the first
	if reset("ZZZZZ-ZZZZZ") != 422 || reset("ZZZZZ-ZZZZ1") != 422 || reset(codes[1]) != 200 {
		t.Fatal("two wrong tries and the right code")
	}
	codes = append(codes, issue())
	for range 5 {
		reset("ZZZZZ-ZZZZZ")
	}
	// Disabled with a code spent by wrong tries: it stays on record as spent, not cancelled.
	admin.Do(t, "POST", "/api/accounts/"+id+"/disable", nil)
	admin.Do(t, "POST", "/api/accounts/"+id+"/enable", nil)
	codes = append(codes, issue())
	admin.Do(t, "POST", "/api/accounts/"+id+"/disable", nil)
	admin.Do(t, "POST", "/api/accounts/"+id+"/enable", nil)
	codes = append(codes, issue())
	late.Store(int64(31 * time.Minute))

	var got []resetRecord
	cursor := ""
	for page := 0; page < 5; page++ { // 2, 2 and 1
		var list struct {
			Items      []resetRecord
			NextCursor string `json:"next_cursor"`
		}
		r := admin.Do(t, "GET", "/api/accounts/"+id+"/password-resets?limit=2&cursor="+cursor, nil)
		if r.Decode(t, &list); r.Status != 200 || len(list.Items) > 2 {
			t.Fatalf("page %d: %d %s", page, r.Status, r.Body)
		}
		for _, c := range codes {
			if strings.Contains(string(r.Body), c) || strings.Contains(string(r.Body), "hash") {
				t.Fatalf("the record shows a code: %s", r.Body)
			}
		}
		got = append(got, list.Items...)
		if cursor = list.NextCursor; cursor == "" {
			break
		}
	}
	want := []struct {
		status string
		tries  int
		ended  bool
	}{{"expired", 0, false}, {"cancelled", 0, true}, {"locked", 5, false}, {"used", 2, true}, {"replaced", 0, true}}
	if len(got) != len(want) {
		t.Fatalf("the record: %+v, want %d entries", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Status != w.status || g.Tries != w.tries || (g.EndedAt != "") != w.ended || g.IssuedBy.Name != "Quản trị viên" || !strings.HasSuffix(g.IssuedAt, "+07:00") {
			t.Errorf("entry %d: %+v, want %s after %d wrong tries, issued by the admin, in Vietnam's time", i, g, w.status, w.tries)
		}
	}
	if got[4].EndedAt != got[3].IssuedAt {
		t.Errorf("the first code ended %s, want when the second was issued (%s)", got[4].EndedAt, got[3].IssuedAt)
	}
	onlyAdminsRead(t, f, admin, tok, id)
}

// onlyAdminsRead: producers, organisers and no one are refused the record; an account that does
// not exist has none; an email asked for but left empty finds no one, rather than every account.
func onlyAdminsRead(t *testing.T, f fixture, admin testenv.Client, tok, id string) {
	t.Helper()
	admin.Do(t, "POST", "/api/accounts", map[string]string{"email": "btc.ghi@example.vn", "password": "organiser-pass-1", "name": "Ban tổ chức", "role": "organiser"})
	organiser := f.client.With(f.login(t, "btc.ghi@example.vn", "organiser-pass-1"))
	for who, c := range map[string]testenv.Client{"a producer": f.client.With(tok), "an organiser": organiser, "no one": f.client} {
		if r := c.Do(t, "GET", "/api/accounts/"+id+"/password-resets", nil); r.Status != 401 && r.Status != 403 {
			t.Errorf("%s reading the record: %d %s", who, r.Status, r.Body)
		}
	}
	if r := admin.Do(t, "GET", "/api/accounts/0193a000-0000-7000-8000-000000000000/password-resets", nil); r.Status != 404 {
		t.Errorf("the record of no account: %d %s", r.Status, r.Body)
	}
	if r := admin.Do(t, "GET", "/api/accounts?email=%20", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"email"`) {
		t.Errorf("accounts with an empty email: %d %s, want 422 on email", r.Status, r.Body)
	}
}

// TestWrongTriesSentAtOnceSpendFive: thirty wrong codes sent at once are not all compared
// against the code: five tries in all, then the right code is refused too, and the record says
// five wrong tries. A cursor that is no entry of the account's record is refused.
func TestWrongTriesSentAtOnceSpendFive(t *testing.T) {
	f := start(t, func(c *Config) { c.LoginPerMinute = 100 })
	_, id := f.register(t, "htx.doan@example.vn", "producer")
	admin := f.client.With(f.login(t, "admin@example.vn", "admin-password-1"))
	var got struct{ Code string }
	admin.Do(t, "POST", "/api/accounts/"+id+"/password-reset", nil).Decode(t, &got)
	reset := func(code string) int {
		return f.client.Do(t, "POST", "/api/auth/password-reset", map[string]string{"email": "htx.doan@example.vn", "code": code, "new_password": "mật-khẩu-mới-2026"}).Status
	}
	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() { reset("ZZZZZ-ZZZZZ") })
	}
	wg.Wait()
	if s := reset(got.Code); s != 422 {
		t.Errorf("the right code after thirty wrong ones at once: %d, want 422", s)
	}
	var list struct{ Items []resetRecord }
	admin.Do(t, "GET", "/api/accounts/"+id+"/password-resets", nil).Decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].Tries != 5 || list.Items[0].Status != "locked" {
		t.Errorf("the record after thirty wrong tries at once: %+v, want one code, locked after 5", list.Items)
	}
	forged := base64.RawURLEncoding.EncodeToString([]byte(`"01a248ee-1250-73a9-bdc4-e31396c2e0aa"`))
	if r := admin.Do(t, "GET", "/api/accounts/"+id+"/password-resets?cursor="+forged, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"cursor"`) {
		t.Errorf("a cursor that is no entry of the record: %d %s, want 422 on cursor", r.Status, r.Body)
	}
}
