// Package testenv starts the real infrastructure for tests: an embedded nats-server with
// JetStream and an embedded FerretDB (or the MongoDB named by OCOPFAIR_TEST_MONGO_URI), each
// cleaned up when the test ends.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/google/uuid"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/ocopfair/ocopfair/dev/natsembed"
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

// SharedURI returns the URI of one database server that several clients reach over their own
// connections, as replicas of a service share its database: a new embedded FerretDB listening on
// a loopback port, or OCOPFAIR_TEST_MONGO_URI when it is set.
func SharedURI(tb testing.TB) string {
	tb.Helper()
	if uri := os.Getenv("OCOPFAIR_TEST_MONGO_URI"); uri != "" {
		return uri
	}
	f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite",
		SQLiteURL: "file:" + tb.TempDir() + "/", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("start ferretdb: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
	return f.MongoDBURI()
}

// SharedDBs opens n clients, each with its own connection, of one fresh database on SharedURI's
// server: what n replicas of a service see.
func SharedDBs(tb testing.TB, n int) []*storage.DB {
	tb.Helper()
	uri := SharedURI(tb)
	name := Name("test")
	dbs := make([]*storage.DB, n)
	for i := range dbs {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		db, err := storage.Open(ctx, storage.Config{URI: uri, Database: name})
		cancel()
		if err != nil {
			tb.Fatalf("open database: %v", err)
		}
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = db.Close(ctx)
		})
		dbs[i] = db
	}
	return dbs
}
