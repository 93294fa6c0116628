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

// TestAnAttendedMeetingReachesBothParticipants: when both badges were scanned at a meeting's
// table, the matchmaking service publishes matchmaking.meeting.attended; the relay tells the
// stream of its buyer and of its producer, and no one else's.
func TestAnAttendedMeetingReachesBothParticipants(t *testing.T) {
	gin.SetMode(gin.TestMode)
	_, natsURL := testenv.NATS(t)
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	scopes := map[string]Scope{
		"acc-buyer":    {Buyers: map[string]bool{"b1": true}},
		"acc-producer": {Producers: map[string]bool{"p1": true}},
		"acc-other":    {Producers: map[string]bool{"p9": true}},
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
	for acc, role := range map[string]string{"acc-buyer": auth.RoleBuyer, "acc-producer": auth.RoleProducer, "acc-other": auth.RoleProducer} {
		streams[acc] = openConnected(t, srv.URL, tickets, auth.Principal{AccountID: acc, Role: role})
	}
	at := time.Now()
	for _, m := range []events.MeetingAttendedV1{
		{MeetingID: "m1", FairID: "f1", BuyerID: "b1", ProducerID: "p1", Day: "2027-01-04", Slot: 3, Table: 2, AttendedAt: at, Revision: 3},
		{MeetingID: "m9", FairID: "f1", BuyerID: "b9", ProducerID: "p9", Day: "2027-01-04", Slot: 1, Table: 1, AttendedAt: at, Revision: 3},
	} {
		publishOn(t, nc, events.MeetingAttended, m.MeetingID, m)
	}
	want := Notice{Type: events.MeetingAttended, FairID: "f1", MeetingID: "m1", BuyerID: "b1", ProducerID: "p1"}
	for _, acc := range []string{"acc-buyer", "acc-producer"} {
		if n := nextMeeting(t, streams[acc], acc); n != want {
			t.Errorf("%s heard %+v, want %+v", acc, n, want)
		}
	}
	if n := nextMeeting(t, streams["acc-other"], "acc-other"); n.MeetingID != "m9" {
		t.Errorf("acc-other heard %+v first, want m9: m1 is none of its meetings", n)
	}
}
