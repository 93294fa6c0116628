package matchmakingapp

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

// TestEveryConsumedSubjectHasItsHandler holds the service's subscriptions to the subjects it
// consumes and to the On... handlers of its consume.go files: the durable consumers the app runs,
// and the subjects the matching index and the agenda model fold, which they follow themselves
// with ordered consumers of their own (every replica folds every event) rather than through a
// durable consumer.
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
		"matchmaking-calendar-revocations": {events.AccountTokensRevoked},
		"matchmaking-badge-revocations":    {events.AccountTokensRevoked, events.AccountEnabled},
		"matchmaking-badge-handovers":      {events.ProducerClaimed},
		"matchmaking-calendar-handovers":   {events.ProducerClaimed},
	}
	folds := map[string][]string{
		"index.OnProducer": {events.ProducerRegistered, events.ProducerUpdated},
		"index.OnProduct":  events.ProductSubjects,
		"index.OnBooth":    {events.BoothAssigned, events.BoothReleased},
		"index.OnFair":     events.FairSubjects,
	}
	// The agenda model follows the MATCHMAKING stream itself too, for other replicas' meetings,
	// schedules and buyers.
	agendas := map[string][]string{
		"meeting.OnMeeting": {events.MeetingRequested, events.MeetingAccepted, events.MeetingDeclined, events.MeetingCancelled,
			events.MeetingScheduled, events.MeetingOutcomeRecorded, events.MeetingAttended, events.MeetingProposed},
		"meeting.OnBuyer": {events.BuyerRegistered, events.BuyerUpdated},
	}
	for name, subjects := range meeting.AgendaSubscriptions() {
		if want := agendas[name]; !slices.Equal(slices.Sorted(slices.Values(subjects)), slices.Sorted(slices.Values(want))) {
			t.Errorf("the agenda model's %s folds %v, want %v", name, subjects, want)
		}
	}
	if n := len(meeting.AgendaSubscriptions()); n != len(agendas) {
		t.Errorf("the agenda model has %d handlers, want %d", n, len(agendas))
	}
	got := index.Subscriptions()
	for name, subjects := range folds {
		if g := got[name]; !slices.Equal(slices.Sorted(slices.Values(g)), slices.Sorted(slices.Values(subjects))) {
			t.Errorf("index %s folds %v, want %v", name, g, subjects)
		}
	}
	for name, subjects := range got {
		if _, ok := folds[name]; !ok {
			t.Errorf("index %s folds %v, which the table does not list", name, subjects)
		}
	}
	maps.Copy(folds, agendas)
	testenv.CheckConsumers(t, "../..", app.Consumers(), want, folds)
}
