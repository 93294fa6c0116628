package matchmakingapp

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// assignBooth publishes event.booth.assigned for one assignment.
func assignBooth(t *testing.T, app *App, assignment, fairID, code, producerID string) {
	t.Helper()
	publish(t, app, events.BoothAssigned, fairID+"/"+code, events.BoothAssignmentV1{AssignmentID: assignment, FairID: fairID, BoothCode: code,
		ApplicationID: "app-" + producerID, ProducerID: producerID, At: time.Now()})
}

// releaseBooth publishes event.booth.released for one assignment.
func releaseBooth(t *testing.T, app *App, assignment, fairID, code, producerID string) {
	t.Helper()
	publish(t, app, events.BoothReleased, fairID+"/"+code, events.BoothAssignmentV1{AssignmentID: assignment, FairID: fairID, BoothCode: code,
		ApplicationID: "app-" + producerID, ProducerID: producerID, Reason: "released", At: time.Now()})
}

// waitBooths waits until the meetings' consumer counts want booths for the producer at the fair.
func waitBooths(t *testing.T, app *App, fairID, producerID string, want int64) {
	t.Helper()
	store := meeting.NewStore(app.Host.DB)
	testenv.Eventually(t, "booth holdings of "+producerID, func() bool {
		n, err := store.Booths(context.Background(), fairID, producerID)
		return err == nil && n == want
	})
}

// drained waits until the durable consumer has handled every message of its stream; the stream's
// last message must be one the consumer takes.
func drained(t *testing.T, app *App, stream, durable string) {
	t.Helper()
	testenv.Eventually(t, durable+" to handle every message", func() bool {
		ctx := context.Background()
		st, err := app.Host.JS.Stream(ctx, stream)
		if err != nil {
			return false
		}
		sinfo, err := st.Info(ctx)
		if err != nil {
			return false
		}
		c, err := app.Host.JS.Consumer(ctx, stream, durable)
		if err != nil {
			return false
		}
		info, err := c.Info(ctx)
		return err == nil && info.Delivered.Stream >= sinfo.State.LastSeq && info.NumPending == 0 && info.NumAckPending == 0
	})
}

// fairWithDays publishes a published fair organised by organiser with the given B2B days.
func fairWithDays(t *testing.T, app *App, id, organiser string, days ...events.B2BDayV1) {
	t.Helper()
	publish(t, app, events.FairPublished, id, events.FairChangedV1{Fair: events.FairV1{ID: id, NameVI: "Hội chợ " + id, Status: "published",
		Organisers: []string{organiser}, Revision: 2, B2BDays: days}})
}

// producerOf publishes a producer owned by account.
func producerOf(t *testing.T, app *App, id, account string) {
	t.Helper()
	publish(t, app, events.ProducerRegistered, id, events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, AccountID: account,
		LegalName: "HTX " + id, ProvinceCode: "15", Revision: 1}})
}

// newBuyer creates the signed-in buyer's profile and returns its ID.
func newBuyer(t *testing.T, c testenv.Client, name string) string {
	t.Helper()
	r := c.Do(t, "POST", "/api/buyers", map[string]any{"name": name, "kind": "supermarket_chain", "province": "Hà Nội"})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	return b.ID
}

// acceptedMeeting has the buyer ask and the producer accept, and returns the meeting's ID.
func acceptedMeeting(t *testing.T, buyerC, producerC testenv.Client, fairID, buyerID, producerID string) string {
	t.Helper()
	r := buyerC.Do(t, "POST", "/api/fairs/"+fairID+"/meetings", map[string]any{"buyer_id": buyerID, "producer_id": producerID})
	if r.Status != 201 {
		t.Fatalf("meeting with %s: %d %s", producerID, r.Status, r.Body)
	}
	var m struct{ ID string }
	r.Decode(t, &m)
	if r := producerC.Do(t, "POST", "/api/meetings/"+m.ID+"/accept", nil); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	return m.ID
}

type meetingBody struct {
	ID      string
	Status  string
	Day     string
	Slot    int
	Table   int
	Outcome string
	Held    bool
}

func TestFairScopedEndpointsAnswerOnlyTheFairsOrganisers(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgA, orgAcc := tokens.Token(t, "organiser", "")
	orgB, _ := tokens.Token(t, "organiser", "")
	admin, _ := tokens.Token(t, "admin", "")
	prodTok, prodAcc := tokens.Token(t, "producer", "")
	buyerTok, _ := tokens.Token(t, "buyer", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, app, "f1", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 2})
	producerOf(t, app, "p1", prodAcc)
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "A01", "p1")
	testenv.Eventually(t, "fair and producer indexed", func() bool { _, ok := app.Index.ProducerByID("p1"); return ok && app.Index.Stats().Fairs == 1 })
	waitBooths(t, app, "f1", "p1", 1)
	buyerC := api.With(buyerTok)
	id := acceptedMeeting(t, buyerC, api.With(prodTok), "f1", newBuyer(t, buyerC, "Siêu thị Xanh"), "p1")
	if r := api.With(orgA).Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule by the fair's organiser: %d %s", r.Status, r.Body)
	}

	for _, c := range []struct {
		name         string
		token        string
		method, path string
		want         int
	}{
		{"agenda, another fair's organiser", orgB, "GET", "/api/fairs/f1/agenda", 403},
		{"a participant's agenda, another fair's organiser", orgB, "GET", "/api/fairs/f1/agenda?participant=p1", 403},
		{"meetings, another fair's organiser", orgB, "GET", "/api/fairs/f1/meetings", 403},
		{"schedule, another fair's organiser", orgB, "POST", "/api/fairs/f1/schedule?time_limit_ms=50", 403},
		{"one meeting, another fair's organiser", orgB, "GET", "/api/meetings/" + id, 403},
		{"cancel, another fair's organiser", orgB, "POST", "/api/meetings/" + id + "/cancel", 403},
		{"agenda, the fair's organiser", orgA, "GET", "/api/fairs/f1/agenda", 200},
		{"a participant's agenda, the fair's organiser", orgA, "GET", "/api/fairs/f1/agenda?participant=p1", 200},
		{"agenda, an admin", admin, "GET", "/api/fairs/f1/agenda", 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := api.With(c.token).Do(t, c.method, c.path, nil)
			if r.Status != c.want {
				t.Errorf("%s %s = %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Body)
			}
			if c.want == 403 && strings.Contains(string(r.Body), "buyer_name") {
				t.Errorf("the refusal shows the meeting: %s", r.Body)
			}
		})
	}
}

// meetingRules is what the steps of TestMeetingRulesBoothsAndOutcomes share: the service, its
// clients, the fair's two B2B days, the buyer, the two meetings and p2's booth assignments.
type meetingRules struct {
	app                      *App
	buyer, p1, p2, org       testenv.Client
	buyerID, past, future    string
	m1, m2                   string
	old, current, p1Assigned string
}

// readMeeting reads a meeting as c sees it.
func readMeeting(t *testing.T, c testenv.Client, id string) meetingBody {
	t.Helper()
	var m meetingBody
	c.Do(t, "GET", "/api/meetings/"+id, nil).Decode(t, &m)
	return m
}

// get reads a meeting as its buyer sees it.
func (x *meetingRules) get(t *testing.T, id string) meetingBody {
	t.Helper()
	return readMeeting(t, x.buyer, id)
}

func TestMeetingRulesBoothsAndOutcomes(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	_, orgAcc := tokens.Token(t, "organiser", "")
	org, _ := tokens.Token(t, "organiser", orgAcc)
	p1Tok, p1Acc := tokens.Token(t, "producer", "")
	p2Tok, p2Acc := tokens.Token(t, "producer", "")
	buyerTok, _ := tokens.Token(t, "buyer", "")
	x := &meetingRules{app: app, buyer: api.With(buyerTok), p1: api.With(p1Tok), p2: api.With(p2Tok), org: api.With(org)}
	stepAFairWithTwoDaysAndTwoProducers(t, x, orgAcc, p1Acc, p2Acc)
	stepNoBoothNoMeeting(t, x)
	stepMeetingsWithBothExhibitors(t, x)
	stepAnOutcomeOnlyOnceTheSlotStarted(t, x)
	stepTheAgendaAsASpreadsheet(t, x)
	stepHeldMeetingsOutliveBoothsAndLateEvents(t, x)
}

// stepAFairWithTwoDaysAndTwoProducers publishes the fair and two producers and creates the buyer.
func stepAFairWithTwoDaysAndTwoProducers(t *testing.T, x *meetingRules, orgAcc, p1Acc, p2Acc string) {
	app, buyerC := x.app, x.buyer
	// Two B2B days: yesterday (its slots have started) and one next month (not yet).
	now := time.Now().In(vntext.Zone)
	past, future := now.AddDate(0, 0, -1).Format(time.DateOnly), now.AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, app, "f1", orgAcc,
		events.B2BDayV1{Date: past, StartTime: "08:00", SlotMinutes: 20, Slots: 3, MorningSlots: 2, Tables: 2},
		events.B2BDayV1{Date: future, StartTime: "08:00", SlotMinutes: 20, Slots: 3, MorningSlots: 2, Tables: 2})
	producerOf(t, app, "p1", p1Acc)
	producerOf(t, app, "p2", p2Acc)
	testenv.Eventually(t, "fair and producers indexed", func() bool {
		_, ok1 := app.Index.ProducerByID("p1")
		_, ok2 := app.Index.ProducerByID("p2")
		return ok1 && ok2 && app.Index.Stats().Fairs == 1
	})
	b := newBuyer(t, buyerC, "Siêu thị Xanh")
	x.buyerID, x.past, x.future = b, past, future
}

// stepNoBoothNoMeeting refuses a meeting with a producer that holds no booth at the fair.
func stepNoBoothNoMeeting(t *testing.T, x *meetingRules) {
	buyerC, b := x.buyer, x.buyerID
	// (a) No booth at the fair, no meeting.
	r := buyerC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": b, "producer_id": "p1"})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"producer_id"`) || !strings.Contains(string(r.Body), `"code":"meeting_producer_no_booth"`) {
		t.Fatalf("meeting with a producer holding no booth: %d %s, want 422 on producer_id", r.Status, r.Body)
	}
}

// stepMeetingsWithBothExhibitors gives both producers booths (p2's twice over) and the buyer an
// accepted meeting with each.
func stepMeetingsWithBothExhibitors(t *testing.T, x *meetingRules) {
	app, buyerC, p1C, p2C, b := x.app, x.buyer, x.p1, x.p2, x.buyerID
	// p2 held booth B01, lost it and got it back: the release of the first assignment is
	// delivered after the second assignment.
	old, current := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	p1Assignment := uuid.Must(uuid.NewV7()).String()
	assignBooth(t, app, p1Assignment, "f1", "A01", "p1")
	assignBooth(t, app, old, "f1", "B01", "p2")
	assignBooth(t, app, current, "f1", "B01", "p2")
	drained(t, app, "EVENT", "matchmaking-meeting-fairs")
	m1 := acceptedMeeting(t, buyerC, p1C, "f1", b, "p1")
	m2 := acceptedMeeting(t, buyerC, p2C, "f1", b, "p2")
	x.m1, x.m2, x.old, x.current, x.p1Assigned = m1, m2, old, current, p1Assignment
}

// stepAnOutcomeOnlyOnceTheSlotStarted schedules the meetings over the two days and records an
// outcome only for the meeting whose slot has started.
func stepAnOutcomeOnlyOnceTheSlotStarted(t *testing.T, x *meetingRules) {
	buyerC, p2C, orgC, m1, m2, past, future := x.buyer, x.p2, x.org, x.m1, x.m2, x.past, x.future
	// (c) No outcome before the meeting has a slot.
	if r := buyerC.Do(t, "POST", "/api/meetings/"+m1+"/outcome", map[string]any{"outcome": "mou_signed"}); r.Status != 409 {
		t.Errorf("outcome of an unscheduled meeting: %d %s, want 409", r.Status, r.Body)
	}
	// p2 cannot come on the first day, so its meeting goes to the second.
	if r := p2C.Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": past, "slots": []int{1, 2, 3}}); r.Status != 204 {
		t.Fatalf("unavailability: %d %s", r.Status, r.Body)
	}
	asOf(x.app, -48*time.Hour, func() {
		if r := orgC.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300", nil); r.Status != 200 {
			t.Fatalf("schedule: %d %s", r.Status, r.Body)
		}
	})
	if m := x.get(t, m1); m.Day != past || m.Slot == 0 {
		t.Fatalf("m1 = %+v, want a slot yesterday", m)
	}
	if m := x.get(t, m2); m.Day != future || m.Slot == 0 {
		t.Fatalf("m2 = %+v, want a slot next month", m)
	}
	if r := buyerC.Do(t, "POST", "/api/meetings/"+m2+"/outcome", map[string]any{"outcome": "mou_signed"}); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_outcome_too_early"`) {
		t.Errorf("outcome before the slot starts: %d %s, want 409", r.Status, r.Body)
	}
	r := buyerC.Do(t, "POST", "/api/meetings/"+m1+"/outcome", map[string]any{"outcome": "contract_signed", "value_vnd": 900000000})
	var held meetingBody
	if r.Status != 200 {
		t.Fatalf("outcome after the slot started: %d %s", r.Status, r.Body)
	}
	if r.Decode(t, &held); !held.Held || held.Outcome != "contract_signed" {
		t.Errorf("after the outcome: %+v, want held", held)
	}
}

// stepHeldMeetingsOutliveBoothsAndLateEvents applies p2's booth events late and twice and then
// takes both producers' booths: only the meeting not yet held is cancelled.
func stepHeldMeetingsOutliveBoothsAndLateEvents(t *testing.T, x *meetingRules) {
	app, p1C, m1, m2, old, current, p1Assignment := x.app, x.p1, x.m1, x.m2, x.old, x.current, x.p1Assigned
	// (d) A held meeting cannot be cancelled, by either side or by losing the booth.
	if r := p1C.Do(t, "POST", "/api/meetings/"+m1+"/cancel", nil); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_held"`) {
		t.Errorf("cancelling a held meeting: %d %s, want 409", r.Status, r.Body)
	}

	// The late release of p2's first assignment leaves p2 its booth and its meeting.
	releaseBooth(t, app, old, "f1", "B01", "p2")
	drained(t, app, "EVENT", "matchmaking-meeting-fairs")
	if m := x.get(t, m2); m.Status != "accepted" {
		t.Errorf("after a late release of an earlier assignment, m2 = %+v, want accepted", m)
	}
	// A repeated assignment of the released one does not bring it back.
	assignBooth(t, app, old, "f1", "B01", "p2")
	drained(t, app, "EVENT", "matchmaking-meeting-fairs")

	// (b) Losing the last booth cancels the meetings not yet held, and only those.
	releaseBooth(t, app, current, "f1", "B01", "p2")
	testenv.Eventually(t, "m2 cancelled with p2's last booth", func() bool { return x.get(t, m2).Status == "cancelled" })
	releaseBooth(t, app, p1Assignment, "f1", "A01", "p1")
	waitBooths(t, app, "f1", "p1", 0)
	drained(t, app, "EVENT", "matchmaking-meeting-fairs")
	if m := x.get(t, m1); m.Status != "accepted" || !m.Held || m.Slot == 0 {
		t.Errorf("the held meeting after its producer lost the booth: %+v, want accepted, held, in its slot", m)
	}
}

// attendedBody is what the badge tests read of a meeting.
type attendedBody struct {
	Attended   bool
	AttendedAt string `json:"attended_at"`
	Held       bool
}

func readMeetingAttended(t *testing.T, c testenv.Client, id string) attendedBody {
	t.Helper()
	var m attendedBody
	r := c.Do(t, "GET", "/api/meetings/"+id, nil)
	if r.Status != 200 {
		t.Fatalf("meeting %s: %d %s", id, r.Status, r.Body)
	}
	r.Decode(t, &m)
	return m
}
