// Package readmodel keeps an in-memory read model current from a JetStream stream. A service loads
// its model from the database (the record), then follows the stream so that other replicas' writes
// reach it; its own writes it applies at once after they are stored.
//
// # Usage
//
//	begin := time.Now()
//	model := load(ctx, db)                        // the database is the record
//	f := readmodel.New(js, readmodel.Config{
//		Stream:   "EVENT",
//		Subjects: events.FairSubjects,
//		Start:    begin.Add(-outbox.Lag),           // see Config.Start
//		Apply:    model.Apply,                      // newer-only: events arrive late and twice
//		Log:      log,
//	})
//	go f.Run(ctx)
//	...
//	ready := f.Ready()                             // for /readyz
//
// Apply is called one event at a time, in stream order, and must itself decide whether an event
// is newer than what the model holds (by revision, or assignment ID): the follower starts before
// the load finished and redelivers after a consumer is recreated, so it delivers some events twice
// and some the model already reflects; and an event whose Apply failed is applied again later,
// after events that came behind it.
package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// Config says what a Follower follows and what it calls.
type Config struct {
	// Stream is the JetStream stream to follow, such as "EVENT".
	Stream string
	// Subjects filter the stream; empty follows every subject.
	Subjects []string
	// Start is the stream time from which to deliver; zero delivers the whole stream. Pass the
	// moment the model's database load began less a margin (outbox.Lag): an event stored in the
	// database before the load can still be published by a relay afterwards, and the stream stamps
	// messages with the NATS server's clock, not the replica's.
	Start time.Time
	// Apply folds one event into the model. An error (a database that did not answer) holds the
	// event to be applied again, every RetryEvery for up to RetryFor, while later events go on;
	// a panic, or an error that trying again cannot help (a payload that does not decode:
	// events.ErrUndecodable; or one marked permanent, as bus.Permanent does), skips it: the model
	// is rebuilt from the database at the next start.
	Apply func(events.Envelope) error
	// Log receives skipped events and consumer failures; nil discards them.
	Log *slog.Logger
}

// Follower follows one stream with an ordered (ephemeral) consumer and calls Config.Apply for each
// event in stream order. Its methods are safe for concurrent use.
type Follower struct {
	js    jetstream.JetStream
	cfg   Config
	last  atomic.Uint64 // stream sequence of the last message handled
	ready chan struct{}
	once  sync.Once

	applyMu sync.Mutex // one Apply at a time: the follower's and the retries'
	held    []held     // events whose Apply failed, oldest first (see hold)
}

// New returns a Follower for cfg; it starts following when Run is called.
func New(js jetstream.JetStream, cfg Config) *Follower {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Follower{js: js, cfg: cfg, ready: make(chan struct{})}
}

// Ready reports whether the follower has delivered everything the stream held when following
// began (or later).
func (f *Follower) Ready() bool {
	select {
	case <-f.ready:
		return true
	default:
		return false
	}
}

// Caught returns a channel that is closed once the follower is ready.
func (f *Follower) Caught() <-chan struct{} { return f.ready }

// Wait blocks until the follower is ready or ctx ends; it returns ctx's error in the second case.
func (f *Follower) Wait(ctx context.Context) error {
	select {
	case <-f.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// LastSeq returns the stream sequence of the last message the follower handled (0: none yet).
func (f *Follower) LastSeq() uint64 { return f.last.Load() }

// Run follows the stream until ctx ends, then returns nil. It waits out NATS outages, and when its
// consumer is lost it creates a new one from the sequence after the last message it handled.
func (f *Follower) Run(ctx context.Context) error {
	target, ok := f.targetSeq(ctx)
	if !ok {
		return nil
	}
	go f.retryHeld(ctx)
	for attempt := 1; ctx.Err() == nil; attempt++ {
		err := f.consume(ctx, target)
		if ctx.Err() != nil {
			break
		}
		f.cfg.Log.Warn("readmodel: following stopped; starting a new consumer",
			"stream", f.cfg.Stream, "after_seq", f.last.Load(), "attempt", attempt, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			break
		}
	}
	return nil
}

// targetSeq reads the stream's last sequence, the point after which the follower is ready; it
// retries until it succeeds or ctx ends (ok false).
func (f *Follower) targetSeq(ctx context.Context) (uint64, bool) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		info, err := f.streamInfo(actx)
		cancel()
		if err == nil {
			return info.State.LastSeq, true
		}
		if ctx.Err() != nil {
			return 0, false
		}
		f.cfg.Log.Warn("readmodel: stream info failed; retrying", "stream", f.cfg.Stream, "attempt", attempt, "err", err)
		if !sleep(ctx, backoff(attempt)) {
			return 0, false
		}
	}
}

func (f *Follower) streamInfo(ctx context.Context) (*jetstream.StreamInfo, error) {
	s, err := f.js.Stream(ctx, f.cfg.Stream)
	if err != nil {
		return nil, err
	}
	return s.Info(ctx)
}

// consume creates an ordered consumer from where the follower stands and handles its messages
// until the consumer fails or ctx ends.
func (f *Follower) consume(ctx context.Context, target uint64) error {
	cfg := jetstream.OrderedConsumerConfig{FilterSubjects: f.cfg.Subjects, DeliverPolicy: jetstream.DeliverAllPolicy}
	if last := f.last.Load(); last > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, last+1
	} else if !f.cfg.Start.IsZero() {
		start := f.cfg.Start
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &start
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	cons, err := f.js.OrderedConsumer(cctx, f.cfg.Stream, cfg)
	if err == nil {
		var info *jetstream.ConsumerInfo
		if info, err = cons.Info(cctx); err == nil && (info.NumPending == 0 || f.last.Load() >= target) {
			f.markReady()
		}
	}
	cancel()
	if err != nil {
		return err
	}
	it, err := cons.Messages()
	if err != nil {
		return err
	}
	stopped := make(chan struct{})
	defer close(stopped)
	go func() {
		select {
		case <-ctx.Done():
			it.Stop()
		case <-stopped:
		}
	}()
	defer it.Stop()
	for {
		m, err := it.Next()
		if err != nil {
			return err
		}
		f.handle(m, target)
	}
}

// handle applies one message; a malformed one is logged and skipped, moving the sequence on.
func (f *Follower) handle(m jetstream.Msg, target uint64) {
	meta, err := m.Metadata()
	if err != nil {
		f.cfg.Log.Warn("readmodel: message without metadata", "stream", f.cfg.Stream, "subject", m.Subject())
		return
	}
	seq := meta.Sequence.Stream
	if seq <= f.last.Load() {
		return // redelivered after a consumer was recreated
	}
	var env events.Envelope
	if err := json.Unmarshal(m.Data(), &env); err != nil || env.Validate() != nil {
		f.cfg.Log.Warn("readmodel: skipping malformed event", "stream", f.cfg.Stream, "subject", m.Subject(), "seq", seq)
	} else {
		f.applyMu.Lock()
		if err := f.apply(env); hopeless(err) {
			f.cfg.Log.Warn("readmodel: skipping event", "stream", f.cfg.Stream, "subject", m.Subject(), "seq", seq, "err", err)
		} else if err != nil {
			f.hold(env, seq, err)
		}
		f.applyMu.Unlock()
	}
	f.last.Store(seq)
	if seq >= target || meta.NumPending == 0 {
		f.markReady()
	}
}

// apply calls Config.Apply, turning a panic into an error so that one bad event cannot stop the
// model from following.
func (f *Follower) apply(env events.Envelope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanicked
			f.cfg.Log.Error("readmodel: apply panicked", "type", env.Type, "id", env.ID, "panic", r)
		}
	}()
	return f.cfg.Apply(env)
}

// errPanicked is Apply's error when it panicked: trying again cannot help.
var errPanicked = errors.New("apply panicked")

// hopeless reports whether trying an Apply that failed with err again cannot help: it panicked,
// its payload does not decode (events.ErrUndecodable), or the error says it is permanent (as
// bus.Permanent's does, for a payload that decodes but is not valid).
func hopeless(err error) bool {
	var p interface{ Permanent() bool }
	return errors.Is(err, errPanicked) || errors.Is(err, events.ErrUndecodable) || errors.As(err, &p) && p.Permanent()
}

func (f *Follower) markReady() { f.once.Do(func() { close(f.ready) }) }

// backoff is the wait before the attempt-th retry: 250 ms longer each time, at most 5 s.
func backoff(attempt int) time.Duration {
	return min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)
}

// sleep waits d or until ctx ends; it reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
