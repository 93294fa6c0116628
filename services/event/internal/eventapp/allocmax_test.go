package eventapp

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

// An application asking for more booths than the fair's most per producer (2 by default) is
// proposed the most, and committing the proposal leaves it holding them: none is released again.
func TestAllocationGivesAnOverAskingApplicationTheMost(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP xin quá nhiều gian")
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil); r.Status != http.StatusOK {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 4}}); r.Status != http.StatusCreated {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	appID := id + "-greedy"
	e.publishApplication(t, approved(appID, id, "19", 4, 3, 4), events.ApplicationApproved)
	testenv.EventuallyWithin(t, time.Minute, "application projected", func() bool {
		c, _ := e.app.Host.DB.Collection(applicants.Collection).CountDocuments(context.Background(), bson.M{"_id": appID})
		return c == 1
	})
	var prop struct {
		ProposalID string `json:"proposal_id"`
		Placements []struct {
			ApplicationID string   `json:"application_id"`
			Booths        []string `json:"booths"`
		}
		Violations []string
	}
	r := e.org.Do(t, "POST", "/api/fairs/"+id+"/allocation", nil)
	r.Decode(t, &prop)
	if r.Status != http.StatusOK || len(prop.Placements) != 1 || len(prop.Placements[0].Booths) != 2 || len(prop.Violations) != 0 {
		t.Fatalf("proposal: %d %s, want the application given 2 booths and no violations", r.Status, r.Body)
	}
	var res commitResult
	r = e.org.Do(t, "POST", "/api/fairs/"+id+"/allocation/commit?proposal_id="+prop.ProposalID, nil)
	r.Decode(t, &res)
	if r.Status != http.StatusOK || len(res.Committed) != 1 || len(res.Committed[0].Booths) != 2 || len(res.Failed) != 0 {
		t.Fatalf("commit: %d %s, want the application's 2 booths committed", r.Status, r.Body)
	}
	if n := e.activeAssignments(t, id); n != 2 {
		t.Errorf("%d booths assigned after the commit, want 2", n)
	}
	testenv.Eventually(t, "one booth.assigned event per booth", func() bool { return len(e.consumed(events.BoothAssigned)) == 2 })
	if released := e.consumed(events.BoothReleased); len(released) != 0 {
		t.Errorf("%d booth.released events after the commit, want none", len(released))
	}
}
