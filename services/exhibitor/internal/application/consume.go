package application

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Consumers keeps applications in step with the event service: the fair read model (a cancelled
// fair cancels its applications) and the booths assigned to applications.
type Consumers struct {
	Store  *Store
	Notify func() // wakes the outbox relay after a write
	Now    func() time.Time
}

// Subscriptions returns the durable consumers of the event service's fair and booth events.
func (h *Consumers) Subscriptions() []bus.Consumer {
	return []bus.Consumer{
		{Durable: "exhibitor-fairs", Stream: "EVENT", Subjects: events.FairSubjects, Handler: h.OnFair},
		{Durable: "exhibitor-booths", Stream: "EVENT", Subjects: []string{events.BoothAssigned, events.BoothReleased}, Handler: h.OnBooth},
	}
}

// OnFair stores a fair of event.fair.* in the read model and, when the fair is cancelled,
// cancels its active applications. A payload without a fair is poison.
func (h *Consumers) OnFair(ctx context.Context, env events.Envelope) error {
	var pl events.FairChangedV1
	if err := env.Decode(&pl); err != nil || pl.Fair.ID == "" {
		return bus.Permanent(fmt.Errorf("bad fair payload: %v", err))
	}
	if err := h.Store.PutFair(ctx, pl.Fair); err != nil {
		return err
	}
	f, err := h.Store.Fair(ctx, pl.Fair.ID)
	if err != nil {
		return err
	}
	if f.Status != "cancelled" {
		return nil
	}
	// Idempotent: only active applications are cancelled, each once.
	active, err := h.Store.ActiveForFair(ctx, f.ID)
	if err != nil {
		return err
	}
	for _, a := range active {
		_, err := h.Store.Move(ctx, a, Cancel, "Hội chợ bị hủy / the fair was cancelled: "+pl.Fair.CancelReason, h.now)
		if err == nil {
			h.Notify()
		} else if !apperr.Is(err, apperr.Conflict) {
			return err
		}
	}
	return nil
}

func (h *Consumers) now() time.Time { return stamp(h.Now()) }

// boothCode is what the event service accepts as a booth code; the code becomes part of a field
// path here, so anything else (a dot, a dollar sign) is refused as poison.
var boothCode = regexp.MustCompile(`^[A-Za-z0-9-]{1,12}$`)

// OnBooth applies event.booth.assigned and event.booth.released to the application the booth is
// for, unless the application holds a newer state of that booth. A malformed payload is poison.
func (h *Consumers) OnBooth(ctx context.Context, env events.Envelope) error {
	var pl events.BoothAssignmentV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(fmt.Errorf("bad booth payload: %w", err))
	}
	if pl.ApplicationID == "" || !boothCode.MatchString(pl.BoothCode) {
		return bus.Permanent(fmt.Errorf("bad booth payload: application %q, booth code %q", pl.ApplicationID, pl.BoothCode))
	}
	return h.Store.SetBooth(ctx, pl.ApplicationID, pl.BoothCode, pl.AssignmentID, env.Type == events.BoothAssigned)
}
