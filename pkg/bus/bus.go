// Package bus connects services to NATS JetStream: it creates the streams, publishes envelopes
// with their event ID as Nats-Msg-Id, and runs durable pull consumers that ack only after the
// handler's effect is stored, retry transient failures with a growing delay, terminate poison
// messages into a dead-letter collection, and skip events a consumer has already handled.
package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/pkg/events"
)

// DuplicateWindow is how long a stream remembers message IDs to drop republished events.
const DuplicateWindow = 10 * time.Minute

// Connect connects to NATS with endless reconnects and returns the connection and its JetStream
// context. name identifies the client in the server's monitoring.
func Connect(ctx context.Context, url, name string, log *slog.Logger) (*nats.Conn, jetstream.JetStream, error) {
	nc, err := nats.Connect(url,
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500*time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) { log.Info("nats reconnected", "url", c.ConnectedUrl()) }),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("bus: connect %s: %w", url, err)
	}
	// RetryOnFailedConnect returns at once; wait for the first connection.
	for !nc.IsConnected() {
		select {
		case <-ctx.Done():
			nc.Close()
			return nil, nil, fmt.Errorf("bus: connect %s: %w", url, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	return nc, js, nil
}

// StreamMaxAge is how long a stream keeps an event. Everything that must survive longer lives in
// the services' databases: aggregates, read models, and the matchmaking index's snapshots (written
// hourly, so a replica restarts from one and replays at most the hour since). Whatever is kept
// per event to recognise a redelivery (processed_events) need not outlive this age, because no
// message older than it can be delivered again.
const StreamMaxAge = 30 * 24 * time.Hour

// Retention bounds what a stream keeps. Zero fields mean no limit of that kind.
type Retention struct {
	// MaxAge is how long a message is kept. An age shorter than DuplicateWindow (tests only)
	// shrinks the duplicate window to it, as the server requires.
	MaxAge time.Duration
	// MaxBytes and MaxMsgs cap a stream's size; the oldest messages are discarded first.
	MaxBytes int64
	MaxMsgs  int64
}

// EnsureStreams creates or updates the streams of all services with the given number of replicas
// (1 locally, 3 on a production cluster), keeping events for StreamMaxAge. There is no size cap:
// it would discard events younger than what consumers rely on after a burst (and NATS reserves
// MaxBytes on every server at creation), while the age limit bounds a stream by 30 days of
// traffic. A stream that already has the wanted shape is left alone, so a replica starting while a
// cluster node is down does not wait on a configuration update; transient errors are retried until
// ctx ends.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, replicas int) error {
	return EnsureStreamsWith(ctx, js, replicas, Retention{MaxAge: StreamMaxAge})
}

// EnsureStreamsAs is EnsureStreams as a service's NATS user may do it in production
// (deploy/nats/cluster.conf): it creates or updates its own stream, and creates the other
// services' streams that are missing (whichever service starts first) but leaves one that exists
// as its owner made it. A service may update no other service's stream: its password leaked, a
// new age or size limit would otherwise wipe another service's events.
func EnsureStreamsAs(ctx context.Context, js jetstream.JetStream, service string, replicas int) error {
	return ensureStreams(ctx, js, replicas, Retention{MaxAge: StreamMaxAge}, strings.ToUpper(service))
}

// EnsureStreamsWith is EnsureStreams with a given retention: existing streams whose limits differ
// are updated to it (messages beyond the new limits are discarded by the server). It returns an
// error when a limit is negative, or when ctx ends before every stream has its shape.
func EnsureStreamsWith(ctx context.Context, js jetstream.JetStream, replicas int, r Retention) error {
	return ensureStreams(ctx, js, replicas, r, "")
}

// ensureStreams gives the streams their shape: all of them when owner is "", otherwise the
// stream named owner, the others only created when missing.
func ensureStreams(ctx context.Context, js jetstream.JetStream, replicas int, r Retention, owner string) error {
	if replicas < 1 {
		replicas = 1
	}
	if r.MaxAge < 0 || r.MaxBytes < 0 || r.MaxMsgs < 0 {
		return errors.New("bus: retention limits must not be negative")
	}
	dup := DuplicateWindow
	if r.MaxAge > 0 && r.MaxAge < dup {
		// The server refuses a duplicate window longer than the age limit; only tests use such
		// short ages.
		dup = r.MaxAge
	}
	for _, s := range events.Streams {
		want := jetstream.StreamConfig{
			Name:       s.Name,
			Subjects:   s.Subjects,
			Storage:    jetstream.FileStorage,
			Retention:  jetstream.LimitsPolicy,
			Replicas:   replicas,
			Duplicates: dup,
			Discard:    jetstream.DiscardOld,
			MaxAge:     r.MaxAge,
			MaxBytes:   limit(r.MaxBytes),
			MaxMsgs:    limit(r.MaxMsgs),
		}
		ensure := ensureStream
		if owner != "" && s.Name != owner {
			ensure = createMissing
		}
		if err := Retry(ctx, func(ctx context.Context) error { return ensure(ctx, js, want) }); err != nil {
			return fmt.Errorf("bus: stream %s: %w", s.Name, err)
		}
	}
	return nil
}

// limit turns "no limit" into the server's -1, which is what it reports back for an unset limit.
func limit(n int64) int64 {
	if n == 0 {
		return -1
	}
	return n
}

// Retry runs fn, each attempt given at most 5 s, until it succeeds or ctx ends, and returns the
// last attempt's error. A JetStream request made while the cluster elects a stream's leader (a
// node restarting) gets no answer; a later attempt does.
func Retry(ctx context.Context, fn func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		try, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := fn(try)
		cancel()
		if err == nil || !pause(ctx, attempt) {
			return err
		}
	}
}

// pause waits before the retry that follows attempt (250 ms longer each time, at most 2 s) and
// reports false, at once, when ctx ends first.
func pause(ctx context.Context, attempt int) bool {
	if ctx.Err() != nil {
		return false
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(min(time.Duration(attempt+1)*250*time.Millisecond, 2*time.Second)):
		return true
	}
}

func ensureStream(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) error {
	if st, err := js.Stream(ctx, want.Name); err == nil {
		have := st.CachedInfo().Config
		if have.Replicas == want.Replicas && slices.Equal(have.Subjects, want.Subjects) && have.Duplicates == want.Duplicates &&
			have.MaxAge == want.MaxAge && have.MaxBytes == want.MaxBytes && have.MaxMsgs == want.MaxMsgs && have.Discard == want.Discard {
			return nil
		}
	}
	_, err := js.CreateOrUpdateStream(ctx, want)
	return err
}

// createMissing creates stream want when there is none; one that exists, whatever its shape, is
// left as its owner made it.
func createMissing(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) error {
	_, err := js.Stream(ctx, want.Name)
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return err
	}
	if _, err = js.CreateStream(ctx, want); errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return nil // created meanwhile by another service, in its owner's shape
	}
	return err
}

// Publish publishes one encoded envelope to its subject with its ID as Nats-Msg-Id and waits for
// the stream's acknowledgement. A republished ID within the duplicate window is acknowledged as a
// duplicate and stored once.
func Publish(ctx context.Context, js jetstream.JetStream, env events.Envelope) error {
	data, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("bus: encode %s: %w", env.ID, err)
	}
	return PublishRaw(ctx, js, env.Type, env.ID, env.CorrelationID, env.Version, data)
}

// PublishRaw publishes data already encoded as an envelope.
func PublishRaw(ctx context.Context, js jetstream.JetStream, subject, id, correlationID string, version int, data []byte) error {
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(events.HeaderEventType, subject)
	msg.Header.Set(events.HeaderEventVersion, strconv.Itoa(version))
	if correlationID != "" {
		msg.Header.Set(events.HeaderCorrelationID, correlationID)
	}
	if _, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("bus: publish %s %s: %w", subject, id, err)
	}
	return nil
}

// permanent marks an error that redelivery cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent says so to those that do not import bus (a read model's follower skips such an event).
func (p permanent) Permanent() bool { return true }

// Permanent wraps err so that the consumer terminates the message and records it as a dead letter
// instead of retrying it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Decode returns env's payload as T, checked by its Validate; a payload that does not decode or
// is not valid is a Permanent error, as retrying it cannot help.
func Decode[T any, P interface {
	*T
	Validate() error
}](env events.Envelope) (T, error) {
	var pl T
	if err := env.Decode(&pl); err != nil {
		return pl, Permanent(err)
	}
	return pl, Permanent(P(&pl).Validate())
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
