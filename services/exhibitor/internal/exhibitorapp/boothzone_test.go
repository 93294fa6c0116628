package exhibitorapp

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// listedBooth is a booth as an application lists it.
type listedBooth struct {
	Code, Zone, Status string
}

// boothsAnswer is the part of an application answer about its booths.
type boothsAnswer struct {
	Status          string
	Booths          []string
	BoothDetails    []listedBooth `json:"booth_details"`
	BoothsReleasing bool          `json:"booths_releasing"`
}

// TestApplicationBoothsShowTheirZoneAndAWithdrawalSaysTheyAreReleasing checks that an
// application lists each booth with its zone (from the booth's event), and that the answer of a
// withdrawal, which releases the booths asynchronously, says so: the booths it still lists are
// "releasing", until the event service's release arrives.
func TestApplicationBoothsShowTheirZoneAndAWithdrawalSaysTheyAreReleasing(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-z", orgID), events.FairPublished)
	a, _, prod := f.producerWithProduct(t, "1700000041", "Nước mắm Phú Quốc", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-z/applications", nil).Status == 200
	})
	r := a.Do(t, "POST", "/api/fairs/fair-z/applications", map[string]any{"product_ids": []string{prod}, "booth_count": 2})
	if r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	var app struct{ ID string }
	r.Decode(t, &app)
	booth := func(subject, assignmentID, code, zone string) {
		t.Helper()
		f.publishAssignment(t, subject, events.BoothAssignmentV1{AssignmentID: assignmentID, FairID: "fair-z",
			BoothCode: code, Zone: zone, ApplicationID: app.ID, ProducerID: "p"})
	}
	x, y := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	booth(events.BoothAssigned, x, "A01", "Khu A – Thực phẩm")
	booth(events.BoothAssigned, y, "B02", "Khu B")
	f.settled(t, "EVENT", "exhibitor-booths")
	f.modelHasStoredBooths(t, app.ID)
	var got boothsAnswer
	a.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &got)
	want := []listedBooth{{"A01", "Khu A – Thực phẩm", "assigned"}, {"B02", "Khu B", "assigned"}}
	if !sameBooths(got.BoothDetails, want) || got.BoothsReleasing {
		t.Errorf("held booths = %+v (releasing %v), want %+v", got.BoothDetails, got.BoothsReleasing, want)
	}

	w := a.Do(t, "POST", "/api/applications/"+app.ID+"/withdraw", nil)
	if w.Status != 200 {
		t.Fatalf("withdraw: %d %s", w.Status, w.Body)
	}
	w.Decode(t, &got)
	want = []listedBooth{{"A01", "Khu A – Thực phẩm", "releasing"}, {"B02", "Khu B", "releasing"}}
	if got.Status != "withdrawn" || !got.BoothsReleasing || !sameBooths(got.BoothDetails, want) {
		t.Errorf("withdraw answer = %+v, want withdrawn with booths_releasing and %+v", got, want)
	}

	// The event service's releases arrive: the booths leave the list, and nothing is releasing.
	booth(events.BoothReleased, x, "A01", "Khu A – Thực phẩm")
	booth(events.BoothReleased, y, "B02", "Khu B")
	f.settled(t, "EVENT", "exhibitor-booths")
	f.modelHasStoredBooths(t, app.ID)
	a.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &got)
	if len(got.Booths) != 0 || len(got.BoothDetails) != 0 || got.BoothsReleasing {
		t.Errorf("after the releases: %+v, want no booths and nothing releasing", got)
	}
}

func sameBooths(got, want []listedBooth) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
