package matchmakingapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

func publish(t *testing.T, app *App, subject, aggregate string, payload any) {
	t.Helper()
	env, err := events.New(subject, 1, aggregate, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), app.Host.JS, env); err != nil {
		t.Fatal(err)
	}
}

func subjects(t *testing.T, app *App, subject string) []events.Envelope {
	t.Helper()
	cons, err := app.Host.JS.OrderedConsumer(context.Background(), "MATCHMAKING", jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []events.Envelope
	for m := range batch.Messages() {
		var env events.Envelope
		_ = json.Unmarshal(m.Data(), &env)
		out = append(out, env)
	}
	return out
}

// flow is what the steps of TestBuyerMatchMeetScheduleFlow share: the service, its clients
// (a producer, a buyer, another buyer and the fair's organiser) and what earlier steps created.
type flow struct {
	app                         *App
	producer, buyer, other, org testenv.Client
	orgAcc, day                 string
	buyerID, requestID          string
	meetingID                   string
}

func TestBuyerMatchMeetScheduleFlow(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	prodTok, prodAcc := tokens.Token(t, "producer", "")
	buyerTok, _ := tokens.Token(t, "buyer", "")
	otherBuyer, _ := tokens.Token(t, "buyer", "")
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	f := &flow{app: app, producer: api.With(prodTok), buyer: api.With(buyerTok), other: api.With(otherBuyer), org: api.With(orgTok), orgAcc: orgAcc}
	stepAFairWithAnExhibitor(t, f, prodAcc)
	stepTheBuyerPostsARequest(t, f)
	stepMatchesAndOpportunities(t, f)
	stepAMeetingIsAskedAndAccepted(t, f)
	stepTheMeetingIsScheduledAndHeld(t, f)
	stepACancelledFairCancelsItsMeetings(t, f)
}

// stepAFairWithAnExhibitor publishes a producer with a product, a fair whose B2B day was
// yesterday, and the producer's booth there, and waits for the index and the holdings.
func stepAFairWithAnExhibitor(t *testing.T, f *flow, prodAcc string) {
	app, orgAcc := f.app, f.orgAcc
	now := time.Now().In(vntext.Zone)
	// The B2B day was yesterday: its slots have started, so outcomes can be recorded.
	day := now.AddDate(0, 0, -1).Format(time.DateOnly)
	publish(t, app, events.ProducerRegistered, "p1", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p1", AccountID: prodAcc,
		LegalName: "HTX Mật ong Bắc Hà", ProvinceCode: "15", Region: "northern_midlands_mountains", Revision: 1,
		Certifications: []events.CertificationV1{{Code: "globalgap", ValidUntil: now.AddDate(1, 0, 0)}}, Trademark: "TM"}})
	publish(t, app, events.ProductCreated, "x1", events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Mật ong bạc hà",
		CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "tonne", MonthlyCapacity: 2, PriceMinVND: 250000, Revision: 1,
		Certificate: events.CertificateV1{ExpiresOn: now.AddDate(2, 0, 0).Format(time.DateOnly)}}})
	publish(t, app, events.FairPublished, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", NameVI: "Hội nghị kết nối cung cầu", Status: "published",
		Organisers: []string{orgAcc}, Revision: 2, B2BDays: []events.B2BDayV1{{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 6, MorningSlots: 3, Tables: 2}}}})
	assignBooth(t, app, "a1", "f1", "A01", "p1")
	testenv.Eventually(t, "index ready with the product", func() bool { return app.Index.Stats().Products == 1 && app.Index.Stats().Fairs == 1 })
	waitBooths(t, app, "f1", "p1", 1)
	f.day = day
}

// stepTheBuyerPostsARequest creates the buyer's profile and a sourcing request for the fair.
func stepTheBuyerPostsARequest(t *testing.T, f *flow) {
	buyerC := f.buyer
	r := buyerC.Do(t, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội", "markets": []string{"domestic", "EU"}})
	if r.Status != 201 {
		t.Fatalf("buyer: %d %s", r.Status, r.Body)
	}
	var b struct{ ID string }
	r.Decode(t, &b)
	r = buyerC.Do(t, "POST", "/api/buyers/"+b.ID+"/requests", map[string]any{"title": "Mật ong xuất khẩu EU", "criteria_sets": []int{4},
		"keywords": []string{"mat ong"}, "monthly_volume": 1.5, "unit": "tonne", "target_market": "EU", "fair_id": "f1"})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)
	f.buyerID, f.requestID = b.ID, req.ID
}

// stepMatchesAndOpportunities ranks the producer for the request, shows who may read the
// request and its matches, and finds the request among the producer's opportunities.
func stepMatchesAndOpportunities(t *testing.T, f *flow) {
	producer, buyerC, other := f.producer, f.buyer, f.other
	b, req := struct{ ID string }{f.buyerID}, struct{ ID string }{f.requestID}
	var matches struct {
		Matches []struct {
			ProducerID string  `json:"producer_id"`
			Score      float64 `json:"score"`
			Factors    []struct {
				Name   string `json:"name"`
				Reason string `json:"reason"`
			}
		}
	}
	buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches?limit=5", nil).Decode(t, &matches)
	if len(matches.Matches) != 1 || matches.Matches[0].ProducerID != "p1" || matches.Matches[0].Score <= 0 {
		t.Fatalf("matches %+v", matches)
	}
	// A limit over 100 is capped as every list's is; one that is not a count is refused at the field.
	if r := buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches?limit=1000", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"producer_id":"p1"`) {
		t.Fatalf("matches over the cap: %d %s", r.Status, r.Body)
	}
	for _, q := range []string{"0", "-1", "abc"} {
		if r := buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches?limit="+q, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"limit"`) {
			t.Fatalf("matches limit=%s: %d %s", q, r.Status, r.Body)
		}
	}
	// The one producer is the whole list: no next page; a cursor not made by a page, or past the
	// depth a page may start at, is refused at the field.
	if r := buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches?limit=1", nil); r.Status != 200 || strings.Contains(string(r.Body), "next_cursor") {
		t.Fatalf("matches, one producer: %d %s", r.Status, r.Body)
	}
	for _, cur := range []string{"garbage!", httpx.EncodeCursor(map[string]int{"at": 1001}), httpx.EncodeCursor(map[string]int{"at": -1})} {
		if r := buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches?cursor="+cur, nil); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"cursor"`) {
			t.Fatalf("matches cursor=%s: %d %s", cur, r.Status, r.Body)
		}
	}
	if !strings.Contains(string(buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil).Body), "Công suất 2 tấn/tháng ≥ 1,5 tấn") {
		t.Error("capacity reason missing")
	}
	// The matches just read follow a change of the product (they are not kept past it).
	now := time.Now().In(vntext.Zone)
	publish(t, f.app, events.ProductUpdated, "x1", events.ProductChangedV1{Product: events.ProductV1{ID: "x1", ProducerID: "p1", NameVI: "Mật ong bạc hà",
		CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "tonne", MonthlyCapacity: 3, PriceMinVND: 250000, Revision: 2,
		Certificate: events.CertificateV1{ExpiresOn: now.AddDate(2, 0, 0).Format(time.DateOnly)}}})
	testenv.Eventually(t, "the matches show the product's new capacity", func() bool {
		return strings.Contains(string(buyerC.Do(t, "GET", "/api/requests/"+req.ID+"/matches", nil).Body), "Công suất 3 tấn/tháng")
	})
	for _, c := range []struct {
		name   string
		client testenv.Client
		method string
		path   string
		want   int
	}{
		{"other buyer reads the request", other, "GET", "/api/requests/" + req.ID, 403},
		{"other buyer reads matches", other, "GET", "/api/requests/" + req.ID + "/matches", 403},
		{"other buyer lists requests", other, "GET", "/api/buyers/" + b.ID + "/requests", 403},
		{"producer reads matches", producer, "GET", "/api/requests/" + req.ID + "/matches", 403},
		{"producer reads the open request", producer, "GET", "/api/requests/" + req.ID, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := c.client.Do(t, c.method, c.path, nil); r.Status != c.want {
				t.Errorf("%d, want %d: %s", r.Status, c.want, r.Body)
			}
		})
	}
	var page struct {
		Items []struct {
			Request struct{ ID string }
			Match   struct{ Score float64 }
		}
	}
	producer.Do(t, "GET", "/api/producers/p1/opportunities", nil).Decode(t, &page)
	if opps := page.Items; len(opps) != 1 || opps[0].Request.ID != req.ID {
		t.Errorf("opportunities %+v", page)
	}
}

// stepAMeetingIsAskedAndAccepted has the buyer ask for a meeting that only the producer may
// accept, refuses a second one of the pair, and marks a slot the producer cannot attend.
func stepAMeetingIsAskedAndAccepted(t *testing.T, f *flow) {
	producer, buyerC, other, day := f.producer, f.buyer, f.other, f.day
	b := struct{ ID string }{f.buyerID}
	// The buyer asks for a meeting; the producer accepts.
	r := buyerC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": b.ID, "producer_id": "p1", "session": "morning"})
	if r.Status != 201 {
		t.Fatalf("meeting: %d %s", r.Status, r.Body)
	}
	var m struct{ ID, Status string }
	r.Decode(t, &m)
	if r := buyerC.Do(t, "POST", "/api/meetings/"+m.ID+"/accept", nil); r.Status != 403 {
		t.Errorf("asker accepting its own request: %d", r.Status)
	}
	if r := other.Do(t, "POST", "/api/meetings/"+m.ID+"/cancel", nil); r.Status != 403 {
		t.Errorf("outsider cancelling: %d", r.Status)
	}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/accept", nil); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if r := buyerC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": b.ID, "producer_id": "p1"}); r.Status != 409 ||
		!strings.Contains(string(r.Body), `"code":"meeting_exists"`) {
		t.Errorf("second meeting of the same pair: %d %s, want 409 meeting_exists", r.Status, r.Body)
	}
	if r := producer.Do(t, "PUT", "/api/fairs/f1/unavailability", map[string]any{"day": day, "slots": []int{1}}); r.Status != 204 {
		t.Errorf("unavailability: %d %s", r.Status, r.Body)
	}
	f.meetingID = m.ID
}

// stepTheMeetingIsScheduledAndHeld schedules the fair, reads the agendas, records the
// meeting's outcome and waits for the meeting's events.
func stepTheMeetingIsScheduledAndHeld(t *testing.T, f *flow) {
	app, producer, buyerC, other, org := f.app, f.producer, f.buyer, f.other, f.org
	m := struct{ ID string }{f.meetingID}
	// Scheduled two days ago, the day before the B2B day: no run places meetings on a day over.
	asOf(app, -48*time.Hour, func() {
		r := org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"optimal"`) {
			t.Fatalf("schedule: %d %s", r.Status, r.Body)
		}
	})
	var agenda struct {
		Meetings []struct {
			Slot   int
			Table  int
			Starts string `json:"starts_at"`
		}
		Grid []struct{ Slots []struct{ Cells []any } }
	}
	producer.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &agenda)
	if len(agenda.Meetings) != 1 || agenda.Meetings[0].Slot < 2 || agenda.Meetings[0].Slot > 3 || agenda.Meetings[0].Starts == "" {
		t.Errorf("producer agenda %+v: want one morning meeting avoiding slot 1", agenda)
	}
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &agenda)
	if len(agenda.Grid) != 1 || len(agenda.Grid[0].Slots) != 6 {
		t.Errorf("organiser grid %+v", agenda.Grid)
	}
	if r := other.Do(t, "GET", "/api/fairs/f1/agenda?participant=p1", nil); r.Status == 200 {
		t.Errorf("other buyer reading the producer's agenda: %d", r.Status)
	}
	var held struct {
		Revision  int64  `json:"revision"`
		OutcomeBy string `json:"outcome_by"`
		OutcomeAt string `json:"outcome_at"`
	}
	// Over a revision the meeting had before (a scan at the table since the page was drawn): no
	// outcome is replaced, so it goes.
	if r := buyerC.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", map[string]any{"outcome": "contract_signed", "value_vnd": 1500000000}, "If-Match", `"1"`); r.Status != 200 {
		t.Errorf("outcome: %d %s", r.Status, r.Body)
	} else if r.Decode(t, &held); held.OutcomeBy != "buyer" || held.OutcomeAt == "" {
		t.Errorf("outcome recorded as %+v, want by the buyer, with its time", held)
	}
	testenv.Eventually(t, "requested, accepted, scheduled and outcome events", func() bool {
		return len(subjects(t, app, events.MeetingRequested)) == 1 && len(subjects(t, app, events.MeetingAccepted)) == 1 &&
			len(subjects(t, app, events.MeetingScheduled)) == 1 && len(subjects(t, app, events.MeetingOutcomeRecorded)) == 1
	})
	// The producer replaces the buyer's contract only once seen: not unseen, not over an older
	// revision, and with the revision it carries.
	neg := map[string]any{"outcome": "negotiating"}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", neg); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_outcome_other_side"`) {
		t.Errorf("producer's unseen outcome: %d %s, want 409 meeting_outcome_other_side", r.Status, r.Body)
	}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", neg, "If-Match", fmt.Sprint(held.Revision-1)); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_outcome_changed"`) {
		t.Errorf("producer's outcome over an older revision: %d %s, want 409 meeting_outcome_changed", r.Status, r.Body)
	}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", neg, "If-Match", "*"); r.Status != 409 || !strings.Contains(string(r.Body), `"code":"meeting_outcome_changed"`) {
		t.Errorf("producer's outcome over any revision (*): %d %s, want 409 meeting_outcome_changed", r.Status, r.Body)
	}
	// The same outcome sent again by the other side stores nothing: it stays the buyer's.
	same := map[string]any{"outcome": "contract_signed", "value_vnd": 1500000000}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", same); r.Status != 200 || !strings.Contains(string(r.Body), `"outcome_by":"buyer"`) ||
		!strings.Contains(string(r.Body), fmt.Sprintf(`"revision":%d`, held.Revision)) {
		t.Errorf("the producer sending the buyer's outcome again: %d %s, want it unchanged, the buyer's", r.Status, r.Body)
	}
	if r := producer.Do(t, "POST", "/api/meetings/"+m.ID+"/outcome", neg, "If-Match", fmt.Sprintf(`"%d"`, held.Revision)); r.Status != 200 {
		t.Errorf("producer's seen outcome: %d %s", r.Status, r.Body)
	}

}

// meetingCounts is GET /api/fairs/{id}/meetings/counts.
type meetingCounts struct{ Requested, Accepted, Scheduled, Declined, Cancelled, Held int }

// stepACancelledFairCancelsItsMeetings adds a second meeting, lists the meetings page by page
// for each reader, then cancels the fair: its active meetings are cancelled with the reason.

func stepACancelledFairCancelsItsMeetings(t *testing.T, f *flow) {
	app, producer, buyerC, other, org, orgAcc := f.app, f.producer, f.buyer, f.other, f.org, f.orgAcc
	b, m := struct{ ID string }{f.buyerID}, struct{ ID string }{f.meetingID}
	// A second meeting, then the fair is cancelled: active meetings are cancelled with the reason.
	publish(t, app, events.ProducerRegistered, "p2", events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: "p2", AccountID: "acc-p2", LegalName: "HTX Chè", ProvinceCode: "19", Revision: 1}})
	assignBooth(t, app, "a2", "f1", "A02", "p2")
	testenv.Eventually(t, "p2 indexed", func() bool { _, ok := app.Index.ProducerByID("p2"); return ok })
	waitBooths(t, app, "f1", "p2", 1)
	r := buyerC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": b.ID, "producer_id": "p2"})
	var m2 struct{ ID string }
	r.Decode(t, &m2)
	for _, c := range []struct {
		name   string
		client testenv.Client
		path   string
		want   []string
	}{
		{"the buyer's meetings", buyerC, "/api/meetings", []string{m.ID, m2.ID}},
		{"the first producer's meetings", producer, "/api/meetings", []string{m.ID}},
		{"the fair's meetings, organiser", org, "/api/fairs/f1/meetings", []string{m.ID, m2.ID}},
		{"the fair's meetings, the buyer's own", buyerC, "/api/fairs/f1/meetings", []string{m.ID, m2.ID}},
		{"the fair's meetings, another buyer", other, "/api/fairs/f1/meetings", nil},
	} {
		if got := pageIDs(t, c.client, c.path); strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s page by page: %v, want %v", c.name, got, c.want)
		}
	}
	if r := org.Do(t, "GET", "/api/fairs/f1/meetings?status=held", nil); r.Status != 422 || !strings.Contains(string(r.Body), `"status"`) {
		t.Errorf("unknown status filter: %d %s", r.Status, r.Body)
	}
	// The organisers' dashboard counts the fair's meetings by where they stand: the first one
	// accepted, scheduled and held, the second waiting for its answer. Only organisers read them.
	countsNow := func() (c meetingCounts) {
		org.Do(t, "GET", "/api/fairs/f1/meetings/counts", nil).Decode(t, &c)
		return c
	}
	if c := countsNow(); c != (meetingCounts{Requested: 1, Accepted: 1, Scheduled: 1, Held: 1}) {
		t.Errorf("the fair's meeting counts: %+v", c)
	}
	for _, c := range []testenv.Client{buyerC, producer, other} {
		if r := c.Do(t, "GET", "/api/fairs/f1/meetings/counts", nil); r.Status != 403 {
			t.Errorf("a participant reads the fair's meeting counts: %d %s", r.Status, r.Body)
		}
	}
	publish(t, app, events.FairCancelled, "f1", events.FairChangedV1{Fair: events.FairV1{ID: "f1", Status: "cancelled", CancelReason: "Bão", Revision: 3, Organisers: []string{orgAcc}}})
	testenv.Eventually(t, "the cancelled meeting counted", func() bool { return countsNow() == meetingCounts{Accepted: 1, Scheduled: 1, Cancelled: 1, Held: 1} })
	testenv.Eventually(t, "meetings cancelled", func() bool {
		body := string(buyerC.Do(t, "GET", "/api/meetings/"+m2.ID, nil).Body)
		return strings.Contains(body, `"status":"cancelled"`) && strings.Contains(body, "Bão")
	})
	// The reason is stored as a code with the organisers' words, and said in the reader's language.
	for lang, want := range map[string]string{"vi": "Hội chợ đã bị hủy: Bão", "en": "The fair was cancelled: Bão"} {
		var got struct {
			Reason     string
			ReasonCode string `json:"reason_code"`
		}
		buyerC.Do(t, "GET", "/api/meetings/"+m2.ID, nil, "Accept-Language", lang).Decode(t, &got)
		if got.Reason != want || got.ReasonCode != "fair_cancelled" {
			t.Errorf("cancelled meeting in %s: reason %q (code %q), want %q (fair_cancelled)", lang, got.Reason, got.ReasonCode, want)
		}
	}
	// Its event carries the code and the organisers' words, never a rendered text.
	testenv.Eventually(t, "the cancelled event of the second meeting", func() bool {
		for _, env := range subjects(t, app, events.MeetingCancelled) {
			var pl events.MeetingChangedV1
			if env.Decode(&pl) == nil && pl.Meeting.ID == m2.ID {
				return pl.Meeting.ReasonCode == "fair_cancelled" && pl.Meeting.Reason == "Bão"
			}
		}
		return false
	})
}

func TestSolveEndpoint(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	_, api := startOn(t, natsURL, tokens)
	org, _ := tokens.Token(t, "organiser", "")
	buyer, _ := tokens.Token(t, "buyer", "")
	problem := map[string]any{"slots": 4, "morning_slots": 2, "tables": 1, "participants": []any{},
		"meetings": []map[string]any{{"id": "m1", "participants": []string{"b1", "p1"}, "session": "any", "fixed_slot": 0, "after": []string{}}}, "max_break_spread": 1, "time_limit_ms": 100}
	if r := api.With(buyer).Do(t, "POST", "/api/scheduling/solve", problem); r.Status != 403 {
		t.Errorf("buyer solving: %d", r.Status)
	}
	r := api.With(org).Do(t, "POST", "/api/scheduling/solve", problem)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"status":"optimal"`) {
		t.Errorf("solve: %d %s", r.Status, r.Body)
	}
	problem["slots"] = 0
	if r := api.With(org).Do(t, "POST", "/api/scheduling/solve", problem); r.Status != 422 {
		t.Errorf("bad problem: %d %s", r.Status, r.Body)
	}
}

// pageIDs follows a list one item per page and returns the IDs in order.
func pageIDs(t *testing.T, c testenv.Client, path string) []string {
	t.Helper()
	var ids []string
	for _, it := range testenv.Pages[struct{ ID string }](t, c, path) {
		ids = append(ids, it.ID)
	}
	return ids
}
