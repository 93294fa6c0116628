package meeting

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// serve serves x's routes with their OpenAPI document on a loopback port, behind token checks,
// and returns a client that checks every exchange against that document.
func (x *agendaFixture) serve(tb testing.TB, tokens testenv.Tokens) testenv.Client {
	tb.Helper()
	r := httpx.NewRouter(httpx.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifier: auth.NewVerifier(tokens.Keys, testenv.Issuer, testenv.Audience)})
	api := httpx.API{Router: r, Doc: openapi.New("matchmaking", "test", "")}
	x.rt.Register(api)
	(&Calendar{Routes: x.rt, Feeds: x.sdb.Collection(FeedCollection), Revoked: x.revoked}).Register(api)
	api.ServeDoc(r)
	srv := httptest.NewServer(r)
	tb.Cleanup(srv.Close)
	return testenv.Client{Base: srv.URL, HTTP: srv.Client()}
}

// unscheduledBody is the organiser's agenda as far as the unscheduled list goes.
type unscheduledBody struct {
	Version     int64 `json:"schedule_version"`
	Unscheduled *[]struct {
		MeetingID    string `json:"meeting_id"`
		BuyerName    string `json:"buyer_name"`
		ProducerName string `json:"producer_name"`
		Code         string `json:"code"`
		Reason       string `json:"reason"`
		Since        string `json:"since"`
	} `json:"unscheduled"`
}

// unscheduledRun is what the steps of TestTheAgendaListsWhatTheLastRunLeftUnscheduled share: a
// fair whose second buyer's two meetings (left1, left2) a run could not place.
type unscheduledRun struct {
	*agendaFixture
	org, b2      testenv.Client
	left1, left2 Meeting
	ran          time.Time
}

// TestTheAgendaListsWhatTheLastRunLeftUnscheduled: a run that cannot place a buyer's meetings
// leaves them in the organiser's agenda, each with its reason in the caller's language naming
// the buyer and the producer, and the time of the run; a freshly loaded model and the database
// say the same (the list is stored with the schedule); participants' agendas have no list; a
// meeting a move placed, or one cancelled, leaves the list, and the agenda's ETag changes.
func TestTheAgendaListsWhatTheLastRunLeftUnscheduled(t *testing.T) {
	x := &unscheduledRun{agendaFixture: newAgendaFixture(t, 2, 2)}
	tokens := testenv.NewTokens(t)
	c := x.serve(t, tokens)
	orgTok, _ := tokens.Token(t, auth.RoleOrganiser, "organiser-1")
	b2Tok, _ := tokens.Token(t, auth.RoleBuyer, x.buyers[1].AccountID)
	x.org, x.b2 = c.With(orgTok), c.With(b2Tok)
	x.ask(t, x.buyers[0], "p01", true)
	x.left1 = x.ask(t, x.buyers[1], "p01", true)
	x.left2 = x.ask(t, x.buyers[1], "p02", true)
	// The second buyer can come on neither day: its two meetings have no slot.
	for _, d := range x.fair.B2BDays {
		if err := x.svc.Store.SetUnavailable(x.db, "f1", "b02", d.Date, []int{1, 2, 3, 4, 5, 6}); err != nil {
			t.Fatal(err)
		}
	}
	x.ran = time.Now().Truncate(time.Second)
	r := x.org.Do(t, "POST", "/api/fairs/f1/schedule", nil, "Accept-Language", "en")
	if r.Status != http.StatusOK || strings.Count(string(r.Body), `"meeting":`) != 2 {
		t.Fatalf("the run: %d %s, want two meetings unscheduled", r.Status, r.Body)
	}
	// The run's answer names the participants as the agenda does, not by their IDs.
	if !strings.Contains(string(r.Body), "free for all of Siêu thị 02, HTX p01") {
		t.Errorf("the run's answer: %s, want its reasons to name the buyer and the producer", r.Body)
	}
	stepListedWithWhyAndWhen(t, x)
	stepPlacedByAMove(t, x)
	stepGoneOnceCancelled(t, x)
	stepNotKeptBeforeSaysNothing(t, x)
}

// stepNotKeptBeforeSaysNothing: a schedule saved before runs kept what they left unplaced (no
// "unplaced" field) gives the organiser no list at all, rather than an empty one that would say
// every meeting found a place; the database and a freshly loaded model agree.
func stepNotKeptBeforeSaysNothing(t *testing.T, x *unscheduledRun) {
	a, _ := x.read(t, "before the old schedule", x.org, "en")
	old := bson.M{"_id": runID("f1", a.Version+1), "fair_id": "f1", "version": a.Version + 1, "placements": bson.A{}, "created_at": time.Now()}
	if _, err := x.svc.Store.schedules.InsertOne(x.db, old); err != nil {
		t.Fatal(err)
	}
	freshRT := x.freshRoutes(t)
	for name, body := range map[string]string{"the database": agendaJSON(t, x.rt, "", true, true), "a fresh model": agendaJSON(t, freshRT, "", true, false)} {
		if hasField(t, []byte(body), "unscheduled") || !hasField(t, []byte(body), "grid") {
			t.Errorf("%s's grid for a schedule that kept no list: %s, want the grid without an unscheduled list", name, body)
		}
	}
}

// read returns the agenda that who reads in lang.
func (x *unscheduledRun) read(t *testing.T, step string, who testenv.Client, lang string) (unscheduledBody, testenv.Response) {
	t.Helper()
	r := who.Do(t, "GET", "/api/fairs/f1/agenda", nil, "Accept-Language", lang)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: the agenda: %d %s", step, r.Status, r.Body)
	}
	var a unscheduledBody
	r.Decode(t, &a)
	return a, r
}

// stepListedWithWhyAndWhen: the organiser reads both meetings, named, with why in Vietnamese
// and in English and since when; the participants' agendas have no list.
func stepListedWithWhyAndWhen(t *testing.T, x *unscheduledRun) {
	for _, tt := range []struct{ lang, says string }{
		{"vi", "không có khung giờ nào trong cả ngày mà mọi người tham gia (Siêu thị 02, HTX p01) đều rảnh"},
		{"en", "no slot of the whole day is free for all of Siêu thị 02, HTX p01"},
	} {
		a, _ := x.read(t, "after the run", x.org, tt.lang)
		if a.Unscheduled == nil || len(*a.Unscheduled) != 2 {
			t.Fatalf("the organiser's agenda in %s lists %+v, want the second buyer's two meetings", tt.lang, a.Unscheduled)
		}
		u := (*a.Unscheduled)[0]
		since, err := time.Parse(time.RFC3339, u.Since)
		if u.MeetingID != x.left1.ID || u.BuyerName != "Siêu thị 02" || u.ProducerName != "HTX p01" || u.Code != "unscheduled.no_common_slot" || u.Reason != tt.says {
			t.Errorf("the first unscheduled meeting in %s = %+v, want %s of Siêu thị 02 with HTX p01 saying %q", tt.lang, u, x.left1.ID, tt.says)
		}
		if err != nil || !strings.HasSuffix(u.Since, "+07:00") || since.Before(x.ran) || since.After(time.Now()) {
			t.Errorf("the meeting is unscheduled since %q (%v), want the run's time in Vietnam's zone", u.Since, err)
		}
	}
	x.checkSame(t, "a run that left meetings unscheduled")
	for _, who := range []struct {
		name   string
		client testenv.Client
		path   string
	}{{"the buyer", x.b2, "/api/fairs/f1/agenda"}, {"the organiser, of one participant", x.org, "/api/fairs/f1/agenda?participant=b02"}} {
		if r := who.client.Do(t, "GET", who.path, nil); r.Status != http.StatusOK || hasField(t, r.Body, "unscheduled") {
			t.Errorf("%s's agenda: %d %s, want no unscheduled list", who.name, r.Status, r.Body)
		}
	}
}

// stepPlacedByAMove: the buyer can come on the second day after all, and a move places one of
// its meetings there: that one leaves the list, the other stays, and the ETag changes.
func stepPlacedByAMove(t *testing.T, x *unscheduledRun) {
	if err := x.svc.Store.SetUnavailable(x.db, "f1", "b02", x.fair.B2BDays[1].Date, nil); err != nil {
		t.Fatal(err)
	}
	a, r := x.read(t, "before the move", x.org, "en")
	tag := r.Header.Get("ETag")
	move := map[string]any{"day": x.fair.B2BDays[1].Date, "slot": 6, "table": 4, "schedule_version": a.Version}
	if r := x.org.Do(t, "POST", "/api/meetings/"+x.left2.ID+"/move", move); r.Status != http.StatusOK {
		t.Fatalf("the move: %d %s", r.Status, r.Body)
	}
	if a, r := x.read(t, "after the move", x.org, "en"); a.Unscheduled == nil || len(*a.Unscheduled) != 1 || (*a.Unscheduled)[0].MeetingID != x.left1.ID || r.Header.Get("ETag") == tag {
		t.Errorf("after the move the agenda lists %+v (ETag %s, before %s), want only %s and another ETag", a.Unscheduled, r.Header.Get("ETag"), tag, x.left1.ID)
	}
	x.checkSame(t, "a move of an unscheduled meeting")
}

// stepGoneOnceCancelled: the buyer cancels the meeting still listed; the list is then empty, and
// the agenda answers in full to the ETag it had.
func stepGoneOnceCancelled(t *testing.T, x *unscheduledRun) {
	_, r := x.read(t, "before the cancellation", x.org, "en")
	tag := r.Header.Get("ETag")
	if r := x.b2.Do(t, "POST", "/api/meetings/"+x.left1.ID+"/cancel", nil); r.Status != http.StatusOK {
		t.Fatalf("the cancellation: %d %s", r.Status, r.Body)
	}
	r = x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil, "Accept-Language", "en", "If-None-Match", tag)
	var after unscheduledBody
	if r.Status == http.StatusOK {
		r.Decode(t, &after)
	}
	if r.Status != http.StatusOK || after.Unscheduled == nil || len(*after.Unscheduled) != 0 {
		t.Errorf("after the cancellation the agenda answers %d %s, want an empty unscheduled list", r.Status, r.Body)
	}
	x.checkSame(t, "a cancellation of an unscheduled meeting")
}

// hasField reports whether a JSON object has a field.
func hasField(tb testing.TB, body []byte, name string) bool {
	tb.Helper()
	var o map[string]json.RawMessage
	if err := json.Unmarshal(body, &o); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
	_, ok := o[name]
	return ok
}
