package booth

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
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
	return c.releaseAll(ctx, held, "fair cancelled: "+pl.Fair.CancelReason)
}

// ReleaseApplication releases every booth an application holds; it runs when the application is
// withdrawn, cancelled or rejected, and is idempotent.
func (c *Consumers) ReleaseApplication(ctx context.Context, applicationID, reason string) error {
	held, err := c.Booths.Active(ctx, bson.M{"application_id": applicationID})
	if err != nil {
		return err
	}
	return c.releaseAll(ctx, held, reason)
}

func (c *Consumers) releaseAll(ctx context.Context, held []Assignment, reason string) error {
	for _, h := range held {
		if err := c.Booths.Release(ctx, h, reason, time.Now().In(vntext.Zone), correlation.From(ctx)); err != nil {
			return err
		}
	}
	if len(held) > 0 {
		c.Notify()
	}
	return nil
}
