package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/readmodel"
)

var quiet = slog.New(slog.DiscardHandler)

// stream starts an embedded NATS with the services' streams and returns its JetStream context.
func stream(t *testing.T) jetstream.JetStream {
	t.Helper()
	_, url := testenv.NATS(t)
	nc, js, err := bus.Connect(context.Background(), url, "test", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	if err := bus.EnsureStreams(context.Background(), js, 1); err != nil {
		t.Fatal(err)
	}
	return js
}

// publish publishes n fair events whose aggregate IDs are prefix-0 ... prefix-(n-1).
func publish(t *testing.T, js jetstream.JetStream, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s-%d", prefix, i)
		env, err := events.New(events.FairUpdated, 1, id, "", map[string]int{"n": i})
		if err != nil {
			t.Fatal(err)
		}
		if err := bus.Publish(context.Background(), js, env); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// recorder is a model that records the aggregate IDs it was given, in order.
type recorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *recorder) apply(env events.Envelope) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, env.AggregateID)
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.ids)
}

// follow runs a follower of the EVENT stream's fair subjects until the test ends.
func follow(t *testing.T, js jetstream.JetStream, start time.Time, apply func(events.Envelope) error) *readmodel.Follower {
	t.Helper()
	f := readmodel.New(js, readmodel.Config{Stream: "EVENT", Subjects: events.FairSubjects, Start: start, Apply: apply, Log: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return f
}

func TestFollowerAppliesInOrderAndIsReadyOnlyOnceCaughtUp(t *testing.T) {
	js := stream(t)
	want := publish(t, js, "before", 300)
	var r recorder
	f := follow(t, js, time.Time{}, r.apply)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := f.Wait(ctx); err != nil {
		t.Fatalf("Wait() = %v, want ready", err)
	}
	if got := r.got(); len(got) < len(want) {
		t.Fatalf("ready after %d of the %d events the stream held", len(got), len(want))
	}
	want = append(want, publish(t, js, "after", 20)...)
	testenv.Eventually(t, "the later events applied", func() bool { return len(r.got()) >= len(want) })
	if diff := cmp.Diff(want, r.got()); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if !f.Ready() {
		t.Error("Ready() = false after Wait returned")
	}
}

func TestFollowerStartsAtItsStartTime(t *testing.T) {
	js := stream(t)
	publish(t, js, "old", 5)
	s, err := js.Stream(context.Background(), "EVENT")
	if err != nil {
		t.Fatal(err)
	}
	last, err := s.GetLastMsgForSubject(context.Background(), events.FairUpdated)
	if err != nil {
		t.Fatal(err)
	}
	// Newer messages are stamped later than the old ones by the server's clock.
	testenv.Eventually(t, "the server clock to move past the old events", func() bool {
		return time.Since(last.Time) > time.Millisecond
	})
	want := publish(t, js, "new", 5)
	var r recorder
	f := follow(t, js, last.Time.Add(time.Nanosecond), r.apply)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := f.Wait(ctx); err != nil {
		t.Fatalf("Wait() = %v, want ready", err)
	}
	if diff := cmp.Diff(want, r.got()); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
}

func TestFollowerIsReadyAtOnceWhenNothingIsPending(t *testing.T) {
	js := stream(t)
	publish(t, js, "old", 3)
	var r recorder
	f := follow(t, js, time.Now().Add(time.Hour), r.apply)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := f.Wait(ctx); err != nil {
		t.Fatalf("Wait() = %v, want ready with nothing to deliver", err)
	}
	if got := r.got(); len(got) != 0 {
		t.Errorf("applied %v, want nothing before the start time", got)
	}
}

func TestFollowerRecreatesItsConsumerAfterLosingIt(t *testing.T) {
	js := stream(t)
	want := publish(t, js, "first", 5)
	var r recorder
	f := follow(t, js, time.Time{}, r.apply)
	testenv.Eventually(t, "the first events applied", func() bool { return len(r.got()) == len(want) })
	s, err := js.Stream(context.Background(), "EVENT")
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for name := range s.ConsumerNames(context.Background()).Name() {
		if err := s.DeleteConsumer(context.Background(), name); err != nil {
			t.Fatal(err)
		}
		deleted++
	}
	if deleted == 0 {
		t.Fatal("no consumer to delete")
	}
	want = append(want, publish(t, js, "second", 5)...)
	testenv.Eventually(t, "the events after the loss applied", func() bool { return len(r.got()) >= len(want) })
	if diff := cmp.Diff(want, r.got()); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	if f.LastSeq() == 0 {
		t.Error("LastSeq() = 0 after applying events")
	}
}

func TestFollowerSkipsMalformedEvents(t *testing.T) {
	js := stream(t)
	want := publish(t, js, "a", 2)
	ctx := context.Background()
	if err := bus.PublishRaw(ctx, js, events.FairUpdated, "bad-json", "", 1, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if err := bus.PublishRaw(ctx, js, events.FairUpdated, "no-id", "", 1, []byte(`{"type":"event.fair.updated"}`)); err != nil {
		t.Fatal(err)
	}
	want = append(want, publish(t, js, "b", 2)...)
	var r recorder
	panicky := func(env events.Envelope) error {
		if env.AggregateID == "b-0" {
			panic("a model that cannot take this event")
		}
		return r.apply(env)
	}
	want = slices.DeleteFunc(want, func(id string) bool { return id == "b-0" })
	f := follow(t, js, time.Time{}, panicky)
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := f.Wait(wctx); err != nil {
		t.Fatalf("Wait() = %v, want ready", err)
	}
	if diff := cmp.Diff(want, r.got()); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
}

// An event whose Apply fails (the database did not answer) is applied again once it can be,
// while the events behind it go on: before, it was skipped and the model lacked it until the
// next start.
func TestFollowerAppliesAgainAnEventThatFailed(t *testing.T) {
	js := stream(t)
	var r recorder
	var down sync.Mutex
	failing := true
	flaky := func(env events.Envelope) error {
		down.Lock()
		defer down.Unlock()
		if env.AggregateID == "x-1" && failing || strings.HasPrefix(env.AggregateID, "never-") {
			return fmt.Errorf("database did not answer")
		}
		if env.AggregateID == "hopeless-0" {
			var n int
			return env.Decode(&n) // a fair's payload is no number
		}
		if env.AggregateID == "hopeless-1" {
			return bus.Permanent(errors.New("a payload that decodes but is not valid"))
		}
		return r.apply(env)
	}
	f := follow(t, js, time.Time{}, flaky)
	// Three events that can never be applied, ahead of it, do not keep it waiting.
	publish(t, js, "never", 3)
	// Nor do those whose Apply says trying again cannot help: they are not held at all.
	publish(t, js, "hopeless", 2)
	publish(t, js, "x", 3)
	testenv.Eventually(t, "the events behind the failed one", func() bool { return slices.Equal(r.got(), []string{"x-0", "x-2"}) })
	if f.Held() != 4 {
		t.Errorf("%d events held, want the four that failed", f.Held())
	}
	time.Sleep(readmodel.RetryEvery + 500*time.Millisecond)
	if got := r.got(); len(got) != 2 {
		t.Fatalf("applied %v while the database is still down", got)
	}
	down.Lock()
	failing = false
	down.Unlock()
	// The three that can never be applied fail at once and do not hold it up: the next round
	// applies it, not one round for each of them.
	for deadline := time.Now().Add(2*readmodel.RetryEvery + time.Second); !slices.Equal(r.got(), []string{"x-0", "x-2", "x-1"}); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the failed event not applied within two rounds once it can be: %v", r.got())
		}
	}
	if f.Held() != 3 {
		t.Errorf("%d events still held, want those that can never be applied", f.Held())
	}
}
