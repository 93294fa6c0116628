package httpbench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ocopfair/ocopfair/dev/localstack"
)

// Options configure a bench run.
type Options struct {
	// BinDir holds the service binaries; DataDir is a fresh directory for the stack's data.
	// Both are made absolute.
	BinDir, DataDir string
	Sizes           Sizes
	// Load is each read's rate, duration and timeout.
	Load      Load
	WriteRate float64
	// StaleN is how many writes of each kind the staleness phase times.
	StaleN int
	// Pause lets the services settle between runs, so that one read's backlog does not land on
	// the next.
	Pause time.Duration
	// VisibleTimeout bounds the wait for the seeded data to show in the reads.
	VisibleTimeout time.Duration
	Admin          Credentials
	// MetricsPorts, when set, open the services' metrics and profile listeners.
	MetricsPorts map[string]int
	// Log receives progress lines; ServiceLog the services' own output.
	Log, ServiceLog io.Writer
}

// Bench starts the local stack from the built binaries, loads the demo data, generates the
// bench data, and measures the reads alone, the reads with writes alongside, the staleness of
// writes and the services' memory. It fails only when the harness cannot do its work; missed
// targets are in the report.
func Bench(ctx context.Context, o Options) (*Report, error) {
	var err error
	if o.BinDir, err = filepath.Abs(o.BinDir); err != nil {
		return nil, err
	}
	if o.DataDir, err = filepath.Abs(o.DataDir); err != nil {
		return nil, err
	}
	rep := &Report{Sizes: o.Sizes, Load: o.Load, WriteRate: o.WriteRate, Targets: DefaultTargets}
	fmt.Fprintf(o.Log, "bench: starting the stack from %s, data in %s\n", o.BinDir, o.DataDir)
	stack, err := localstack.Start(ctx, localstack.Options{BinDir: o.BinDir, DataDir: o.DataDir, Host: "127.0.0.1",
		Env:  map[string]string{"OCOPFAIR_ADMIN_EMAIL": o.Admin.Email, "OCOPFAIR_ADMIN_PASSWORD": o.Admin.Password},
		Logs: o.ServiceLog, MetricsPorts: o.MetricsPorts})
	if err != nil {
		return nil, err
	}
	defer stack.Stop()
	base := stack.URL("gateway")
	if err := CheckLoopback(base); err != nil {
		return nil, err
	}
	transport := NewTransport(max(100, 4*int(o.Load.Rate)))
	defer transport.CloseIdleConnections()
	setup := Client{Base: base, HTTP: &http.Client{Transport: transport, Timeout: 5 * time.Minute}}
	data, err := seed(ctx, setup, o, rep)
	if err != nil {
		return nil, err
	}
	rep.MemorySeeded = Memories(localstack.Services, o.BinDir, o.DataDir)
	measure(ctx, &http.Client{Transport: transport}, base, data, o, rep)
	rep.MemoryLoaded = Memories(localstack.Services, o.BinDir, o.DataDir)
	return rep, ctx.Err()
}

// seed loads the demo, generates the bench data and waits until the reads show it.
func seed(ctx context.Context, c Client, o Options, rep *Report) (*Data, error) {
	start := time.Now()
	fmt.Fprintln(o.Log, "bench: loading the demo data")
	accounts, err := localstack.LoadDemo(ctx, c.Base, o.Admin.Email, o.Admin.Password)
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	rep.Demo = time.Since(start)
	var org Credentials
	for _, a := range accounts {
		if a.Role == "organiser" {
			org = Credentials{a.Email, a.Password}
		}
	}
	start = time.Now()
	data, err := Seed(ctx, c, SeedOptions{Sizes: o.Sizes, Admin: o.Admin, Organiser: org, Log: o.Log, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	rep.Seed, rep.SeedSteps = time.Since(start), data.Steps
	fmt.Fprintf(o.Log, "bench: seeded in %s; waiting for the data to show in the reads\n", rep.Seed.Round(time.Millisecond))
	if rep.Visible, err = WaitVisible(ctx, c, data, o.VisibleTimeout); err != nil {
		return nil, err
	}
	return data, nil
}

// measure runs the phases: each read alone, reads with writes, staleness.
func measure(ctx context.Context, client *http.Client, base string, d *Data, o Options, rep *Report) {
	l := o.Load
	for _, r := range Reads(d) {
		if ctx.Err() != nil {
			return
		}
		settle(ctx, client, base, r, o)
		fmt.Fprintf(o.Log, "bench: %s at %.0f/s for %s\n", r.Name, l.Rate, l.Duration)
		res := ReadResult{r, Run(ctx, client, l, r.Build(base), nil)}
		fmt.Fprintf(o.Log, "bench:   %d ok, %d failed, p99 %s\n", res.OK, res.Failed, ms(res.Percentile(0.99)))
		rep.Reads = append(rep.Reads, res)
	}
	pp := &pairs{d: d}
	var mixed []Read
	for _, r := range Reads(d) {
		if r.Name == "catalogue" || r.Name == "floor plan" {
			mixed = append(mixed, r)
		}
	}
	for _, r := range mixed {
		settle(ctx, client, base, r, o)
	}
	// The reads beside the writes share the target rate: on a 2-core machine that also runs the
	// load generator, two reads at the full rate each (2,000 proxied requests a second) keep both
	// cores ~90% busy before any write, and an open-loop queue at saturation only grows.
	ml := l
	ml.Rate, ml.MaxInFlight = l.Rate/float64(len(mixed)), 0
	fmt.Fprintf(o.Log, "bench: writes at %.0f/s with catalogue and floor plan at %.0f/s each\n", o.WriteRate, ml.Rate)
	rep.Mixed = RunMixed(ctx, client, base, d, pp, mixed, ml, o.WriteRate)
	settle(ctx, client, base, mixed[len(mixed)-1], o)
	fmt.Fprintf(o.Log, "bench: staleness, %d writes of each kind\n", o.StaleN)
	rep.Staleness = RunStaleness(ctx, d, pp, o.StaleN)
}

// settle pauses, then waits for the services to work through what the previous run left.
func settle(ctx context.Context, client *http.Client, base string, r Read, o Options) {
	_ = sleep(ctx, o.Pause)
	waited, quick := Settle(ctx, client, base, r, time.Second, time.Minute)
	if !quick {
		fmt.Fprintf(o.Log, "bench:   %s still did not answer within 1s after %s of waiting; measuring anyway\n", r.Name, waited.Round(time.Second))
	} else if waited > time.Second {
		fmt.Fprintf(o.Log, "bench:   the services took %s to settle\n", waited.Round(time.Millisecond))
	}
}

// FreshDataDir makes a new empty data directory under parent (the system's temporary directory
// when empty).
func FreshDataDir(parent string) (string, error) {
	return os.MkdirTemp(parent, "ocopfair-bench-")
}
