package service

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Probe is the "healthcheck" subcommand of every service binary, for container health checks in
// images without a shell: it asks the local /readyz of the service listening on addr.
func Probe(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("healthcheck: bad address %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: not ready (%s)", resp.Status)
	}
	return nil
}

// IsProbe reports whether the command line asks for the health check.
func IsProbe(args []string) bool {
	return len(args) > 1 && strings.TrimLeft(args[1], "-") == "healthcheck"
}

// Serve is the end of every service's main: it answers the "healthcheck" subcommand; otherwise it
// listens on addr, builds the service, and runs it on the listener until ctx ends.
func Serve(ctx context.Context, args []string, addr string, build func() (func(context.Context, net.Listener) error, error)) error {
	if IsProbe(args) {
		return Probe(ctx, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	run, err := build()
	if err != nil {
		ln.Close()
		return err
	}
	return run(ctx, ln)
}
