package index

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// streams are the streams the index folds, in the order it reads them.
func streams() []string { return []string{"EXHIBITOR", "EVENT"} }

// startInfo is where the index started from.
type startInfo struct {
	snapshot string
	gaps     []string
}

// Follow loads the newest snapshot from snaps (nil: none, replay everything), replays each stream
// from the sequence after the snapshot's, and follows the streams until ctx ends. It marks the
// index ready once both ordered consumers have delivered what the streams held when it started,
// and from then on writes a snapshot to snaps every snaps.Interval.
//
// When a stream no longer holds the events right after the snapshot (they aged out: no replica
// wrote a snapshot for longer than the streams keep events), the index folds what is left but never
// becomes ready and logs an error: it would otherwise rank with facts it silently lacks. Dropping
// the snapshot collection makes the next start take what the streams hold as the whole history.
// A snapshot ahead of a stream (the stream was recreated) is ignored. Follow returns an error only
// when a consumer cannot be started; it waits out NATS and database outages at start-up.
func (x *Index) Follow(ctx context.Context, js jetstream.JetStream, snaps *Snapshots, log *slog.Logger) error {
	infos, err := streamInfos(ctx, js, log)
	if err != nil {
		return nil // ctx ended
	}
	snap, err := startingSnapshot(ctx, snaps, infos, log)
	if err != nil {
		return nil // ctx ended
	}
	start, from := x.startFrom(snap, infos, log)

	// caughtUp closes once every stream has delivered what it held when its consumer started.
	caughtUp := make(chan struct{})
	var behind atomic.Int32
	behind.Store(int32(len(streams())))
	caught := func() {
		if behind.Add(-1) == 0 {
			close(caughtUp)
		}
	}
	var stops []func()
	defer func() {
		for _, s := range stops {
			s()
		}
	}()
	for _, name := range streams() {
		stop, err := x.consumeStream(ctx, js, name, from[name], caught, log)
		if stop == nil {
			return err // nil when ctx ended
		}
		stops = append(stops, stop)
	}
	var jobs sync.WaitGroup
	defer jobs.Wait()
	jobs.Add(1)
	go func() {
		defer jobs.Done()
		x.becomeReady(ctx, caughtUp, start, snaps, log)
	}()
	<-ctx.Done()
	return nil
}

// streamInfos reads the state of every followed stream, waiting out NATS outages; it fails only
// when ctx ends.
func streamInfos(ctx context.Context, js jetstream.JetStream, log *slog.Logger) (map[string]*jetstream.StreamInfo, error) {
	infos := map[string]*jetstream.StreamInfo{}
	for _, name := range streams() {
		info, err := retry(ctx, log, "stream "+name, func(ctx context.Context) (*jetstream.StreamInfo, error) {
			st, err := js.Stream(ctx, name)
			if err != nil {
				return nil, err
			}
			return st.Info(ctx)
		})
		if err != nil {
			return nil, err
		}
		infos[name] = info
	}
	return infos, nil
}

// startingSnapshot loads the newest snapshot from snaps, waiting out database outages. It returns
// nil when there is none, when snaps is nil, and when the snapshot is ahead of a stream (which
// must have been recreated); it fails only when ctx ends.
func startingSnapshot(ctx context.Context, snaps *Snapshots, infos map[string]*jetstream.StreamInfo, log *slog.Logger) (*snapshot, error) {
	if snaps == nil {
		return nil, nil
	}
	snap, err := retry(ctx, log, "load snapshot", func(ctx context.Context) (*snapshot, error) { return snaps.load(ctx, log) })
	if err != nil || snap == nil {
		return nil, err
	}
	for _, name := range streams() {
		if last := infos[name].State.LastSeq; snap.seqs[name] > last {
			log.Error("index: the snapshot is ahead of the stream, which must have been recreated; replaying the streams instead",
				"snapshot", snap.id, "stream", name, "snapshot_seq", snap.seqs[name], "stream_last_seq", last)
			return nil, nil
		}
	}
	return snap, nil
}

// startFrom restores snap (nil: start empty), records where the index started and which streams
// lost events after the snapshot, and returns that with the last sequence of each stream the
// index already holds.
func (x *Index) startFrom(snap *snapshot, infos map[string]*jetstream.StreamInfo, log *slog.Logger) (startInfo, map[string]uint64) {
	var start startInfo
	from := map[string]uint64{}
	if snap != nil {
		x.restore(snap.state, snap.seqs)
		start.snapshot = snap.id
		from = snap.seqs
	}
	for _, name := range streams() {
		first := infos[name].State.FirstSeq
		if from[name]+1 >= first {
			continue
		}
		if snap != nil {
			start.gaps = append(start.gaps, name)
			log.Error("index: events after the snapshot aged out of the stream; the index stays not ready (drop the index_snapshots collection to accept what the streams hold)",
				"stream", name, "snapshot", snap.id, "snapshot_seq", from[name], "stream_first_seq", first)
		} else {
			log.Warn("index: no snapshot, and the stream's oldest events aged out; the index holds what the stream keeps",
				"stream", name, "stream_first_seq", first)
		}
	}
	x.mu.Lock()
	x.start = start
	x.mu.Unlock()
	return start, from
}

// consumeStream follows stream name with an ordered consumer from the sequence after from (from
// its first message when from is 0), and calls caught once the consumer has delivered what the
// stream held when it started. It returns the consumer's stop, or a nil stop with a nil error
// when ctx ended first.
func (x *Index) consumeStream(ctx context.Context, js jetstream.JetStream, name string, from uint64, caught func(), log *slog.Logger) (func(), error) {
	cfg := jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy}
	if from > 0 {
		cfg = jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: from + 1}
	}
	cons, err := js.OrderedConsumer(ctx, name, cfg)
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("index: follow %s: %w", name, err)
	}
	info, err := cons.Info(ctx)
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("index: %s info: %w", name, err)
	}
	remaining := int64(info.NumPending)
	var once sync.Once
	if remaining == 0 {
		once.Do(caught)
	}
	var seen atomic.Int64
	cc, err := cons.Consume(func(m jetstream.Msg) {
		x.read.Add(1)
		x.take(m, name, log)
		if seen.Add(1) >= remaining {
			once.Do(caught)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("index: consume %s: %w", name, err)
	}
	return cc.Stop, nil
}

// becomeReady waits until the streams are caught up, then marks the index ready and writes
// snapshots until ctx ends. An index that started with a gap never becomes ready: writing a
// snapshot with the gap would hide it from the next start.
func (x *Index) becomeReady(ctx context.Context, caughtUp <-chan struct{}, start startInfo, snaps *Snapshots, log *slog.Logger) {
	select {
	case <-caughtUp:
	case <-ctx.Done():
	}
	if ctx.Err() != nil || len(start.gaps) > 0 {
		return
	}
	x.ready.Store(true)
	x.changes.Add(1)
	log.Info("matching index is ready", "stats", fmt.Sprintf("%+v", x.Stats()))
	if snaps != nil {
		snaps.run(ctx, x, log)
	}
}

// take folds one message; a malformed one is logged and skipped, moving the sequence on.
func (x *Index) take(m jetstream.Msg, stream string, log *slog.Logger) {
	meta, err := m.Metadata()
	if err != nil {
		log.Warn("index: message without metadata", "subject", m.Subject())
		return
	}
	seq := meta.Sequence.Stream
	skip := func() {
		x.mu.Lock()
		x.advance(stream, seq)
		x.mu.Unlock()
	}
	if !x.folded(m.Subject()) {
		skip()
		return
	}
	var env events.Envelope
	if err := json.Unmarshal(m.Data(), &env); err != nil || env.Validate() != nil {
		log.Warn("index: skipping malformed event", "subject", m.Subject(), "seq", seq)
		skip()
		return
	}
	if err := x.fold(env, stream, seq); err != nil {
		log.Warn("index: skipping event", "subject", m.Subject(), "seq", seq, "err", err)
	}
}

// retry calls fn until it succeeds or ctx ends, waiting 250 ms longer after each failure (at most
// 5 s) and logging every failure; it returns ctx's error when ctx ends first.
func retry[T any](ctx context.Context, log *slog.Logger, what string, fn func(context.Context) (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		v, err := fn(actx)
		cancel()
		if err == nil || ctx.Err() != nil {
			return v, ctx.Err()
		}
		log.Warn("index: "+what+" failed; retrying", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(min(time.Duration(attempt)*250*time.Millisecond, 5*time.Second)):
		}
	}
}

// describe names streams and sequences for logs, in a stable order.
func describe(seqs map[string]uint64) string {
	var parts []string
	for _, name := range streams() {
		parts = append(parts, fmt.Sprintf("%s:%d", name, seqs[name]))
	}
	return strings.Join(parts, " ")
}
