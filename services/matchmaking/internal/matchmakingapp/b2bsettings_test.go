package matchmakingapp

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// TestSchedulingRightAfterB2BSettingsAreSavedUsesThem saves B2B settings (the fair event the
// event service publishes for PUT .../b2b-sessions) and asks for a scheduling run at once, many
// times: the run must see the settings just saved, never answer that there are none, and, given
// the revision the save answered, never run on the settings from before.
func TestSchedulingRightAfterB2BSettingsAreSavedUsesThem(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	org := api.With(orgTok)
	day := func(offset int) events.B2BDayV1 {
		d := time.Now().In(vntext.Zone).AddDate(0, 1, offset).Format(time.DateOnly)
		return events.B2BDayV1{Date: d, StartTime: "08:00", SlotMinutes: 20, Slots: 6, MorningSlots: 3, Tables: 4}
	}
	fair := func(id string, rev int64, days ...events.B2BDayV1) events.FairChangedV1 {
		return events.FairChangedV1{Fair: events.FairV1{ID: id, NameVI: "Hội nghị kết nối cung cầu", Status: "published",
			Organisers: []string{orgAcc}, Revision: rev, B2BDays: days}}
	}
	var run struct {
		Days []struct{ Day string }
	}
	for i := range 25 {
		id := "f-" + strconv.Itoa(i)
		publish(t, app, events.FairPublished, id, fair(id, 1))
		testenv.Eventually(t, "the fair without B2B settings in the index", func() bool {
			_, ok := app.Index.Fair(id)
			return ok
		})
		publish(t, app, events.FairUpdated, id, fair(id, 2, day(0)))
		r := org.Do(t, "POST", "/api/fairs/"+id+"/schedule?time_limit_ms=50", nil)
		if r.Status != 200 {
			t.Fatalf("round %d: schedule right after the settings were saved: %d %s", i, r.Status, r.Body)
		}
		// The B2B day moves to the next day. The run given the save's revision uses the new one.
		publish(t, app, events.FairUpdated, id, fair(id, 3, day(1)))
		r = org.Do(t, "POST", "/api/fairs/"+id+"/schedule?time_limit_ms=50&fair_revision=3", nil)
		if r.Status != 200 {
			t.Fatalf("round %d: schedule with fair_revision right after the change: %d %s", i, r.Status, r.Body)
		}
		r.Decode(t, &run)
		if len(run.Days) != 1 || run.Days[0].Day != day(1).Date {
			t.Fatalf("round %d: the run scheduled the B2B days %+v, want the one just saved, %s", i, run.Days, day(1).Date)
		}
	}
	// A revision this service has not seen (a lagging stream, or one never saved) is not run on
	// the settings before it.
	if r := org.Do(t, "POST", "/api/fairs/f-0/schedule?time_limit_ms=50&fair_revision=999999", nil); r.Status != 503 || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(r.Body), "scheduling_fair_revision_not_yet") {
		t.Errorf("a revision not seen: %d %s, want 503 with Retry-After", r.Status, r.Body)
	}
	if r := org.Do(t, "POST", "/api/fairs/f-0/schedule?fair_revision=x", nil); r.Status != 422 {
		t.Errorf("a bad fair_revision: %d %s, want 422", r.Status, r.Body)
	}
}
