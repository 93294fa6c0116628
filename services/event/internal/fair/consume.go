package fair

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
)

// Feed keeps a Model current: it loads every fair from the database, then follows the EVENT
// stream's fair subjects (every replica sees every event: an ordered consumer of its own, not a
// durable one) so that other replicas' writes reach this replica's model.
type Feed struct {
	Fairs *Store
	Model *Model
	Log   *slog.Logger
}

// Subscriptions returns the subjects the feed follows, by handler.
func Subscriptions() map[string][]string {
	return map[string][]string{"fair.OnFair": events.FairSubjects}
}

// Run loads the model, follows the stream, and marks the model ready once it has caught up; it
// returns when ctx ends, or with an error when the load cannot start.
func (fd *Feed) Run(ctx context.Context, js jetstream.JetStream) error {
	begin := time.Now()
	if err := fd.load(ctx); err != nil {
		return err
	}
	f := readmodel.New(js, readmodel.Config{Stream: "EVENT", Subjects: events.FairSubjects,
		Start: begin.Add(-outbox.Lag), Apply: fd.OnFair, Log: fd.Log})
	go func() {
		if f.Wait(ctx) == nil {
			fd.Model.MarkReady()
			fd.Log.Info("fair read model is ready", "fairs", fd.Model.Len())
		}
	}()
	return f.Run(ctx)
}

// load reads every fair into the model, retrying while the database is unreachable.
func (fd *Feed) load(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		lctx, cancel := context.WithTimeout(ctx, time.Minute)
		fairs, err := fd.Fairs.List(lctx, Filter{All: true})
		cancel()
		if err == nil {
			for _, f := range fairs {
				fd.Model.Put(f)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fd.Log.Warn("fair read model: load failed; retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)):
		}
	}
}

// OnFair takes a fair event into the model. The payload lacks some fields the pages show (the
// contact, the creation time), so a newer revision is read from the database, the record; an
// event the model already reflects costs nothing.
func (fd *Feed) OnFair(env events.Envelope) error {
	var p events.FairChangedV1
	if err := env.Decode(&p); err != nil {
		return err
	}
	if rev, ok := fd.Model.Revision(p.Fair.ID); ok && rev >= p.Fair.Revision {
		return nil
	}
	var err error
	for attempt := 1; attempt <= 5; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		var f Fair
		f, err = fd.Fairs.Get(ctx, p.Fair.ID)
		cancel()
		if err == nil {
			fd.Model.Put(f)
			return nil
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
	return fmt.Errorf("fair %s revision %d: %w", p.Fair.ID, p.Fair.Revision, err)
}
