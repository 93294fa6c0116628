package storage_test

import (
	"context"
	"log/slog"
	"time"

	"github.com/ocopfair/ocopfair/pkg/storage"
)

// A service prunes its bookkeeping on every replica, for as long as it runs.
func ExampleNewPruner() {
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.Config{URI: "mongodb://127.0.0.1:27017", Database: "ocopfair_example"})
	if err != nil {
		return
	}
	defer func() { _ = db.Close(ctx) }()
	p := storage.NewPruner(db, slog.Default(),
		storage.Retention{Collection: "processed_events", Field: "at", Keep: 40 * 24 * time.Hour},
		storage.Retention{Collection: "dead_letters", Field: "at", Keep: 90 * 24 * time.Hour})
	run, stop := context.WithCancel(ctx)
	defer stop()
	go p.Run(run)
}
