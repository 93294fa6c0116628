package eventapp

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// publishMatchmaking publishes a matchmaking event about one meeting.
func (e env) publishMatchmaking(t *testing.T, subject, meetingID string, payload any) {
	t.Helper()
	ev, err := events.New(subject, 1, meetingID, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), e.js, ev); err != nil {
		t.Fatal(err)
	}
}

// drained waits until the durable consumer has handled every message of its stream's subjects.
func (e env) drained(t *testing.T, stream, durable string) {
	t.Helper()
	testenv.Eventually(t, durable+" to handle every message", func() bool {
		c, err := e.js.Consumer(context.Background(), stream, durable)
		if err != nil {
			return false
		}
		info, err := c.Info(context.Background())
		return err == nil && info.NumPending == 0 && info.NumAckPending == 0 && info.Delivered.Consumer > 0
	})
}

func TestReportCountsOnlyMeetingsNotCancelled(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội nghị kết nối cung cầu")
	at := time.Now()
	outcome := func(meeting, what string, value int64) {
		e.publishMatchmaking(t, events.MeetingOutcomeRecorded, meeting, events.MeetingOutcomeV1{MeetingID: meeting, FairID: id, BuyerID: "b1",
			ProducerID: "p-" + meeting, Outcome: what, ValueVND: value, RecordedAt: at})
	}
	cancelled := func(meeting string) {
		e.publishMatchmaking(t, events.MeetingCancelled, meeting, events.MeetingChangedV1{Meeting: events.MeetingV1{ID: meeting, FairID: id, BuyerID: "b1",
			ProducerID: "p-" + meeting, Status: "cancelled", Revision: 4, UpdatedAt: at}})
	}
	outcome("m1", "contract_signed", 500_000_000)
	// m2 is cancelled after its outcome was recorded; m3's cancellation arrives before its outcome.
	outcome("m2", "contract_signed", 300_000_000)
	cancelled("m2")
	cancelled("m3")
	outcome("m3", "mou_signed", 0)
	e.drained(t, "MATCHMAKING", "event-meeting-outcomes")
	e.drained(t, "MATCHMAKING", "event-meeting-cancellations")

	var rep struct {
		Meetings struct {
			Held             int            `json:"held"`
			ByOutcome        map[string]int `json:"by_outcome"`
			Contracts        int            `json:"contracts"`
			ContractValueVND int64          `json:"contract_value_vnd"`
		} `json:"meetings"`
	}
	r := e.org.Do(t, "GET", "/api/fairs/"+id+"/report", nil)
	if r.Status != 200 {
		t.Fatalf("report: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &rep)
	if m := rep.Meetings; m.Held != 1 || m.Contracts != 1 || m.ContractValueVND != 500_000_000 || m.ByOutcome["mou_signed"] != 0 {
		t.Errorf("report meetings %+v, want only m1: 1 held, 1 contract of 500.000.000", m)
	}
}

// The report counts the views of exhibitors' product pages during the fair ("lượt quét QR") from
// the exhibitor service's batches, each batch once however often it is delivered.
func TestReportCountsQRScans(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Tuần hàng OCOP Tây Ninh")
	batch := func(batchID string, counts ...events.ScanCountV1) events.Envelope {
		env, err := events.New(events.ScansCounted, 1, batchID, "", events.ScansCountedV1{BatchID: batchID, Counts: counts})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	first := batch("b1", events.ScanCountV1{ProductID: "p1", FairID: id, Day: "2026-12-04", Count: 7},
		events.ScanCountV1{ProductID: "p2", FairID: id, Day: "2026-12-04", Count: 3},
		events.ScanCountV1{ProductID: "p1", Day: "2026-12-04", Count: 100}, // outside any fair
		events.ScanCountV1{ProductID: "p1", FairID: "another-fair", Day: "2026-12-04", Count: 50})
	second := batch("b2", events.ScanCountV1{ProductID: "p1", FairID: id, Day: "2026-12-05", Count: 2})
	for _, env := range []events.Envelope{first, second} {
		if err := bus.Publish(context.Background(), e.js, env); err != nil {
			t.Fatal(err)
		}
	}
	// The same event again, past the stream's duplicate window: a redelivery.
	if _, err := e.js.Publish(context.Background(), events.ScansCounted, mustJSON(t, first)); err != nil {
		t.Fatal(err)
	}
	e.drained(t, "EXHIBITOR", "event-qr-scans")
	var rep struct {
		ScanCount  int `json:"scan_count"`
		ScansByDay []struct {
			Day   string
			Count int
		} `json:"scans_by_day"`
	}
	e.org.Do(t, "GET", "/api/fairs/"+id+"/report", nil).Decode(t, &rep)
	if rep.ScanCount != 12 || len(rep.ScansByDay) != 2 || rep.ScansByDay[0].Day != "2026-12-04" || rep.ScansByDay[0].Count != 10 {
		t.Errorf("report scans %+v, want 12: 10 on 2026-12-04, 2 on 2026-12-05", rep)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
