// Command ocopfair-apiclient regenerates the Go client in dev/apiclient (`make api-client`): it
// starts the whole system from the built binaries on loopback ports with a fresh data
// directory (or uses a running gateway given with -gateway), reads the gateway's merged OpenAPI
// document, and writes it and the client oapi-codegen generates from it.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/ocopfair/ocopfair/dev/apigen"
	"github.com/ocopfair/ocopfair/dev/localstack"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-apiclient:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, _ func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ocopfair-apiclient", flag.ContinueOnError)
	bin := fs.String("bin", "bin", "directory with the service binaries (make build)")
	out := fs.String("out", "apiclient", "directory of the client package")
	gateway := fs.String("gateway", "", "base URL of a running gateway to read the document from; empty starts the system")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base := *gateway
	if base == "" {
		data, err := os.MkdirTemp("", "ocopfair-apiclient-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(data)
		fmt.Fprintln(stdout, "ocopfair-apiclient: starting the system from", *bin)
		s, err := localstack.Start(ctx, localstack.Options{BinDir: *bin, DataDir: data,
			Env: map[string]string{"OCOPFAIR_LOG_LEVEL": "warn"}, Logs: stdout})
		if err != nil {
			return err
		}
		defer func() { _ = s.Stop() }()
		base = s.URL("gateway")
	}
	doc, err := apigen.Fetch(ctx, base)
	if err != nil {
		return err
	}
	files, err := apigen.Generate(doc)
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "ocopfair-apiclient: wrote", path)
	}
	return nil
}
