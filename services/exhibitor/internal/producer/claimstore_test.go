package producer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Eleven throwaway accounts that each spend their five tries on wrong codes (55 tries, more than
// the 50 from all accounts that used to lock a code) stop only themselves: the producer holding
// the code still claims its profile with it, and organisers see the 55 wrong tries.
func TestManyAccountsWrongTriesDoNotLockTheCode(t *testing.T) {
	ctx, now := t.Context(), time.Now().In(vntext.Zone).Truncate(time.Millisecond)
	claims := NewClaimStore(testenv.DB(t))
	issued, err := claims.Issue(ctx, "producer-1", "organiser", now)
	if err != nil {
		t.Fatal(err)
	}
	const accounts = 11
	for a := range accounts {
		account := fmt.Sprintf("throwaway-%d", a)
		for try := 1; try <= ClaimAttempts; try++ {
			if _, result, err := claims.Redeem(ctx, "producer-1", account, "2222-2222-2222", now); result != ClaimWrongCode || err == nil {
				t.Errorf("Redeem(wrong code) by %s, try %d = %s, %v; want %s", account, try, result, err, ClaimWrongCode)
			}
		}
		// Each account's own limit holds: a sixth try is refused without comparing the code.
		if _, result, _ := claims.Redeem(ctx, "producer-1", account, issued.Code, now); result != ClaimLocked {
			t.Errorf("Redeem(right code) by %s after its %d tries = %s, want %s", account, ClaimAttempts, result, ClaimLocked)
		}
	}
	st, err := claims.Status(ctx, "producer-1", now)
	want := ClaimStatus{Outstanding: true, Issued: true, IssuedAt: now, ExpiresAt: issued.ExpiresAt, WrongTries: accounts * ClaimAttempts}
	if diff := cmp.Diff(want, st); err != nil || diff != "" {
		t.Errorf("Status after %d accounts' wrong tries: %v, (-want +got)\n%s", accounts, err, diff)
	}
	if codeID, result, err := claims.Redeem(ctx, "producer-1", "owner", issued.Code, now); codeID != issued.ID || result != ClaimSucceeded || err != nil {
		t.Errorf("Redeem(right code) by the owner = %q, %s, %v; want %q, %s", codeID, result, err, issued.ID, ClaimSucceeded)
	}
}

// A claim request refused before any code is compared (no code, an account that has a profile
// already, a field to correct, an account whose tries are spent) writes nothing to the claim
// audit log, however often it is sent; each try of a code is recorded, and so is the claim.
func TestClaimAuditRecordsOnlyComparedCodes(t *testing.T) {
	ctx, db := t.Context(), testenv.DB(t)
	h := &Routes{Store: NewStore(db), Claims: NewClaimStore(db), Notify: func() {}, Now: time.Now}
	imported, err := New("01900000-0000-7000-8000-000000000011", ImportedAccountPrefix+"4600123456", validFields(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	own := validFields()
	own.TaxCode = ptr("0101234567")
	held, err := New("01900000-0000-7000-8000-000000000012", "has-profile", own, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Producer{imported, held} {
		if err := h.Store.Create(ctx, p, ""); err != nil {
			t.Fatal(err)
		}
	}
	issued, err := h.Claims.Issue(ctx, imported.ID, "organiser", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	claim := claimSender(h)
	wrong := "2222-2222-2222"
	for range 5 {
		claim(t, "guesser", "", http.StatusUnprocessableEntity, `"field":"claim_code"`)
		claim(t, "has-profile", wrong, http.StatusConflict, "")
		claim(t, "guesser", wrong, http.StatusUnprocessableEntity, `"field":"commune"`, "commune", strings.Repeat("x", 121))
	}
	for range ClaimAttempts {
		claim(t, "guesser", wrong, http.StatusUnprocessableEntity, `"code":"claim_code_wrong`)
	}
	for range 5 {
		claim(t, "guesser", issued.Code, http.StatusUnprocessableEntity, `"code":"claim_code_locked_for_account"`)
	}
	claim(t, "owner", issued.Code, http.StatusCreated, `"account_id":"owner"`)

	attempts, err := h.Claims.Attempts(ctx, imported.ID, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range attempts {
		got[a.AccountID+" "+string(a.Result)]++
	}
	want := map[string]int{"guesser " + string(ClaimWrongCode): ClaimAttempts, "owner " + string(ClaimSucceeded): 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claim audit by account and result (-want +got)\n%s", diff)
	}
}

// claimSender returns a function that sends a claim of the imported profile (tax code
// 4600123456) with code as account, extra fields given as name, value pairs, and checks that the
// answer has status and contains has.
func claimSender(h *Routes) func(t testing.TB, account, code string, status int, has string, extra ...string) {
	engine := gin.New()
	engine.POST("/api/producers", func(c *gin.Context) {
		c.Set("ocopfair.principal", auth.Principal{AccountID: c.GetHeader("X-Test-Account"), Role: auth.RoleProducer})
		h.create(c)
	})
	return func(t testing.TB, account, code string, status int, has string, extra ...string) {
		t.Helper()
		body := map[string]string{"tax_code": "4600123456"}
		if code != "" {
			body["claim_code"] = code
		}
		for i := 0; i+1 < len(extra); i += 2 {
			body[extra[i]] = extra[i+1]
		}
		raw, _ := json.Marshal(body)
		req := httptest.NewRequest(http.MethodPost, "/api/producers", strings.NewReader(string(raw)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Test-Account", account)
		w := httptest.NewRecorder()
		engine.ServeHTTP(w, req)
		if w.Code != status || !strings.Contains(w.Body.String(), has) {
			t.Errorf("claim by %s with %q %v = %d %s, want %d with %s", account, code, extra, w.Code, w.Body, status, has)
		}
	}
}
