package outbox_test

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// commands counts the database commands a client sends, by name and collection, through the
// slow-command log at a threshold every command meets.
type commands struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *commands) Enabled(context.Context, slog.Level) bool { return true }
func (c *commands) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *commands) WithGroup(string) slog.Handler            { return c }
func (c *commands) Handle(_ context.Context, r slog.Record) error {
	var name, coll string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "command":
			name = a.Value.String()
		case "collection":
			coll = a.Value.String()
		}
		return true
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[name+" "+coll]++
	return nil
}

func (c *commands) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n
	c.n = map[string]int{}
	return n
}

// TestRelayPassCostOnOneConnection counts what a relay pass over one written document costs on
// the embedded database's single connection: every command waits for that one connection, so
// each saved here is latency saved for the writes queued behind it. No second look at the
// document after clearing its marker (the delete is atomic there), and no lookup of an event the
// relay published itself when the document is written again.
func TestRelayPassCostOnOneConnection(t *testing.T) {
	f := setup(t)
	count := &commands{n: map[string]int{}}
	db, err := storage.Open(f.ctx, storage.Config{Database: "cost", DataDir: t.TempDir(), SlowCommands: time.Nanosecond, SlowLog: slog.New(count)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	if err := db.EnsureIndexes(f.ctx, outbox.Indexes("producers")...); err != nil {
		t.Fatal(err)
	}
	f.db, f.coll = db, db.Collection("producers")
	r := outbox.NewRelay(f.js, db.Database, quiet, metrics.New("test"), time.Second, "producers")
	r.SingleConnection()
	if _, err := r.Flush(f.ctx); err != nil { // the first pass sweeps
		t.Fatal(err)
	}
	want := map[string]int{"find outbox_pending": 1, "find producers": 1, "find outbox_sent": 1, "insert outbox_sent": 1, "delete outbox_pending": 1}
	for write := 1; write <= 2; write++ {
		f.store(t, "p1", 1)
		count.take()
		if n, err := r.Flush(f.ctx); err != nil || n != 1 {
			t.Fatalf("write %d: pass published %d, %v; want 1", write, n, err)
		}
		if got := count.take(); !maps.Equal(got, want) {
			t.Errorf("write %d: the pass sent %v, want %v", write, got, want)
		}
	}
}
