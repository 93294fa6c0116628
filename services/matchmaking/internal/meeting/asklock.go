package meeting

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Asking for a meeting counts each side's committed meetings at the fair and then stores the new
// one: two asks at once could both count eleven and both store a twelfth. So an ask holds a lock
// on each side (buyer and producer) at the fair from the count to the write. Without
// transactions a lock is a document whose _id names the participant: taking it is an insert,
// which exactly one of two replicas wins on MongoDB and FerretDB alike; giving it back deletes
// it. A lock left by a process that stopped expires after askLockTTL (its holder renews it while
// it runs) and is then taken over (a delete of that holder's document, then the insert again).

// AskLocksCollection holds the locks of asks in progress, one document per participant and fair.
const AskLocksCollection = "meeting_ask_locks"

// askLockPoll is how often an ask waiting for a lock looks again.
const askLockPoll = 15 * time.Millisecond

// askLockTTL is how long a lock holds unless its holder renews it, which it does every third of
// that while it runs: an ask's count and write take milliseconds, but queued on a busy embedded
// database's one connection, or across a MongoDB election, they can take longer, and a lock
// taken over from a holder still running would let both count below the cap. askLockWait bounds
// how long an ask waits for other asks of the same participant. (Variables so that a test need
// not wait that long.)
var (
	askLockTTL  = 10 * time.Second
	askLockWait = 5 * time.Second
)

type askLockDocument struct {
	ID        string    `bson:"_id"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// lockAsks takes the ask locks of participants at fairID (in one order, so that two asks never
// hold one each and wait for the other), waiting up to askLockWait for asks in progress, and
// returns how to give them back; Unavailable when they stay taken.
func (s *Store) lockAsks(ctx context.Context, fairID string, participants []string, now func() time.Time) (unlock func(), err error) {
	holder := uuid.Must(uuid.NewV7()).String()
	ids := make([]string, 0, len(participants))
	for _, p := range slices.Sorted(slices.Values(participants)) {
		ids = append(ids, fairID+"/"+p)
	}
	ids = slices.Compact(ids)
	var held []string
	stop, stopped := make(chan struct{}), sync.Once{}
	unlock = func() {
		stopped.Do(func() { close(stop) })
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		for _, id := range held {
			_, _ = s.askLocks.DeleteOne(rctx, bson.M{"_id": id, "holder": holder})
		}
	}
	for _, id := range ids {
		if err := s.lockAsk(ctx, id, holder, now); err != nil {
			unlock()
			return nil, err
		}
		held = append(held, id)
	}
	go s.renewAskLocks(context.WithoutCancel(ctx), held, holder, now, askLockTTL, stop)
	return unlock, nil
}

// renewAskLocks moves the expiry of holder's locks ids to ttl ahead on every third of it until
// stop is closed: a lock expires only when its holder stopped running.
func (s *Store) renewAskLocks(ctx context.Context, ids []string, holder string, now func() time.Time, ttl time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			rctx, cancel := context.WithTimeout(ctx, ttl/3)
			_, _ = s.askLocks.UpdateMany(rctx, bson.M{"_id": bson.M{"$in": ids}, "holder": holder}, bson.M{"$set": bson.M{"expires_at": now().Add(ttl)}})
			cancel()
		}
	}
}

// lockAsk takes one lock for holder.
func (s *Store) lockAsk(ctx context.Context, id, holder string, now func() time.Time) error {
	deadline := time.Now().Add(askLockWait)
	for {
		if !time.Now().Before(deadline) {
			return apperr.New(apperr.Unavailable, msgAskBusy)
		}
		_, err := s.askLocks.InsertOne(ctx, askLockDocument{ID: id, Holder: holder, ExpiresAt: now().Add(askLockTTL)})
		if err == nil {
			return nil
		}
		if !storage.IsDuplicate(err) {
			return storage.MapError(err, "meeting request lock")
		}
		var d askLockDocument
		switch err := s.askLocks.FindOne(ctx, bson.M{"_id": id}).Decode(&d); {
		case storage.IsNotFound(err):
			continue // given back meanwhile: insert again
		case err != nil:
			return storage.MapError(err, "meeting request lock")
		case !now().Before(d.ExpiresAt):
			// Left by a process that stopped: remove that holder's lock (only it) and try again.
			if _, err := s.askLocks.DeleteOne(ctx, bson.M{"_id": id, "holder": d.Holder}); err != nil {
				return storage.MapError(err, "meeting request lock")
			}
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(askLockPoll):
		}
	}
}
