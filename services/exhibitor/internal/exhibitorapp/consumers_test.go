package exhibitorapp

import (
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// consumed is every durable consumer of the service and the subjects it takes. Durable names are
// never renamed: a new name would start a consumer over from the beginning of its stream.
var consumed = map[string][]string{
	"exhibitor-fairs": {"event.fair.created", "event.fair.updated", "event.fair.published", "event.fair.applications_closed",
		"event.fair.started", "event.fair.completed", "event.fair.cancelled", "event.fair.b2b_sessions_set"},
	"exhibitor-booths":         {"event.booth.assigned", "event.booth.released"},
	"exhibitor-product-owners": {"exhibitor.producer.updated"},
}

// The consumers the service runs take exactly the subjects above, each through an On... handler
// of a feature's consume.go named after the subject's aggregate, and no such handler is left
// without a subscription.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	app, err := New(t.Context(), Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour}, testWriter{t}, testenv.NewTokens(t).Keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Host.Close)
	testenv.CheckConsumers(t, "../..", app.Consumers(), consumed, nil)
}
