package buyer

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// InterestCollection holds producers' interest in sourcing requests, one document per request
// and producer (_id "<request>/<producer>"), so that marking twice is one document.
const InterestCollection = "request_interests"

// Interest is a producer saying "quan tâm" to a buyer's sourcing request among its opportunities.
type Interest struct {
	RequestID  string
	ProducerID string
	BuyerID    string
	At         time.Time
}

type interestDoc struct {
	ID         string    `bson:"_id"`
	RequestID  string    `bson:"request_id"`
	ProducerID string    `bson:"producer_id"`
	BuyerID    string    `bson:"buyer_id"`
	At         time.Time `bson:"at"`
}

func interestID(requestID, producerID string) string { return requestID + "/" + producerID }

// Interests keeps the interests in the database and, for reads, in memory: a buyer's matches
// and request pages show them on every poll, and any read of the collection but by _id reads it
// whole on the embedded database. Load fills the memory, this replica's writes go to it at once,
// and Refresh (run in the background) brings in other replicas' writes. Safe for concurrent use.
type Interests struct {
	coll *mongo.Collection

	mu        sync.RWMutex
	byRequest map[string]map[string]Interest // request -> producer -> interest
	// local are this replica's writes during a refresh, replayed on its result so that a read
	// that began before them cannot undo them.
	local      []interestChange
	refreshing bool
}

type interestChange struct {
	in      Interest
	removed bool
}

// NewInterests returns the interests of db, empty until Load.
func NewInterests(db *storage.DB) *Interests {
	return &Interests{coll: db.Collection(InterestCollection), byRequest: map[string]map[string]Interest{}}
}

// interestPage is how many interests one read of a refresh takes.
const interestPage = 1000

// Load reads every interest into memory (also the periodic refresh): pages by _id, never on a
// request's path.
func (s *Interests) Load(ctx context.Context) error {
	s.mu.Lock()
	s.refreshing, s.local = true, nil
	s.mu.Unlock()
	fresh := map[string]map[string]Interest{}
	after := ""
	var err error
	for range maxInterestPages {
		var page []interestDoc
		if page, err = s.page(ctx, after); err != nil {
			break
		}
		for _, d := range page {
			put(fresh, Interest{RequestID: d.RequestID, ProducerID: d.ProducerID, BuyerID: d.BuyerID, At: d.At.In(vntext.Zone)})
		}
		if len(page) < interestPage {
			break
		}
		after = page[len(page)-1].ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshing = false
	if err != nil {
		s.local = nil
		return err
	}
	for _, c := range s.local {
		apply(fresh, c)
	}
	s.byRequest, s.local = fresh, nil
	return nil
}

// maxInterestPages bounds one load, far beyond any number of interests.
const maxInterestPages = 100_000

func (s *Interests) page(ctx context.Context, after string) ([]interestDoc, error) {
	q := bson.M{}
	if after != "" {
		q["_id"] = bson.M{"$gt": after}
	}
	cur, err := s.coll.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(interestPage))
	if err != nil {
		return nil, storage.MapError(err, "interests")
	}
	var docs []interestDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "interests")
	}
	return docs, nil
}

// Refresh calls Load every period until ctx ends, so that other replicas' marks show here.
func (s *Interests) Refresh(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = s.Load(ctx) // a failed refresh keeps what memory holds; the next one retries
		}
	}
}

func put(m map[string]map[string]Interest, in Interest) {
	if m[in.RequestID] == nil {
		m[in.RequestID] = map[string]Interest{}
	}
	m[in.RequestID][in.ProducerID] = in
}

func apply(m map[string]map[string]Interest, c interestChange) {
	if !c.removed {
		put(m, c.in)
		return
	}
	delete(m[c.in.RequestID], c.in.ProducerID)
	if len(m[c.in.RequestID]) == 0 {
		delete(m, c.in.RequestID)
	}
}

func (s *Interests) changed(c interestChange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	apply(s.byRequest, c)
	if s.refreshing {
		s.local = append(s.local, c)
	}
}

// Mark stores a producer's interest in a request. Marking again keeps the first time: the
// write only sets fields on insert, so a retry or a second tap changes nothing, and the answer
// (and this replica's copy) is the interest as stored, its first time, even where this replica
// had not yet heard of a mark made through another.
func (s *Interests) Mark(ctx context.Context, in Interest) (Interest, error) {
	id := interestID(in.RequestID, in.ProducerID)
	if have, ok := s.Of(in.RequestID, in.ProducerID); ok {
		in.At = have.At
	}
	var d interestDoc
	err := s.coll.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{"$setOnInsert": interestDoc{ID: id, RequestID: in.RequestID,
		ProducerID: in.ProducerID, BuyerID: in.BuyerID, At: in.At}}, options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&d)
	if storage.IsDuplicate(err) { // two marks at once, each inserting: the other's is stored
		err = s.coll.FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	}
	if err != nil {
		return Interest{}, storage.MapError(err, "interest")
	}
	in.At = d.At.In(vntext.Zone)
	s.changed(interestChange{in: in})
	return in, nil
}

// Withdraw removes a producer's interest in a request; withdrawing one that is not there is no
// error (the same answer as the first time).
func (s *Interests) Withdraw(ctx context.Context, requestID, producerID string) error {
	if _, err := s.coll.DeleteOne(ctx, bson.M{"_id": interestID(requestID, producerID)}); err != nil {
		return storage.MapError(err, "interest")
	}
	s.changed(interestChange{in: Interest{RequestID: requestID, ProducerID: producerID}, removed: true})
	return nil
}

// Of returns a producer's interest in a request, and whether it marked one (none on a nil
// Interests, as a service without them has).
func (s *Interests) Of(requestID, producerID string) (Interest, bool) {
	if s == nil {
		return Interest{}, false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	in, ok := s.byRequest[requestID][producerID]
	return in, ok
}

// InRequest returns the interests in a request, the earliest first.
func (s *Interests) InRequest(requestID string) []Interest {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	out := make([]Interest, 0, len(s.byRequest[requestID]))
	for _, in := range s.byRequest[requestID] {
		out = append(out, in)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Interest) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ProducerID, b.ProducerID)) })
	return out
}
