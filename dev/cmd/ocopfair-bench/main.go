// Command ocopfair-bench measures the HTTP reads and writes of issue 17 through the gateway on
// the real local stack: it starts the built services on loopback with a fresh data directory,
// loads the demo data, generates 2,000 producers, 10,000 products and a 500-booth fair through
// the public API, drives each hot read at a constant rate with an open-loop load generator,
// runs writes alongside, times how long a write takes to show in a read, and prints each
// service's memory. It exits non-zero only when it cannot measure; missed targets are marked ✘.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ocopfair/ocopfair/dev/httpbench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-bench:", err)
		os.Exit(1)
	}
}

// config is the command's settings, from flags and the environment.
type config struct {
	bin, data, logFile string
	keep, asJSON       bool
	opts               httpbench.Options
}

func parse(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("ocopfair-bench", flag.ContinueOnError)
	var c config
	short := fs.Bool("short", false, "smoke test: 3 s per read at 200/s, 100 producers, 500 products, a 100-booth fair")
	fs.StringVar(&c.bin, "bin", "../bin", "directory with the built service binaries (make build)")
	fs.StringVar(&c.data, "data", "", "parent of the fresh data directory (default: the system's temporary directory)")
	fs.BoolVar(&c.keep, "keep", false, "keep the data directory afterwards")
	fs.StringVar(&c.logFile, "log", "", "file for the services' output (default: services.log in the data directory)")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON instead of tables")
	rate := fs.Float64("rate", 1000, "requests per second of each read")
	dur := fs.Duration("duration", 30*time.Second, "how long each read runs")
	timeout := fs.Duration("timeout", 5*time.Second, "client timeout per request, from when it was due")
	writeRate := fs.Float64("write-rate", 20, "writes per second alongside the reads")
	staleN := fs.Int("stale-n", 50, "writes of each kind timed until visible")
	producers := fs.Int("producers", 2000, "producers generated")
	perProducer := fs.Int("products-per-producer", 5, "products per generated producer")
	booths := fs.Int("booths", 500, "booths of the bench fair (a multiple of 100: zones of 5 rows × 20)")
	pool := fs.Int("pool", 50, "producer accounts that claim their profiles and apply (the per-user reads rotate over them)")
	meetings := fs.Int("meetings", 20, "meetings scheduled for the pool's agendas")
	pause := fs.Duration("pause", 3*time.Second, "pause between runs")
	metricsBase := fs.Int("metrics-port", 0, "when set, the services serve /metrics and /debug/pprof/ on 127.0.0.1 from this port up (gateway, event, exhibitor, matchmaking)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *short {
		*rate, *dur, *producers, *booths, *pool, *meetings, *staleN = 200, 3*time.Second, 100, 100, 20, 5, 10
	}
	if *rate <= 0 || *dur <= 0 || *writeRate <= 0 || *producers < *pool || *pool < 1 || *booths < 100 || *booths%100 != 0 || *perProducer < 1 || *perProducer > 20 {
		return c, fmt.Errorf("rates and durations must be positive, -pool at least 1 and at most -producers, -booths a multiple of 100, -products-per-producer 1 to 20")
	}
	if *metricsBase > 0 {
		c.opts.MetricsPorts = map[string]int{}
		for i, name := range []string{"gateway", "event", "exhibitor", "matchmaking"} {
			c.opts.MetricsPorts[name] = *metricsBase + i
		}
	}
	writes := *writeRate*dur.Seconds() + float64(*staleN)
	c.opts = httpbench.Options{
		Sizes: httpbench.Sizes{Producers: *producers, ProductsPerProducer: *perProducer, BoothZones: *booths / 100, BoothRows: 5, BoothColumns: 20,
			Pool: *pool, WriteFairs: int(math.Ceil(writes/float64(*pool))) + 1, Meetings: *meetings},
		Load:         httpbench.Load{Rate: *rate, Duration: *dur, Timeout: *timeout},
		MetricsPorts: c.opts.MetricsPorts,
		WriteRate:    *writeRate, StaleN: *staleN, Pause: *pause, VisibleTimeout: 10 * time.Minute,
		Admin: httpbench.Credentials{Email: or(getenv("OCOPFAIR_ADMIN_EMAIL"), "admin@ocopfair.local"),
			Password: or(getenv("OCOPFAIR_ADMIN_PASSWORD"), "ocopfair-admin-local")},
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	c, err := parse(args, getenv)
	if err != nil {
		return err
	}
	dir, err := httpbench.FreshDataDir(c.data)
	if err != nil {
		return err
	}
	failed := true
	defer func() {
		// A failed run keeps its data and the services' output to look into.
		if !c.keep && !failed {
			os.RemoveAll(dir)
		}
	}()
	if c.logFile == "" {
		c.logFile = filepath.Join(dir, "services.log")
	}
	logs, err := os.Create(c.logFile)
	if err != nil {
		return err
	}
	defer logs.Close()
	c.opts.BinDir, c.opts.DataDir, c.opts.Log, c.opts.ServiceLog = c.bin, filepath.Join(dir, "data"), stdout, logs
	if c.asJSON {
		// Progress goes to stderr so that stdout is one JSON document.
		c.opts.Log = os.Stderr
	}
	start := time.Now()
	rep, err := httpbench.Bench(ctx, c.opts)
	if err != nil {
		return fmt.Errorf("%w (the services' output is in %s)", err, c.logFile)
	}
	failed = false
	if c.asJSON {
		return rep.WriteJSON(stdout)
	}
	rep.WriteText(stdout)
	fmt.Fprintf(stdout, "\nThe bench took %s.\n", time.Since(start).Round(time.Second))
	return nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
