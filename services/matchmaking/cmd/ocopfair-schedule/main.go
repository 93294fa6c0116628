// Command ocopfair-schedule schedules B2B meetings: it reads a problem as JSON on standard input
// and writes the schedule as JSON on standard output.
//
//	ocopfair-schedule < problem.json > schedule.json
//
// With -cnf N it solves nothing and writes the problem as a satisfiability formula in DIMACS
// form instead, satisfiable when some schedule has at most N breaks, to measure a day with
// other solvers (its comment lines name each meeting's variable per slot):
//
//	ocopfair-schedule -cnf 7 < problem.json > day.cnf
//
// With -long SEED it writes the long two-session day the tests and the bench generate from that
// seed, as a problem:
//
//	ocopfair-schedule -long 1 | ocopfair-schedule -cnf 6 > long1.cnf
package main

import (
	"context"
	"encoding/json"
	"flag"
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
	budget := flag.Int("cnf", -1, "write the problem as a DIMACS formula for at most this many breaks instead of solving it")
	long := flag.Uint64("long", 0, "write the generated long two-session day of this seed as a problem instead of solving one")
	flag.Parse()
	var err error
	switch {
	case *long > 0:
		err = writeProblem(os.Stdout, schedule.GenerateLong(*long))
	case *budget >= 0:
		err = runCNF(os.Stdin, os.Stdout, *budget)
	default:
		err = run(ctx, os.Stdin, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocopfair-schedule:", err)
		os.Exit(1)
	}
}

func read(in io.Reader) (schedule.Problem, error) {
	dec := json.NewDecoder(io.LimitReader(in, 64<<20))
	dec.DisallowUnknownFields()
	var p schedule.Problem
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("read problem: %w", err)
	}
	return p, nil
}

// writeProblem writes p as the JSON a run reads.
func writeProblem(out io.Writer, p schedule.Problem) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// runCNF writes the problem read from in as a formula for at most budget breaks.
func runCNF(in io.Reader, out io.Writer, budget int) error {
	p, err := read(in)
	if err != nil {
		return err
	}
	return schedule.WriteCNF(out, p, budget)
}

func run(ctx context.Context, in io.Reader, out io.Writer) error {
	p, err := read(in)
	if err != nil {
		return err
	}
	sol, err := schedule.Solve(ctx, p)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(sol)
}
