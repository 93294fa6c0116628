package exhibitorapp

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
)

// TestReviewFromALaggingModel: a review takes the application from the model, which can be a
// moment behind the database (another replica's write whose event has not arrived). The review
// must still act on the stored application: a stale copy costs a re-read, never a wrong answer.
func TestReviewFromALaggingModel(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-lag", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, _, prodA := f.producerWithProduct(t, "1700000071", "Nước mắm Phú Quốc", 4, issued)
	b, _, prodB := f.producerWithProduct(t, "1700000072", "Mật ong bạc hà", 4, issued)
	testenv.Eventually(t, "the fair in the model", func() bool {
		return org.Do(t, "GET", "/api/fairs/fair-lag/applications", nil).Status == 200
	})
	appA, appB := apply(t, a, "fair-lag", prodA), apply(t, b, "fair-lag", prodB)
	review(t, org, appB, "approve")
	apps := f.app.Host.DB.Collection(application.Collection)
	// Behind the model's back, as another replica would: A approved, B waitlisted.
	behind := func(id, status string, revision int64) {
		t.Helper()
		if _, err := apps.UpdateOne(t.Context(), bson.M{"_id": id}, bson.M{"$set": bson.M{"status": status, "revision": revision}}); err != nil {
			t.Fatal(err)
		}
	}
	behind(appA, "approved", 2)
	behind(appB, "waitlisted", 3)

	// The model's copy of A is submitted, from which waitlisting is allowed: its write is stale,
	// and the stored (approved) application is waitlisted instead.
	check := func(id, action, status string, revision int64) {
		t.Helper()
		r := org.Do(t, "POST", "/api/applications/"+id+"/"+action, nil)
		if r.Status != 200 {
			t.Errorf("%s with a lagging model: %d %s; want 200", action, r.Status, r.Body)
			return
		}
		var got struct {
			Status   string
			Revision int64
		}
		r.Decode(t, &got)
		if got.Status != status || got.Revision != revision {
			t.Errorf("%s with a lagging model: %s; want %s at revision %d", action, r.Body, status, revision)
		}
	}
	check(appA, "waitlist", "waitlisted", 3)
	// The model's copy of B is approved, from which approving is refused; the stored one is
	// waitlisted, from which it is not.
	check(appB, "approve", "approved", 4)
}
