package meeting

// Edges found by probing the running system as an attacker: each test holds the fix of one.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// A draft fair's agenda, its PDF and its calendar are not found for buyers and producers (as the
// fair itself is not), nor a discarded draft's (cancelled before it was published), nor is an
// unknown fair's agenda for anyone; the draft's organisers read it.
func TestADraftFairsAgendaIsNotFound(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	for _, f := range []events.FairV1{
		{ID: "draft1", NameVI: "Hội chợ nháp", Status: "draft", Organisers: []string{"organiser-1"}, Revision: 1},
		{ID: "discarded1", NameVI: "Hội chợ nháp đã bỏ", Status: "cancelled", Discarded: true, Organisers: []string{"organiser-1"}, Revision: 2},
	} {
		env, err := events.New(events.FairCreated, 1, f.ID, "", events.FairChangedV1{Fair: f})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.svc.Index.Apply(env); err != nil {
			t.Fatal(err)
		}
	}
	tokens := testenv.NewTokens(t)
	c := x.serve(t, tokens)
	buyerTok, _ := tokens.Token(t, auth.RoleBuyer, x.buyers[0].AccountID)
	orgTok, _ := tokens.Token(t, auth.RoleOrganiser, "organiser-1")
	otherOrgTok, _ := tokens.Token(t, auth.RoleOrganiser, "organiser-2")
	for _, tt := range []struct {
		who, token, method, path string
		want                     int
	}{
		{"a buyer", buyerTok, "GET", "/api/fairs/draft1/agenda", http.StatusNotFound},
		{"a buyer", buyerTok, "GET", "/api/fairs/draft1/agenda/calendar.ics", http.StatusNotFound},
		{"a buyer", buyerTok, "GET", "/api/fairs/draft1/agenda.pdf", http.StatusNotFound},
		{"a buyer", buyerTok, "POST", "/api/fairs/draft1/agenda/feed", http.StatusNotFound},
		{"another organiser", otherOrgTok, "GET", "/api/fairs/draft1/agenda", http.StatusNotFound},
		{"a buyer", buyerTok, "GET", "/api/fairs/discarded1/agenda", http.StatusNotFound},
		{"a buyer", buyerTok, "POST", "/api/fairs/draft1/meetings", http.StatusNotFound},
		{"another organiser", otherOrgTok, "GET", "/api/fairs/draft1/meetings/counts", http.StatusNotFound},
		{"the organiser", orgTok, "GET", "/api/fairs/draft1/meetings/counts", http.StatusOK},
		{"the organiser", orgTok, "GET", "/api/fairs/discarded1/agenda", http.StatusOK},
		{"a buyer", buyerTok, "GET", "/api/fairs/nowhere/agenda", http.StatusNotFound},
		{"the organiser", orgTok, "GET", "/api/fairs/nowhere/agenda", http.StatusNotFound},
		{"the organiser", orgTok, "GET", "/api/fairs/draft1/agenda", http.StatusOK},
		{"a buyer", buyerTok, "GET", "/api/fairs/f1/agenda", http.StatusOK},
		{"a buyer", buyerTok, "GET", "/api/fairs/f1/agenda/calendar.ics", http.StatusOK},
		{"a buyer", buyerTok, "GET", "/api/fairs/f1/agenda.pdf", http.StatusOK},
	} {
		var body any
		if strings.HasSuffix(tt.path, "/meetings") {
			body = map[string]any{"buyer_id": x.buyers[0].ID, "producer_id": "p01"}
		}
		if r := c.With(tt.token).Do(t, tt.method, tt.path, body); r.Status != tt.want {
			t.Errorf("%s: %s %s = %d %s, want %d", tt.who, tt.method, tt.path, r.Status, r.Body, tt.want)
		}
	}
}

// A cancellation's own words are at most 300 characters, as a decline's: longer ones get 422 on
// reason and the meeting stays as it was.
func TestACancelReasonIsAtMost300Characters(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	m := x.ask(t, x.buyers[0], "p01", true)
	tokens := testenv.NewTokens(t)
	c := x.serve(t, tokens)
	buyerTok, _ := tokens.Token(t, auth.RoleBuyer, x.buyers[0].AccountID)
	b := c.With(buyerTok)
	if r := b.Do(t, "POST", "/api/meetings/"+m.ID+"/cancel", map[string]string{"reason": strings.Repeat("ừ", 301)}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"reason"`) {
		t.Errorf("301 characters: %d %s, want 422 on reason", r.Status, r.Body)
	}
	if got, err := x.svc.Store.Get(x.db, m.ID); err != nil || got.Status != Accepted {
		t.Errorf("after the refused cancellation the meeting is %+v (%v), want it accepted still", got.Status, err)
	}
	if r := b.Do(t, "POST", "/api/meetings/"+m.ID+"/cancel", map[string]string{"reason": strings.Repeat("ừ", 300)}); r.Status != http.StatusOK {
		t.Errorf("300 characters: %d %s, want 200", r.Status, r.Body)
	}
}

// An ask without its buyer or producer says each is required (not "unknown"), and a value
// beyond the cap says the range it must be in.
func TestAskWithoutSidesSaysRequired(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	_, err := x.svc.Ask(x.db, x.fair, x.buyers[0].AccountID, Ask{})
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("an empty ask: %v, want field errors", err)
	}
	got := map[string]string{}
	for _, f := range e.Fields {
		got[f.Field] = f.Code
	}
	if got["buyer_id"] != "required" || got["producer_id"] != "required" {
		t.Errorf("an empty ask's field errors: %v, want buyer_id and producer_id required", got)
	}
	_, err = Meeting{Status: Accepted, Slot: 1}.Record("mou_signed", 1<<62, SideBuyer, false, time.Now().Add(-time.Hour), time.Now())
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Text.In(apperr.English) != "must be an amount from 0 to 1,000,000,000,000,000 VND" {
		t.Errorf("a value beyond the cap: %v, want the range it must be in", err)
	}
	// A value is a contract's; with another outcome it would be counted nowhere.
	for outcome, want := range map[string]string{"contract_signed": "", "mou_signed": "meeting_value_contract_only", "no_interest": "meeting_value_contract_only"} {
		_, err := Meeting{Status: Accepted, Slot: 1}.Record(outcome, 5_000_000, SideBuyer, false, time.Now().Add(-time.Hour), time.Now())
		got := ""
		if errors.As(err, &e) && len(e.Fields) == 1 && e.Fields[0].Field == "value_vnd" {
			got = e.Fields[0].Code
		}
		if got != want || (want == "" && err != nil) {
			t.Errorf("%s with 5,000,000 VND: %v, want %q", outcome, err, want)
		}
	}
}

// A producer's last booth released while a buyer asks to meet it: the release cancelled the
// meetings it found before this one was stored, so the ask cancels it itself and says why.
func TestAnAskRacingTheLastBoothsReleaseIsCancelled(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	var once sync.Once
	// The first clock reading of an ask comes after its booth count (taking the ask locks).
	x.svc.Now = func() time.Time {
		once.Do(func() {
			if _, err := x.svc.Store.Release(x.db, "a-p01", "f1", "B01", "p01"); err != nil {
				t.Error(err)
			}
		})
		return time.Now()
	}
	b := x.buyers[0]
	_, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p01"})
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "producer_id" || e.Fields[0].Code != msgNoBooth.Code {
		t.Errorf("an ask as the producer's last booth is released: %v, want producer_id %s", err, msgNoBooth.Code)
	}
	ms, err := x.svc.Store.Find(x.db, bson.M{"fair_id": "f1", "producer_id": "p01"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Status != Cancelled || ms[0].ReasonCode != ReasonBoothReleased {
		t.Errorf("the producer's meetings %+v, want the one asked, cancelled because its booth was released", ms)
	}
}

// A meeting cancelled while an organiser moves it is not announced as moved: the move answers
// 409 and saves no new schedule.
func TestAMoveMeetingACancellationGivesWay(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	m := x.ask(t, x.buyers[0], "p01", true)
	tokens := testenv.NewTokens(t)
	c := x.serve(t, tokens)
	orgTok, _ := tokens.Token(t, auth.RoleOrganiser, "organiser-1")
	org := c.With(orgTok)
	// The buyer comes only on the second day, which has not begun: the meeting can move there.
	if err := x.svc.Store.SetUnavailable(x.db, "f1", x.buyers[0].ID, x.fair.B2BDays[0].Date, []int{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule", nil); r.Status != http.StatusOK {
		t.Fatalf("the run: %d %s", r.Status, r.Body)
	}
	var a struct {
		Version  int64 `json:"schedule_version"`
		Meetings []struct {
			Slot int `json:"slot"`
		} `json:"meetings"`
	}
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	if len(a.Meetings) != 1 || a.Meetings[0].Slot == 0 {
		t.Fatalf("the agenda after the run: %+v, want the meeting placed", a)
	}
	x.svc.beforeMoveSave = func() {
		x.change(t, m, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByBuyer, "", x.svc.now()) })
	}
	move := map[string]any{"day": x.fair.B2BDays[1].Date, "slot": a.Meetings[0].Slot%6 + 1, "table": 4, "schedule_version": a.Version}
	if r := org.Do(t, "POST", "/api/meetings/"+m.ID+"/move", move); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "meeting_changed") {
		t.Errorf("a move of a meeting cancelled meanwhile: %d %s, want 409", r.Status, r.Body)
	}
	x.svc.beforeMoveSave = nil
	var after struct {
		Version int64 `json:"schedule_version"`
	}
	org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &after)
	if after.Version != a.Version {
		t.Errorf("the schedule went from version %d to %d, want no new version", a.Version, after.Version)
	}
}

// A cancellation that comes while an organiser's move is being written waits for it and is
// written after it: the move answers 200, the meeting ends cancelled, and its cancellation is the
// later revision, so nothing announces the meeting moved after it was cancelled.
func TestACancellationDuringAMoveComesAfterIt(t *testing.T) {
	x, org, m := scheduledMeeting(t)
	placed := m
	type result struct {
		m   Meeting
		err error
	}
	cancelled := make(chan result, 1)
	waited := false
	x.svc.duringMoveSave = func() {
		go func() {
			cur, err := x.svc.Store.Get(context.Background(), m.ID)
			if err == nil {
				cur, err = x.svc.save(context.Background(), cur, events.MeetingCancelled, func(m Meeting) (Meeting, error) { return m.Cancel(ReasonByBuyer, "", x.svc.now()) })
			}
			cancelled <- result{cur, err}
		}()
		select {
		case <-cancelled:
		case <-time.After(300 * time.Millisecond):
			waited = true
		}
	}
	move := map[string]any{"day": x.fair.B2BDays[1].Date, "slot": placed.Slot%6 + 1, "table": 4}
	r := org.Do(t, "POST", "/api/meetings/"+m.ID+"/move", move)
	x.svc.duringMoveSave = nil
	if !waited {
		t.Fatal("the cancellation was written while the move was")
	}
	if r.Status != http.StatusOK {
		t.Fatalf("the move: %d %s, want 200", r.Status, r.Body)
	}
	var moved struct {
		Revision int64 `json:"revision"`
	}
	r.Decode(t, &moved)
	var got result
	select {
	case got = <-cancelled:
	case <-time.After(10 * time.Second):
		t.Fatal("the cancellation never came after the move")
	}
	if got.err != nil || got.m.Status != Cancelled || got.m.Revision <= moved.Revision {
		t.Errorf("the cancellation after the move: %+v %v, want cancelled at a revision after the move's %d", got.m, got.err, moved.Revision)
	}
	if cur, err := x.svc.Store.Get(x.db, m.ID); err != nil || cur.Status != Cancelled || !cur.movingUntil.IsZero() {
		t.Errorf("the meeting at the end: %+v %v, want cancelled and no move marked", cur, err)
	}
}

// A check-in's attendance that comes while an organiser's move is being written waits for it and
// then finds the meeting no longer where both scans were: nothing is marked, and the meeting is
// where the move put it (it was marked attended at its new place, and could never move again).
func TestAnAttendanceDuringAMoveIsNotMarkedAtTheNewPlace(t *testing.T) {
	x, org, m := scheduledMeeting(t)
	placed := m
	scanned := Placement{Day: placed.Day, Slot: placed.Slot, Table: placed.Table}
	attended := make(chan error, 1)
	x.svc.duringMoveSave = func() {
		go func() {
			_, err := x.svc.Attend(context.Background(), m.ID, x.svc.now(), scanned)
			attended <- err
		}()
		time.Sleep(200 * time.Millisecond) // the attendance is waiting for the move
	}
	move := map[string]any{"day": x.fair.B2BDays[1].Date, "slot": placed.Slot%6 + 1, "table": 4}
	r := org.Do(t, "POST", "/api/meetings/"+m.ID+"/move", move)
	x.svc.duringMoveSave = nil
	if r.Status != http.StatusOK {
		t.Fatalf("the move: %d %s, want 200", r.Status, r.Body)
	}
	select {
	case err := <-attended:
		if !apperr.Is(err, apperr.Conflict) {
			t.Errorf("the attendance after the move: %v, want Conflict (moved meanwhile)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the attendance never came after the move")
	}
	cur, err := x.svc.Store.Get(x.db, m.ID)
	if err != nil || !cur.AttendedAt.IsZero() || cur.Day != x.fair.B2BDays[1].Date || cur.Table != 4 {
		t.Errorf("the meeting at the end: %+v %v, want it moved and not attended", cur, err)
	}
}

// scheduledMeeting is a fixture with one accepted meeting placed by a scheduling run, the fair's
// organiser's client, and the meeting as placed.
func scheduledMeeting(t *testing.T) (*agendaFixture, testenv.Client, Meeting) {
	t.Helper()
	x := newAgendaFixture(t, 1, 1)
	m := x.ask(t, x.buyers[0], "p01", true)
	tokens := testenv.NewTokens(t)
	orgTok, _ := tokens.Token(t, auth.RoleOrganiser, "organiser-1")
	org := x.serve(t, tokens).With(orgTok)
	if r := org.Do(t, "POST", "/api/fairs/f1/schedule", nil); r.Status != http.StatusOK {
		t.Fatalf("the run: %d %s", r.Status, r.Body)
	}
	placed, err := x.svc.Store.Get(x.db, m.ID)
	if err != nil || placed.Slot == 0 {
		t.Fatalf("the meeting after the run: %+v %v, want it placed", placed, err)
	}
	return x, org, placed
}
