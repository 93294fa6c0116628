package exhibitorapp

import (
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
)

// consumed is every durable consumer of the service and the subjects it takes. Durable names are
// never renamed: a new name would start a consumer over from the beginning of its stream.
var consumed = map[string][]string{
	"exhibitor-fairs": {"event.fair.created", "event.fair.updated", "event.fair.published", "event.fair.applications_closed",
		"event.fair.started", "event.fair.completed", "event.fair.cancelled", "event.fair.b2b_sessions_set"},
	"exhibitor-booths":         {"event.booth.assigned", "event.booth.released"},
	"exhibitor-product-owners": {"exhibitor.producer.updated"},
}

// folded is what the product catalogue read model folds: it follows the EXHIBITOR stream itself
// with an ordered consumer of its own (every replica folds every product event), not through a
// durable consumer.
var folded = map[string][]string{
	"product.OnProduct": events.ProductSubjects,
}

// The consumers the service runs, and the catalogue's follower, take exactly the subjects above,
// each through an On... handler of a feature's consume.go named after the subject's aggregate,
// and no such handler is left without a subscription.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	app, err := New(t.Context(), Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour}, testWriter{t}, testenv.NewTokens(t).Keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Host.Close)
	if got, want := slices.Sorted(slices.Values(product.CatalogueSubjects)), slices.Sorted(slices.Values(folded["product.OnProduct"])); !slices.Equal(got, want) {
		t.Errorf("the catalogue folds %v, want %v", got, want)
	}
	testenv.CheckConsumers(t, "../..", app.Consumers(), consumed, folded)
}
