package eventapp

import (
	"context"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// The report counts the meetings attended (both participants checked in at their table) from
// the matchmaking service's events, each meeting once however often its event comes, and apart
// from the outcomes typed by hand.
func TestReportCountsAttendedMeetingsApartFromOutcomes(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Hà Nội")
	at := time.Now()
	attended := events.MeetingAttendedV1{MeetingID: "m1", FairID: id, BuyerID: "b1", ProducerID: "p1", Day: at.Format(time.DateOnly), Slot: 2, Table: 3, AttendedAt: at, Revision: 4}
	e.publishMatchmaking(t, events.MeetingAttended, "m1", attended)
	e.publishMatchmaking(t, events.MeetingAttended, "m1", attended) // another replica marked it too
	other := attended
	other.MeetingID, other.FairID = "m9", "another-fair"
	e.publishMatchmaking(t, events.MeetingAttended, "m9", other)
	e.publishMatchmaking(t, events.MeetingOutcomeRecorded, "m2", events.MeetingOutcomeV1{MeetingID: "m2", FairID: id, BuyerID: "b1",
		ProducerID: "p2", Outcome: "mou_signed", RecordedAt: at})
	e.drained(t, "MATCHMAKING", "event-meetings-attended")
	e.drained(t, "MATCHMAKING", "event-meeting-outcomes")
	// The same event again, past the stream's duplicate window: a redelivery.
	env, err := events.New(events.MeetingAttended, 1, "m1", "", attended)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.Publish(context.Background(), events.MeetingAttended, mustJSON(t, env)); err != nil {
		t.Fatal(err)
	}
	e.drained(t, "MATCHMAKING", "event-meetings-attended")
	var rep struct {
		MeetingsAttended int `json:"meetings_attended"`
		Meetings         struct {
			Held int `json:"held"`
			MoUs int `json:"mous"`
		} `json:"meetings"`
	}
	r := e.org.Do(t, "GET", "/api/fairs/"+id+"/report", nil)
	if r.Status != 200 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &rep)
	if rep.MeetingsAttended != 1 || rep.Meetings.Held != 1 || rep.Meetings.MoUs != 1 {
		t.Errorf("report: %d attended, meetings %+v; want 1 attended (m1 once) and, apart, 1 held with an MoU (m2)", rep.MeetingsAttended, rep.Meetings)
	}
}
