package exhibitorapp

import (
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/product"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/verify"
)

// consumed is every durable consumer of the service and the subjects it takes. Durable names are
// never renamed: a new name would start a consumer over from the beginning of its stream.
var consumed = map[string][]string{
	"exhibitor-fairs": {"event.fair.created", "event.fair.updated", "event.fair.published", "event.fair.applications_closed",
		"event.fair.started", "event.fair.completed", "event.fair.cancelled", "event.fair.b2b_sessions_set"},
	"exhibitor-booths":                {"event.booth.assigned", "event.booth.released"},
	"exhibitor-product-owners":        {"exhibitor.producer.updated"},
	"exhibitor-application-producers": {"exhibitor.producer.updated"},
}

// folded is what the read models fold: the product catalogue and the applications model follow
// their streams themselves with ordered consumers of their own (every replica folds every such
// event), not through durable consumers.
var folded = map[string][]string{
	"product.OnProduct":                events.ProductSubjects,
	"application.OnApplicationChanged": events.ApplicationSubjects,
	"application.OnProducerChanged":    {"exhibitor.producer.registered", "exhibitor.producer.updated"},
	"application.OnFairChanged": {"event.fair.created", "event.fair.updated", "event.fair.published", "event.fair.applications_closed",
		"event.fair.started", "event.fair.completed", "event.fair.cancelled", "event.fair.b2b_sessions_set"},
	"application.OnBoothChanged": {"event.booth.assigned", "event.booth.released"},
	"verify.OnProducer":          {"exhibitor.producer.registered", "exhibitor.producer.updated"},
	"verify.OnScansCounted":      {"exhibitor.scan.counted"},
}

// The consumers the service runs, and the read models' followers, take exactly the subjects above,
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
	for name, subjects := range map[string][]string{"verify.OnProducer": verify.ProducerSubjects, "verify.OnScansCounted": verify.StatsSubjects} {
		if !slices.Equal(subjects, folded[name]) {
			t.Errorf("the verification models' %s folds %v, want %v", name, subjects, folded[name])
		}
	}
	modelFolds := application.ModelSubscriptions()
	for name, subjects := range modelFolds {
		if got, want := slices.Sorted(slices.Values(subjects)), slices.Sorted(slices.Values(folded[name])); !slices.Equal(got, want) {
			t.Errorf("the applications model's %s folds %v, want %v", name, got, want)
		}
	}
	var fed, want []string
	for _, feed := range app.apps.Feeds() {
		fed = append(fed, feed.Subjects...)
	}
	for _, subjects := range modelFolds {
		want = append(want, subjects...)
	}
	if got, want := slices.Sorted(slices.Values(fed)), slices.Sorted(slices.Values(want)); !slices.Equal(got, want) {
		t.Errorf("the applications model's followers take %v, want %v", got, want)
	}
	testenv.CheckConsumers(t, "../..", app.Consumers(), consumed, folded)
}
