package exhibitorapp

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

const claimCSV = "Tên chủ thể,Loại hình,Mã số thuế,Tỉnh,Xã/phường,Điện thoại,Tên sản phẩm,Nhóm sản phẩm,Số sao,Số quyết định,Cơ quan cấp,Ngày cấp,Đơn vị tính\n" +
	"Cơ sở Lụa Vạn Phúc,Hộ kinh doanh,0101234567,Hà Nội,Phường Vạn Phúc,0243 382 1234,Khăn lụa tơ tằm,Vải và may mặc,4,90/QĐ-UBND,UBND TP Hà Nội,01/06/2024,cái\n" +
	"HTX Chè Tân Cương,HTX,4600123456,Thái Nguyên,Xã Tân Cương,0208 3855 123,Chè búp Tân Cương,Chè,4,45/QĐ-UBND,UBND tỉnh Thái Nguyên,01/06/2024,kg\n"

// importingOrganiser is the account importedProducers imports as.
const importingOrganiser = "01900000-0000-7000-8000-00000000a001"

// importedProducers imports claimCSV as an organiser and returns the organiser's client and, by
// tax code, each created producer's ID and claim code from the report.
func (f fixture) importedProducers(t *testing.T) (testenv.Client, map[string][2]string) {
	t.Helper()
	orgTok, _ := f.tokens.Token(t, "organiser", importingOrganiser)
	org := f.api.With(orgTok)
	r := org.Do(t, "POST", "/api/producers/import", claimCSV, "Content-Type", "text/csv")
	if r.Status != 200 || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("import: %d %v %s", r.Status, r.Header, r.Body)
	}
	var rep struct {
		Results []struct {
			ProducerID string     `json:"producer_id"`
			Created    bool       `json:"producer_created"`
			ClaimCode  string     `json:"claim_code"`
			Expires    *time.Time `json:"claim_code_expires_at"`
		}
	}
	r.Decode(t, &rep)
	out := map[string][2]string{}
	for i, tax := range []string{"0101234567", "4600123456"} {
		res := rep.Results[i]
		if !res.Created || len(res.ClaimCode) != 14 || res.Expires == nil || res.Expires.Before(time.Now().AddDate(0, 0, 29)) {
			t.Fatalf("row %d: %+v", i, res)
		}
		out[tax] = [2]string{res.ProducerID, res.ClaimCode}
	}
	// A second import of the same producers issues no new codes.
	again := org.Do(t, "POST", "/api/producers/import", claimCSV, "Content-Type", "text/csv")
	if strings.Contains(string(again.Body), "claim_code") {
		t.Errorf("re-import shows claim codes: %s", again.Body)
	}
	return org, out
}

func silkProfile(code string) map[string]any {
	body := map[string]any{"kind": "household_business", "legal_name": "Cơ sở Lụa Vạn Phúc", "tax_code": "0101234567",
		"province": "Hà Nội", "commune": "Phường Hà Đông", "phone": "0912 111 222"}
	if code != "" {
		body["claim_code"] = code
	}
	return body
}

func teaProfile(code string) map[string]any {
	return map[string]any{"kind": "cooperative", "legal_name": "HTX Chè Tân Cương", "tax_code": "4600123456", "province": "Thái Nguyên",
		"commune": "Xã Tân Cương", "phone": "0208 3855 123", "claim_code": code}
}

type problem struct {
	Status int
	Errors []struct{ Field, Code, Message string }
}

func claimRefusal(t *testing.T, r testenv.Response) string {
	t.Helper()
	var p problem
	_ = json.Unmarshal(r.Body, &p)
	if r.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "claim_code" {
		t.Fatalf("want 422 on claim_code, got %d %s", r.Status, r.Body)
	}
	return p.Errors[0].Code
}

func TestClaimingAnImportedProfileNeedsItsClaimCode(t *testing.T) {
	f := start(t)
	org, imported := f.importedProducers(t)
	silkID, silkCode := imported["0101234567"][0], imported["0101234567"][1]
	attackerTok, attacker := f.tokens.Token(t, "producer", "")
	att := f.api.With(attackerTok)

	stepTaxCodeAloneTakesNothing(t, org, att, silkID, silkCode)
	teaOwner := stepWrongCodesLockOnlyThatAccount(t, f, org, att, imported["4600123456"])
	tried := stepManyAccountsDoNotLockTheCode(t, f, org, att, attacker, silkID, silkCode)
	issued := stepNewCodeVoidsTheOldOne(t, org, att, silkID, silkCode)
	owner := stepClaimWithTheNewCodeOnce(t, f, org, att, silkID, issued)
	tried[owner] = true
	stepEveryAttemptIsAudited(t, org, att, silkID, tried)
	testenv.Eventually(t, "the claimed events with the new accounts", func() bool {
		got := map[string]events.ProducerClaimedV1{}
		for _, m := range f.messages(t, events.ProducerClaimed) {
			var pl events.ProducerClaimedV1
			if m.Decode(&pl) == nil {
				got[pl.PreviousAccountID] = pl
			}
		}
		silk, tea := got["import:0101234567"], got["import:4600123456"]
		return len(got) == 2 && silk.AccountID == owner && silk.Revision == 3 && tea.AccountID == teaOwner && tea.Revision == 2
	})
}

// claimView is what an organiser reads of an imported profile and its claim code.
type claimView struct {
	AccountID string `json:"account_id"`
	Revision  int64
	Claim     struct {
		CodeOutstanding bool       `json:"code_outstanding"`
		CodeExpiresAt   *time.Time `json:"code_expires_at"`
		CodeLocked      bool       `json:"code_locked"`
		WrongTries      int        `json:"wrong_tries"`
	}
}

// stepTaxCodeAloneTakesNothing: the tax code alone (public information) takes nothing and shows
// nothing, and the profile stays the organiser's to edit.
func stepTaxCodeAloneTakesNothing(t *testing.T, org, att testenv.Client, silkID, silkCode string) {
	t.Helper()
	r := att.Do(t, "POST", "/api/producers", silkProfile(""))
	if msg := claimRefusal(t, r); msg != "claim_code_needed" {
		t.Errorf("tax code alone: %s", msg)
	}
	if strings.Contains(string(r.Body), silkID) || strings.Contains(string(r.Body), "Khăn lụa") {
		t.Errorf("the refusal shows the profile: %s", r.Body)
	}
	if r := att.Do(t, "GET", "/api/producers/me", nil); r.Status != 404 {
		t.Errorf("attacker's profile after the refusal: %d %s", r.Status, r.Body)
	}
	var before claimView
	r = org.Do(t, "GET", "/api/producers/"+silkID, nil)
	r.Decode(t, &before)
	if before.AccountID != "import:0101234567" || before.Revision != 1 || !before.Claim.CodeOutstanding || before.Claim.CodeExpiresAt == nil ||
		before.Claim.WrongTries != 0 {
		t.Errorf("organiser's view after the refusal: %s", r.Body)
	}
	if strings.Contains(string(r.Body), silkCode) || strings.Contains(string(r.Body), "hash") {
		t.Errorf("the producer page shows the code: %s", r.Body)
	}
	// Until claimed the profile stays the organiser's to edit.
	if r := org.Do(t, "PATCH", "/api/producers/"+silkID, map[string]any{"address": "Số 1 Vạn Phúc"}); r.Status != 200 {
		t.Errorf("organiser edits the imported profile: %d %s", r.Status, r.Body)
	}
}

// stepWrongCodesLockOnlyThatAccount: wrong codes sent at once by one account spend exactly its
// own tries of the tea cooperative's code; then even the right code is refused to that account,
// but the code stays outstanding and its owner, signed in as someone else, claims the profile
// with it. tea is the ID and code; it returns the owner's account.
func stepWrongCodesLockOnlyThatAccount(t *testing.T, f fixture, org, att testenv.Client, tea [2]string) string {
	t.Helper()
	var wg sync.WaitGroup
	msgs := make([]string, producer.ClaimAttempts+3)
	for i := range msgs {
		wg.Go(func() {
			r := att.Do(t, "POST", "/api/producers", teaProfile("2222-2222-2222"))
			var p problem
			_ = json.Unmarshal(r.Body, &p)
			if r.Status == 422 && len(p.Errors) == 1 {
				msgs[i] = p.Errors[0].Code
			}
		})
	}
	wg.Wait()
	wrongs, locked := 0, 0
	for _, m := range msgs {
		switch {
		case m == "claim_code_wrong" || m == "claim_code_wrong_last":
			wrongs++
		case m == "claim_code_locked_for_account":
			locked++
		}
	}
	if wrongs != producer.ClaimAttempts || locked != 3 {
		t.Errorf("%d concurrent wrong codes: %d refused as wrong, %d as locked for the account; want %d and 3: %q", len(msgs), wrongs, locked, producer.ClaimAttempts, msgs)
	}
	if msg := claimRefusal(t, att.Do(t, "POST", "/api/producers", teaProfile(tea[1]))); msg != "claim_code_locked_for_account" {
		t.Errorf("right code from the account that spent its tries: %s", msg)
	}
	var view claimView
	org.Do(t, "GET", "/api/producers/"+tea[0], nil).Decode(t, &view)
	if !view.Claim.CodeOutstanding || view.Claim.CodeLocked || view.Claim.WrongTries != producer.ClaimAttempts {
		t.Errorf("organiser's view after one account's wrong tries: %+v", view.Claim)
	}
	ownerTok, owner := f.tokens.Token(t, "producer", "")
	if r := f.api.With(ownerTok).Do(t, "POST", "/api/producers", teaProfile(tea[1])); r.Status != 201 || !strings.Contains(string(r.Body), owner) {
		t.Fatalf("the owner claims from another account: %d %s", r.Status, r.Body)
	}
	return owner
}

// stepManyAccountsDoNotLockTheCode: ten accounts, the attacker's among them, spend all their
// tries of the silk workshop's code: each of them is refused any more, even the right code, but
// the code stays outstanding (the producer holding it can still claim: see the producer package's
// TestManyAccountsWrongTriesDoNotLockTheCode) and the organiser sees the 50 wrong tries. It
// returns every account that tried the code.
func stepManyAccountsDoNotLockTheCode(t *testing.T, f fixture, org, att testenv.Client, attacker, silkID, silkCode string) map[string]bool {
	t.Helper()
	const accounts = 10
	clients, tried := []testenv.Client{att}, map[string]bool{attacker: true}
	for len(clients) < accounts {
		tok, id := f.tokens.Token(t, "producer", "")
		clients, tried[id] = append(clients, f.api.With(tok)), true
	}
	var wg sync.WaitGroup
	msgs := make([][]string, accounts)
	for i, c := range clients {
		wg.Go(func() {
			for range producer.ClaimAttempts {
				var p problem
				_ = json.Unmarshal(c.Do(t, "POST", "/api/producers", silkProfile("2222-2222-2222")).Body, &p)
				if len(p.Errors) == 1 {
					msgs[i] = append(msgs[i], p.Errors[0].Code)
				}
			}
		})
	}
	wg.Wait()
	wrongs := 0
	for _, ms := range msgs {
		for _, m := range ms {
			if m == "claim_code_wrong" || m == "claim_code_wrong_last" {
				wrongs++
			}
		}
	}
	if wrongs != accounts*producer.ClaimAttempts {
		t.Errorf("%d accounts' wrong codes: %d refused as wrong, want %d: %q", accounts, wrongs, accounts*producer.ClaimAttempts, msgs)
	}
	if msg := claimRefusal(t, att.Do(t, "POST", "/api/producers", silkProfile(silkCode))); msg != "claim_code_locked_for_account" {
		t.Errorf("right code from the attacker after its %d tries: %s", producer.ClaimAttempts, msg)
	}
	var view claimView
	org.Do(t, "GET", "/api/producers/"+silkID, nil).Decode(t, &view)
	if !view.Claim.CodeOutstanding || view.Claim.CodeLocked || view.Claim.WrongTries != accounts*producer.ClaimAttempts {
		t.Errorf("organiser's view after %d accounts' wrong tries: %+v", accounts, view.Claim)
	}
	return tried
}

// stepNewCodeVoidsTheOldOne: only an organiser issues a new code, and the old one no longer
// works. It returns the new code.
func stepNewCodeVoidsTheOldOne(t *testing.T, org, att testenv.Client, silkID, silkCode string) string {
	t.Helper()
	var issued struct {
		ClaimCode string    `json:"claim_code"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if r := att.Do(t, "POST", "/api/producers/"+silkID+"/claim-code", nil); r.Status != 403 {
		t.Errorf("a producer issues a claim code: %d", r.Status)
	}
	r := org.Do(t, "POST", "/api/producers/"+silkID+"/claim-code", nil)
	r.Decode(t, &issued)
	if r.Status != 200 || issued.ClaimCode == "" || issued.ClaimCode == silkCode {
		t.Fatalf("reissue: %d %s", r.Status, r.Body)
	}
	if msg := claimRefusal(t, att.Do(t, "POST", "/api/producers", silkProfile(silkCode))); msg != "claim_code_wrong" {
		t.Errorf("the old code after a reissue: %s", msg)
	}
	return issued.ClaimCode
}

// stepClaimWithTheNewCodeOnce: the new code, typed as read off paper, hands the profile over, and
// works only once. It returns the new owner's account.
func stepClaimWithTheNewCodeOnce(t *testing.T, f fixture, org, att testenv.Client, silkID, code string) string {
	t.Helper()
	ownerTok, owner := f.tokens.Token(t, "producer", "")
	// Codes are read off paper: lower case and spaces are fine.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	r := f.api.With(ownerTok).Do(t, "POST", "/api/producers", silkProfile(typed))
	if r.Status != 201 {
		t.Fatalf("claim with the right code: %d %s", r.Status, r.Body)
	}
	var claimed struct {
		ID        string
		AccountID string `json:"account_id"`
		Revision  int64
	}
	r.Decode(t, &claimed)
	if claimed.ID != silkID || claimed.AccountID != owner || claimed.Revision != 3 {
		t.Errorf("claimed profile: %s", r.Body)
	}
	// The profile is now registered: a code for it is a hand-over's, and a used one reads as any
	// refused code.
	if msg := claimRefusal(t, att.Do(t, "POST", "/api/producers", silkProfile(code))); msg != "claim_code_handover_refused" {
		t.Errorf("the used code, by someone else: %s", msg)
	}
	if _, result, err := f.app.claims.Redeem(context.Background(), silkID, owner, code, time.Now()); result != producer.ClaimUsed || err == nil {
		t.Errorf("redeeming the used code again: %s, %v", result, err)
	}
	if r := org.Do(t, "GET", "/api/producers/"+silkID, nil); !strings.Contains(string(r.Body), `"account_id":"`+owner+`"`) || strings.Contains(string(r.Body), `"claim"`) {
		t.Errorf("organiser's view after the claim: %s", r.Body)
	}
	return owner
}

// stepEveryAttemptIsAudited: every try in which a code was compared is in the audit log, with
// who, when, the outcome and the client's address, and only organisers read it; requests refused
// before (the tax code alone, an account whose tries are spent) are not.
func stepEveryAttemptIsAudited(t *testing.T, org, att testenv.Client, silkID string, tried map[string]bool) {
	t.Helper()
	if r := att.Do(t, "GET", "/api/producers/"+silkID+"/claim-attempts", nil); r.Status != 403 {
		t.Errorf("a producer reads the claim audit: %d", r.Status)
	}
	results := map[producer.ClaimResult]int{}
	for _, a := range claimAttempts(t, org, silkID) {
		results[a.Result]++
		by := tried[a.AccountID]
		if a.Result == producer.ClaimIssued {
			// The import's code and the reissued one, both by the organiser.
			by = a.AccountID == importingOrganiser
		}
		if a.ClientIP != "127.0.0.1" || a.At.IsZero() || !by {
			t.Errorf("audit record %+v", a)
		}
	}
	// Ten accounts' five wrong codes, and the old code after the reissue; the used code, sent by
	// the attacker once the profile was claimed.
	want := map[producer.ClaimResult]int{producer.ClaimNoCodeGiven: 0, producer.ClaimWrongCode: 10*producer.ClaimAttempts + 1,
		producer.ClaimLocked: 0, producer.ClaimUsed: 1, producer.ClaimSucceeded: 1, producer.ClaimIssued: 2}
	for res, n := range want {
		if results[res] != n {
			t.Errorf("audit: %d %s, want %d (all: %v)", results[res], res, n, results)
		}
	}
}

// claimAttempts reads a profile's whole claim audit log, which takes more pages than
// testenv.Pages walks, 40 records a page.
func claimAttempts(t *testing.T, org testenv.Client, producerID string) []claimAttempt {
	t.Helper()
	var all []claimAttempt
	cursor := ""
	for range 10 {
		var page struct {
			Items      []claimAttempt
			NextCursor string `json:"next_cursor"`
		}
		org.Do(t, "GET", "/api/producers/"+producerID+"/claim-attempts?limit=40&cursor="+url.QueryEscape(cursor), nil).Decode(t, &page)
		if all, cursor = append(all, page.Items...), page.NextCursor; cursor == "" {
			return all
		}
	}
	t.Fatalf("the claim audit of %s has more than 10 pages", producerID)
	return nil
}

// claimAttempt is one record of the claim audit log.
type claimAttempt struct {
	AccountID string `json:"account_id"`
	Result    producer.ClaimResult
	ClientIP  string `json:"client_ip"`
	At        time.Time
	Reason    string
}

func TestExpiredClaimCodeIsRefused(t *testing.T) {
	f := start(t)
	_, imported := f.importedProducers(t)
	id := imported["4600123456"][0]
	issued, err := f.app.claims.Issue(context.Background(), id, "org", time.Now().Add(-producer.ClaimCodeTTL-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := f.tokens.Token(t, "producer", "")
	body := map[string]any{"kind": "cooperative", "legal_name": "HTX Chè Tân Cương", "tax_code": "4600123456", "province": "Thái Nguyên",
		"commune": "Xã Tân Cương", "phone": "0208 3855 123", "claim_code": issued.Code}
	if msg := claimRefusal(t, f.api.With(tok).Do(t, "POST", "/api/producers", body)); msg != "claim_code_expired" {
		t.Errorf("expired code: %s", msg)
	}
	if p, err := f.app.producers.Get(context.Background(), id); err != nil || !p.Claimable() {
		t.Errorf("after the expired code the profile is %+v, %v", p, err)
	}
}

// Tries stored when a code had a limit from all accounts together ("<code>/<n>", without an
// account) count as the code's wrong tries, and lock it no more.
func TestTriesStoredEarlierCountAsWrongTries(t *testing.T) {
	f := start(t)
	_, imported := f.importedProducers(t)
	id, ctx := imported["4600123456"][0], context.Background()
	issued, err := f.app.claims.Issue(ctx, id, "org", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var earlier []any
	for n := 1; n <= 50; n++ {
		earlier = append(earlier, bson.M{"_id": issued.ID + "/" + strconv.Itoa(n), "code_id": issued.ID, "at": time.Now()})
	}
	if _, err := f.app.Host.DB.Collection(producer.ClaimTriesCollection).InsertMany(ctx, earlier); err != nil {
		t.Fatal(err)
	}
	if st, err := f.app.claims.Status(ctx, id, time.Now()); err != nil || !st.Outstanding || st.WrongTries != len(earlier) {
		t.Errorf("status after %d earlier tries: %+v, %v; want outstanding with %d wrong tries", len(earlier), st, err, len(earlier))
	}
	if _, result, _ := f.app.claims.Redeem(ctx, id, "account-a", "2222-2222-2222", time.Now()); result != producer.ClaimWrongCode {
		t.Errorf("a wrong code after them: %s, want %s", result, producer.ClaimWrongCode)
	}
	if st, err := f.app.claims.Status(ctx, id, time.Now()); err != nil || !st.Outstanding || st.WrongTries != len(earlier)+1 {
		t.Errorf("status after one more wrong try: %+v, %v; want outstanding with %d wrong tries", st, err, len(earlier)+1)
	}
	if _, result, _ := f.app.claims.Redeem(ctx, id, "account-b", issued.Code, time.Now()); result != producer.ClaimSucceeded {
		t.Errorf("the right code after them: %s, want %s", result, producer.ClaimSucceeded)
	}
}
