// Command matchmaking serves buyers, sourcing requests, matches, meetings and B2B scheduling.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocopfair/ocopfair/services/matchmaking/internal/matchmakingapp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := matchmakingapp.Run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "matchmaking:", err)
		os.Exit(1)
	}
}
