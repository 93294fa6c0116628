package live

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestAnAttendedMeetingReachesBothParticipants: when both badges were scanned at a meeting's
// table, the matchmaking service publishes matchmaking.meeting.attended; the relay tells the
// stream of its buyer and of its producer, and no one else's.
func TestAnAttendedMeetingReachesBothParticipants(t *testing.T) {
	nc, streams := meetingStreams(t, auth.RoleProducer)
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
