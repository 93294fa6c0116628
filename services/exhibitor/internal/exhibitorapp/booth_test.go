package exhibitorapp

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/services/exhibitor/internal/application"
)

// settled waits until a durable consumer has handled every message in its stream.
func (f fixture) settled(t *testing.T, stream, durable string) {
	t.Helper()
	f.consumerReached(t, durable+" has handled the stream", stream, durable, func(s jetstream.Stream, ci *jetstream.ConsumerInfo) bool {
		si, err := s.Info(context.Background())
		return err == nil && ci.Delivered.Stream >= si.State.LastSeq && ci.NumPending == 0 && ci.NumAckPending == 0
	})
}

// consumerReached waits until reached holds for stream and the information of its consumer
// durable.
func (f fixture) consumerReached(t *testing.T, what, stream, durable string, reached func(jetstream.Stream, *jetstream.ConsumerInfo) bool) {
	t.Helper()
	ctx := context.Background()
	testenv.Eventually(t, what, func() bool {
		s, err := f.js.Stream(ctx, stream)
		if err != nil {
			return false
		}
		c, err := f.js.Consumer(ctx, stream, durable)
		if err != nil {
			return false
		}
		ci, err := c.Info(ctx)
		return err == nil && reached(s, ci)
	})
}

// modelHasStoredBooths waits until the applications model, which follows the booth events on its
// own, shows the booths the database holds for an application.
func (f fixture) modelHasStoredBooths(t *testing.T, applicationID string) {
	t.Helper()
	store := application.NewStore(f.app.Host.DB)
	testenv.Eventually(t, "the model's booths as stored", func() bool {
		stored, err := store.Get(context.Background(), applicationID)
		held, _ := f.app.apps.Get(applicationID)
		return err == nil && slices.Equal(stored.Booths, held.Booths) // nil and empty alike
	})
}

func TestBoothEventsApplyByAssignmentID(t *testing.T) {
	f := start(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	f.publishFair(t, openFair("fair-b", orgID), events.FairPublished)
	a, _, prod := f.producerWithProduct(t, "1700000031", "Nước mắm Phú Quốc", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	testenv.Eventually(t, "the fair in the read model", func() bool {
		return f.api.With(orgTok).Do(t, "GET", "/api/fairs/fair-b/applications", nil).Status == 200
	})
	r := a.Do(t, "POST", "/api/fairs/fair-b/applications", map[string]any{"product_ids": []string{prod}, "booth_count": 2})
	if r.Status != 201 {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	var app struct{ ID string }
	r.Decode(t, &app)

	x, y := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String() // x assigned before y
	booth := func(subject, assignmentID, code string) events.Envelope {
		env, err := events.New(subject, 1, "fair-b", "", events.BoothAssignmentV1{AssignmentID: assignmentID, FairID: "fair-b",
			BoothCode: code, ApplicationID: app.ID, ProducerID: "p"})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	steps := []struct {
		name   string
		events []events.Envelope
		want   []string
	}{
		{"assigned", []events.Envelope{booth(events.BoothAssigned, x, "B07")}, []string{"B07"}},
		{"released, re-assigned, then the release of the first assignment again and late", []events.Envelope{
			booth(events.BoothReleased, x, "B07"), booth(events.BoothAssigned, y, "B07"), booth(events.BoothReleased, x, "B07"),
		}, []string{"B07"}},
		{"the first assignment arrives late, and a release from before assignment IDs", []events.Envelope{
			booth(events.BoothAssigned, x, "B07"), booth(events.BoothReleased, "", "B07"),
		}, []string{"B07"}},
		{"released, then its assignment again and an older one", []events.Envelope{
			booth(events.BoothReleased, y, "B07"), booth(events.BoothAssigned, y, "B07"), booth(events.BoothAssigned, x, "B07"),
		}, []string{}},
		{"events from before assignment IDs: last word wins", []events.Envelope{
			booth(events.BoothAssigned, "", "C01"), booth(events.BoothReleased, "", "C01"), booth(events.BoothAssigned, "", "C02"),
		}, []string{"C02"}},
	}
	for _, st := range steps {
		for _, env := range st.events {
			if err := bus.Publish(context.Background(), f.js, env); err != nil {
				t.Fatal(err)
			}
		}
		f.settled(t, "EVENT", "exhibitor-booths")
		f.modelHasStoredBooths(t, app.ID)
		var got struct{ Booths []string }
		a.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &got)
		if !slices.Equal(got.Booths, st.want) {
			t.Errorf("%s: booths %v, want %v", st.name, got.Booths, st.want)
		}
	}
	// A malformed booth code is poison, not a field path.
	if err := bus.Publish(context.Background(), f.js, booth(events.BoothAssigned, y, "B.07")); err != nil {
		t.Fatal(err)
	}
	f.settled(t, "EVENT", "exhibitor-booths")
	f.modelHasStoredBooths(t, app.ID)
	var got struct{ Booths []string }
	a.Do(t, "GET", "/api/applications/"+app.ID, nil).Decode(t, &got)
	if !slices.Equal(got.Booths, []string{"C02"}) {
		t.Errorf("after a malformed booth code: booths %v", got.Booths)
	}
}
