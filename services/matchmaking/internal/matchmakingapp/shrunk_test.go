package matchmakingapp

import (
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// B2B settings made smaller after a run (a slot fewer): the meeting placed in the slot that is
// gone has no place, not a time and table the day no longer has. Its participants' agenda and
// meeting lists leave it unplaced, and the organiser's grid lists it as unscheduled (settings
// changed) until the next run, which says why when it cannot place it either.
func TestSettingsMadeSmallerLeaveNoMeetingWhereTheDayIsGone(t *testing.T) {
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	x := oneBuyerThreeMeetings(t, "Siêu thị Co Lại", events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 3, Tables: 1})
	org, buyer := x.org, x.buyer
	settings := func(slots, tables int, rev int64) { x.settings(t, day, slots, tables, rev) }
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	type agenda struct {
		Meetings []struct {
			ID     string
			Slot   int
			Table  int
			Starts string `json:"starts_at"`
		}
		Unscheduled []struct {
			MeetingID string `json:"meeting_id"`
			Code      string
			Reason    string
		}
	}
	var before agenda
	buyer.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &before)
	if len(before.Meetings) != 3 {
		t.Fatalf("the buyer's agenda before: %+v, want 3 meetings", before.Meetings)
	}
	var third string
	for _, m := range before.Meetings {
		if m.Slot == 3 {
			third = m.ID
		}
	}

	settings(2, 1, 3)
	var mine agenda
	buyer.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &mine)
	if len(mine.Meetings) != 2 {
		t.Errorf("the buyer's agenda after slot 3 went: %+v, want the 2 meetings of slots 1 and 2", mine.Meetings)
	}
	var list struct {
		Items []struct {
			ID     string
			Slot   int
			Table  int
			Starts string `json:"starts_at"`
		}
	}
	buyer.Do(t, "GET", "/api/meetings?fair_id=f1", nil).Decode(t, &list)
	for _, m := range list.Items {
		if m.ID == third && (m.Slot != 0 || m.Table != 0 || m.Starts != "") {
			t.Errorf("the buyer's list shows the meeting of the gone slot at %+v, want no place", m)
		}
	}
	var grid agenda
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &grid)
	if len(grid.Unscheduled) != 1 || grid.Unscheduled[0].MeetingID != third || grid.Unscheduled[0].Code != "unscheduled.settings_changed" {
		t.Errorf("the organiser's unscheduled after slot 3 went: %+v, want %s, settings changed", grid.Unscheduled, third)
	}
	var counts meetingCounts
	org.Do(t, "GET", "/api/fairs/f1/meetings/counts", nil).Decode(t, &counts)
	if counts.Accepted != 3 || counts.Scheduled != 2 {
		t.Errorf("the fair's counts after slot 3 went: %+v, want 3 accepted, 2 scheduled", counts)
	}
	// A run's options go in the query: sent as a body they are refused, never run as a fresh run.
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", map[string]string{"mode": "repair"}); r.Status != 400 || !strings.Contains(string(r.Body), "body_not_taken") {
		t.Errorf("a repair asked for in the body: %d %s, want 400 body_not_taken", r.Status, r.Body)
	}
	// A repair run on the smaller day says why it cannot place it (one buyer, two slots).
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200&mode=repair", nil); r.Status != 200 {
		t.Fatalf("repair: %d %s", r.Status, r.Body)
	}
	var after agenda
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &after)
	if len(after.Meetings) != 2 || len(after.Unscheduled) != 1 || after.Unscheduled[0].Code != "unscheduled.no_room" {
		t.Errorf("after the repair: %d placed, unscheduled %+v, want 2 and the third with no room", len(after.Meetings), after.Unscheduled)
	}
}

// settings publishes fair f1's one B2B day with slots and tables at revision rev, and waits
// until the index has it.
func (x threeMeetings) settings(t *testing.T, day string, slots, tables int, rev int64) {
	t.Helper()
	publish(t, x.app, events.FairUpdated, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội chợ f1", Status: "published",
		Organisers: []string{x.orgAcc}, Revision: rev, B2BDays: []events.B2BDayV1{{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: slots, Tables: tables}}}})
	testenv.Eventually(t, "the settings in the index", func() bool { f, ok := x.app.Index.Fair("f1"); return ok && f.Revision == rev })
}

// A day held (entered on paper, its slots started): settings made smaller afterwards take no
// meeting from its place, since it happened there and no run moves it.
func TestSettingsMadeSmallerKeepMeetingsThatHaveStarted(t *testing.T) {
	day := time.Now().In(vntext.Zone).AddDate(0, 0, -1).Format(time.DateOnly)
	x := oneBuyerThreeMeetings(t, "Siêu thị Hôm Qua", events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 3, Tables: 1})
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200&include_started=true", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	x.settings(t, day, 2, 1, 3)
	var mine, grid struct {
		Meetings    []struct{ Slot int }
		Unscheduled []struct{ Code string }
	}
	x.buyer.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &mine)
	x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &grid)
	var counts meetingCounts
	x.org.Do(t, "GET", "/api/fairs/f1/meetings/counts", nil).Decode(t, &counts)
	if len(mine.Meetings) != 3 || len(grid.Unscheduled) != 0 || counts.Scheduled != 3 {
		t.Errorf("after yesterday's day lost slot 3: the buyer's agenda %+v, unscheduled %+v, counts %+v; want all 3 kept", mine.Meetings, grid.Unscheduled, counts)
	}
}
