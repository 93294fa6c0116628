package booth

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// PlanFeed keeps the Plans model current: it loads every fair's floor plan from the database,
// then follows the EVENT stream's booth and floor-plan subjects and the EXHIBITOR stream's
// application subjects (every replica sees every event: ordered consumers of its own, not durable
// ones), so that other replicas' writes reach this replica's model. Its handlers are in
// consume.go.
type PlanFeed struct {
	Booths     *Store
	Fairs      *fair.Store
	Applicants *applicants.Store
	Plans      *Plans
	Log        *slog.Logger
}

// PlanSubscriptions returns the subjects the feed follows, by handler.
func PlanSubscriptions() map[string][]string {
	return map[string][]string{
		"booth.OnBoothChanged":       {events.BoothAssigned, events.BoothReleased},
		"booth.OnFloorplanChanged":   {events.FloorplanChanged},
		"booth.OnApplicationChanged": events.ApplicationSubjects,
	}
}

// Run loads the model, follows the streams, and marks the model ready once both have caught up;
// it returns when ctx ends, or with ctx's error when it ends during the load.
func (fd *PlanFeed) Run(ctx context.Context, js jetstream.JetStream) error {
	begin := time.Now()
	if err := retry(ctx, fd.Log, fd.load); err != nil {
		return err
	}
	start := begin.Add(-outbox.Lag)
	booths := readmodel.New(js, readmodel.Config{Stream: "EVENT", Subjects: []string{events.BoothAssigned, events.BoothReleased, events.FloorplanChanged},
		Start: start, Apply: fd.onEvent, Log: fd.Log})
	// The applications collection is itself a read model, fed by a durable consumer that may lag
	// by more than the relay's Lag (a backlog after an outage): the stream, not the load, is the
	// authority for applications, so they are replayed from the start of the stream (revisions
	// keep the newest).
	apps := readmodel.New(js, readmodel.Config{Stream: "EXHIBITOR", Subjects: events.ApplicationSubjects,
		Apply: fd.OnApplicationChanged, Log: fd.Log})
	go func() {
		if booths.Wait(ctx) == nil && apps.Wait(ctx) == nil {
			fd.Plans.MarkReady()
			fd.Log.Info("floor plan read model is ready")
		}
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = apps.Run(ctx)
	}()
	err := booths.Run(ctx)
	<-done
	return err
}

// load reads every fair's booths, active assignments and applications into the model.
func (fd *PlanFeed) load(ctx context.Context) error {
	fairs, err := fd.Fairs.List(ctx, fair.Filter{All: true})
	if err != nil {
		return err
	}
	for _, f := range fairs {
		// The revision first: booths read after it are at least that new.
		rev, _, err := fd.Booths.floorplanRevision(ctx, f.ID)
		if err != nil {
			return err
		}
		booths, err := fd.Booths.Booths(ctx, f.ID)
		if err != nil {
			return err
		}
		landmarks, err := fd.Booths.Landmarks(ctx, f.ID)
		if err != nil {
			return err
		}
		fd.Plans.SetLayout(f.ID, booths, landmarks, rev)
		apps, err := fd.Applicants.ForFair(ctx, f.ID)
		if err != nil {
			return err
		}
		for _, a := range apps {
			fd.Plans.PutApplication(a)
		}
	}
	held, err := fd.Booths.Active(ctx, bson.M{})
	if err != nil {
		return err
	}
	for _, a := range held {
		fd.Plans.PutAssignment(a)
	}
	return nil
}

// onEvent dispatches an EVENT stream message to its handler.
func (fd *PlanFeed) onEvent(env events.Envelope) error {
	if env.Type == events.FloorplanChanged {
		return fd.OnFloorplanChanged(env)
	}
	return fd.OnBoothChanged(env)
}

// retry calls fn until it succeeds or ctx ends, waiting 250 ms longer after each failure (at most
// 5 s); it returns ctx's error when ctx ends first.
func retry(ctx context.Context, log *slog.Logger, fn func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, time.Minute)
		err := fn(actx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("floor plan read model: read failed; retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)):
		}
	}
}
