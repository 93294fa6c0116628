package buyer

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// OpenBook is the in-memory read model of every open sourcing request, which producers'
// opportunities are scored from. Reading them from the database on each call read the whole
// collection on FerretDB, and a window of the newest left the older ones out once someone posted
// many. The database stays the record: Load fills the book from it, the store hands it this
// replica's writes as they succeed (Put), and OnRequest brings in other replicas' from the
// MATCHMAKING stream. Its methods are safe for concurrent use.
type OpenBook struct {
	store *Store

	mu   sync.RWMutex
	revs map[string]int64   // every request seen, by ID: its newest revision, which guards late events
	open map[string]Request // the open ones
	// list is open as a slice, in no order, built on the first read after a change and shared,
	// unchanged, by the reads until the next (nil: to build).
	list   []Request
	loaded atomic.Bool
}

// NewOpenBook returns an empty book that reads requests from store.
func NewOpenBook(store *Store) *OpenBook {
	return &OpenBook{store: store, revs: map[string]int64{}, open: map[string]Request{}}
}

// Load reads every open request into the book, in one cursor read (storage.Each). What the book
// holds at the same or a newer revision (written meanwhile) is kept.
func (o *OpenBook) Load(ctx context.Context) error {
	opts := options.Find().SetProjection(bson.M{outbox.Field: 0})
	err := storage.Each(ctx, o.store.requests, bson.M{"open": true}, opts, "requests", func(d requestDoc) error {
		o.Put(d.request())
		return nil
	})
	if err != nil {
		return err
	}
	o.loaded.Store(true)
	return nil
}

// Loaded reports whether Load has finished.
func (o *OpenBook) Loaded() bool { return o.loaded.Load() }

// Put applies a request as stored, if it is newer (by revision) than what the book holds: events
// and this replica's own writes arrive late and twice.
func (o *OpenBook) Put(r Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if have, ok := o.revs[r.ID]; ok && have >= r.Revision {
		return
	}
	o.revs[r.ID] = r.Revision
	if r.Open {
		o.open[r.ID] = r
	} else {
		delete(o.open, r.ID)
	}
	o.list = nil
}

// List returns the open requests, in no order. The slice is shared: callers must not change it.
func (o *OpenBook) List() []Request {
	o.mu.RLock()
	list := o.list
	o.mu.RUnlock()
	if list != nil {
		return list
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.list == nil {
		o.list = make([]Request, 0, len(o.open))
		for _, r := range o.open {
			o.list = append(o.list, r)
		}
	}
	return o.list
}

// RequestSubjects are the subjects of the MATCHMAKING stream that OnRequest folds.
func RequestSubjects() []string {
	return []string{events.RequestOpened, events.RequestUpdated, events.RequestClosed}
}

// OnRequest brings a request opened, changed or closed on another replica into the book. Unless
// the book holds the event's revision already (this replica's own write, or a copy delivered
// twice), the request is read by its _id: the event leaves out what a request's page shows (its
// account and times). One read per write, never per call.
func (o *OpenBook) OnRequest(env events.Envelope) error {
	var pl events.SourcingRequestChangedV1
	if err := env.Decode(&pl); err != nil {
		return fmt.Errorf("bad sourcing request payload: %w", err)
	}
	if pl.Request.ID == "" {
		return fmt.Errorf("bad sourcing request payload: no ID: %w", events.ErrUndecodable)
	}
	o.mu.RLock()
	have, ok := o.revs[pl.Request.ID]
	o.mu.RUnlock()
	if ok && have >= pl.Request.Revision {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := o.store.Request(ctx, pl.Request.ID)
	if apperr.Is(err, apperr.NotFound) {
		return nil // a request is never deleted: an event of another database
	}
	if err != nil {
		return err
	}
	o.Put(r)
	return nil
}
