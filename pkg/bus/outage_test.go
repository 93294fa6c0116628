package bus_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/metrics"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// cutProxy forwards TCP to target; while down it closes every connection.
type cutProxy struct {
	ln    net.Listener
	down  atomic.Bool
	mu    sync.Mutex
	conns []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if p.down.Load() || err != nil {
				_ = c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); _ = s.Close() }()
			go func() { _, _ = io.Copy(c, s); _ = c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
	p.mu.Unlock()
}

func (p *cutProxy) restore() { p.down.Store(false) }

// An event that arrives while the consumer's database is down for longer than its retries
// (and its dead letter cannot be stored either) is not let go: it is handled once the database
// is back. Before, the server stopped delivering it after MaxDeliver and it was lost.
func TestAnEventOutlastsADatabaseOutageLongerThanItsRetries(t *testing.T) {
	ctx := context.Background()
	js := streams(t)
	hostport := strings.TrimPrefix(testenv.SharedURI(t), "mongodb://")
	hostport = hostport[:strings.IndexAny(hostport, "/?")]
	p := newCutProxy(t, hostport)
	db, err := storage.Open(ctx, storage.Config{URI: "mongodb://" + p.ln.Addr().String() + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
		Database: testenv.Name("outage")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	b := &bus.Bus{JS: js, DB: db, Log: quiet, Metrics: metrics.New("test")}
	var calls atomic.Int32
	stop, err := b.Consume(ctx, bus.Consumer{Durable: "outage", Stream: "EXHIBITOR", Subjects: []string{events.ProducerRegistered},
		Handler: countEffect(db, &calls), MaxDeliver: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	p.cut()
	if err := bus.Publish(ctx, js, producerEvent(t, "during")); err != nil {
		t.Fatal(err)
	}
	// Three deliveries (0.2 s and 0.4 s apart, each failing within 0.3 s) and the failed dead
	// letter's are over well within 4 s.
	time.Sleep(4 * time.Second)
	p.restore()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := db.Collection("effects").CountDocuments(ctx, bson.M{"_id": "during"})
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			dead, _ := db.Collection(bus.DeadLetterCollection).CountDocuments(ctx, bson.M{})
			t.Fatalf("the event sent during the outage had no effect 30 s after it (dead letters: %d)", dead)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n, _ := db.Collection(bus.DeadLetterCollection).CountDocuments(ctx, bson.M{}); n != 0 {
		t.Errorf("%d dead letters for an event handled once the database was back", n)
	}
}

// A dead letter is handled again once its cause is mended: its effect is stored, the event is
// recorded as processed (a later redelivery has no second effect) and the dead letter goes. A
// replay that fails again keeps it and says why.
func TestADeadLetterIsReplayedOnceItsCauseIsMended(t *testing.T) {
	ctx, js, b := setup(t)
	var mended atomic.Bool
	var calls atomic.Int32
	effect := countEffect(b.DB, &calls)
	c := bus.Consumer{Durable: "replay", Stream: "EXHIBITOR", Subjects: []string{events.ProducerRegistered},
		Handler: func(ctx context.Context, env events.Envelope) error {
			if !mended.Load() {
				return bus.Permanent(errors.New("unknown province"))
			}
			return effect(ctx, env)
		}}
	stop, err := b.Consume(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := bus.Publish(ctx, js, producerEvent(t, "p1")); err != nil {
		t.Fatal(err)
	}
	var dls []bus.DeadLetter
	waitFor(t, "the dead letter", func() bool { dls, _ = bus.ListDeadLetters(ctx, b.DB, 10, ""); return len(dls) == 1 })
	consumers := []bus.Consumer{{Durable: "other"}, c}
	if err := b.Replay(ctx, consumers, dls[0].ID); !apperr.Is(err, apperr.Conflict) || !strings.Contains(err.Error(), "unknown province") {
		t.Fatalf("replay before the mend = %v, want a conflict saying why", err)
	}
	if left, _ := bus.ListDeadLetters(ctx, b.DB, 10, ""); len(left) != 1 {
		t.Fatalf("a failed replay left %d dead letters, want the one kept", len(left))
	}
	if err := b.Replay(ctx, consumers[:1], dls[0].ID); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("replay for a consumer not run = %v, want a conflict", err)
	}
	mended.Store(true)
	if err := b.Replay(ctx, consumers, dls[0].ID); err != nil {
		t.Fatalf("replay after the mend: %v", err)
	}
	if n, _ := b.DB.Collection("effects").CountDocuments(ctx, bson.M{"_id": "p1", "n": 1}); n != 1 {
		t.Errorf("the replayed event's effect is not stored once")
	}
	if left, _ := bus.ListDeadLetters(ctx, b.DB, 10, ""); len(left) != 0 {
		t.Errorf("%d dead letters after a replay that went through, want 0", len(left))
	}
	if err := b.Replay(ctx, consumers, dls[0].ID); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("a second replay = %v, want not found", err)
	}
	// The event again (a late redelivery) has no second effect.
	if err := bus.PublishRaw(ctx, js, events.ProducerRegistered, "again", "corr-p1", 1, []byte(dls[0].Data)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the repeat settled", func() bool { return settled(t, js, "replay") })
	if calls.Load() != 1 {
		t.Errorf("handler ran %d times, want once", calls.Load())
	}
}
