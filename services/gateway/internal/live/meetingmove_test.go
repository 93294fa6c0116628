package live

import (
	"context"
	"crypto/ed25519"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// openConnected opens p's stream on base and returns its notices once the stream has its scope,
// so that what is published next reaches it.
func openConnected(t *testing.T, base string, tickets *Tickets, p auth.Principal) <-chan Notice {
	t.Helper()
	notices, connected := openStream(t, base, tickets, p)
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatalf("the stream of %s did not open", p.AccountID)
	}
	return notices
}

// nextMeeting returns the next notice on ch about a meeting, failing after 10 s.
func nextMeeting(t *testing.T, ch <-chan Notice, who string) Notice {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.MeetingID != "" {
				return n
			}
		case <-deadline:
			t.Fatalf("no meeting notice for %s within 10s", who)
			return Notice{}
		}
	}
}

// TestAMovedMeetingReachesBothParticipants: when a scheduling run moves a meeting, the
// matchmaking service publishes matchmaking.meeting.scheduled with the meeting's new place; the
// relay tells the stream of its buyer and the stream of its producer, and no one else's.
func TestAMovedMeetingReachesBothParticipants(t *testing.T) {
	nc, streams := meetingStreams(t, auth.RoleBuyer)

	publishMeeting := func(m events.MeetingV1) {
		publishOn(t, nc, events.MeetingScheduled, m.ID, events.MeetingChangedV1{Meeting: m})
	}
	publishMeeting(events.MeetingV1{ID: "m1", FairID: "f1", BuyerID: "b1", ProducerID: "p1", Status: "accepted",
		Day: "2027-01-04", Slot: 3, Table: 2, Revision: 2, ScheduleVersion: 2})
	publishMeeting(events.MeetingV1{ID: "m9", FairID: "f1", BuyerID: "b9", ProducerID: "p9", Status: "accepted",
		Day: "2027-01-04", Slot: 1, Table: 1, Revision: 2, ScheduleVersion: 2})
	want := Notice{Type: events.MeetingScheduled, FairID: "f1", MeetingID: "m1", BuyerID: "b1", ProducerID: "p1"}
	for _, acc := range []string{"acc-buyer", "acc-producer"} {
		if n := nextMeeting(t, streams[acc], acc); n != want {
			t.Errorf("%s heard %+v, want %+v", acc, n, want)
		}
	}
	// Events reach a stream in the order they were published: the other buyer hears its own
	// meeting first, so it never heard m1.
	if n := nextMeeting(t, streams["acc-other"], "acc-other"); n.MeetingID != "m9" {
		t.Errorf("acc-other heard %+v first, want m9: m1 is none of its meetings", n)
	}
}

// meetingStreams connects three live streams through a relay on a fresh NATS server: the buyer
// b1's (acc-buyer), the producer p1's (acc-producer), and acc-other's, a participant in m9 only
// (buyer b9 with role buyer, or producer p9 with role producer). It returns the connection the
// test publishes on and the streams by account.
func meetingStreams(t *testing.T, otherRole string) (*nats.Conn, map[string]<-chan Notice) {
	t.Helper()
	gin.SetMode(gin.TestMode)
	_, natsURL := testenv.NATS(t)
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	other := Scope{Buyers: map[string]bool{"b9": true}}
	if otherRole == auth.RoleProducer {
		other = Scope{Producers: map[string]bool{"p9": true}}
	}
	scopes := map[string]Scope{
		"acc-buyer":    {Buyers: map[string]bool{"b1": true}},
		"acc-producer": {Producers: map[string]bool{"p1": true}},
		"acc-other":    other,
	}
	relay, err := NewRelay(nc, func(_ context.Context, p auth.Principal) (Scope, error) { return scopes[p.AccountID], nil })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(relay.Close)
	pub, priv, _ := ed25519.GenerateKey(nil)
	tickets := NewTickets(priv, "k1", map[string]ed25519.PublicKey{"k1": pub})
	r := gin.New()
	r.GET("/api/live", NewRoutes(relay, tickets).stream)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	streams := map[string]<-chan Notice{}
	for acc, role := range map[string]string{"acc-buyer": auth.RoleBuyer, "acc-producer": auth.RoleProducer, "acc-other": otherRole} {
		streams[acc] = openConnected(t, srv.URL, tickets, auth.Principal{AccountID: acc, Role: role})
	}
	return nc, streams
}
