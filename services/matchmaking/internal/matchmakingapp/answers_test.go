package matchmakingapp

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// answerBody is a meeting as the answers to a request show it.
type answerBody struct {
	ID           string
	Status       string
	Session      string
	Reason       string
	ReasonCode   string `json:"reason_code"`
	Awaiting     string
	PreferredDay string `json:"preferred_day"`
	Proposal     *struct {
		Session    string
		Day        string
		Note       string
		ProposedBy string `json:"proposed_by"`
	}
	Day   string
	Slot  int
	Table int
}

// problemBody is a refusal: its code, its words and the fields at fault.
type problemBody struct {
	Code   string
	Detail string
	Errors []struct{ Field, Message string }
}

// wantProblem fails unless r is a refusal with status and code, and returns it.
func wantProblem(t *testing.T, what string, r testenv.Response, status int, code string) problemBody {
	t.Helper()
	var p problemBody
	r.Decode(t, &p)
	if r.Status != status || p.Code != code {
		t.Errorf("%s = %d %s, want %d %s", what, r.Status, r.Body, status, code)
	}
	return p
}

// ask has c's buyer ask producerID for a meeting at fair f1 and returns its ID.
func ask(t *testing.T, c testenv.Client, buyerID, producerID, session string) string {
	t.Helper()
	r := c.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": buyerID, "producer_id": producerID, "session": session})
	if r.Status != 201 {
		t.Fatalf("meeting with %s: %d %s", producerID, r.Status, r.Body)
	}
	var m struct{ ID string }
	r.Decode(t, &m)
	return m.ID
}

// TestAnswersToAMeetingRequest: the side asked declines with a reason the asker reads in its
// language (old clients still decline with no body), or proposes another time that only the
// asker accepts (the meeting then takes its session and day) or declines; a third party can do
// none of it, and of two answers sent at once exactly one is taken, the other refused in words.
func TestAnswersToAMeetingRequest(t *testing.T) {
	x := startAnswers(t)
	t.Run("decline with a reason", x.declineWithAReason)
	t.Run("propose another time, the asker accepts it", x.proposeAndAccept)
	t.Run("the asker declines a proposal", x.declineAProposal)
	t.Run("two answers at once", x.twoAnswersAtOnce)
}

// answers is the fair of TestAnswersToAMeetingRequest: two B2B days, two exhibitors, two buyers.
type answers struct {
	app                      *App
	api                      testenv.Client
	tokens                   testenv.Tokens
	orgTok, later            string
	buyerC, otherC, p1C, p2C testenv.Client
	buyerID, otherID         string
}

func startAnswers(t *testing.T) answers {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	orgTok, orgAcc := tokens.Token(t, "organiser", "")
	p1Tok, p1Acc := tokens.Token(t, "producer", "")
	p2Tok, p2Acc := tokens.Token(t, "producer", "")
	buyerTok, _ := tokens.Token(t, "buyer", "")
	otherTok, _ := tokens.Token(t, "buyer", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	later := time.Now().In(vntext.Zone).AddDate(0, 1, 1).Format(time.DateOnly)
	fairWithDays(t, app, "f1", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 2},
		events.B2BDayV1{Date: later, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 2})
	producerOf(t, app, "p1", p1Acc)
	producerOf(t, app, "p2", p2Acc)
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "A01", "p1")
	assignBooth(t, app, uuid.Must(uuid.NewV7()).String(), "f1", "A02", "p2")
	testenv.Eventually(t, "fair and producers indexed", func() bool {
		_, ok1 := app.Index.ProducerByID("p1")
		_, ok2 := app.Index.ProducerByID("p2")
		return ok1 && ok2 && app.Index.Stats().Fairs == 1
	})
	waitBooths(t, app, "f1", "p1", 1)
	waitBooths(t, app, "f1", "p2", 1)
	buyerC, otherC, p1C, p2C := api.With(buyerTok), api.With(otherTok), api.With(p1Tok), api.With(p2Tok)
	return answers{app: app, api: api, tokens: tokens, orgTok: orgTok, later: later, buyerC: buyerC, otherC: otherC, p1C: p1C, p2C: p2C,
		buyerID: newBuyer(t, buyerC, "Siêu thị Xanh"), otherID: newBuyer(t, otherC, "Chuỗi Sen")}
}

// readAnswer is the meeting id as c reads it in lang.
func readAnswer(t *testing.T, c testenv.Client, id string, lang string) answerBody {
	t.Helper()
	var m answerBody
	c.Do(t, "GET", "/api/meetings/"+id, nil, "Accept-Language", lang).Decode(t, &m)
	return m
}

func (x answers) declineWithAReason(t *testing.T) {
	buyerC, buyerID, p2C := x.buyerC, x.buyerID, x.p2C
	id := ask(t, buyerC, buyerID, "p2", "any")
	r := p2C.Do(t, "POST", "/api/meetings/"+id+"/decline", map[string]any{"reason_code": "busy"})
	if p := wantProblem(t, "an unknown reason code", r, 422, "invalid_fields"); len(p.Errors) != 1 || p.Errors[0].Field != "reason_code" {
		t.Errorf("the refusal names %+v, want reason_code", p.Errors)
	}
	r = p2C.Do(t, "POST", "/api/meetings/"+id+"/decline", map[string]any{"reason": strings.Repeat("ạ", 301)})
	if p := wantProblem(t, "a reason of 301 characters", r, 422, "invalid_fields"); len(p.Errors) != 1 || p.Errors[0].Field != "reason" {
		t.Errorf("the refusal names %+v, want reason", p.Errors)
	}
	if r := p2C.Do(t, "POST", "/api/meetings/"+id+"/decline", map[string]any{"reason_code": "no_time", "reason": "  Kín lịch tuần đó  "}); r.Status != 200 {
		t.Fatalf("decline: %d %s", r.Status, r.Body)
	}
	if m := readAnswer(t, buyerC, id, "vi"); m.Status != "declined" || m.ReasonCode != "no_time" || m.Reason != "Không sắp xếp được thời gian: Kín lịch tuần đó" {
		t.Errorf("the buyer reads %+v, want declined with the reason in Vietnamese", m)
	}
	if m := readAnswer(t, buyerC, id, "en"); m.Reason != "No time for it: Kín lịch tuần đó" {
		t.Errorf("in English the buyer reads %q", m.Reason)
	}
	// The buyer declined waits before it asks the producer again; the producer may ask it.
	wantProblem(t, "asking again at once", buyerC.Do(t, "POST", "/api/fairs/f1/meetings", map[string]any{"buyer_id": buyerID, "producer_id": "p2"}),
		409, "meeting_declined_lately")
	// An old client declines with no body at all.
	id = ask(t, p2C, buyerID, "p2", "any")
	if r := buyerC.Do(t, "POST", "/api/meetings/"+id+"/decline", nil); r.Status != 200 {
		t.Fatalf("decline with no body: %d %s", r.Status, r.Body)
	}
	if m := readAnswer(t, p2C, id, "vi"); m.Status != "declined" || m.Reason != "" {
		t.Errorf("declined with no body: %+v", m)
	}
}

func (x answers) proposeAndAccept(t *testing.T) {
	app, api, orgTok, later, buyerC, otherC, p1C, buyerID := x.app, x.api, x.orgTok, x.later, x.buyerC, x.otherC, x.p1C, x.buyerID
	id := ask(t, buyerC, buyerID, "p1", "morning")
	if m := readAnswer(t, p1C, id, "vi"); m.Awaiting != "producer" {
		t.Errorf("a new request awaits %q, want producer", m.Awaiting)
	}
	good := map[string]any{"session": "afternoon", "day": later, "note": "Sáng bận đón đoàn"}
	wantProblem(t, "a third party proposing", otherC.Do(t, "POST", "/api/meetings/"+id+"/propose", good), 403, "meeting_not_yours")
	wantProblem(t, "the asker proposing", buyerC.Do(t, "POST", "/api/meetings/"+id+"/propose", good), 403, "meeting_propose_asked_only")
	wantProblem(t, "the fair's organiser proposing", api.With(orgTok).Do(t, "POST", "/api/meetings/"+id+"/propose", good), 403, "role_forbidden")
	r := p1C.Do(t, "POST", "/api/meetings/"+id+"/propose", map[string]any{"session": "evening", "day": "2020-01-01"})
	if p := wantProblem(t, "a bad session and day", r, 422, "invalid_fields"); len(p.Errors) != 2 {
		t.Errorf("the refusal names %+v, want session and day", p.Errors)
	}
	if r := p1C.Do(t, "POST", "/api/meetings/"+id+"/propose", good); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	m := readAnswer(t, buyerC, id, "vi")
	if m.Status != "requested" || m.Awaiting != "buyer" || m.Proposal == nil || m.Proposal.Session != "afternoon" || m.Proposal.Day != later ||
		m.Proposal.Note != "Sáng bận đón đoàn" || m.Proposal.ProposedBy != "producer" {
		t.Errorf("the buyer reads %+v, want the proposal awaiting the buyer", m)
	}
	wantProblem(t, "the proposer accepting its own proposal", p1C.Do(t, "POST", "/api/meetings/"+id+"/accept", nil), 409, "meeting_proposal_asker_answers")
	wantProblem(t, "a second proposal", p1C.Do(t, "POST", "/api/meetings/"+id+"/propose", good), 409, "meeting_already_proposed")
	wantProblem(t, "a third party accepting", otherC.Do(t, "POST", "/api/meetings/"+id+"/accept", nil), 403, "meeting_not_yours")
	if r := buyerC.Do(t, "POST", "/api/meetings/"+id+"/accept", nil); r.Status != 200 {
		t.Fatalf("the buyer accepting the proposal: %d %s", r.Status, r.Body)
	}
	if m := readAnswer(t, p1C, id, "vi"); m.Status != "accepted" || m.Session != "afternoon" || m.PreferredDay != later || m.Awaiting != "" {
		t.Errorf("the producer reads %+v, want accepted in the afternoon of %s", m, later)
	}
	testenv.Eventually(t, "one proposed event", func() bool { return len(subjects(t, app, events.MeetingProposed)) == 1 })
	// The schedule puts the meeting on the agreed day, in the agreed session.
	if r := api.With(orgTok).Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=300", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	}
	if m := readAnswer(t, buyerC, id, "vi"); m.Day != later || m.Slot <= 2 {
		t.Errorf("scheduled at %s slot %d, want the afternoon of %s", m.Day, m.Slot, later)
	}
}

func (x answers) declineAProposal(t *testing.T) {
	otherC, otherID, p1C := x.otherC, x.otherID, x.p1C
	id := ask(t, otherC, otherID, "p1", "any")
	if r := p1C.Do(t, "POST", "/api/meetings/"+id+"/propose", map[string]any{"session": "morning"}); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Body)
	}
	wantProblem(t, "the proposer declining its own proposal", p1C.Do(t, "POST", "/api/meetings/"+id+"/decline", nil), 409, "meeting_proposal_asker_answers")
	if r := otherC.Do(t, "POST", "/api/meetings/"+id+"/decline", map[string]any{"reason_code": "not_relevant"}); r.Status != 200 {
		t.Fatalf("declining the proposal: %d %s", r.Status, r.Body)
	}
	if m := readAnswer(t, p1C, id, "en"); m.Status != "declined" || m.Reason != "Not relevant to our needs" {
		t.Errorf("the producer reads %+v, want declined, not relevant", m)
	}
}

func (x answers) twoAnswersAtOnce(t *testing.T) {
	otherC, otherID, p2C := x.otherC, x.otherID, x.p2C
	// A decline last: the buyer declined waits before it asks the producer again.
	for _, pair := range [][2]string{{"propose", "accept"}, {"propose", "propose"}, {"accept", "decline"}} {
		id := ask(t, otherC, otherID, "p2", "any")
		statuses := make([]int, 2)
		codes := make([]string, 2)
		var wg sync.WaitGroup
		for i, path := range pair {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var body any
				if path == "propose" {
					body = map[string]any{"session": "afternoon"}
				}
				r := p2C.Do(t, "POST", "/api/meetings/"+id+"/"+path, body)
				var p problemBody
				if r.Status != 200 {
					r.Decode(t, &p)
				}
				statuses[i], codes[i] = r.Status, p.Code+" "+p.Detail
			}()
		}
		wg.Wait()
		if (statuses[0] == 200) == (statuses[1] == 200) || min(statuses[0], statuses[1]) != 200 || max(statuses[0], statuses[1]) != 409 {
			t.Errorf("%s and %s at once = %v, want one 200 and one 409", pair[0], pair[1], statuses)
		}
		for i, s := range statuses {
			if s == 409 && !strings.HasPrefix(codes[i], "meeting_") {
				t.Errorf("the refused %s says %q, want a meeting's words", pair[i], codes[i])
			}
		}
		// End the meeting so that the pair may ask again.
		otherC.Do(t, "POST", "/api/meetings/"+id+"/cancel", nil)
	}
}
