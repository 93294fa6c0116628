package matchmakingapp

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// meetingEvent returns a meeting's event payload from an envelope.
func meetingEvent(t *testing.T, env events.Envelope) events.MeetingV1 {
	t.Helper()
	var pl events.MeetingChangedV1
	if err := env.Decode(&pl); err != nil {
		t.Fatal(err)
	}
	return pl.Meeting
}

// settledRun is what the steps of TestARescheduleLeavesHeldAndStartedMeetingsWhereTheyAre share:
// the service and its clock, the organiser, two buyers and three producers at a fair whose one
// B2B day is tomorrow, and the settled meetings with their places before the reschedule.
type settledRun struct {
	app           *App
	clock         *testClock
	org, b1C, b2C testenv.Client
	producers     map[string]testenv.Client
	b1, b2, day   string
	held, started string
	before        map[string]meetingBody
}

// unavailable marks the slots of the day that c's participant cannot attend.
func (x *settledRun) unavailable(t *testing.T, c testenv.Client, slots ...int) {
	t.Helper()
	if r := c.Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": x.day, "slots": slots}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
}

// reschedule runs the fair's scheduling and returns the version it saved.
func (x *settledRun) reschedule(t *testing.T) int64 {
	t.Helper()
	r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300", nil)
	if r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	var run struct{ Version int64 }
	r.Decode(t, &run)
	return run.Version
}

// get reads a meeting as the organiser sees it.
func (x *settledRun) get(t *testing.T, id string) meetingBody {
	t.Helper()
	return readMeeting(t, x.org, id)
}

func TestARescheduleLeavesHeldAndStartedMeetingsWhereTheyAre(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	c, _ := clocks.Load(app)
	clock := c.(*testClock)
	_, orgAcc := tokens.Token(t, "organiser", "")
	org, _ := tokens.Token(t, "organiser", orgAcc)
	x := &settledRun{app: app, clock: clock, org: api.With(org), producers: map[string]testenv.Client{}}
	stepTomorrowsFairWithThreeExhibitors(t, x, tokens, api, orgAcc)
	stepAHeldAndAStartedMeeting(t, x)
	added, version := stepNewMeetingsAndUnavailabilityThenARerun(t, x)
	placed := stepSettledMeetingsKeepTheirPlaces(t, x, version, len(added))
	stepScheduledEventsOrderAfterAcceptedOnes(t, x, version, placed)
	stepNothingIsPlacedOnADayThatIsOver(t, x)
}

// stepNothingIsPlacedOnADayThatIsOver: once the day is over, a run places a new meeting nowhere,
// solves no day, and says why.
func stepNothingIsPlacedOnADayThatIsOver(t *testing.T, x *settledRun) {
	late := acceptedMeeting(t, x.b1C, x.producers["p3"], "f1", x.b1, "p3")
	x.clock.shift.Store(x.clock.shift.Load() + int64(24*time.Hour))
	r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300", nil)
	var run struct{ Days []struct{ Day string } }
	r.Decode(t, &run)
	if r.Status != 200 || len(run.Days) != 0 {
		t.Errorf("a run after the day: %d, days %+v; want 200 and no day solved", r.Status, run.Days)
	}
	var a struct {
		Meetings    []struct{ ID string }
		Unscheduled []struct {
			MeetingID string `json:"meeting_id"`
			Code      string
		}
	}
	x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	for _, m := range a.Meetings {
		if m.ID == late {
			t.Errorf("the meeting asked for after the day was placed: %+v", a.Meetings)
		}
	}
	said := false
	for _, u := range a.Unscheduled {
		said = said || u.MeetingID == late
		if u.Code != "unscheduled.days_over" {
			t.Errorf("unscheduled after the day: %+v, want every one because the days are over", u)
		}
	}
	if !said {
		t.Errorf("unscheduled after the day: %+v, want %s among them", a.Unscheduled, late)
	}
	// Entering the day as it was held (include_started) places it there.
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300&mode=repair&include_started=true", nil); r.Status != 200 {
		t.Fatalf("a run including started slots: %d %s", r.Status, r.Body)
	}
	if m := x.get(t, late); m.Day != x.day || m.Slot == 0 {
		t.Errorf("after a run including started slots the late meeting is at %+v, want a slot of %s", m, x.day)
	}
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?include_started=maybe", nil); r.Status != 422 {
		t.Errorf("include_started=maybe: %d %s, want 422", r.Status, r.Body)
	}
}

// stepTomorrowsFairWithThreeExhibitors publishes the fair, whose one B2B day is tomorrow, and
// three exhibitors, and creates two buyers.
func stepTomorrowsFairWithThreeExhibitors(t *testing.T, x *settledRun, tokens testenv.Tokens, api testenv.Client, orgAcc string) {
	app, producers := x.app, x.producers
	// One B2B day, tomorrow: slots at 08:00, 08:20, 08:40, 09:00 and 09:20.
	day := time.Now().In(vntext.Zone).AddDate(0, 0, 1).Format(time.DateOnly)
	fairWithDays(t, app, "f1", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 5, MorningSlots: 3, Tables: 2})
	for _, id := range []string{"p1", "p2", "p3"} {
		tok, acc := tokens.Token(t, "producer", "")
		producerOf(t, app, id, acc)
		assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "B-"+id, id)
		producers[id] = api.With(tok)
	}
	testenv.Eventually(t, "fair and producers indexed", func() bool { return app.Index.Stats().Producers == 3 && app.Index.Stats().Fairs == 1 })
	for _, id := range []string{"p1", "p2", "p3"} {
		waitBooths(t, app, "f1", id, 1)
	}
	b1Tok, _ := tokens.Token(t, "buyer", "")
	b2Tok, _ := tokens.Token(t, "buyer", "")
	x.b1C, x.b2C = api.With(b1Tok), api.With(b2Tok)
	x.b1, x.b2 = newBuyer(t, x.b1C, "Siêu thị Một"), newBuyer(t, x.b2C, "Siêu thị Hai")
	x.day = day
}

// stepAHeldAndAStartedMeeting schedules two meetings the day before; then, on the day at 08:25,
// one is held and the other's slot has started without an outcome.
func stepAHeldAndAStartedMeeting(t *testing.T, x *settledRun) {
	b1C, b2C, b1, b2, day, producers := x.b1C, x.b2C, x.b1, x.b2, x.day, x.producers
	// m1 goes to slot 2 (p1 can come to no other) and is held; m2 goes to slot 1 (p3 can come to
	// no other) and has started without an outcome.
	held := acceptedMeeting(t, b1C, producers["p1"], "f1", b1, "p1")
	started := acceptedMeeting(t, b2C, producers["p3"], "f1", b2, "p3")
	x.unavailable(t, producers["p1"], 1, 3, 4, 5)
	x.unavailable(t, producers["p3"], 2, 3, 4, 5)
	x.reschedule(t)
	before := map[string]meetingBody{held: x.get(t, held), started: x.get(t, started)}
	if m := before[held]; m.Day != day || m.Slot != 2 || m.Table == 0 {
		t.Fatalf("the meeting to hold = %+v, want slot 2 of %s", m, day)
	}
	if m := before[started]; m.Day != day || m.Slot != 1 || m.Table == 0 {
		t.Fatalf("the meeting to start = %+v, want slot 1 of %s", m, day)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" 08:25", vntext.Zone)
	if err != nil {
		t.Fatal(err)
	}
	x.clock.shift.Store(int64(time.Until(at)))
	if r := b1C.Do(t, "POST", "/api/meetings/"+held+"/outcome", map[string]any{"outcome": "negotiating"}); r.Status != 200 {
		t.Fatalf("outcome: %d %s", r.Status, r.Body)
	}
	x.held, x.started, x.before = held, started, before
}

// stepNewMeetingsAndUnavailabilityThenARerun makes the settled meetings' places unwelcome and
// asks for meetings that need them, reschedules, and returns the meetings added and the version.
func stepNewMeetingsAndUnavailabilityThenARerun(t *testing.T, x *settledRun) ([]string, int64) {
	b1C, b2C, b1, b2, producers, before, started := x.b1C, x.b2C, x.b1, x.b2, x.producers, x.before, x.started
	// Since then the participants' unavailability changed: b1 and p3 now say they could not
	// come when their meetings were, so a run free to move them would have to.
	x.unavailable(t, producers["p1"])
	x.unavailable(t, producers["p3"], 1, 3)
	x.unavailable(t, b1C, 2)
	x.unavailable(t, b2C, before[started].Slot)
	// New meetings that need the settled meetings' slots and tables.
	added := []string{
		acceptedMeeting(t, b2C, producers["p1"], "f1", b2, "p1"),
		acceptedMeeting(t, b2C, producers["p2"], "f1", b2, "p2"),
		acceptedMeeting(t, b1C, producers["p2"], "f1", b1, "p2"),
	}
	version := x.reschedule(t)
	return added, version
}

// stepSettledMeetingsKeepTheirPlaces checks that the settled meetings did not move and that the
// rerun placed what fits without sharing a table or a participant; it returns how many it placed.
func stepSettledMeetingsKeepTheirPlaces(t *testing.T, x *settledRun, version int64, added int) int {
	orgC, day, before := x.org, x.day, x.before
	for id, want := range before {
		if m := x.get(t, id); m.Day != want.Day || m.Slot != want.Slot || m.Table != want.Table {
			t.Errorf("settled meeting %s moved from %s/%d/%d to %s/%d/%d", id, want.Day, want.Slot, want.Table, m.Day, m.Slot, m.Table)
		}
	}
	var a agendaBody
	orgC.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	if a.Version != version {
		t.Errorf("agenda version %d, want %d", a.Version, version)
	}
	// Every meeting that fits is placed, and none shares a table or a participant with another.
	placed := 0
	for _, m := range a.Meetings {
		if m.Day == day {
			placed++
		}
		if _, settled := before[m.ID]; !settled && m.Slot > 0 && m.Slot <= 2 {
			t.Errorf("meeting %s was placed in slot %d, which had started (08:25)", m.ID, m.Slot)
		}
	}
	checkAgenda(t, a, placed)
	if placed < 4 {
		t.Errorf("%d meetings placed, want the 2 settled ones and at least 2 of the %d added: %+v", placed, added, a.Meetings)
	}
	return placed
}

// stepScheduledEventsOrderAfterAcceptedOnes checks the rerun's scheduled events: one for each
// meeting it placed anew, none for the settled ones, each ordered after its accepted event.
func stepScheduledEventsOrderAfterAcceptedOnes(t *testing.T, x *settledRun, version int64, placed int) {
	app, held, started := x.app, x.held, x.started
	// A scheduled event orders after the meeting's accepted event: same revision, a greater
	// schedule version; the settled meetings get none from the second run.
	testenv.Eventually(t, "the second run's scheduled events", func() bool {
		n := 0
		for _, env := range subjects(t, app, events.MeetingScheduled) {
			if meetingEvent(t, env).ScheduleVersion == version {
				n++
			}
		}
		return n == placed-2
	})
	accepted := map[string]events.MeetingV1{}
	for _, env := range subjects(t, app, events.MeetingAccepted) {
		m := meetingEvent(t, env)
		accepted[m.ID] = m
	}
	for _, env := range subjects(t, app, events.MeetingScheduled) {
		m := meetingEvent(t, env)
		prev, ok := accepted[m.ID]
		if !ok {
			t.Errorf("scheduled event of %s without its accepted event", m.ID)
			continue
		}
		if m.Revision < prev.Revision || (m.Revision == prev.Revision && m.ScheduleVersion <= prev.ScheduleVersion) {
			t.Errorf("scheduled event of %s at revision %d, schedule version %d does not order after its accepted event (%d, %d)",
				m.ID, m.Revision, m.ScheduleVersion, prev.Revision, prev.ScheduleVersion)
		}
		if m.ScheduleVersion == version && (m.ID == held || m.ID == started) {
			t.Errorf("the second run sent a scheduled event for settled meeting %s", m.ID)
		}
	}
}
