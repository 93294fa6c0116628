package exhibitorapp

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/producer"
)

type unclaimedRow struct {
	ID        string
	LegalName string `json:"legal_name"`
	TaxCode   string `json:"tax_code"`
	Claim     *struct {
		CodeOutstanding bool       `json:"code_outstanding"`
		CodeIssuedAt    *time.Time `json:"code_issued_at"`
		CodeExpiresAt   *time.Time `json:"code_expires_at"`
		CodeLocked      bool       `json:"code_locked"`
		WrongTries      int        `json:"wrong_tries"`
	}
}

// An organiser who lost the import report finds the profiles nobody has claimed, with the state
// of each one's code, and issues a new code; the issue is audited.
func TestOrganisersListUnclaimedProfilesAndIssueNewCodes(t *testing.T) {
	f := start(t)
	// A producer that registered itself is not waiting to be claimed.
	selfTok, _ := f.tokens.Token(t, "producer", "")
	if r := f.api.With(selfTok).Do(t, "POST", "/api/producers", profile("0312345678")); r.Status != 201 {
		t.Fatalf("self-registration: %d %s", r.Status, r.Body)
	}
	org, imported := f.importedProducers(t)
	silkID, silkCode := imported["0101234567"][0], imported["0101234567"][1]
	teaID, teaCode := imported["4600123456"][0], imported["4600123456"][1]

	stepUnclaimedAreListedWithoutCodes(t, f, org, [2]string{teaID, teaCode}, [2]string{silkID, silkCode})
	tea := stepWrongTriesShowInTheList(t, f, org)
	issued := stepAnotherOrganiserIssuesANewCode(t, f, org, teaID, teaCode)

	ownerTok, _ := f.tokens.Token(t, "producer", "")
	tea["claim_code"] = issued
	if r := f.api.With(ownerTok).Do(t, "POST", "/api/producers", tea); r.Status != 201 {
		t.Fatalf("claim with the new code: %d %s", r.Status, r.Body)
	}
	if rows := unclaimed(t, org); len(rows) != 1 || rows[0].ID != silkID {
		t.Errorf("after the claim the unclaimed profiles are %+v, want only the silk workshop", rows)
	}
}

// unclaimed lists the unclaimed profiles, a page of one row at a time to walk the cursor.
func unclaimed(t *testing.T, org testenv.Client) []unclaimedRow {
	t.Helper()
	return testenv.Pages[unclaimedRow](t, org, "/api/producers/unclaimed?limit=1")
}

// stepUnclaimedAreListedWithoutCodes: organisers (only) list the imported profiles, newest first,
// each with an outstanding code, never the code itself. tea and silk are each an ID and its code.
func stepUnclaimedAreListedWithoutCodes(t *testing.T, f fixture, org testenv.Client, tea, silk [2]string) {
	t.Helper()
	rows := unclaimed(t, org)
	if len(rows) != 2 || rows[0].ID != tea[0] || rows[1].ID != silk[0] {
		t.Fatalf("unclaimed profiles = %+v, want the tea cooperative then the silk workshop (newest first)", rows)
	}
	for _, r := range rows {
		if r.TaxCode == "" || r.Claim == nil || !r.Claim.CodeOutstanding || r.Claim.CodeLocked || r.Claim.CodeExpiresAt == nil ||
			r.Claim.WrongTries != 0 {
			t.Errorf("unclaimed row %+v, claim %+v", r, r.Claim)
		}
	}
	if r := org.Do(t, "GET", "/api/producers/unclaimed", nil); strings.Contains(string(r.Body), silk[1]) ||
		strings.Contains(string(r.Body), tea[1]) || strings.Contains(string(r.Body), "hash") || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("the list shows codes or may be cached: %v %s", r.Header, r.Body)
	}
	for _, q := range []string{"?limit=0", "?cursor=bm9wZQ"} {
		if r := org.Do(t, "GET", "/api/producers/unclaimed"+q, nil); r.Status != 422 {
			t.Errorf("unclaimed%s: %d %s", q, r.Status, r.Body)
		}
	}
	for _, role := range []string{"producer", "buyer"} {
		tok, _ := f.tokens.Token(t, role, "")
		if r := f.api.With(tok).Do(t, "GET", "/api/producers/unclaimed", nil); r.Status != 403 {
			t.Errorf("%s lists unclaimed profiles: %d", role, r.Status)
		}
	}
}

// stepWrongTriesShowInTheList: one account's five wrong tries of the tea cooperative's code
// refuse that account any more tries, and the list counts them as the code's wrong tries, which
// leave it outstanding. It returns the tea cooperative's sign-up body.
func stepWrongTriesShowInTheList(t *testing.T, f fixture, org testenv.Client) map[string]any {
	t.Helper()
	guesserTok, _ := f.tokens.Token(t, "producer", "")
	guesser := f.api.With(guesserTok)
	tea := teaProfile("2222-2222-2222")
	for range producer.ClaimAttempts {
		claimRefusal(t, guesser.Do(t, "POST", "/api/producers", tea))
	}
	if msg := claimRefusal(t, guesser.Do(t, "POST", "/api/producers", tea)); msg != "claim_code_locked_for_account" {
		t.Errorf("a sixth try from the same account: %s", msg)
	}
	rows := unclaimed(t, org)
	if len(rows) != 2 || rows[0].Claim == nil || !rows[0].Claim.CodeOutstanding || rows[0].Claim.CodeLocked ||
		rows[0].Claim.WrongTries != producer.ClaimAttempts {
		t.Fatalf("after one account's five wrong tries: %+v", rows)
	}
	return tea
}

// stepAnotherOrganiserIssuesANewCode: another organiser of the province issues a new code: it is
// audited and the list shows it outstanding again. It returns the new code.
func stepAnotherOrganiserIssuesANewCode(t *testing.T, f fixture, org testenv.Client, teaID, teaCode string) string {
	t.Helper()
	otherTok, other := f.tokens.Token(t, "organiser", "")
	var issued struct {
		ClaimCode string `json:"claim_code"`
	}
	r := f.api.With(otherTok).Do(t, "POST", "/api/producers/"+teaID+"/claim-code", nil)
	r.Decode(t, &issued)
	if r.Status != 200 || issued.ClaimCode == "" || issued.ClaimCode == teaCode {
		t.Fatalf("new code: %d %s", r.Status, r.Body)
	}
	rows := unclaimed(t, org)
	if len(rows) != 2 || rows[0].Claim == nil || !rows[0].Claim.CodeOutstanding || rows[0].Claim.WrongTries != 0 {
		t.Fatalf("after the new code: %+v", rows)
	}
	var issues []claimAttempt
	for _, a := range testenv.Pages[claimAttempt](t, org, "/api/producers/"+teaID+"/claim-attempts") {
		if a.Result == producer.ClaimIssued {
			issues = append(issues, a)
		}
	}
	// Newest first: the new code, then the import's.
	if len(issues) != 2 || issues[0].AccountID != other || issues[1].AccountID != importingOrganiser ||
		issues[0].ClientIP != "127.0.0.1" || issues[0].At.IsZero() || issues[0].At.Before(issues[1].At) {
		t.Errorf("issues in the claim audit: %+v", issues)
	}
	return issued.ClaimCode
}
