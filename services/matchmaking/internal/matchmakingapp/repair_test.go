package matchmakingapp

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// placeBody is a meeting's place as a scheduling run reports it.
type placeBody struct {
	Day   string
	Slot  int
	Table int
}

// runBody is a scheduling run's answer, with what each day moved.
type runBody struct {
	Version int64
	Days    []struct {
		Day   string
		Moved []struct {
			MeetingID string `json:"meeting_id"`
			From, To  placeBody
		}
		MovedCount int `json:"moved_count"`
	}
	Unscheduled []struct{ Meeting string }
}

// moves returns the run's moves by meeting, failing when a day's count disagrees with its list.
func (r runBody) moves(t *testing.T) map[string][2]placeBody {
	t.Helper()
	out := map[string][2]placeBody{}
	for _, d := range r.Days {
		if d.MovedCount != len(d.Moved) {
			t.Errorf("day %s: moved_count %d, but %d moves listed", d.Day, d.MovedCount, len(d.Moved))
		}
		for _, m := range d.Moved {
			out[m.MeetingID] = [2]placeBody{m.From, m.To}
		}
	}
	return out
}

// repairRun is what the steps of TestARepairKeepsThePublishedSchedule share.
type repairRun struct {
	app       *App
	org       testenv.Client
	buyers    map[string]testenv.Client
	buyerIDs  map[string]string
	producers map[string]testenv.Client
	day       string
	meetings  map[string]string // m1..m7 → meeting ID
}

// run schedules the fair in mode and returns the answer.
func (x *repairRun) run(t *testing.T, mode string) runBody {
	t.Helper()
	r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=500&mode="+mode, nil)
	if r.Status != 200 {
		t.Fatalf("schedule (%s): %d %s", mode, r.Status, r.Body)
	}
	var out runBody
	r.Decode(t, &out)
	return out
}

// places returns where the organiser's agenda has each meeting.
func (x *repairRun) places(t *testing.T, want int) map[string]placeBody {
	t.Helper()
	var a agendaBody
	x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	checkAgenda(t, a, want)
	out := map[string]placeBody{}
	for _, m := range a.Meetings {
		out[m.ID] = placeBody{Day: m.Day, Slot: m.Slot, Table: m.Table}
	}
	return out
}

// TestARepairKeepsThePublishedSchedule: after a schedule is published a meeting is added, one
// cancelled, and a buyer cannot come in one of its meeting's slot; a repair run keeps every
// other meeting at its place, places the new one, moves only the meeting that must move, reports
// that move, and tells both its participants through a scheduled event. A fresh run reports
// what it moved as well.
func TestARepairKeepsThePublishedSchedule(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	x := &repairRun{app: app, org: api.With(orgTok), buyers: map[string]testenv.Client{}, buyerIDs: map[string]string{},
		producers: map[string]testenv.Client{}, meetings: map[string]string{}}
	stepAPublishedScheduleOfSixMeetings(t, x, tokens, api, orgAcc)
	before := x.places(t, 6)
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?mode=keep", nil); r.Status != 422 || !strings.Contains(string(r.Body), "mode") {
		t.Errorf("mode=keep: %d %s, want 422 naming mode", r.Status, r.Body)
	}
	stepAddCancelAndUnavailable(t, x, before)
	stepTheRepairMovesOnlyWhatItMust(t, x, before)
	stepAFreshRunReportsItsMoves(t, x)
}

// stepAPublishedScheduleOfSixMeetings makes a fair with one B2B day next month, three producers
// and three buyers with six accepted meetings, and schedules them.
func stepAPublishedScheduleOfSixMeetings(t *testing.T, x *repairRun, tokens testenv.Tokens, api testenv.Client, orgAcc string) {
	x.day = time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, x.app, "f1", orgAcc, events.B2BDayV1{Date: x.day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 3})
	for _, id := range []string{"p1", "p2", "p3"} {
		tok, acc := tokens.Token(t, "producer", "")
		producerOf(t, x.app, id, acc)
		assignBooth(t, x.app, uuid.Must(uuid.NewV7()).String(), "f1", "B-"+id, id)
		x.producers[id] = api.With(tok)
	}
	testenv.Eventually(t, "fair and producers indexed", func() bool { return x.app.Index.Stats().Producers == 3 && x.app.Index.Stats().Fairs == 1 })
	for _, id := range []string{"p1", "p2", "p3"} {
		waitBooths(t, x.app, "f1", id, 1)
	}
	for i, b := range []string{"b1", "b2", "b3"} {
		tok, _ := tokens.Token(t, "buyer", "")
		x.buyers[b] = api.With(tok)
		x.buyerIDs[b] = newBuyer(t, x.buyers[b], fmt.Sprintf("Siêu thị Số %d", i+1))
	}
	for _, m := range [][3]string{{"m1", "b1", "p1"}, {"m2", "b2", "p1"}, {"m3", "b2", "p2"}, {"m4", "b3", "p2"}, {"m5", "b3", "p3"}, {"m6", "b2", "p3"}} {
		x.meetings[m[0]] = acceptedMeeting(t, x.buyers[m[1]], x.producers[m[2]], "f1", x.buyerIDs[m[1]], m[2])
	}
	x.run(t, "fresh")
}

// stepAddCancelAndUnavailable adds m7 (b1 with p2), cancels m3, and makes b1 unable to come in
// m1's slot.
func stepAddCancelAndUnavailable(t *testing.T, x *repairRun, before map[string]placeBody) {
	x.meetings["m7"] = acceptedMeeting(t, x.buyers["b1"], x.producers["p2"], "f1", x.buyerIDs["b1"], "p2")
	if r := x.org.Do(t, "POST", "/api/meetings/"+x.meetings["m3"]+"/cancel", map[string]any{"reason": "Nhà cung cấp bận việc đột xuất"}); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	m1 := before[x.meetings["m1"]]
	if r := x.buyers["b1"].Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": x.day, "slots": []int{m1.Slot}}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
}

// stepTheRepairMovesOnlyWhatItMust runs a repair and checks the places, the reported move and
// the scheduled events both participants' live streams are fed from.
func stepTheRepairMovesOnlyWhatItMust(t *testing.T, x *repairRun, before map[string]placeBody) {
	run := x.run(t, "repair")
	after := x.places(t, 6)
	for _, m := range []string{"m2", "m4", "m5", "m6"} {
		if id := x.meetings[m]; after[id] != before[id] {
			t.Errorf("kept meeting %s moved from %+v to %+v", m, before[id], after[id])
		}
	}
	m1, m7 := x.meetings["m1"], x.meetings["m7"]
	if after[m7].Slot == 0 {
		t.Errorf("the new meeting m7 is not placed: %+v", run.Unscheduled)
	}
	if after[m1].Slot == before[m1].Slot {
		t.Errorf("m1 stayed in slot %d, which its buyer can no longer come to", before[m1].Slot)
	}
	want := map[string][2]placeBody{m1: {before[m1], after[m1]}}
	if got := run.moves(t); !maps.Equal(got, want) {
		t.Errorf("the repair reported moves %+v, want only m1's %+v", got, want)
	}
	// The moved and the new meeting, and no other, get a scheduled event of this version, which
	// names both participants: the gateway's live relay tells each of them from it.
	var told []string
	testenv.Eventually(t, "the repair's scheduled events", func() bool {
		told = told[:0]
		for _, env := range subjects(t, x.app, events.MeetingScheduled) {
			if m := meetingEvent(t, env); m.ScheduleVersion == run.Version {
				told = append(told, m.ID)
				if m.BuyerID == "" || m.ProducerID == "" || m.Slot != after[m.ID].Slot {
					t.Errorf("scheduled event %+v, want both participants and slot %d", m, after[m.ID].Slot)
				}
			}
		}
		return len(told) >= 2
	})
	slices.Sort(told)
	if wantTold := slices.Sorted(slices.Values([]string{m1, m7})); !slices.Equal(told, wantTold) {
		t.Errorf("scheduled events for %v, want the moved and the new meeting %v", told, wantTold)
	}
}

// stepAFreshRunReportsItsMoves runs from scratch and checks that its reported moves are exactly
// the meetings whose places changed.
func stepAFreshRunReportsItsMoves(t *testing.T, x *repairRun) {
	before := x.places(t, 6)
	x.buyers["b1"].Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": x.day, "slots": []int{}})
	run := x.run(t, "fresh")
	after := x.places(t, 6)
	want := map[string][2]placeBody{}
	for id, p := range after {
		if before[id] != p {
			want[id] = [2]placeBody{before[id], p}
		}
	}
	if got := run.moves(t); !maps.Equal(got, want) {
		t.Errorf("the fresh run reported moves %+v, want %+v", got, want)
	}
	t.Logf("a fresh run after the repair moved %d meetings", len(want))
}
