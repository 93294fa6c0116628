package matchmakingapp

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// agendaReplicas is what the steps of TestAgendasFromTheModelAcrossReplicas share.
type agendaReplicas struct {
	natsURL, uri   string
	tokens         testenv.Tokens
	first          *App
	api1           testenv.Client
	org, b1, b2, p testenv.Client
	orgTok         string
	tok            map[string]string // b1, b2, p1 -> token
	b1ID, b2ID     string
	meetings       []string
}

// TestAgendasFromTheModelAcrossReplicas: the agenda answers this replica's writes at once, with
// an ETag and 304; participants see only their own; a replica that starts late is ready only once
// it has caught up and then answers alike; a write on either replica reaches the other.
func TestAgendasFromTheModelAcrossReplicas(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	x := &agendaReplicas{natsURL: natsURL, uri: testenv.SharedURI(t), tokens: testenv.NewTokens(t), tok: map[string]string{}}
	x.first, x.api1 = startReplica(t, x.natsURL, x.uri, x.tokens, func(*App) {})
	stepAScheduledFairReadAtOnce(t, x)
	stepAgendasAreOwnAndConditional(t, x)
	stepALateReplicaAnswersAlike(t, x)
}

// stepAScheduledFairReadAtOnce makes a fair with two exhibitors and two buyers' accepted
// meetings, schedules it, and reads each write back at once from the same replica.
func stepAScheduledFairReadAtOnce(t *testing.T, x *agendaReplicas) {
	orgTok, orgAcc := x.tokens.Token(t, "organiser", "")
	day := time.Now().In(vntext.Zone).AddDate(0, 1, 0).Format(time.DateOnly)
	fairWithDays(t, x.first, "f1", orgAcc, events.B2BDayV1{Date: day, StartTime: "08:00", SlotMinutes: 20, Slots: 4, MorningSlots: 2, Tables: 2})
	producers := map[string]testenv.Client{}
	for _, id := range []string{"p1", "p2"} {
		tok, acc := x.tokens.Token(t, "producer", "")
		producerOf(t, x.first, id, acc)
		assignBooth(t, x.first, uuid.Must(uuid.NewV7()).String(), "f1", "B-"+id, id)
		producers[id] = x.api1.With(tok)
		x.tok[id] = tok
	}
	testenv.Eventually(t, "the index", func() bool { return x.first.Index.Stats().Producers == 2 && x.first.Index.Stats().Fairs == 1 })
	for _, id := range []string{"p1", "p2"} {
		waitBooths(t, x.first, "f1", id, 1)
	}
	x.orgTok, x.org, x.p = orgTok, x.api1.With(orgTok), producers["p1"]
	for i, name := range []string{"b1", "b2"} {
		tok, _ := x.tokens.Token(t, "buyer", "")
		x.tok[name] = tok
		c := x.api1.With(tok)
		id := newBuyer(t, c, "Siêu thị "+name)
		// A buyer's agenda right after its profile was made: empty, not "create your profile".
		if r := c.Do(t, "GET", "/api/fairs/f1/agenda", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"participant":"`+id+`"`) {
			t.Fatalf("%s's agenda right after its profile: %d %s", name, r.Status, r.Body)
		}
		for _, p := range []string{"p1", "p2"}[:2-i] {
			x.meetings = append(x.meetings, acceptedMeeting(t, c, producers[p], "f1", id, p))
		}
		if i == 0 {
			x.b1, x.b1ID = c, id
		} else {
			x.b2, x.b2ID = c, id
		}
	}
	var run struct{ Version int64 }
	if r := x.org.Do(t, "POST", "/api/fairs/f1/schedule?time_limit_ms=200", nil); r.Status != 200 {
		t.Fatalf("schedule: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &run)
	}
	var a agendaBody
	x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &a)
	if a.Version != run.Version {
		t.Errorf("the agenda right after the run shows version %d, want %d", a.Version, run.Version)
	}
	checkAgenda(t, a, len(x.meetings))
}

// stepAgendasAreOwnAndConditional checks who sees which agenda, and the ETag and 304.
func stepAgendasAreOwnAndConditional(t *testing.T, x *agendaReplicas) {
	noProfile, _ := x.tokens.Token(t, "buyer", "")
	for _, c := range []struct {
		name   string
		client testenv.Client
		path   string
		want   int
		says   string
	}{
		{"a buyer, another buyer's agenda", x.b2, "/api/fairs/f1/agenda?participant=" + x.b1ID, 403, `"code":"agenda_own_only"`},
		{"a producer, another producer's agenda", x.p, "/api/fairs/f1/agenda?participant=p2", 403, `"code":"agenda_own_only"`},
		{"a buyer without a profile", x.api1.With(noProfile), "/api/fairs/f1/agenda", 409, `"code":"meeting_buyer_profile_missing"`},
		{"a buyer, its own", x.b2, "/api/fairs/f1/agenda?participant=" + x.b2ID, 200, `"participant":"` + x.b2ID + `"`},
		{"a producer, its own", x.p, "/api/fairs/f1/agenda", 200, `"participant":"p1"`},
	} {
		r := c.client.Do(t, "GET", c.path, nil)
		if r.Status != c.want || !strings.Contains(string(r.Body), c.says) {
			t.Errorf("%s: %d %s, want %d saying %q", c.name, r.Status, r.Body, c.want, c.says)
		}
	}
	var mine agendaBody
	x.b2.Do(t, "GET", "/api/fairs/f1/agenda", nil).Decode(t, &mine)
	for _, m := range mine.Meetings {
		if m.BuyerID != x.b2ID {
			t.Errorf("b2's agenda shows meeting %s of buyer %s", m.ID, m.BuyerID)
		}
	}
	r := x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil)
	tag := r.Header.Get("ETag")
	if r.Status != 200 || tag == "" {
		t.Fatalf("the organiser's agenda: %d, ETag %q", r.Status, tag)
	}
	if r := x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil, "If-None-Match", tag); r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Errorf("the agenda again with its ETag: %d %s, want 304 without a body", r.Status, r.Body)
	}
	// A cancellation changes the agenda, and so its tag.
	if r := x.b2.Do(t, "POST", "/api/meetings/"+x.meetings[len(x.meetings)-1]+"/cancel", nil); r.Status != 200 {
		t.Fatalf("cancel: %d %s", r.Status, r.Body)
	}
	if r := x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil, "If-None-Match", tag); r.Status != 200 || r.Header.Get("ETag") == tag {
		t.Errorf("the agenda after a cancellation with the old ETag: %d, ETag %q", r.Status, r.Header.Get("ETag"))
	}
}

// stepALateReplicaAnswersAlike starts a second replica once the writes are stored: ready, it
// answers as the first; a write on it reaches the first.
func stepALateReplicaAnswersAlike(t *testing.T, x *agendaReplicas) {
	_, api2 := startReplica(t, x.natsURL, x.uri, x.tokens, func(*App) {})
	testenv.Eventually(t, "the late replica ready", func() bool { return api2.Do(t, "GET", "/readyz", nil).Status == 200 })
	paths := map[string][]string{
		x.orgTok:    {"/api/fairs/f1/agenda", "/api/fairs/f1/agenda?participant=p1", "/api/fairs/f1/agenda?participant=" + x.b1ID},
		x.tok["b1"]: {"/api/fairs/f1/agenda"},
		x.tok["b2"]: {"/api/fairs/f1/agenda"},
		x.tok["p1"]: {"/api/fairs/f1/agenda"},
	}
	same := func() bool {
		for tok, ps := range paths {
			for _, p := range ps {
				r1, r2 := x.api1.With(tok).Do(t, "GET", p, nil), api2.With(tok).Do(t, "GET", p, nil)
				if r1.Status != 200 || r2.Status != r1.Status || !bytes.Equal(r1.Body, r2.Body) {
					t.Logf("%s: %d %s\nlate replica: %d %s", p, r1.Status, r1.Body, r2.Status, r2.Body)
					return false
				}
			}
		}
		return true
	}
	if !same() {
		t.Error("the late replica, once ready, answers otherwise than the first")
	}
	// A cancellation on the late replica reaches the first through the stream.
	if r := api2.With(x.tok["b1"]).Do(t, "POST", "/api/meetings/"+x.meetings[0]+"/cancel", nil); r.Status != 200 {
		t.Fatalf("cancel on the late replica: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the first replica to see the late one's cancellation", func() bool {
		return !bytes.Contains(x.org.Do(t, "GET", "/api/fairs/f1/agenda", nil).Body, []byte(x.meetings[0]))
	})
	if !same() {
		t.Error("the replicas answer differently after a write on the late one")
	}
}
