package index

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestBoothEventsApplyByAssignment delivers booth events out of order and expects the booth's
// holder to follow the newest assignment, not the last message.
func TestBoothEventsApplyByAssignment(t *testing.T) {
	booth := func(typ, producer, assignment string) events.Envelope {
		t.Helper()
		env, err := events.New(typ, 1, "f1/A1", "", events.BoothAssignmentV1{AssignmentID: assignment, FairID: "f1", BoothCode: "A1", ProducerID: producer})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	const older, newer = "01900000-0000-7000-8000-000000000001", "01900000-0000-7000-8000-000000000002"
	tests := []struct {
		name   string
		events []events.Envelope
		want   map[string]bool // producer -> exhibiting
	}{
		{"in order", []events.Envelope{booth(events.BoothAssigned, "p1", older), booth(events.BoothReleased, "p1", older), booth(events.BoothAssigned, "p1", newer)},
			map[string]bool{"p1": true}},
		{"late release of the earlier assignment", []events.Envelope{booth(events.BoothAssigned, "p1", older), booth(events.BoothAssigned, "p1", newer), booth(events.BoothReleased, "p1", older)},
			map[string]bool{"p1": true}},
		{"late release to another producer", []events.Envelope{booth(events.BoothAssigned, "p2", newer), booth(events.BoothReleased, "p1", older)},
			map[string]bool{"p1": false, "p2": true}},
		{"late assignment after a later release", []events.Envelope{booth(events.BoothReleased, "p2", newer), booth(events.BoothAssigned, "p1", older)},
			map[string]bool{"p1": false, "p2": false}},
		{"release redelivered before its assignment", []events.Envelope{booth(events.BoothReleased, "p1", older), booth(events.BoothAssigned, "p1", older)},
			map[string]bool{"p1": false}},
		{"events without assignment IDs: last one wins", []events.Envelope{booth(events.BoothAssigned, "p1", ""), booth(events.BoothReleased, "p1", ""), booth(events.BoothAssigned, "p2", "")},
			map[string]bool{"p1": false, "p2": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := New()
			for _, env := range tt.events {
				if err := x.Apply(env); err != nil {
					t.Fatal(err)
				}
			}
			for producer, want := range tt.want {
				if got := x.Exhibiting("f1", producer); got != want {
					t.Errorf("Exhibiting(f1, %s) = %v, want %v", producer, got, want)
				}
			}
		})
	}
}
