package matchmakingapp

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// stateMatch is what these tests read of a match item.
type stateMatch struct {
	ProducerID string `json:"producer_id"`
	Meeting    *struct {
		ID, Status string
		Proposed   bool
	}
	Interested bool
	Booths     []struct{ Code string }
}

type matchState struct {
	app              *App
	start            func() testenv.Client // starts another replica on the same database
	buyer, p1, p2    testenv.Client
	buyerID, request string
}

// matchesOf returns the request's matches by producer, with an optional query.
func (x *matchState) matchesOf(t *testing.T, query string) map[string]stateMatch {
	t.Helper()
	r := x.buyer.Do(t, "GET", "/api/requests/"+x.request+"/matches"+query, nil)
	if r.Status != 200 {
		t.Fatalf("matches%s: %d %s", query, r.Status, r.Body)
	}
	var body struct{ Matches []stateMatch }
	r.Decode(t, &body)
	out := map[string]stateMatch{}
	for _, m := range body.Matches {
		out[m.ProducerID] = m
	}
	return out
}

// TestMatchCardsShowMeetingsInterestAndTheFair: a buyer's matches can be kept to the exhibitors
// of a fair, carry the meeting asked of each producer and its state, and say which producers
// marked interest in the request, which the buyer also sees on the request.
func TestMatchCardsShowMeetingsInterestAndTheFair(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	uri := testenv.SharedURI(t)
	app, api := startReplica(t, natsURL, uri, tokens, func(*App) {})
	buyerTok, _ := tokens.Token(t, "buyer", "")
	p1Tok, p1Acc := tokens.Token(t, "producer", "")
	p2Tok, p2Acc := tokens.Token(t, "producer", "")
	x := &matchState{app: app, buyer: api.With(buyerTok), p1: api.With(p1Tok), p2: api.With(p2Tok), start: func() testenv.Client {
		_, api2 := startReplica(t, natsURL, uri, tokens, func(*App) {})
		return api2.With(buyerTok)
	}}
	now := time.Now().In(vntext.Zone)
	fairWithDays(t, app, "f1", "org", events.B2BDayV1{Date: now.AddDate(0, 1, 0).Format(time.DateOnly), StartTime: "08:00",
		SlotMinutes: 20, Slots: 3, MorningSlots: 2, Tables: 2})
	for _, p := range []struct{ id, acc string }{{"p1", p1Acc}, {"p2", p2Acc}} {
		producerOf(t, app, p.id, p.acc)
		publish(t, app, events.ProductCreated, "x-"+p.id, events.ProductChangedV1{Product: events.ProductV1{ID: "x-" + p.id, ProducerID: p.id,
			NameVI: "Mật ong " + p.id, CriteriaSet: 4, Sector: "food", Stars: 4, Unit: "litre", MonthlyCapacity: 100, Revision: 1,
			Certificate: events.CertificateV1{ExpiresOn: now.AddDate(2, 0, 0).Format(time.DateOnly)}}})
	}
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "A01", "p1")
	testenv.Eventually(t, "the index holds both products, the fair and p1's booth", func() bool {
		return app.Index.Stats().Products == 2 && app.Index.Stats().Fairs == 1 && app.Index.Exhibiting("f1", "p1")
	})
	drained(t, app, "EVENT", "matchmaking-meeting-fairs")
	x.buyerID = newBuyer(t, x.buyer, "Siêu thị Xanh")
	r := x.buyer.Do(t, "POST", "/api/buyers/"+x.buyerID+"/requests", map[string]any{"title": "Mật ong sạch", "criteria_sets": []int{4}, "fair_id": "f1"})
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var req struct{ ID string }
	r.Decode(t, &req)
	x.request = req.ID
	t.Run("fair filter", x.stepOnlyTheFairsExhibitors)
	t.Run("meeting on the card", x.stepTheMeetingAndItsState)
	t.Run("another fair chosen", x.stepAnotherFairChosen)
	t.Run("interest", x.stepProducersMarkInterest)
}

// stepAnotherFairChosen: a buyer whose request names f1 chooses to meet at f2, with every
// producer shown. The cards speak of f2: no booth at f1 named, no meeting at f1 shown (a meeting
// at f2 can still be asked), which used to contradict the fair the card offered to meet at.
func (x *matchState) stepAnotherFairChosen(t *testing.T) {
	fairWithDays(t, x.app, "f2", "org", events.B2BDayV1{Date: time.Now().In(vntext.Zone).AddDate(0, 2, 0).Format(time.DateOnly), StartTime: "08:00",
		SlotMinutes: 20, Slots: 3, MorningSlots: 2, Tables: 2})
	testenv.Eventually(t, "the index holds f2", func() bool { return x.app.Index.Stats().Fairs == 2 })
	if at := x.matchesOf(t, "?fair_id=f2"); len(at) != 0 {
		t.Errorf("only the exhibitors of f2 = %+v, want none: f2 has no booth yet", at)
	}
	all := x.matchesOf(t, "?fair_id=f2&only_exhibitors=false")
	if len(all) != 2 || all["p1"].Meeting != nil || len(all["p1"].Booths) != 0 {
		t.Errorf("every producer for f2 = %+v, want p1 and p2, p1 with neither its f1 meeting nor its f1 booth", all)
	}
	at1 := x.matchesOf(t, "?fair_id=f1&only_exhibitors=false")
	if len(at1) != 2 || at1["p1"].Meeting == nil || len(at1["p1"].Booths) != 1 || at1["p2"].Meeting != nil {
		t.Errorf("every producer for f1 = %+v, want p1 with its meeting and booth, and p2", at1)
	}
	if r := x.buyer.Do(t, "GET", "/api/requests/"+x.request+"/matches?fair_id=f1&only_exhibitors=maybe", nil); r.Status != 422 {
		t.Errorf("only_exhibitors=maybe: %d %s, want 422", r.Status, r.Body)
	}
	publish(t, x.app, events.FairCreated, "f3", events.FairChangedV1{Fair: events.FairV1{ID: "f3", NameVI: "Hội chợ nháp", Status: "draft", Organisers: []string{"org"}, Revision: 1}})
	testenv.Eventually(t, "the index holds the draft", func() bool { return x.app.Index.Stats().Fairs == 3 })
	if r := x.buyer.Do(t, "GET", "/api/requests/"+x.request+"/matches?fair_id=f3&only_exhibitors=false", nil); r.Status != 404 {
		t.Errorf("matches at a draft fair: %d %s, want 404 as for an unknown fair", r.Status, r.Body)
	}
}

func (x *matchState) stepOnlyTheFairsExhibitors(t *testing.T) {
	if all := x.matchesOf(t, ""); len(all) != 2 {
		t.Fatalf("matches without a fair filter = %+v, want p1 and p2", all)
	}
	if at := x.matchesOf(t, "?fair_id=f1"); len(at) != 1 || at["p1"].ProducerID != "p1" {
		t.Errorf("matches at f1 = %+v, want only p1, the fair's exhibitor", at)
	}
	if r := x.buyer.Do(t, "GET", "/api/requests/"+x.request+"/matches?fair_id=nope", nil); r.Status != 404 {
		t.Errorf("matches at an unknown fair: %d %s, want 404", r.Status, r.Body)
	}
}

func (x *matchState) stepTheMeetingAndItsState(t *testing.T) {
	if m := x.matchesOf(t, ""); m["p1"].Meeting != nil || m["p2"].Meeting != nil {
		t.Fatalf("matches before any meeting = %+v, want no meeting", m)
	}
	r := x.buyer.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": x.buyerID, "producer_id": "p1"})
	if r.Status != 201 {
		t.Fatalf("meeting: %d %s", r.Status, r.Body)
	}
	var m struct{ ID string }
	r.Decode(t, &m)
	got := x.matchesOf(t, "")
	if mt := got["p1"].Meeting; mt == nil || mt.ID != m.ID || mt.Status != "requested" || mt.Proposed || got["p2"].Meeting != nil {
		t.Fatalf("matches after asking p1 = %+v, want p1's card to carry meeting %s, requested", got, m.ID)
	}
	// The producer answers with another time: the card says a proposal waits for the buyer.
	if r := x.p1.Do(t, "POST", "/api/meetings/"+m.ID+"/propose", map[string]any{"session": "afternoon"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	if mt := x.matchesOf(t, "")["p1"].Meeting; mt == nil || mt.Status != "requested" || !mt.Proposed {
		t.Errorf("p1's card after it proposed another time: meeting %+v, want requested and proposed", mt)
	}
	if r := x.buyer.Do(t, "POST", "/api/meetings/"+m.ID+"/accept", nil); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if mt := x.matchesOf(t, "?fair_id=f1")["p1"].Meeting; mt == nil || mt.Status != "accepted" {
		t.Errorf("p1's card at f1 after it accepted: meeting %+v, want accepted", mt)
	}
}

func (x *matchState) stepProducersMarkInterest(t *testing.T) {
	path := "/api/producers/p2/opportunities/" + x.request + "/interest"
	if r := x.p1.Do(t, "POST", path, nil); r.Status != 403 {
		t.Errorf("p1 marking interest as p2: %d %s, want 403", r.Status, r.Body)
	}
	var first, again struct {
		Interested bool
		At         time.Time
	}
	for _, into := range []any{&first, &again} {
		r := x.p2.Do(t, "POST", path, nil)
		if r.Status != 200 {
			t.Fatalf("p2 marks interest: %d %s", r.Status, r.Body)
		}
		r.Decode(t, into)
	}
	if !first.Interested || !again.At.Equal(first.At) {
		t.Errorf("marking twice = %+v then %+v, want interested once, at the first time", first, again)
	}
	type interests struct {
		Interests *struct {
			Count     int
			Producers []struct {
				ProducerID   string `json:"producer_id"`
				ProducerName string `json:"producer_name"`
			}
		}
	}
	var got interests
	x.buyer.Do(t, "GET", "/api/requests/"+x.request, nil).Decode(t, &got)
	if got.Interests == nil || got.Interests.Count != 1 || len(got.Interests.Producers) != 1 || got.Interests.Producers[0].ProducerName != "HTX p2" {
		t.Errorf("the buyer's request = %+v, want one producer interested: HTX p2", got.Interests)
	}
	// A replica started later reads the interests the database holds.
	var other interests
	x.start().Do(t, "GET", "/api/requests/"+x.request, nil).Decode(t, &other)
	if other.Interests == nil || other.Interests.Count != 1 {
		t.Errorf("the request on a replica started after p2's interest: %+v, want one producer interested", other.Interests)
	}
	var seen interests
	x.p1.Do(t, "GET", "/api/requests/"+x.request, nil).Decode(t, &seen)
	if seen.Interests != nil {
		t.Errorf("another producer reads the request's interests: %+v", seen.Interests)
	}
	if m := x.matchesOf(t, ""); !m["p2"].Interested || m["p1"].Interested {
		t.Errorf("matches after p2's interest = %+v, want p2 interested, p1 not", m)
	}
	var page struct{ Items []struct{ Interested bool } }
	x.p2.Do(t, "GET", "/api/producers/p2/opportunities", nil).Decode(t, &page)
	if opps := page.Items; len(opps) != 1 || !opps[0].Interested {
		t.Errorf("p2's opportunities = %+v, want the request, marked interested", page)
	}
	for range 2 {
		if r := x.p2.Do(t, "DELETE", path, nil); r.Status != 200 {
			t.Fatalf("p2 withdraws: %d %s", r.Status, r.Body)
		}
	}
	x.buyer.Do(t, "GET", "/api/requests/"+x.request, nil).Decode(t, &got)
	if got.Interests == nil || got.Interests.Count != 0 || x.matchesOf(t, "")["p2"].Interested {
		t.Errorf("after p2 withdrew: request interests %+v, want none", got.Interests)
	}
}
