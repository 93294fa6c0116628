package applicants

import (
	"context"
	"fmt"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Ended is called after an application stopped being approved (withdrawn, cancelled, rejected),
// to release its booths. It must be idempotent.
type Ended func(ctx context.Context, app Application) error

// Consumers keep the read model current from the exhibitor service's applications and the
// matchmaking service's meeting outcomes and cancellations.
type Consumers struct {
	Store *Store
	// Ended runs whenever an application's current state is one that holds no booths.
	Ended Ended
}

// Subscriptions returns the durable consumers of the read model.
func (c *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "event-applications", Stream: "EXHIBITOR", Subjects: events.ApplicationSubjects, Handler: c.OnApplication},
		{Durable: "event-meeting-outcomes", Stream: "MATCHMAKING", Subjects: []string{events.MeetingOutcomeRecorded}, Handler: c.OnMeetingOutcome},
		{Durable: "event-meeting-cancellations", Stream: "MATCHMAKING", Subjects: []string{events.MeetingCancelled}, Handler: c.OnMeetingCancelled},
	}
}

// OnApplication projects an exhibitor.application.* event, and releases the application's booths
// when it no longer holds any.
func (c *Consumers) OnApplication(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	a := pl.Application
	if a.ID == "" || a.FairID == "" || a.Revision < 1 {
		return bus.Permanent(fmt.Errorf("application without id, fair or revision"))
	}
	doc := Application{ID: a.ID, FairID: a.FairID, ProducerID: a.ProducerID, ProducerName: vntext.Clean(a.ProducerName), Province: a.ProvinceCode,
		BoothKind: a.BoothKind, BoothCount: a.BoothCount, PreferredZone: a.PreferredZone, Status: a.Status, SubmittedAt: a.SubmittedAt, Revision: a.Revision}
	for _, p := range a.Products {
		doc.Products = append(doc.Products, Product{ProductID: p.ProductID, Name: p.Name, CriteriaSet: p.CriteriaSet, Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive})
	}
	if err := c.Store.Project(ctx, doc); err != nil {
		return err
	}
	// Releasing booths is idempotent, so it runs for a redelivered or older event as well; the
	// current state decides.
	current, err := c.Store.Get(ctx, a.ID)
	if err != nil {
		return err
	}
	if current.LosesBooths() {
		return c.Ended(ctx, current)
	}
	return nil
}

// OnMeetingOutcome records a matchmaking.meeting.outcome_recorded event.
func (c *Consumers) OnMeetingOutcome(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var o events.MeetingOutcomeV1
	if err := env.Decode(&o); err != nil {
		return bus.Permanent(err)
	}
	if o.MeetingID == "" || o.FairID == "" {
		return bus.Permanent(fmt.Errorf("outcome without meeting or fair"))
	}
	return c.Store.RecordOutcome(ctx, Outcome{MeetingID: o.MeetingID, FairID: o.FairID, Outcome: o.Outcome, ValueVND: o.ValueVND, RecordedAt: o.RecordedAt, Revision: o.Revision})
}

// OnMeetingCancelled marks the meeting of a matchmaking.meeting.cancelled event cancelled, so
// that its outcome never counts.
func (c *Consumers) OnMeetingCancelled(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var pl events.MeetingChangedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	if pl.Meeting.ID == "" || pl.Meeting.FairID == "" {
		return bus.Permanent(fmt.Errorf("cancelled meeting without id or fair"))
	}
	return c.Store.MarkCancelled(ctx, pl.Meeting.ID, pl.Meeting.FairID)
}
