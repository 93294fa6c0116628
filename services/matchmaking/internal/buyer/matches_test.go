package buyer

import (
	"testing"
	"time"
)

// TestAMatchShowsTheMeetingOfTheFairInQuestion: a card shows the buyer's meeting with the
// producer at the fair asked about, an active one before an ended one, else the newest; without
// a fair, the newest of any fair.
func TestAMatchShowsTheMeetingOfTheFairInQuestion(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ms := []MeetingRef{
		{ID: "m1", FairID: "f1", ProducerID: "p1", Status: "accepted", Active: true, CreatedAt: t0},
		{ID: "m2", FairID: "f1", ProducerID: "p1", Status: "cancelled", CreatedAt: t0.Add(time.Hour)},
		{ID: "m3", FairID: "f2", ProducerID: "p1", Status: "declined", CreatedAt: t0.Add(2 * time.Hour)},
		{ID: "m4", FairID: "f2", ProducerID: "p2", Status: "cancelled", CreatedAt: t0},
		{ID: "m5", FairID: "f2", ProducerID: "p2", Status: "declined", CreatedAt: t0.Add(time.Hour)},
		{ID: "m6", FairID: "f1", ProducerID: "p3", Status: "requested", Active: true, CreatedAt: t0},
	}
	s := &Service{Meetings: func(buyerID string) []MeetingRef {
		if buyerID != "b1" {
			return nil
		}
		return ms
	}}
	for _, tt := range []struct {
		fair string
		want map[string]string // producer -> meeting
	}{
		{"f1", map[string]string{"p1": "m1", "p3": "m6"}},
		{"f2", map[string]string{"p1": "m3", "p2": "m5"}},
		{"", map[string]string{"p1": "m1", "p2": "m5", "p3": "m6"}},
	} {
		t.Run("fair "+tt.fair, func(t *testing.T) {
			st := s.stateOf(Request{ID: "r1", BuyerID: "b1"}, tt.fair)
			got := map[string]string{}
			for p, m := range st.meetings {
				got[p] = m.ID
			}
			if len(got) != len(tt.want) {
				t.Errorf("stateOf(fair %q) meetings = %v, want %v", tt.fair, got, tt.want)
			}
			for p, id := range tt.want {
				if got[p] != id {
					t.Errorf("stateOf(fair %q) meeting of %s = %q, want %q", tt.fair, p, got[p], id)
				}
			}
		})
	}
}
