package outbox_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

// countingJS counts the publish attempts per stream; a stream in silent fails each attempt at
// once as a publish that got no answer in time does.
type countingJS struct {
	jetstream.JetStream
	mu       sync.Mutex
	attempts map[string]int
	silent   map[string]bool
}

func (c *countingJS) PublishMsg(ctx context.Context, msg *nats.Msg, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error) {
	stream := events.StreamOf(msg.Subject)
	c.mu.Lock()
	c.attempts[stream]++
	silent := c.silent[stream]
	c.mu.Unlock()
	if silent {
		return nil, fmt.Errorf("nats: %w", context.DeadlineExceeded)
	}
	return c.JetStream.PublishMsg(ctx, msg, opts...)
}

func (c *countingJS) count(stream string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[stream]
}

func TestUnreachableStreamCostsOnePublishPerPass(t *testing.T) {
	tests := []struct {
		name string
		// cut makes the producers' stream unreachable, and heal brings it back.
		cut, heal func(t *testing.T, f fixture, js *countingJS)
	}{
		{
			name: "no stream answers",
			cut: func(t *testing.T, f fixture, _ *countingJS) {
				if err := f.js.DeleteStream(f.ctx, "EXHIBITOR"); err != nil {
					t.Fatal(err)
				}
			},
			heal: func(t *testing.T, f fixture, _ *countingJS) {
				if err := bus.EnsureStreams(f.ctx, f.js, 1); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			name: "the stream does not answer in time",
			cut: func(_ *testing.T, _ fixture, js *countingJS) {
				js.mu.Lock()
				js.silent["EXHIBITOR"] = true
				js.mu.Unlock()
			},
			heal: func(_ *testing.T, _ fixture, js *countingJS) {
				js.mu.Lock()
				js.silent["EXHIBITOR"] = false
				js.mu.Unlock()
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t)
			if err := f.db.EnsureIndexes(f.ctx, outbox.Indexes("fairs")...); err != nil {
				t.Fatal(err)
			}
			js := &countingJS{JetStream: f.js, attempts: map[string]int{}, silent: map[string]bool{}}
			tt.cut(t, f, js)
			const producers = 20
			for i := range producers {
				id := fmt.Sprintf("p%02d", i)
				f.storeIn(t, "producers", id, event(t, events.ProducerUpdated, id))
			}
			fair := event(t, events.FairPublished, "f1")
			f.storeIn(t, "fairs", "f1", fair)

			r := outbox.NewRelay(js, f.db.Database, quiet, metrics.New("test"), time.Second, "producers", "fairs")
			for pass := range 2 {
				before := js.count("EXHIBITOR")
				n, err := r.Flush(f.ctx)
				if err == nil {
					t.Fatalf("pass %d: Flush with the producers' stream unreachable succeeded", pass)
				}
				if want := map[int]int{0: 1}[pass]; n != want {
					t.Errorf("pass %d published %d, want %d (the fair's event, once)", pass, n, want)
				}
				if got := js.count("EXHIBITOR") - before; got > 1 {
					t.Errorf("pass %d tried the unreachable stream %d times, want at most once", pass, got)
				}
			}
			if got := f.ids(t, "EVENT"); len(got) != 1 || got[0] != fair.ID {
				t.Errorf("EVENT holds %v, want the fair's event %s", got, fair.ID)
			}

			tt.heal(t, f, js)
			testenv.Eventually(t, "the producers' events published", func() bool {
				_, err := r.Flush(f.ctx)
				return err == nil && len(f.ids(t, "EXHIBITOR")) == producers
			})
		})
	}
}
