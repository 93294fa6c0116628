package live

import (
	"context"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// Relay fans NATS events out to the browsers connected to this gateway replica, each only the
// notices of its own scope. Profiles and fairs made while a stream is open join its scope from
// their own events.
type Relay struct {
	resolve  Resolver
	on       map[string]func(*Relay, events.Envelope)
	mu       sync.Mutex
	clients  map[*client]struct{}
	sub      []*nats.Subscription
	done     chan struct{}
	stopOnce sync.Once
	max      int // MaxStreams when 0 (tests lower it)
}

// NewRelay subscribes on nc to the subjects pages care about and to the profile and fair events
// that change a stream's scope (see handlers); resolve finds a stream's scope when it opens.
func NewRelay(nc *nats.Conn, resolve Resolver) (*Relay, error) {
	r := &Relay{resolve: resolve, on: handlersByEntity(), clients: map[*client]struct{}{}, done: make(chan struct{})}
	if err := r.subscribe(nc); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close stops the subscriptions and ends every open stream, so a shutdown need not wait for
// browsers to hang up.
func (r *Relay) Close() {
	r.stopOnce.Do(func() {
		close(r.done)
		for _, s := range r.sub {
			_ = s.Unsubscribe()
		}
	})
}

// MaxStreamsPerAccount is how many streams one account may hold open on a replica at once: a
// phone, a desktop and a few tabs each, not a script opening hundreds (each holds a connection,
// and its opening looks its scope up in a service).
const MaxStreamsPerAccount = 10

var errTooManyStreams = apperr.New(apperr.TooManyRequests, msgTooManyStreams, MaxStreamsPerAccount)

// MaxStreams is how many streams a replica holds open at once, all accounts together. Each holds
// a connection, a goroutine and its buffers (15–50 KB): 5,000 take at most a half of the
// gateway's 512 MiB, and the file descriptors stay well within the process's limit. Sign-ups
// allow 100 accounts an hour per address at 10 streams each, so without this, addresses enough
// opened streams until the gateway ran out of memory or files and every page failed; with it,
// the streams beyond wait (503 live_full, Retry-After) and the pages still work, only not live.
// Not per address: a fair's visitors share the venue's or their carrier's few addresses.
const MaxStreams = 5000

var errLiveFull = apperr.New(apperr.Unavailable, msgLiveFull)

// LiveFullRetry is the Retry-After of a stream refused for the replica being full.
const LiveFullRetry = 30 * time.Second

// full reports whether the replica holds as many streams as it may.
func (r *Relay) full() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.clients) >= r.maxStreams()
}

func (r *Relay) maxStreams() int {
	if r.max > 0 {
		return r.max
	}
	return MaxStreams
}

// join opens p's stream and looks up its scope. The stream listens before its scope is looked
// up, so an event that comes during the lookup (a profile claimed, a fair made) is kept and
// applied over what the lookup finds. leave closes the stream; a failed lookup closes it itself.
func (r *Relay) join(ctx context.Context, p auth.Principal) (cl *client, leave func(), err error) {
	// Its own names, not the results': a failed return sets those to nil before drop runs.
	joining := &client{account: p.AccountID, role: p.Role, ch: make(chan Notice, 32), resolving: true}
	r.mu.Lock()
	if len(r.clients) >= r.maxStreams() {
		r.mu.Unlock()
		return nil, nil, errLiveFull
	}
	open := 0
	for o := range r.clients {
		if o.account == p.AccountID {
			open++
		}
	}
	if open >= MaxStreamsPerAccount {
		r.mu.Unlock()
		return nil, nil, errTooManyStreams
	}
	r.clients[joining] = struct{}{}
	r.mu.Unlock()
	drop := func() {
		r.mu.Lock()
		delete(r.clients, joining)
		r.mu.Unlock()
	}
	// A lookup that fails, or panics, gives the stream's place back.
	joined := false
	defer func() {
		if !joined {
			drop()
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	scope, err := r.resolve(ctx, p)
	cancel()
	if err != nil {
		return nil, nil, err
	}
	joined = true
	r.mu.Lock()
	joining.settle(scope)
	r.mu.Unlock()
	return joining, drop, nil
}
