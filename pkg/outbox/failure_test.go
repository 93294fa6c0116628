package outbox_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

// event builds an envelope of aggregate on subject.
func event(t *testing.T, subject, aggregate string) events.Envelope {
	t.Helper()
	env, err := events.New(subject, 1, aggregate, "corr-"+aggregate, map[string]string{"id": aggregate})
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// storeIn appends envs to document id of collection in one write, as services do.
func (f fixture) storeIn(t *testing.T, collection, id string, envs ...events.Envelope) {
	t.Helper()
	update, err := outbox.Update(bson.M{"$set": bson.M{"name": id}}, envs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.MarkPending(f.ctx, f.db.Collection(collection), id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Collection(collection).UpdateOne(f.ctx, bson.M{"_id": id}, update, options.UpdateOne().SetUpsert(true)); err != nil {
		t.Fatalf("store: %v", err)
	}
}

// ids returns the Nats-Msg-Id of every message in stream, in stream order (none when the stream
// does not exist).
func (f fixture) ids(t *testing.T, stream string) []string {
	t.Helper()
	s, err := f.js.Stream(f.ctx, stream)
	if err != nil {
		return nil
	}
	info, err := s.Info(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := s.GetMsg(f.ctx, seq)
		if err != nil {
			t.Fatalf("stream %s message %d: %v", stream, seq, err)
		}
		out = append(out, m.Header.Get(jetstream.MsgIDHeader))
	}
	return out
}

func (f fixture) multiRelay(collections ...string) *outbox.Relay {
	return outbox.NewRelay(f.js, f.db.Database, quiet, metrics.New("test"), time.Second, collections...)
}

func TestFailedPublishDoesNotBlockOtherCollections(t *testing.T) {
	f := setup(t)
	if err := f.db.EnsureIndexes(f.ctx, outbox.Indexes("fairs")...); err != nil {
		t.Fatal(err)
	}
	// The producers' stream is gone for a while.
	if err := f.js.DeleteStream(f.ctx, "EXHIBITOR"); err != nil {
		t.Fatal(err)
	}
	p1 := []events.Envelope{event(t, events.ProducerUpdated, "p1"), event(t, events.ProducerUpdated, "p1")}
	f.storeIn(t, "producers", "p1", p1...)
	fair := event(t, events.FairPublished, "f1")
	f.storeIn(t, "fairs", "f1", fair)

	r := f.multiRelay("producers", "fairs")
	n, err := r.Flush(f.ctx)
	if err == nil || n != 1 {
		t.Fatalf("Flush with EXHIBITOR gone = %d, %v, want 1 (the fair's) and an error", n, err)
	}
	if got := f.ids(t, "EVENT"); len(got) != 1 || got[0] != fair.ID {
		t.Errorf("EVENT holds %v, want the fair's event %s", got, fair.ID)
	}

	// The stream is back: the producer's events go out, in order, once.
	if err := bus.EnsureStreams(f.ctx, f.js, 1); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "the held events published", func() bool {
		_, err := r.Flush(f.ctx)
		return err == nil && len(f.ids(t, "EXHIBITOR")) == 2
	})
	if got := f.ids(t, "EXHIBITOR"); got[0] != p1[0].ID || got[1] != p1[1].ID {
		t.Errorf("EXHIBITOR holds %v, want %s then %s", got, p1[0].ID, p1[1].ID)
	}
	if got := f.ids(t, "EVENT"); len(got) != 1 {
		t.Errorf("EVENT holds %v, want the fair's event once", got)
	}
}

func TestFailedEventHoldsBackOnlyItsAggregate(t *testing.T) {
	tests := []struct {
		name string
		// otherDoc puts the aggregate's second event on another document, as an aggregate's
		// notices ride on documents of their own.
		otherDoc string
	}{
		{name: "same document", otherDoc: "p1"},
		{name: "another document of the aggregate", otherDoc: "p1-notice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			// No stream captures the first event's subject yet.
			first := event(t, "nowhere.producer.updated", "p1")
			second := event(t, events.ProducerUpdated, "p1")
			other := event(t, events.ProducerUpdated, "p2")
			f.storeIn(t, "producers", "p1", first)
			f.storeIn(t, "producers", tt.otherDoc, second)
			f.storeIn(t, "producers", "p2", other)

			r := f.relay()
			if n, err := r.Flush(f.ctx); err == nil || n != 1 {
				t.Fatalf("Flush = %d, %v, want 1 (p2's) and an error", n, err)
			}
			if got := f.ids(t, "EXHIBITOR"); len(got) != 1 || got[0] != other.ID {
				t.Fatalf("EXHIBITOR holds %v, want only p2's %s: p1's second event must wait for its first", got, other.ID)
			}
			if _, err := f.js.CreateStream(f.ctx, jetstream.StreamConfig{Name: "NOWHERE", Subjects: []string{"nowhere.>"}, Duplicates: bus.DuplicateWindow}); err != nil {
				t.Fatal(err)
			}
			testenv.Eventually(t, "p1's events published", func() bool {
				_, err := r.Flush(f.ctx)
				return err == nil && len(f.ids(t, "EXHIBITOR")) == 2
			})
			if got := f.ids(t, "NOWHERE"); len(got) != 1 || got[0] != first.ID {
				t.Errorf("NOWHERE holds %v, want p1's first event", got)
			}
			if got := f.ids(t, "EXHIBITOR"); got[1] != second.ID {
				t.Errorf("EXHIBITOR holds %v, want p1's second event last", got)
			}
		})
	}
}

func TestRelayLeavesEventsPastTheHorizon(t *testing.T) {
	f := setup(t)
	old := event(t, events.ProducerUpdated, "p1")
	// Written (and, had it been sent, marked) longer ago than the markers are kept.
	old.OccurredAt = time.Now().Add(-outbox.Horizon - time.Hour)
	fresh := event(t, events.ProducerUpdated, "p1")
	f.storeIn(t, "producers", "p1", old, fresh)
	if n, err := f.relay().Flush(f.ctx); err != nil || n != 1 {
		t.Fatalf("Flush = %d, %v, want 1, nil", n, err)
	}
	if got := f.ids(t, "EXHIBITOR"); len(got) != 1 || got[0] != fresh.ID {
		t.Errorf("EXHIBITOR holds %v, want only the event within the horizon %s", got, fresh.ID)
	}
}
