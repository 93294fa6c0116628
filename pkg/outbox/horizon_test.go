package outbox_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

// errorLog counts the records logged at Error level.
type errorLog struct {
	mu     sync.Mutex
	errors []string
}

func (l *errorLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		l.mu.Lock()
		l.errors = append(l.errors, r.Message)
		l.mu.Unlock()
	}
	return nil
}

func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.errors)
}

// An application approved ten days after it was submitted: its document's array still holds the
// submission's events, published long ago, whose markers the pruner has since removed.
func TestOldEntriesWithPrunedMarkersAreNotReported(t *testing.T) {
	f := setup(t)
	var old []events.Envelope
	for range 3 {
		e := event(t, events.ProducerUpdated, "p1")
		e.OccurredAt = time.Now().Add(-outbox.SentRetention - 2*24*time.Hour)
		old = append(old, e)
	}
	f.storeIn(t, "producers", "p1", old...)
	fresh := event(t, events.ProducerUpdated, "p1")
	f.storeIn(t, "producers", "p1", fresh)

	logs := &errorLog{}
	r := outbox.NewRelay(f.js, f.db.Database, slog.New(logs), metrics.New("test"), time.Second, "producers")
	for pass := range 3 {
		n, err := r.Flush(f.ctx)
		if err != nil {
			t.Fatalf("Flush %d: %v", pass, err)
		}
		if want := map[int]int{0: 1}[pass]; n != want {
			t.Errorf("Flush %d published %d, want %d", pass, n, want)
		}
	}
	if got := f.ids(t, "EXHIBITOR"); len(got) != 1 || got[0] != fresh.ID {
		t.Errorf("EXHIBITOR holds %v, want the new event %s once", got, fresh.ID)
	}
	if n := logs.count(); n != 0 {
		t.Errorf("the relay logged %d errors (%v) for events that were published and whose markers were pruned", n, logs.errors)
	}
}

// An event this relay kept failing to publish until it aged past the horizon is reported, once,
// and the aggregate's later events then go on.
func TestEventStrandedByThisRelayIsReportedOnce(t *testing.T) {
	f := setup(t)
	// No stream captures the first event's subject; it reaches the horizon a moment from now.
	first := event(t, "nowhere.producer.updated", "p1")
	// 4 s: time for the first Flush to record its failed attempts (at least 0.5 s) on a slow machine.
	first.OccurredAt = time.Now().Add(-outbox.Horizon + 4*time.Second)
	second := event(t, events.ProducerUpdated, "p1")
	f.storeIn(t, "producers", "p1", first, second)

	logs := &errorLog{}
	r := outbox.NewRelay(f.js, f.db.Database, slog.New(logs), metrics.New("test"), time.Second, "producers")
	if _, err := r.Flush(f.ctx); err == nil {
		t.Fatal("Flush with no stream for the first event succeeded")
	}
	testenv.Eventually(t, "the aggregate's later event published", func() bool {
		_, _ = r.Flush(f.ctx)
		return len(f.ids(t, "EXHIBITOR")) == 1
	})
	for range 3 {
		if _, err := r.Flush(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := logs.count(); n != 1 {
		t.Errorf("the stranded event was reported %d times, want once", n)
	}
	if got := f.ids(t, "EXHIBITOR"); len(got) != 1 || got[0] != second.ID {
		t.Errorf("EXHIBITOR holds %v, want the later event %s once", got, second.ID)
	}
}
