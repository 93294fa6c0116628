package gatewayapp

import (
	"maps"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/services/gateway/internal/live"
)

// TestEveryConsumedSubjectHasItsHandler holds what the gateway hears from NATS to a table.
//
// The gateway has no durable consumer, so its table of durables is empty: CheckConsumers fails
// when a consumer is added without its row here. The live relay hears the services' events over
// core NATS subscriptions of its own instead (no durable, no ack, nothing redelivered: a notice is
// worth nothing once its page is gone), one per On... handler of live/consume.go; those are the
// relayed table, passed as the subscriptions held outside bus consumers.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	f := start(t, nil)
	relayed := map[string][]string{
		"live.OnApplication": {"exhibitor.application.>"}, // notices
		"live.OnBooth":       {"event.booth.>"},           // notices
		"live.OnFair":        {"event.fair.>"},            // an organiser's fairs in its scope, and notices
		"live.OnMeeting":     {"matchmaking.meeting.>"},   // notices
		"live.OnProducer":    {"exhibitor.producer.>"},    // a producer profile in its owner's scope
		"live.OnBuyer":       {"matchmaking.buyer.>"},     // a buyer profile in its owner's scope
	}
	got := live.Subscriptions()
	if !maps.EqualFunc(got, relayed, slices.Equal) {
		t.Errorf("the live relay hears %v, want %v", got, relayed)
	}
	testenv.CheckConsumers(t, filepath.Join("..", ".."), f.app.Consumers(), map[string][]string{}, got)
}
