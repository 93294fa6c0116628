package readmodel_test

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
)

// fairModel is a small read model: each fair, kept at its newest revision.
type fairModel struct {
	mu    sync.RWMutex
	fairs map[string]events.FairV1
}

// apply folds one fair event, keeping it only if it is newer than what the model holds: events
// arrive late and twice.
func (m *fairModel) apply(env events.Envelope) error {
	var p events.FairChangedV1
	if err := env.Decode(&p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if have, ok := m.fairs[env.AggregateID]; ok && have.Revision >= p.Fair.Revision {
		return nil
	}
	m.fairs[env.AggregateID] = p.Fair
	return nil
}

// This example loads a model, then follows the EVENT stream from the moment the load began (less
// the relay's lag), and waits until it has caught up before serving.
func ExampleFollower() {
	ctx := context.Background()
	var js jetstream.JetStream // from bus.Connect
	begin := time.Now()
	model := &fairModel{fairs: map[string]events.FairV1{}}
	// ... load model.fairs from the database here ...
	f := readmodel.New(js, readmodel.Config{
		Stream:   "EVENT",
		Subjects: events.FairSubjects,
		Start:    begin.Add(-outbox.Lag),
		Apply:    model.apply,
		Log:      slog.Default(),
	})
	go func() { _ = f.Run(ctx) }()
	if err := f.Wait(ctx); err != nil {
		return
	}
	// Serve reads from model; report ready with f.Ready().
}
