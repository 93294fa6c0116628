// Command exhibitor serves OCOP producers, products, certificates and booth applications.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocopfair/ocopfair/services/exhibitor/internal/exhibitorapp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := exhibitorapp.Run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "exhibitor:", err)
		os.Exit(1)
	}
}
