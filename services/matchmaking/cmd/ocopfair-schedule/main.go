// Command ocopfair-schedule schedules B2B meetings: it reads a problem as JSON on standard input
// and writes the schedule as JSON on standard output.
//
//	ocopfair-schedule < problem.json > schedule.json
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/schedule"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-schedule:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(io.LimitReader(in, 64<<20))
	dec.DisallowUnknownFields()
	var p schedule.Problem
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("read problem: %w", err)
	}
	sol, err := schedule.Solve(ctx, p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(sol)
}
