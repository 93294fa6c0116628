package meeting

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

// TestOfferKeepsPublishedPlacesOnTheirDays: a repair offers each day only its own published
// meetings and the meetings without a place, asks the solver to keep the published places (and
// a settled meeting's stand-in at its table), and keeps the next day's meetings for that day; a
// fresh run offers every meeting to the first day and keeps nothing.
func TestOfferKeepsPublishedPlacesOnTheirDays(t *testing.T) {
	d1, d2 := "2027-01-04", "2027-01-05"
	f := index.Fair{ID: "f1", B2BDays: []events.B2BDayV1{{Date: d1, Slots: 4, Tables: 2}, {Date: d2, Slots: 4, Tables: 2}}}
	accepted := []Meeting{
		{ID: "on-day-1", BuyerID: "b1", ProducerID: "p1", Day: d1, Slot: 2, Table: 1},
		{ID: "on-day-2", BuyerID: "b2", ProducerID: "p1", Day: d2, Slot: 3, Table: 2},
		{ID: "new", BuyerID: "b1", ProducerID: "p2"},
		{ID: "off-the-tables", BuyerID: "b3", ProducerID: "p2", Day: d1, Slot: 1, Table: 5},
	}
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	held := map[string]Placement{heldPrefix + "x": {Day: d1, Slot: 4, Table: 2}}
	tests := []struct {
		name        string
		repair      bool
		wantOffered []string
		wantKeep    []schedule.Assignment
		wantWaiting []string
	}{
		{"repair", true, []string{"on-day-1", "new", "off-the-tables"},
			[]schedule.Assignment{{Meeting: "on-day-1", Slot: 2, Table: 1}, {Meeting: heldPrefix + "x", Slot: 4, Table: 2}}, []string{"on-day-2"}},
		{"fresh", false, []string{"on-day-1", "on-day-2", "new", "off-the-tables"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPlan(f, accepted, now, tt.repair)
			prob := schedule.Problem{Slots: 4, Tables: 2}
			waiting := p.offer(&prob, d1, held)
			var offered []string
			for _, m := range prob.Meetings {
				offered = append(offered, m.ID)
			}
			if !reflect.DeepEqual(offered, tt.wantOffered) {
				t.Errorf("offered to the first day = %+v, want %+v", offered, tt.wantOffered)
			}
			if !reflect.DeepEqual(prob.Keep, tt.wantKeep) {
				t.Errorf("kept on the first day = %+v, want %+v", prob.Keep, tt.wantKeep)
			}
			if !reflect.DeepEqual(waiting, tt.wantWaiting) {
				t.Errorf("waiting for a later day = %+v, want %+v", waiting, tt.wantWaiting)
			}
			// On the second day, what waited is offered and kept at its place.
			prob = schedule.Problem{Slots: 4, Tables: 2}
			p.pending = waiting
			if p.offer(&prob, d2, nil); tt.repair && (len(prob.Keep) != 1 || prob.Keep[0].Meeting != "on-day-2") {
				t.Errorf("kept on the second day %+v, want on-day-2 at its place", prob.Keep)
			}
		})
	}
}

// TestReportMovesListsEachChangedPlaceUnderItsNewDay: a meeting placed elsewhere than it was is
// reported under the day that placed it; one left where it was, or left unplaced, is not.
func TestReportMovesListsEachChangedPlaceUnderItsNewDay(t *testing.T) {
	d1, d2 := "2027-01-04", "2027-01-05"
	published := map[string]Placement{
		"stays":    {Day: d1, Slot: 1, Table: 1},
		"table":    {Day: d1, Slot: 2, Table: 1},
		"next-day": {Day: d1, Slot: 3, Table: 1},
		"unplaced": {Day: d1, Slot: 4, Table: 1},
	}
	tt := Timetable{Version: 2, Placements: map[string]Placement{
		"stays":    {Day: d1, Slot: 1, Table: 1},
		"table":    {Day: d1, Slot: 2, Table: 2},
		"next-day": {Day: d2, Slot: 1, Table: 1},
		"new":      {Day: d1, Slot: 4, Table: 1},
	}}
	out := Run{Days: []DayRun{{Day: d1}, {Day: d2}}}
	reportMoves(&out, published, tt)
	want := []DayRun{
		{Day: d1, Moved: []Move{{MeetingID: "table", From: published["table"], To: tt.Placements["table"]}}},
		{Day: d2, Moved: []Move{{MeetingID: "next-day", From: published["next-day"], To: tt.Placements["next-day"]}}},
	}
	if !reflect.DeepEqual(out.Days, want) {
		t.Errorf("reportMoves = %+v, want %+v", out.Days, want)
	}
}
