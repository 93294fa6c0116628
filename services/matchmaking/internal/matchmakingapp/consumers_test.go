package matchmakingapp

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestEveryConsumedSubjectHasItsHandler holds the service's durable consumers to the subjects it
// consumes and to the On... handlers of its consume.go files. The matching index is not in the
// table: it follows the EVENT and EXHIBITOR streams itself, with ordered consumers that keep no
// durable name (index/follow.go), and restores from its snapshots.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	// The app is built as Run builds it, not served: the test reads its wiring only.
	app, err := New(t.Context(), Config{Config: testenv.ServiceConfig(t, "matchmaking", natsURL), MeetingCap: 3, SolveLimit: time.Second}, testWriter{t}, testenv.NewTokens(t).Keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Host.Close)
	want := map[string][]string{
		"matchmaking-catalog":              {events.ProducerRegistered, events.ProducerUpdated},
		"matchmaking-meeting-fairs":        {events.FairCancelled, events.BoothAssigned, events.BoothReleased},
		"matchmaking-meeting-applications": {events.ApplicationWithdrawn, events.ApplicationCancelled},
	}
	testenv.CheckConsumers(t, "../..", app.Consumers(), want, nil)
}
