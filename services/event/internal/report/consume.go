package report

import (
	"context"
	"fmt"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumers keep the report's figures that come from other services' events.
type Consumers struct {
	Scans *ScanStore
}

// Subscriptions returns the durable consumer of the counted views of verification pages.
func (c *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "event-qr-scans", Stream: "EXHIBITOR", Subjects: []string{events.ScansCounted}, Handler: c.OnScansCounted},
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
