package service

import (
	"context"
	"errors"
	"testing"
	"time"
)

// runEvery runs a job added with Every of period, whose rounds say their number (the second
// fails), until want rounds came, then stops the host and waits for the job to end.
func runEvery(t *testing.T, period time.Duration, want int) {
	t.Helper()
	h := quietHost(nil)
	rounds := make(chan int, 16)
	n := 0
	h.Every("a sweep", period, func(context.Context) (int, error) {
		n++
		rounds <- n
		if n == 2 {
			return 0, errors.New("the database went away")
		}
		return n, nil
	})
	if len(h.jobs) != 1 {
		t.Fatalf("Every added %d jobs, want 1", len(h.jobs))
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { h.jobs[0](ctx); close(stopped) }()
	for i := 1; i <= want; i++ {
		select {
		case got := <-rounds:
			if got != i {
				t.Fatalf("round %d, want %d", got, i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("every %v: round %d did not come", period, i)
		}
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the job did not stop with its context")
	}
}

// A job added with Every runs at start (not a period later), then every period, a failed round
// included, until the host stops.
func TestEveryRunsAtStartAndThenEachPeriod(t *testing.T) {
	runEvery(t, time.Hour, 1)
	runEvery(t, 10*time.Millisecond, 3)
}
