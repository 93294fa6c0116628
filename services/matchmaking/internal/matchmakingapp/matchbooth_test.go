package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestAMatchNamesTheBoothsWhereTheProducerExhibits checks that a match for a request at a fair
// gives the booths the producer holds there with their zones, in the answer and in the reason
// of its fair factor, and no longer the booth it has released.
func TestAMatchNamesTheBoothsWhereTheProducerExhibits(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	buyerTok, _ := tokens.Token(t, "buyer", "")
	buyer := api.With(buyerTok)
	now := time.Now().In(vntext.Zone)
	publish(t, app, events.ProducerRegistered, "p1", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p1", AccountID: "acc-p1",
		LegalName: "HTX Mật ong Bắc Hà", ProvinceCode: "15", Region: "northern_midlands_mountains", Revision: 1}})
	publish(t, app, events.ProductCreated, "x1", events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Mật ong bạc hà",
		CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "tonne", MonthlyCapacity: 2, Revision: 1,
		Certificate: events.CertificateV1{ExpiresOn: now.AddDate(2, 0, 0).Format(time.DateOnly)}}})
	publish(t, app, events.FairPublished, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội chợ OCOP", Status: "published", Revision: 2}})
	for _, b := range []struct{ assignment, code, zone string }{{"a1", "B07", "Khu B – Đặc sản vùng cao"}, {"a2", "A01", "Khu A"}, {"a3", "C03", "Khu C"}} {
		publish(t, app, events.BoothAssigned, "f1/"+b.code, events.BoothAssignmentV1{AssignmentID: b.assignment, FairID: "f1", BoothCode: b.code,
			Zone: b.zone, ApplicationID: "app-p1", ProducerID: "p1", At: now})
	}
	publish(t, app, events.BoothReleased, "f1/C03", events.BoothAssignmentV1{AssignmentID: "a3", FairID: "f1", BoothCode: "C03",
		Zone: "Khu C", ApplicationID: "app-p1", ProducerID: "p1", At: now})
	testenv.Eventually(t, "the index holds the product and the fair", func() bool {
		return app.Index.Stats().Products == 1 && app.Index.Stats().Fairs == 1
	})
	r := buyer.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội", "markets": []string{"domestic"}})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	r = buyer.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Mật ong", "criteria_sets": []int{4},
		"monthly_volume": 1, "unit": "tonne", "fair_id": "f1"})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)

	type match struct {
		Booths []struct{ Code, Zone string }
		Factor []struct{ Name, Reason string } `json:"factors"`
	}
	fairReason := func(m match) string {
		for _, f := range m.Factor {
			if f.Name == "fair" {
				return f.Reason
			}
		}
		return ""
	}
	var got struct{ Matches []match }
	testenv.Eventually(t, "the match knows the producer's booths", func() bool {
		buyer.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil).Decode(t, &got)
		return len(got.Matches) == 1 && len(got.Matches[0].Booths) == 2
	})
	m := got.Matches[0]
	if m.Booths[0].Code != "A01" || m.Booths[0].Zone != "Khu A" || m.Booths[1].Code != "B07" || m.Booths[1].Zone != "Khu B – Đặc sản vùng cao" {
		t.Errorf("match booths = %+v, want A01 in Khu A and B07 in Khu B – Đặc sản vùng cao", m.Booths)
	}
	var en struct{ Matches []match }
	buyer.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil, "Accept-Language", "en").Decode(t, &en)
	if len(en.Matches) != 1 {
		t.Fatalf("matches in English: %+v", en)
	}
	fair := fairReason(m) + " | " + fairReason(en.Matches[0])
	for _, want := range []string{"Có gian hàng tại hội chợ: A01 (Khu A), B07 (Khu B – Đặc sản vùng cao) | ",
		"| Exhibits at the fair: booth A01 (zone Khu A), booth B07 (zone Khu B – Đặc sản vùng cao)"} {
		if !strings.Contains(fair, want) {
			t.Errorf("fair factor reasons = %q, want them to name %q", fair, want)
		}
	}
	if strings.Contains(fair, "C03") {
		t.Errorf("fair factor reasons = %q name the released booth C03", fair)
	}
	releaseAllAndReadTheReason(t, app, func() (int, string) {
		got.Matches = nil
		if buyer.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil).Decode(t, &got); len(got.Matches) != 1 {
			return -1, ""
		}
		return len(got.Matches[0].Booths), fairReason(got.Matches[0])
	}, now)
}

// releaseAllAndReadTheReason takes back the producer's two booths at f1: without a booth (taken
// back, or not given yet to an approved producer), the match's fair factor says so, not that the
// producer stays away from the fair, and it names the fair (a card read away from the fair's page
// said "this fair"). read answers the match's booths and fair reason.
func releaseAllAndReadTheReason(t *testing.T, app *App, read func() (int, string), now time.Time) {
	t.Helper()
	for _, b := range []struct{ assignment, code, zone string }{{"a1", "B07", "Khu B – Đặc sản vùng cao"}, {"a2", "A01", "Khu A"}} {
		publish(t, app, events.BoothReleased, "f1/"+b.code, events.BoothAssignmentV1{AssignmentID: b.assignment, FairID: "f1", BoothCode: b.code,
			Zone: b.zone, ApplicationID: "app-p1", ProducerID: "p1", At: now})
	}
	var reason string
	testenv.Eventually(t, "the match without booths", func() bool {
		var n int
		n, reason = read()
		return n == 0
	})
	if reason != "Chưa có gian hàng tại Hội chợ OCOP" {
		t.Errorf("without a booth the fair factor says %q", reason)
	}
}
