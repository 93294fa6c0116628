// Package testenv starts the real infrastructure for tests: an embedded nats-server with
// JetStream and an embedded FerretDB (or the MongoDB named by OCOPFAIR_TEST_MONGO_URI), each
// cleaned up when the test ends.
package testenv

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/ocopfair/ocopfair/pkg/natsembed"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// NATS starts an embedded nats-server with JetStream on a free loopback port and returns it with
// its client URL.
func NATS(tb testing.TB) (*server.Server, string) {
	tb.Helper()
	s, err := natsembed.Start(natsembed.Options{Port: -1, StoreDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("start nats: %v", err)
	}
	tb.Cleanup(s.Shutdown)
	return s, s.ClientURL()
}

// DB opens a fresh database: a new embedded FerretDB in a temporary directory, or a new database
// on OCOPFAIR_TEST_MONGO_URI when it is set (to run the same tests against MongoDB).
func DB(tb testing.TB) *storage.DB {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := storage.Config{
		URI:      os.Getenv("OCOPFAIR_TEST_MONGO_URI"),
		Database: "test_" + strings.ReplaceAll(uuid.NewString()[:13], "-", ""),
		DataDir:  tb.TempDir(),
	}
	db, err := storage.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if !db.Embedded {
			_ = db.Drop(ctx)
		}
		if err := db.Close(ctx); err != nil {
			tb.Logf("close database: %v", err)
		}
	})
	return db
}

// Name returns a name unique to this test run, for durable consumers and databases.
func Name(prefix string) string {
	return fmt.Sprintf("%s_%s", prefix, strings.ReplaceAll(uuid.NewString()[:8], "-", ""))
}
