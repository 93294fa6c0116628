package report

import (
	"context"
	"fmt"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumers keep the report's figures that come from other services' events.
type Consumers struct {
	Scans      *ScanStore
	Attendance *AttendanceStore
}

// Subscriptions returns the durable consumers of the counted views of verification pages and of
// the meetings marked attended.
func (c *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "event-qr-scans", Stream: "EXHIBITOR", Subjects: []string{events.ScansCounted}, Handler: c.OnScansCounted},
		{Durable: "event-meetings-attended", Stream: "MATCHMAKING", Subjects: []string{events.MeetingAttended}, Handler: c.OnMeetingAttended},
	}
}

// OnScansCounted records an exhibitor.scan.counted batch: the views counted during fairs.
func (c *Consumers) OnScansCounted(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var b events.ScansCountedV1
	if err := env.Decode(&b); err != nil {
		return bus.Permanent(err)
	}
	return c.Scans.Record(ctx, env.ID, b.Counts)
}

// OnMeetingAttended records a matchmaking.meeting.attended event: a meeting whose two
// participants checked in at its table within its slot, counted once however often it comes.
func (c *Consumers) OnMeetingAttended(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var a events.MeetingAttendedV1
	if err := env.Decode(&a); err != nil || a.MeetingID == "" || a.FairID == "" {
		return bus.Permanent(fmt.Errorf("bad attendance payload: %v", err))
	}
	return c.Attendance.Record(ctx, a)
}
