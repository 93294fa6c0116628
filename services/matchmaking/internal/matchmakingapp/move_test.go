package matchmakingapp

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// moveRun is what the steps of TestAnOrganiserMovesAMeeting share: the service, its clients, the
// fairs' days and the meetings by name.
type moveRun struct {
	app                *App
	org, outsider      testenv.Client
	buyers             map[string]testenv.Client
	producers          map[string]testenv.Client
	buyerIDs           map[string]string
	day, yesterday     string
	meetings           map[string]string
	version            int64
	settled, startedID string
}

// agenda returns where the fair's organiser sees each meeting, and the schedule's version.
func (x *moveRun) agenda(t *testing.T, fairID string) (map[string]placeBody, int64) {
	t.Helper()
	var a agendaBody
	x.org.Do(t, "GET", "/api/fairs/"+fairID+"/agenda", nil).Decode(t, &a)
	out := map[string]placeBody{}
	for _, m := range a.Meetings {
		out[m.ID] = placeBody{Day: m.Day, Slot: m.Slot, Table: m.Table}
	}
	return out, a.Version
}

// move asks to move meeting name to place.
func (x *moveRun) move(t *testing.T, c testenv.Client, id string, to placeBody, version int64) testenv.Response {
	t.Helper()
	return c.Do(t, "POST", "/api/meetings/"+id+"/move", map[string]any{"day": to.Day, "slot": to.Slot, "table": to.Table, "schedule_version": version}, "Accept-Language", "vi")
}

// free returns a place on the day at slot whose table no meeting holds, failing when there is none.
func free(t *testing.T, places map[string]placeBody, day string, slot, tables int) placeBody {
	t.Helper()
	for table := 1; table <= tables; table++ {
		taken := false
		for _, p := range places {
			taken = taken || (p.Day == day && p.Slot == slot && p.Table == table)
		}
		if !taken {
			return placeBody{Day: day, Slot: slot, Table: table}
		}
	}
	t.Fatalf("no free table in slot %d", slot)
	return placeBody{}
}

// TestAnOrganiserMovesAMeeting: the fair's organiser moves a scheduled meeting to a free place,
// the agenda shows it there with every other meeting where it was, and both participants hear
// of it; each conflict is refused with its own code and words, and only the fair's organisers
// may move.
func TestAnOrganiserMovesAMeeting(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	outsiderTok, _ := tokens.Token(t, "organiser", "")
	x := &moveRun{app: app, org: api.With(orgTok), outsider: api.With(outsiderTok), buyers: map[string]testenv.Client{}, producers: map[string]testenv.Client{},
		buyerIDs: map[string]string{}, meetings: map[string]string{}}
	stepTwoFairsScheduled(t, x, tokens, api, orgAcc)
	stepMoveRefusals(t, x)
	stepAGoodMove(t, x)
}

// stepTwoFairsScheduled makes f1 with one B2B day next month (4 slots, 2 in the morning, 3
// tables) and four accepted meetings of two buyers and two producers (m4 in the morning), and f2
// whose first B2B day was yesterday, with one meeting held there (settled) and one that had to
// wait for its second day (started: its participant could not come yesterday); both are
// scheduled.
func stepTwoFairsScheduled(t *testing.T, x *moveRun, tokens testenv.Tokens, api testenv.Client, orgAcc string) {
	now := time.Now().In(vntext.Zone)
	x.day, x.yesterday = now.AddDate(0, 1, 0).Format(time.DateOnly), now.AddDate(0, 0, -1).Format(time.DateOnly)
	fairWithDays(t, x.app, "f1", orgAcc, events.B2BDayV1{Date: x.day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 3})
	fairWithDays(t, x.app, "f2", orgAcc, events.B2BDayV1{Date: x.yesterday, StartTime: "08:00", SlotMinutes: 20, Slots: 2, MorningSlots: 1, Tables: 1},
		events.B2BDayV1{Date: x.day, StartTime: "08:00", SlotMinutes: 20, Slots: 2, MorningSlots: 1, Tables: 1})
	for _, id := range []string{"p1", "p2"} {
		tok, acc := tokens.Token(t, "producer", "")
		producerOf(t, x.app, id, acc)
		for _, fair := range []string{"f1", "f2"} {
			assignBooth(t, x.app, uuid.Must(uuid.NewV7()).String(), fair, "B-"+id, id)
		}
		x.producers[id] = api.With(tok)
	}
	testenv.Eventually(t, "fairs and producers indexed", func() bool {
		_, ok := x.app.Index.ProducerByID("p2")
		return ok && x.app.Index.Stats().Fairs == 2
	})
	for _, id := range []string{"p1", "p2"} {
		waitBooths(t, x.app, "f1", id, 1)
		waitBooths(t, x.app, "f2", id, 1)
	}
	for i, b := range []string{"b1", "b2"} {
		tok, _ := tokens.Token(t, "buyer", "")
		x.buyers[b] = api.With(tok)
		x.buyerIDs[b] = newBuyer(t, x.buyers[b], fmt.Sprintf("Siêu thị %d", i+1))
	}
	for _, m := range []struct{ name, buyer, producer, session string }{
		{"m1", "b1", "p1", "any"}, {"m2", "b2", "p2", "any"}, {"m3", "b1", "p2", "any"}, {"m4", "b2", "p1", "morning"},
	} {
		r := x.buyers[m.buyer].Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": x.buyerIDs[m.buyer], "producer_id": m.producer, "session": m.session})
		if r.Status != 201 {
			t.Fatalf("%s: %d %s", m.name, r.Status, r.Body)
		}
		var body struct{ ID string }
		r.Decode(t, &body)
		if r := x.producers[m.producer].Do(t, "POST", "/api/meetings/"+body.ID+"/accept", nil); r.Status != 200 {
			t.Fatalf("accept %s: %d %s", m.name, r.Status, r.Body)
		}
		x.meetings[m.name] = body.ID
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300", nil); r.Status != 200 {
		t.Fatalf("schedule f1: %d %s", r.Status, r.Body)
	}
	// f2: b2 cannot come yesterday, so its meeting waits for the second day.
	x.settled = acceptedMeeting(t, x.buyers["b1"], x.producers["p1"], "f2", x.buyerIDs["b1"], "p1")
	x.startedID = acceptedMeeting(t, x.buyers["b2"], x.producers["p2"], "f2", x.buyerIDs["b2"], "p2")
	if r := x.buyers["b2"].Do(t, "PUT", "/api/fairs/f2/unavailability", map[string]any{"day": x.yesterday, "slots": []int{1, 2}}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
	asOf(x.app, -48*time.Hour, func() {
		if r := x.org.Do(t, "POST", "/api/fairs/f2/schedule?time_limit_ms=300", nil); r.Status != 200 {
			t.Fatalf("schedule f2: %d %s", r.Status, r.Body)
		}
	})
	places, _ := x.agenda(t, "f2")
	if places[x.settled].Day != x.yesterday || places[x.startedID].Day != x.day {
		t.Fatalf("f2 placed %+v, want the first meeting yesterday and the second on %s", places, x.day)
	}
}

// stepMoveRefusals tries every move that must be refused and checks that none changed the
// schedule.
func stepMoveRefusals(t *testing.T, x *moveRun) {
	places, version := x.agenda(t, "f1")
	if len(places) != 4 {
		t.Fatalf("f1 placed %d meetings, want 4: %+v", len(places), places)
	}
	x.version = version
	m1, m2, m3, m4 := x.meetings["m1"], x.meetings["m2"], x.meetings["m3"], x.meetings["m4"]
	// b1 meets in m3's slot: a free table in that slot is still refused for m1 (b1 busy), unless
	// m1 is already in that slot.
	busySlot := places[m3].Slot
	if places[m1].Slot == busySlot {
		t.Fatalf("m1 and m3 share b1 and slot %d", busySlot)
	}
	// b2 cannot come in a slot where neither b2 nor p2 meets, marked after the run.
	unavSlot := 0
	for s := 1; s <= 4 && unavSlot == 0; s++ {
		if s != places[m2].Slot && s != places[m4].Slot && s != places[m3].Slot {
			unavSlot = s
		}
	}
	if r := x.buyers["b2"].Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": x.day, "slots": []int{unavSlot}}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
	afternoon := 3
	if places[m4].Slot == 3 {
		afternoon = 4
	}
	for _, c := range []struct {
		name    string
		client  testenv.Client
		meeting string
		to      placeBody
		version int64
		status  int
		code    string
		words   string
	}{
		{"not a B2B day", x.org, m1, placeBody{Day: "2020-01-01", Slot: 1, Table: 1}, version, 422, "invalid_fields", "day"},
		{"slot outside the day", x.org, m1, placeBody{Day: x.day, Slot: 5, Table: 1}, version, 422, "invalid_fields", "slot"},
		{"table outside the room", x.org, m1, placeBody{Day: x.day, Slot: 1, Table: 4}, version, 422, "invalid_fields", "table"},
		{"table taken", x.org, m1, places[m2], version, 409, "meeting_move_table_taken", "Bàn "},
		{"buyer busy", x.org, m1, free(t, places, x.day, busySlot, 3), version, 409, "meeting_move_participant_busy", "Siêu thị 1 đã có một cuộc gặp khác"},
		{"buyer unavailable", x.org, m2, free(t, places, x.day, unavSlot, 3), version, 409, "meeting_move_participant_unavailable", "Siêu thị 2 đã báo không dự được"},
		{"outside the morning", x.org, m4, free(t, places, x.day, afternoon, 3), version, 409, "meeting_move_session", "phiên buổi sáng"},
		{"schedule changed since", x.org, m1, free(t, places, x.day, places[m1].Slot, 3), version + 7, 409, "meeting_move_schedule_changed", "tải lại"},
		{"settled meeting", x.org, x.settled, placeBody{Day: x.day, Slot: 1, Table: 1}, 0, 409, "meeting_move_settled", "đã diễn ra"},
		{"slot started", x.org, x.startedID, placeBody{Day: x.yesterday, Slot: 2, Table: 1}, 0, 409, "meeting_move_slot_started", "đã bắt đầu"},
		{"another fair's organiser", x.outsider, m1, free(t, places, x.day, places[m1].Slot, 3), 0, 403, "meeting_move_organisers_only", "ban tổ chức"},
		{"a participant", x.buyers["b1"], m1, free(t, places, x.day, places[m1].Slot, 3), 0, 403, "role_forbidden", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := x.move(t, c.client, c.meeting, c.to, c.version)
			p := wantProblem(t, "move", r, c.status, c.code)
			if c.status == 422 {
				if len(p.Errors) != 1 || p.Errors[0].Field != c.words {
					t.Errorf("the refusal names %+v, want %s", p.Errors, c.words)
				}
			} else if !strings.Contains(p.Detail, c.words) {
				t.Errorf("the refusal says %q, want words with %q", p.Detail, c.words)
			}
		})
	}
	after, v := x.agenda(t, "f1")
	if v != version || fmt.Sprint(after) != fmt.Sprint(places) {
		t.Errorf("refused moves changed the schedule: version %d → %d, %v → %v", version, v, places, after)
	}
}

// stepAGoodMove moves m1 to a free place where both its participants are free: the answer and
// the agenda have it there, every other meeting stays, and a scheduled event tells both sides.
func stepAGoodMove(t *testing.T, x *moveRun) {
	places, version := x.agenda(t, "f1")
	m1 := x.meetings["m1"]
	busy := map[int]bool{}
	for name, id := range x.meetings {
		if name != "m1" && (name == "m3" || name == "m4") { // b1's and p1's other meetings
			busy[places[id].Slot] = true
		}
	}
	var to placeBody
	for s := 1; s <= 4 && to.Slot == 0; s++ {
		if !busy[s] && s != places[m1].Slot {
			to = free(t, places, x.day, s, 3)
		}
	}
	if to.Slot == 0 {
		t.Fatal("no slot where b1 and p1 are both free")
	}
	before := len(subjects(t, x.app, events.MeetingScheduled))
	r := x.move(t, x.org, m1, to, version)
	if r.Status != 200 {
		t.Fatalf("move: %d %s", r.Status, r.Body)
	}
	var got answerBody
	r.Decode(t, &got)
	if got.Day != to.Day || got.Slot != to.Slot || got.Table != to.Table {
		t.Errorf("the answer places m1 at %s/%d/%d, want %+v", got.Day, got.Slot, got.Table, to)
	}
	after, v := x.agenda(t, "f1")
	if v <= version {
		t.Errorf("the move saved version %d, want one after %d", v, version)
	}
	for name, id := range x.meetings {
		want := places[id]
		if name == "m1" {
			want = to
		}
		if after[id] != want {
			t.Errorf("%s is at %+v after the move, want %+v", name, after[id], want)
		}
	}
	if m := readMeeting(t, x.buyers["b1"], m1); m.Slot != to.Slot || m.Table != to.Table {
		t.Errorf("the buyer reads m1 at slot %d table %d, want %+v", m.Slot, m.Table, to)
	}
	testenv.Eventually(t, "a scheduled event for m1 at its new place", func() bool {
		evs := subjects(t, x.app, events.MeetingScheduled)
		if len(evs) != before+1 {
			return false
		}
		m := meetingEvent(t, evs[len(evs)-1])
		return m.ID == m1 && m.Slot == to.Slot && m.Table == to.Table && m.ScheduleVersion == v
	})
	// Moving it where it is changes nothing.
	if r := x.move(t, x.org, m1, to, 0); r.Status != 200 {
		t.Errorf("a move to where it is: %d %s", r.Status, r.Body)
	}
	if _, again := x.agenda(t, "f1"); again != v {
		t.Errorf("a move to where it is saved version %d", again)
	}
}
