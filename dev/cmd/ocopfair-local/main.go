// Command ocopfair-local starts the whole ocopfair system on this machine for `make run`: an
// embedded nats-server with JetStream under ./data/nats and each service as its own process with
// its own embedded FerretDB under ./data/<service>. Ctrl-C stops everything; data is kept.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ocopfair/ocopfair/dev/localstack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-local:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ocopfair-local", flag.ContinueOnError)
	bin := fs.String("bin", "bin", "directory with the service binaries")
	data := fs.String("data", "data", "data directory (kept between runs; `make clean-data` wipes it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	adminEmail := or(getenv("OCOPFAIR_ADMIN_EMAIL"), "admin@ocopfair.local")
	adminPassword := or(getenv("OCOPFAIR_ADMIN_PASSWORD"), "ocopfair-admin-local")
	fmt.Fprintln(stdout, "ocopfair: starting NATS and the services (first start takes a few seconds)...")
	// Metrics are served apart from the public ports, on loopback only.
	metrics := map[string]int{"gateway": 9080, "event": 9081, "exhibitor": 9082, "matchmaking": 9083}
	s, err := localstack.Start(ctx, localstack.Options{
		BinDir: *bin, DataDir: *data, NATSPort: 4222,
		Ports:        map[string]int{"gateway": 8080, "event": 8081, "exhibitor": 8082, "matchmaking": 8083},
		MetricsPorts: metrics,
		Env:          map[string]string{"OCOPFAIR_ADMIN_EMAIL": adminEmail, "OCOPFAIR_ADMIN_PASSWORD": adminPassword},
		Logs:         stdout,
	})
	if err != nil {
		return err
	}
	accounts := []localstack.DemoAccount{{Role: "admin", Email: adminEmail, Password: adminPassword}}
	marker := filepath.Join(*data, "demo-loaded")
	if _, err := os.Stat(marker); getenv("DEMO") != "0" && errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(stdout, "ocopfair: loading the demo dataset (DEMO=0 starts empty)...")
		demo, err := localstack.LoadDemo(ctx, s.URL("gateway"), adminEmail, adminPassword)
		if err != nil {
			fmt.Fprintln(stdout, "ocopfair: the demo dataset could not be loaded:", err)
		} else {
			accounts = demo
			_ = os.WriteFile(marker, []byte("the demo dataset was loaded into this data directory\n"), 0o644)
		}
	}
	fmt.Fprintf(stdout, `
ocopfair is running (data in %s):
  gateway      %s   (the API; sign in at /api/auth/login)
  API          %s/docs (reference), %s/openapi.json (the whole API, for client generators)
  event        %s/openapi.json
  exhibitor    %s/openapi.json
  matchmaking  %s/openapi.json
  NATS         %s
  metrics      http://127.0.0.1:%d/metrics (gateway), :%d, :%d, :%d (event, exhibitor, matchmaking; Prometheus)
Web console: %s
Accounts (demo data is labelled "dữ liệu mẫu"):
`, *data, s.URL("gateway"), s.URL("gateway"), s.URL("gateway"), s.URL("event"), s.URL("exhibitor"), s.URL("matchmaking"), s.NATSURL(),
		metrics["gateway"], metrics["event"], metrics["exhibitor"], metrics["matchmaking"], s.URL("gateway"))
	for _, a := range accounts {
		fmt.Fprintf(stdout, "  %-10s %s / %s\n", a.Role, a.Email, a.Password)
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(stdout, "ocopfair: stopping...")
	return s.Stop()
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
