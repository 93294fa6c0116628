package exhibitorapp

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

func TestApplicationsFlow(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	fair := openFair("fair-1", orgID)
	f.publishFair(t, fair, events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prodA := f.producerWithProduct(t, "1700000011", "Nước mắm Phú Quốc", 4, issued)
	b, _, prodB := f.producerWithProduct(t, "1700000012", "Nước mắm Hàm Ninh", 3, issued)
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-1/applications", nil).Status == 200
	})
	appA, appB := stepApplyWithEligibility(t, a, b, prodA, prodB)
	stepOnlyTheFairsOrganisersReview(t, f, org, a, b, appA, appB)
	stepBoothAndCancellationFromTheEventService(t, f, a, fair, appA)
	if r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 {
		t.Errorf("applying to a cancelled fair: %d", r.Status)
	}
	stepOwnApplicationsAcrossFairs(t, f, org, orgID, a, prodA, appA)
}

// stepApplyWithEligibility: a applies (eligible) once while active; b (3★ at a 4★ fair) is
// submitted but not eligible, and cannot list a's product. It returns both applications' IDs.
func stepApplyWithEligibility(t *testing.T, a, b testenv.Client, prodA, prodB string) (string, string) {
	t.Helper()
	r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}, "booth_count": 2, "preferred_zone": "Khu Nam Bộ"}, "Idempotency-Key", "apply-1")
	if r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	var appA struct {
		ID          string
		Eligible    bool
		Eligibility []struct {
			Code   string
			Pass   bool
			Reason string
		}
	}
	r.Decode(t, &appA)
	if !appA.Eligible || len(appA.Eligibility) != 6 {
		t.Errorf("A eligibility: %s", r.Body)
	}
	if r := a.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 {
		t.Errorf("second active application: %d %s", r.Status, r.Body)
	}
	r = b.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodB}})
	var appB struct {
		ID       string
		Eligible bool
	}
	r.Decode(t, &appB)
	if r.Status != 201 || appB.Eligible {
		t.Errorf("B (3★ at a 4★ fair) should be submitted but not eligible: %d %s", r.Status, r.Body)
	}
	if r := b.Do(t, "POST", "/api/fairs/fair-1/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 409 && r.Status != 422 {
		t.Errorf("B applying with A's product: %d", r.Status)
	}
	return appA.ID, appB.ID
}

// stepOnlyTheFairsOrganisersReview: reviews are the fair's organisers' alone; a producer sees
// only its own application, the organiser all of them.
func stepOnlyTheFairsOrganisersReview(t *testing.T, f fixture, org, a, b testenv.Client, appA, appB string) {
	t.Helper()
	otherOrg, _ := f.tokens.Token(t, "organiser", "")
	buyer, _ := f.tokens.Token(t, "buyer", "")
	checkCalls(t, []call{
		{"buyer approves", f.api.With(buyer), "POST", "/api/applications/" + appA + "/approve", nil, 403},
		{"B approves A", b, "POST", "/api/applications/" + appA + "/approve", nil, 403},
		{"B reads A", b, "GET", "/api/applications/" + appA, nil, 403},
		{"B withdraws A", b, "POST", "/api/applications/" + appA + "/withdraw", nil, 403},
		{"organiser of another fair approves", f.api.With(otherOrg), "POST", "/api/applications/" + appA + "/approve", nil, 403},
		{"reject without a body (reject takes one: its reason)", org, "POST", "/api/applications/" + appB + "/reject", nil, 400},
		{"reject without reason", org, "POST", "/api/applications/" + appB + "/reject", map[string]string{}, 422},
		{"reject B", org, "POST", "/api/applications/" + appB + "/reject", map[string]string{"reason": "Chưa đạt 4 sao"}, 200},
		{"approve A", org, "POST", "/api/applications/" + appA + "/approve", nil, 200},
		{"approve A twice", org, "POST", "/api/applications/" + appA + "/approve", nil, 409},
	})
	var own struct{ Items []struct{ ID string } }
	b.Do(t, "GET", "/api/fairs/fair-1/applications", nil).Decode(t, &own)
	if len(own.Items) != 1 || own.Items[0].ID != appB {
		t.Errorf("producer B sees %+v, want only its own", own.Items)
	}
	var all struct{ Items []struct{ ID string } }
	org.Do(t, "GET", "/api/fairs/fair-1/applications", nil).Decode(t, &all)
	if len(all.Items) != 2 {
		t.Errorf("organiser sees %d applications, want 2", len(all.Items))
	}
}

// stepBoothAndCancellationFromTheEventService: a booth assigned in the event service shows on the
// application; the fair's cancellation cancels active applications with the reason; every change
// is an event with the whole application.
func stepBoothAndCancellationFromTheEventService(t *testing.T, f fixture, a testenv.Client, fair events.FairV1, appA string) {
	t.Helper()
	ev, _ := events.New(events.BoothAssigned, 1, "fair-1", "", events.BoothAssignmentV1{FairID: "fair-1", BoothCode: "B07", ApplicationID: appA, ProducerID: "x"})
	if err := bus.Publish(context.Background(), f.js, ev); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the booth code on the application", func() bool {
		return strings.Contains(string(a.Do(t, "GET", "/api/applications/"+appA, nil).Body), `"booths":["B07"]`)
	})
	cancelled := fair
	cancelled.Status, cancelled.CancelReason, cancelled.Revision = "cancelled", "Bão số 3", 3
	f.publishFair(t, cancelled, events.FairCancelled)
	testenv.Eventually(t, "A cancelled", func() bool {
		return strings.Contains(string(a.Do(t, "GET", "/api/applications/"+appA, nil).Body), `"status":"cancelled"`)
	})
	// The reason is stored as a code with the organisers' words, and said in the reader's language.
	for lang, want := range map[string]string{"vi": "Hội chợ đã bị hủy: Bão số 3", "en": "The fair was cancelled: Bão số 3"} {
		var got struct {
			Reason     string
			ReasonCode string `json:"reason_code"`
		}
		a.Do(t, "GET", "/api/applications/"+appA, nil, "Accept-Language", lang).Decode(t, &got)
		if got.Reason != want || got.ReasonCode != "fair_cancelled" {
			t.Errorf("cancelled application in %s: reason %q (code %q), want %q (fair_cancelled)", lang, got.Reason, got.ReasonCode, want)
		}
	}
	testenv.Eventually(t, "submitted, approved, rejected and cancelled events", func() bool {
		return len(f.messages(t, events.ApplicationSubmitted)) == 2 && len(f.messages(t, events.ApplicationApproved)) == 1 &&
			len(f.messages(t, events.ApplicationRejected)) == 1 && len(f.messages(t, events.ApplicationCancelled)) == 1
	})
	var cancelledApp events.ApplicationChangedV1
	if err := f.messages(t, events.ApplicationCancelled)[0].Decode(&cancelledApp); err != nil ||
		cancelledApp.Application.ReasonCode != "fair_cancelled" || cancelledApp.Application.Reason != "Bão số 3" {
		t.Errorf("cancelled payload reason %q (code %q), %v; want the fair's reason with code fair_cancelled",
			cancelledApp.Application.Reason, cancelledApp.Application.ReasonCode, err)
	}
	var approved events.ApplicationChangedV1
	if err := f.messages(t, events.ApplicationApproved)[0].Decode(&approved); err != nil || approved.Application.BoothCount != 2 ||
		approved.Application.ProvinceCode != "91" || approved.Application.Products[0].Stars != 4 || approved.Application.PreferredZone != "Khu Nam Bộ" {
		t.Errorf("approved payload %+v, %v", approved.Application, err)
	}
}

// stepOwnApplicationsAcrossFairs: a producer's applications to every fair, newest first, one page
// at a time.
func stepOwnApplicationsAcrossFairs(t *testing.T, f fixture, org testenv.Client, orgID string, a testenv.Client, prodA, appA string) {
	t.Helper()
	f.publishFair(t, openFair("fair-1b", orgID), events.FairPublished)
	testenv.Eventually(t, "the second fair in the read model", func() bool {
		return org.Do(t, "GET", "/api/fairs/fair-1b/applications", nil).Status == 200
	})
	var second struct{ ID string }
	if r := a.Do(t, "POST", "/api/fairs/fair-1b/applications", map[string]any{"product_ids": []string{prodA}}); r.Status != 201 {
		t.Fatalf("apply to the second fair: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &second)
	}
	var got []string
	for _, it := range testenv.Pages[struct{ ID string }](t, a, "/api/applications") {
		got = append(got, it.ID)
	}
	if len(got) != 2 || got[0] != second.ID || got[1] != appA {
		t.Errorf("A's applications page by page: %v, want [%s %s]", got, second.ID, appA)
	}
}

// A producer applying to a draft fair, or to one discarded (cancelled before it was published),
// is told it is not found, as the fair itself is, not its status and application window.
func TestApplyingToADraftFairIsNotFound(t *testing.T) {
	f := start(t)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prod := f.producerWithProduct(t, "1700000011", "Mật ong bạc hà", 4, issued)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	draft := openFair("fair-draft", orgID)
	draft.Status, draft.Revision = "draft", 1
	f.publishFair(t, draft, events.FairCreated)
	testenv.Eventually(t, "the draft in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-draft/applications", nil).Status == http.StatusOK
	})
	discarded := openFair("fair-discarded", orgID)
	discarded.Status, discarded.Discarded, discarded.Revision = "cancelled", true, 2
	f.publishFair(t, discarded, events.FairCancelled)
	testenv.Eventually(t, "the discarded draft in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-discarded/applications", nil).Status == http.StatusOK
	})
	other, _ := f.tokens.Token(t, "organiser", "")
	for _, id := range []string{"fair-draft", "fair-discarded"} {
		r := a.Do(t, "POST", "/api/fairs/"+id+"/applications", map[string]any{"product_ids": []string{prod}}, "Accept-Language", "en")
		if r.Status != http.StatusNotFound || !strings.Contains(string(r.Body), `"code":"application_fair_not_found"`) || strings.Contains(string(r.Body), "window") {
			t.Errorf("applying to %s: %d %s, want 404 that names neither its status nor its window", id, r.Status, r.Body)
		}
		// Its applications are not found either, for the producer or another organiser: an empty
		// list or a 403 would say the fair exists.
		for who, c := range map[string]testenv.Client{"the producer": a, "another organiser": f.api.With(other)} {
			if r := c.Do(t, "GET", "/api/fairs/"+id+"/applications", nil); r.Status != http.StatusNotFound {
				t.Errorf("%s lists %s's applications: %d %s, want 404", who, id, r.Status, r.Body)
			}
		}
		if r := f.api.With(other).Do(t, "GET", "/api/fairs/"+id+"/posters.zip", nil); r.Status != http.StatusNotFound {
			t.Errorf("another organiser asks for %s's posters: %d, want 404", id, r.Status)
		}
	}
}

// A product an active application lists is what the fair shows: removing it is refused (409,
// naming the fair) until the application is withdrawn; the organiser is refused too.
func TestAProductInAnApplicationStaysInTheCatalogue(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-keep", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prod := f.producerWithProduct(t, "1700000021", "Mật ong bạc hà Mèo Vạc", 4, issued)
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-keep/applications", nil).Status == http.StatusOK
	})
	r := a.Do(t, "POST", "/api/fairs/fair-keep/applications", map[string]any{"product_ids": []string{prod}})
	var app struct{ ID string }
	if r.Decode(t, &app); r.Status != http.StatusCreated {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	for who, c := range map[string]testenv.Client{"producer": a, "organiser": f.api.With(orgTok)} {
		r := c.Do(t, "DELETE", "/api/products/"+prod, nil)
		if r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "product_in_application") || !strings.Contains(string(r.Body), "Hội chợ OCOP Hà Nội") {
			t.Errorf("the %s removing a product an application lists: %d %s", who, r.Status, r.Body)
		}
	}
	if r := a.Do(t, "GET", "/api/products/"+prod, nil); r.Status != http.StatusOK {
		t.Fatalf("the product after a refused removal: %d", r.Status)
	}
	if r := a.Do(t, "POST", "/api/applications/"+app.ID+"/withdraw", nil); r.Status != http.StatusOK {
		t.Fatalf("withdraw: %d %s", r.Status, r.Body)
	}
	if r := a.Do(t, "DELETE", "/api/products/"+prod, nil); r.Status != http.StatusNoContent {
		t.Errorf("removing the product once the application is withdrawn: %d %s", r.Status, r.Body)
	}
}
