package eventapp

import (
	"maps"
	"slices"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// TestEveryConsumedSubjectHasItsHandler holds the service's subscriptions (durable names and
// subjects, which never change) to the On... handlers of its features' consume.go files, and the
// subjects the fair read model follows itself with an ordered consumer of its own (every replica
// takes every fair event) rather than through a durable consumer.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	app, _ := newApp(t)
	t.Cleanup(app.Host.Close)
	want := map[string][]string{
		"event-applications":          events.ApplicationSubjects,
		"event-meeting-outcomes":      {events.MeetingOutcomeRecorded},
		"event-meeting-cancellations": {events.MeetingCancelled},
		"event-fair-cancellations":    {events.FairCancelled},
		"event-qr-scans":              {events.ScansCounted},
		"event-meetings-attended":     {events.MeetingAttended},
	}
	folds := map[string][]string{
		"fair.OnFair":                events.FairSubjects,
		"booth.OnBoothChanged":       {events.BoothAssigned, events.BoothReleased},
		"booth.OnFloorplanChanged":   {events.FloorplanChanged},
		"booth.OnApplicationChanged": events.ApplicationSubjects,
	}
	got := fair.Subscriptions()
	maps.Copy(got, booth.PlanSubscriptions())
	if !maps.EqualFunc(got, folds, slices.Equal) {
		t.Errorf("the read models follow %v, want %v", got, folds)
	}
	testenv.CheckConsumers(t, "../..", app.Consumers(), want, folds)
}
