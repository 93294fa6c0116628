package booth

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// Consumers release booths when what held them ends: the fair is cancelled (OnFairCancelled), or
// an application stops being approved (ReleaseApplication, which the applicants read model calls
// as it follows the applications).
type Consumers struct {
	Booths *Store
	// Notify wakes the outbox relay after a release.
	Notify func()
}

// Subscriptions returns the durable consumers of the floor plan.
func (c *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "event-fair-cancellations", Stream: "EVENT", Subjects: []string{events.FairCancelled}, Handler: c.OnFairCancelled},
	}
}

// OnFairCancelled releases the booths of a cancelled fair. It consumes the service's own event so
// that the release completes even if the process stops right after the cancellation is stored.
func (c *Consumers) OnFairCancelled(ctx context.Context, env events.Envelope) error {
	var pl events.FairChangedV1
	if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
		return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
	}
	held, err := c.Booths.ActiveForFair(ctx, pl.Fair.ID)
	if err != nil {
		return err
	}
	return c.releaseAll(ctx, held, Why{Code: ReleaseFairCancelled, Words: pl.Fair.CancelReason})
}

// ReleaseApplication releases every booth an application holds; it runs when the application is
// withdrawn, cancelled or rejected (status), and is idempotent. The booths of a completed fair
// stay held: its floor plan is the record of who exhibited where (floorPlanOpen), which an
// application ended after the fair does not change.
func (c *Consumers) ReleaseApplication(ctx context.Context, applicationID, status string) error {
	held, err := c.Booths.Active(ctx, bson.M{"application_id": applicationID})
	if err != nil {
		return err
	}
	held, err = c.outsideCompleted(ctx, held)
	if err != nil {
		return err
	}
	return c.releaseAll(ctx, held, Why{Code: EndedReason(status)})
}

// outsideCompleted returns the assignments of held whose fair is not completed (or no longer
// stored), reading each fair once.
func (c *Consumers) outsideCompleted(ctx context.Context, held []Assignment) ([]Assignment, error) {
	completed := map[string]bool{}
	out := held[:0:0]
	for _, a := range held {
		done, read := completed[a.FairID]
		if !read {
			f, err := c.Booths.fairs.Get(ctx, a.FairID)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return nil, err
			}
			done = err == nil && f.Status == fair.Completed
			completed[a.FairID] = done
		}
		if !done {
			out = append(out, a)
		}
	}
	return out, nil
}

func (c *Consumers) releaseAll(ctx context.Context, held []Assignment, why Why) error {
	for _, h := range held {
		if err := c.Booths.Release(ctx, h, why, time.Now().In(vntext.Zone), correlation.From(ctx)); err != nil {
			return err
		}
	}
	if len(held) > 0 {
		c.Notify()
	}
	return nil
}

// readTimeout bounds the database read a stream handler of the floor-plan model makes.
const readTimeout = 10 * time.Second

// OnBoothChanged takes an event.booth.assigned or .released into the floor-plan model, by
// assignment ID (a late event never undoes a newer assignment). An assignment is read from the
// database, the record, for what its event does not carry (whether it was pinned).
func (fd *PlanFeed) OnBoothChanged(env events.Envelope) error {
	var p events.BoothAssignmentV1
	if err := env.Decode(&p); err != nil {
		return err
	}
	if env.Type == events.BoothReleased {
		fd.Plans.PutAssignment(Assignment{ID: p.AssignmentID, FairID: p.FairID, Code: p.BoothCode, Zone: p.Zone, ApplicationID: p.ApplicationID,
			ProducerID: p.ProducerID, ReleasedAt: p.At, ReasonCode: p.ReasonCode, Reason: p.Reason})
		return nil
	}
	if fd.Plans.Holds(p.FairID, p.BoothCode, p.AssignmentID) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	a, err := fd.Booths.assignment(ctx, p.AssignmentID)
	if err != nil {
		return err
	}
	fd.Plans.PutAssignment(a)
	return nil
}

// OnFloorplanChanged reloads a fair's booths from the database when the event's revision is newer
// than the one the model holds.
func (fd *PlanFeed) OnFloorplanChanged(env events.Envelope) error {
	var p events.FloorplanChangedV1
	if err := env.Decode(&p); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	return fd.Booths.ReloadBooths(ctx, p.FairID, p.Revision)
}

// OnApplicationChanged takes an exhibitor.application.* event into the floor-plan model (the
// holders' names, provinces and products), by revision.
func (fd *PlanFeed) OnApplicationChanged(env events.Envelope) error {
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil {
		return err
	}
	a := pl.Application
	app := applicants.Application{ID: a.ID, FairID: a.FairID, ProducerID: a.ProducerID, ProducerName: vntext.Clean(a.ProducerName),
		Province: a.ProvinceCode, BoothKind: a.BoothKind, BoothCount: a.BoothCount, PreferredZone: a.PreferredZone, Status: a.Status,
		SubmittedAt: a.SubmittedAt, Revision: a.Revision}
	for _, p := range a.Products {
		app.Products = append(app.Products, applicants.Product{ProductID: p.ProductID, Name: p.Name, CriteriaSet: p.CriteriaSet,
			Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive})
	}
	fd.Plans.PutApplication(app)
	return nil
}
