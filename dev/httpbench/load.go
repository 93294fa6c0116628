// Package httpbench measures the system's HTTP reads and writes through the gateway on the
// real local stack: it generates a fair's worth of data through the public API, drives each
// read at a constant rate with an open-loop load generator, runs writes alongside, measures how
// long a write takes to show in a read, and reads each service's memory.
package httpbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Load is one constant-rate run: Count requests, one every 1/Rate seconds.
type Load struct {
	Rate     float64
	Duration time.Duration
	// MaxInFlight caps the requests awaiting an answer; a request due while the cap is reached
	// is not sent and counts as a failure ("over in-flight cap"). 0 means four times Rate.
	MaxInFlight int
	// Timeout bounds each request; one that takes longer is a failure ("timeout").
	Timeout time.Duration
}

// Count is the number of requests the run schedules.
func (l Load) Count() int { return int(math.Round(l.Rate * l.Duration.Seconds())) }

// Offsets returns when each request is due, from the start of the run: request i at i/Rate.
func (l Load) Offsets() []time.Duration {
	n := l.Count()
	out := make([]time.Duration, n)
	for i := range n {
		out[i] = time.Duration(float64(i) / l.Rate * float64(time.Second))
	}
	return out
}

func (l Load) maxInFlight() int {
	if l.MaxInFlight > 0 {
		return l.MaxInFlight
	}
	return max(1, int(4*l.Rate))
}

// Build makes request i of a run.
type Build func(ctx context.Context, i int) (*http.Request, error)

// Check looks at a successful answer's body; an error makes the request a failure.
type Check func(i int, body []byte) error

// Result is what a run measured. Latency is from when a request was due, not from when it was
// sent, so a generator or a client that falls behind shows as latency instead of hiding it.
type Result struct {
	Load Load
	// Sent requests (Scheduled minus those over the in-flight cap).
	Scheduled, Sent, OK, Failed int
	// Failures counts failures by kind; Examples keeps the first message of each kind.
	Failures map[string]int
	Examples map[string]string
	// Latencies of the successful requests, sorted.
	Latencies []time.Duration
	// Elapsed runs from the start to the last answer.
	Elapsed time.Duration
	// Lag is the longest a request was sent after it was due: when it is large the generator
	// itself could not keep the schedule, and the figures say more about this machine.
	Lag time.Duration
}

// Throughput is successful answers per second over the run.
func (r Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.OK) / r.Elapsed.Seconds()
}

// Percentile returns the q-quantile (0 < q <= 1) of the successful latencies by nearest rank, or
// 0 when there are none.
func (r Result) Percentile(q float64) time.Duration { return Percentile(r.Latencies, q) }

// Max is the longest successful latency.
func (r Result) Max() time.Duration { return Percentile(r.Latencies, 1) }

// Percentile returns the q-quantile of sorted by nearest rank: the smallest value with at least
// q of the values at or below it.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// FailureKinds lists the failure kinds, most frequent first, with their first message.
func (r Result) FailureKinds() []string {
	kinds := make([]string, 0, len(r.Failures))
	for k := range r.Failures {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if r.Failures[kinds[i]] != r.Failures[kinds[j]] {
			return r.Failures[kinds[i]] > r.Failures[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}

// outcome is one request's result.
type outcome struct {
	latency time.Duration
	kind    string // empty on success
	message string
}

// Run sends l.Count() requests made by build at their due times, each on its own goroutine
// whether or not earlier ones have answered (open loop), and waits for the last answer. check,
// when not nil, vets each successful body. ctx ending stops the schedule; requests in flight
// end with it.
func Run(ctx context.Context, client *http.Client, l Load, build Build, check Check) Result {
	offsets := l.Offsets()
	res := Result{Load: l, Scheduled: len(offsets), Failures: map[string]int{}, Examples: map[string]string{}}
	outcomes := make(chan outcome, len(offsets))
	inFlight := make(chan struct{}, l.maxInFlight())
	var wg sync.WaitGroup
	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for i, off := range offsets {
		due := start.Add(off)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			outcomes <- outcome{kind: "cancelled", message: ctx.Err().Error()}
			continue
		}
		res.Lag = max(res.Lag, time.Since(due))
		select {
		case inFlight <- struct{}{}:
		default:
			outcomes <- outcome{kind: "over in-flight cap", message: fmt.Sprintf("%d requests awaiting an answer", cap(inFlight))}
			continue
		}
		res.Sent++
		wg.Go(func() {
			defer func() { <-inFlight }()
			outcomes <- send(ctx, client, l.Timeout, due, i, build, check)
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	close(outcomes)
	for o := range outcomes {
		if o.kind == "" {
			res.OK++
			res.Latencies = append(res.Latencies, o.latency)
			continue
		}
		res.Failed++
		res.Failures[o.kind]++
		if _, ok := res.Examples[o.kind]; !ok {
			res.Examples[o.kind] = o.message
		}
	}
	slices.Sort(res.Latencies)
	return res
}

// send makes and sends request i, due at due, and reads its answer to the end so that the
// connection goes back to the pool.
func send(ctx context.Context, client *http.Client, timeout time.Duration, due time.Time, i int, build Build, check Check) outcome {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, due.Add(timeout))
		defer cancel()
	}
	req, err := build(ctx, i)
	if err != nil {
		return outcome{kind: "build", message: err.Error()}
	}
	resp, err := client.Do(req)
	if err != nil {
		return failure(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return failure(err)
	}
	lat := time.Since(due)
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotModified {
		return outcome{kind: fmt.Sprintf("status %d", resp.StatusCode), message: clip(strings.TrimSpace(string(body)), 200)}
	}
	if check != nil {
		if err := check(i, body); err != nil {
			return outcome{kind: "wrong answer", message: err.Error()}
		}
	}
	return outcome{latency: lat}
}

// failure names the kind of a transport error.
func failure(err error) outcome {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return outcome{kind: "timeout", message: err.Error()}
	case errors.Is(err, context.Canceled):
		return outcome{kind: "cancelled", message: err.Error()}
	case strings.Contains(err.Error(), "connection refused"):
		return outcome{kind: "connection refused", message: err.Error()}
	case strings.Contains(err.Error(), "connection reset"):
		return outcome{kind: "connection reset", message: err.Error()}
	}
	return outcome{kind: "transport", message: err.Error()}
}
