package index

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
)

// TestFollowReturnsWhenStoppedDuringReplay stops the index while its replay is held up: Follow must
// return (a shutdown must not wait for a replay that will never finish).
func TestFollowReturnsWhenStoppedDuringReplay(t *testing.T) {
	js := streamsWith(t, bus.Retention{MaxAge: bus.StreamMaxAge})
	// On the stream the index reads last, so that both its consumers run once reading starts; on
	// a subject it does not fold.
	last := streams()[len(streams())-1]
	if last != "EVENT" {
		t.Fatalf("the index reads %s last, want EVENT", last)
	}
	// Enough that the replay is still on when the test takes the lock below, even on a loaded
	// machine where the test may wait a while between seeing the first message and locking.
	// Published 1,000 at a time, each batch acknowledged before the next: on a loaded machine
	// 20,000 at once outran the client's limit of outstanding publishes ("stalled").
	for batch := range 20 {
		for i := range 1000 {
			if _, err := js.PublishAsync("event.test.noise", []byte(fmt.Sprintf(`{"n":%d}`, batch*1000+i))); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-js.PublishAsyncComplete():
		case <-time.After(30 * time.Second):
			t.Fatal("publishing timed out")
		}
	}
	x := New()
	db := testenv.DB(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- x.Follow(ctx, js, NewSnapshots(db), quiet) }()
	deadline := time.Now().Add(30 * time.Second)
	for x.read.Load() == 0 && time.Now().Before(deadline) {
		// spin: the replay is caught at its first messages
	}
	x.mu.RLock() // folding waits for the write lock: the replay stops here until Follow returns
	cancel()
	select {
	case err := <-done:
		x.mu.RUnlock()
		if err != nil {
			t.Errorf("Follow = %v, want nil after its context ended", err)
		}
	case <-time.After(10 * time.Second):
		x.mu.RUnlock()
		t.Fatal("Follow did not return within 10 s of its context ending during the replay")
	}
	if x.Ready(context.Background()) == nil {
		t.Error("Ready() = nil after a replay cut short")
	}
}
