package eventapp

import (
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestEveryConsumedSubjectHasItsHandler holds the service's subscriptions (durable names and
// subjects, which never change) to the On... handlers of its features' consume.go files.
func TestEveryConsumedSubjectHasItsHandler(t *testing.T) {
	app, _ := newApp(t)
	t.Cleanup(app.Host.Close)
	want := map[string][]string{
		"event-applications":          events.ApplicationSubjects,
		"event-meeting-outcomes":      {events.MeetingOutcomeRecorded},
		"event-meeting-cancellations": {events.MeetingCancelled},
		"event-fair-cancellations":    {events.FairCancelled},
	}
	testenv.CheckConsumers(t, "../..", app.Consumers(), want, nil)
}
