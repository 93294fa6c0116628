package gatewayapp

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/services/gateway/internal/live"
)

// TestEveryConsumedSubjectHasItsHandler holds what the gateway hears from NATS to a table.
//
// The gateway has no durable consumer, so its table of durables is empty: CheckConsumers fails
// when a consumer is added without its row here, or an On... handler appears in a consume.go with
// no subscription. The live relay (live/consume.go) hears the services' events over core NATS
// subscriptions instead, with no durable, no ack and nothing redelivered, since a notice is worth
// nothing once its page is gone. Its one handler dispatches on the event's type rather than on
// the subject it came in on, so it is not an On... handler of CheckConsumers; its subjects are
// held to a table of their own below.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	f := start(t, nil)
	testenv.CheckConsumers(t, filepath.Join("..", ".."), f.app.Consumers(), map[string][]string{}, nil)

	relayed := []string{
		"event.booth.>",           // notices: booths of a fair
		"event.fair.>",            // notices, and an organiser's fairs in its scope
		"exhibitor.application.>", // notices: applications
		"exhibitor.producer.>",    // a producer profile in its owner's scope
		"matchmaking.buyer.>",     // a buyer profile in its owner's scope
		"matchmaking.meeting.>",   // notices: meetings
	}
	got := live.Subjects()
	slices.Sort(got)
	if !slices.Equal(got, relayed) {
		t.Errorf("the live relay hears %v, want %v", got, relayed)
	}
}
