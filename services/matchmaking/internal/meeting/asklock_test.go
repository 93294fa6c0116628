package meeting

import (
	"sync"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Twenty asks of one buyer at once, spread over two replicas sharing the database, give the
// buyer exactly its cap of active meetings: the others are refused with the cap's conflict.
func TestAsksAtOnceKeepTheCap(t *testing.T) {
	x := newAgendaFixture(t, 20, 1)
	x.svc.Cap = 3
	// The asks wait for one another in turn: on a loaded machine (the race detector, other tests
	// beside) twenty of them take longer than a phone's wait, which is not what this is about.
	defer func(w time.Duration) { askLockWait = w }(askLockWait)
	askLockWait = time.Minute
	other := &Service{Store: NewStore(x.sdb), Buyers: x.svc.Buyers, Index: x.svc.Index, Notify: func() {}, Now: time.Now, Cap: 3}
	b := x.buyers[0]
	errs := make([]error, 20)
	var wg sync.WaitGroup
	for i := range errs {
		svc := x.svc
		if i%2 == 1 {
			svc = other
		}
		wg.Go(func() {
			_, errs[i] = svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p" + itoa(i+1)})
		})
	}
	wg.Wait()
	made := 0
	for i, err := range errs {
		switch {
		case err == nil:
			made++
		case !apperr.Is(err, apperr.Conflict):
			t.Errorf("ask %d: %v, want a meeting or the cap's conflict", i, err)
		}
	}
	n, err := x.svc.Store.CountActive(x.db, "f1", "buyer_id", b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if made != 3 || n != 3 {
		t.Errorf("%d asks made a meeting and the buyer has %d active, want 3 and 3 (the cap)", made, n)
	}
}

// An ask waits for another ask of the same participant, gives up with Unavailable when that one
// holds on, and takes over a lock whose holder stopped without giving it back.
func TestAskLocksWaitAndExpire(t *testing.T) {
	x := newAgendaFixture(t, 2, 1)
	defer func(w time.Duration) { askLockWait = w }(askLockWait)
	askLockWait = 200 * time.Millisecond
	b := x.buyers[0]
	now := time.Now()
	if _, err := x.svc.Store.askLocks.InsertOne(x.db, askLockDocument{ID: "f1/" + b.ID, Holder: "another ask", ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p01"}); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("an ask while another of the buyer's holds on: %v, want Unavailable", err)
	}
	if _, err := x.svc.Store.askLocks.UpdateOne(x.db, map[string]any{"_id": "f1/" + b.ID}, map[string]any{"$set": map[string]any{"expires_at": now.Add(-time.Second)}}); err != nil {
		t.Fatal(err)
	}
	askLockWait = 10 * time.Second // taking over does not wait: time for a slow machine to do it
	if _, err := x.svc.Ask(x.db, x.fair, b.AccountID, Ask{BuyerID: b.ID, ProducerID: "p01"}); err != nil {
		t.Errorf("an ask after the other's lock expired: %v, want the meeting", err)
	}
	if n, err := x.svc.Store.askLocks.CountDocuments(x.db, map[string]any{}); err != nil || n != 0 {
		t.Errorf("%d locks left (%v), want none: an ask gives its locks back", n, err)
	}
}

// A lock held longer than its lifetime (an ask slowed by a busy database) is renewed while its
// holder runs, so another ask waits instead of taking it over and counting below the cap too.
func TestAskLocksAreRenewedWhileHeld(t *testing.T) {
	x := newAgendaFixture(t, 1, 1)
	defer func(ttl, w time.Duration) { askLockTTL, askLockWait = ttl, w }(askLockTTL, askLockWait)
	askLockTTL, askLockWait = 300*time.Millisecond, 200*time.Millisecond
	unlock, err := x.svc.Store.lockAsks(x.db, "f1", []string{"b01", "p01"}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * askLockTTL)
	if _, err := x.svc.Store.lockAsks(x.db, "f1", []string{"p01"}, time.Now); !apperr.Is(err, apperr.Unavailable) {
		t.Errorf("a second ask while the first holds on past the lifetime: %v, want Unavailable", err)
	}
	unlock()
	again, err := x.svc.Store.lockAsks(x.db, "f1", []string{"p01"}, time.Now)
	if err != nil {
		t.Fatalf("an ask once the first gave its locks back: %v", err)
	}
	again()
}
