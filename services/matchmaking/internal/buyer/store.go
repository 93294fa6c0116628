package buyer

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections.
const (
	BuyerCollection   = "buyers"
	RequestCollection = "requests"
)

// Indexes: one buyer profile per account.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: BuyerCollection, Keys: bson.D{{Key: "account_id", Value: 1}}, Unique: true},
		{Collection: RequestCollection, Keys: bson.D{{Key: "buyer_id", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: RequestCollection, Keys: bson.D{{Key: "open", Value: 1}}},
	}
}

type buyerDoc struct {
	ID           string    `bson:"_id"`
	AccountID    string    `bson:"account_id"`
	Name         string    `bson:"name"`
	Kind         string    `bson:"kind"`
	Province     string    `bson:"province_code"`
	Markets      []string  `bson:"markets"`
	ContactName  string    `bson:"contact_name"`
	ContactPhone string    `bson:"contact_phone"`
	ContactEmail string    `bson:"contact_email"`
	Revision     int64     `bson:"revision"`
	CreatedAt    time.Time `bson:"created_at"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

func toBuyerDoc(b Buyer) buyerDoc {
	return buyerDoc{ID: b.ID, AccountID: b.AccountID, Name: b.Name, Kind: b.Kind, Province: b.Province, Markets: nonNil(b.Markets),
		ContactName: b.Contact.Name, ContactPhone: b.Contact.Phone, ContactEmail: b.Contact.Email, Revision: b.Revision, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (d buyerDoc) buyer() Buyer {
	return Buyer{ID: d.ID, AccountID: d.AccountID, Name: d.Name, Kind: d.Kind, Province: d.Province, Markets: d.Markets,
		Contact: Contact{Name: d.ContactName, Phone: d.ContactPhone, Email: d.ContactEmail}, Revision: d.Revision,
		CreatedAt: d.CreatedAt.In(vntext.Zone), UpdatedAt: d.UpdatedAt.In(vntext.Zone)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type requestDoc struct {
	ID            string    `bson:"_id"`
	BuyerID       string    `bson:"buyer_id"`
	AccountID     string    `bson:"account_id"`
	Title         string    `bson:"title"`
	CriteriaSets  []int     `bson:"criteria_sets"`
	Sectors       []string  `bson:"sectors"`
	Keywords      []string  `bson:"keywords"`
	MinStars      int       `bson:"min_stars"`
	Volume        float64   `bson:"volume"`
	Unit          string    `bson:"unit"`
	RequiredCerts []string  `bson:"required_certs"`
	Market        string    `bson:"market"`
	Regions       []string  `bson:"regions"`
	Provinces     []string  `bson:"provinces"`
	MaxPrice      int64     `bson:"max_price"`
	NeededBy      time.Time `bson:"needed_by"`
	FairID        string    `bson:"fair_id"`
	Open          bool      `bson:"open"`
	Revision      int64     `bson:"revision"`
	CreatedAt     time.Time `bson:"created_at"`
	UpdatedAt     time.Time `bson:"updated_at"`
}

func toRequestDoc(r Request) requestDoc {
	return requestDoc{ID: r.ID, BuyerID: r.BuyerID, AccountID: r.AccountID, Title: r.Title, CriteriaSets: nonNil(r.CriteriaSets),
		Sectors: nonNil(r.Sectors), Keywords: nonNil(r.Keywords), MinStars: r.MinStars, Volume: r.Volume, Unit: r.Unit,
		RequiredCerts: nonNil(r.RequiredCerts), Market: r.Market, Regions: nonNil(r.Regions), Provinces: nonNil(r.Provinces),
		MaxPrice: r.MaxPrice, NeededBy: r.NeededBy, FairID: r.FairID, Open: r.Open, Revision: r.Revision, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (d requestDoc) request() Request {
	return Request{ID: d.ID, BuyerID: d.BuyerID, AccountID: d.AccountID, Title: d.Title, CriteriaSets: d.CriteriaSets, Sectors: d.Sectors,
		Keywords: d.Keywords, MinStars: d.MinStars, Volume: d.Volume, Unit: d.Unit, RequiredCerts: d.RequiredCerts, Market: d.Market,
		Regions: d.Regions, Provinces: d.Provinces, MaxPrice: d.MaxPrice, NeededBy: d.NeededBy.In(vntext.Zone), FairID: d.FairID, Open: d.Open,
		Revision: d.Revision, CreatedAt: d.CreatedAt.In(vntext.Zone), UpdatedAt: d.UpdatedAt.In(vntext.Zone)}
}

// BuyerEvent returns the buyer as other services receive it.
func BuyerEvent(b Buyer) events.BuyerV1 {
	return events.BuyerV1{ID: b.ID, AccountID: b.AccountID, Name: b.Name, Kind: b.Kind, Province: b.Province, Markets: nonNil(b.Markets), Revision: b.Revision}
}

// RequestEvent returns the request as other services receive it.
func RequestEvent(r Request) events.SourcingRequestV1 {
	status := "closed"
	if r.Open {
		status = "open"
	}
	needed := ""
	if !r.NeededBy.IsZero() {
		needed = r.NeededBy.In(vntext.Zone).Format(time.DateOnly)
	}
	return events.SourcingRequestV1{ID: r.ID, BuyerID: r.BuyerID, Title: r.Title, CriteriaSets: nonNil(r.CriteriaSets), Sectors: nonNil(r.Sectors),
		Keywords: nonNil(r.Keywords), MinStars: r.MinStars, Volume: r.Volume, Unit: r.Unit, RequiredCerts: nonNil(r.RequiredCerts), Market: r.Market,
		Regions: nonNil(r.Regions), Provinces: nonNil(r.Provinces), MaxPriceVND: r.MaxPrice, NeededBy: needed, FairID: r.FairID, Status: status, Revision: r.Revision}
}

// ErrStale is returned when a record changed between read and write.
var ErrStale = apperr.New(apperr.Conflict, msgChanged)

// Store keeps buyers and requests.
type Store struct {
	buyers        *mongo.Collection
	requests      *mongo.Collection
	openCounts    *mongo.Collection // per buyer, its open requests (see TakeOpenPlace)
	buyerWrites   outbox.Writer
	requestWrites outbox.Writer
	// saved, when set, is told of each buyer this store creates or saves, once it is stored.
	saved func(Buyer)
	// requestSaved, when set, is told of each request this store creates or saves, once stored.
	requestSaved func(Request)
	// recent answers reads of a request polled many times a second (RecentRequest).
	recent requestCache
}

// OnSaved makes the store call fn with each buyer it creates or saves, after the write
// succeeded: a read model in memory sees this replica's writes at once, before the stream.
func (s *Store) OnSaved(fn func(Buyer)) { s.saved = fn }

// OnRequestSaved is OnSaved for sourcing requests.
func (s *Store) OnRequestSaved(fn func(Request)) { s.requestSaved = fn }

func (s *Store) stored(b Buyer, err error) error {
	if err == nil && s.saved != nil {
		s.saved(toBuyerDoc(b).buyer())
	}
	return err
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	buyers, requests := db.Collection(BuyerCollection), db.Collection(RequestCollection)
	return &Store{buyers: buyers, requests: requests, openCounts: db.Collection(OpenCountCollection),
		buyerWrites: outbox.NewWriter(buyers, "buyer", ErrStale), requestWrites: outbox.NewWriter(requests, "request", ErrStale)}
}

// CreateBuyer stores a new buyer with its event; Conflict when the account has one.
func (s *Store) CreateBuyer(ctx context.Context, b Buyer, corr string) error {
	err := s.buyerWrites.Insert(ctx, toBuyerDoc(b), "", corr, buyerChange(events.BuyerRegistered, b))
	if storage.IsDuplicate(err) {
		// The only unique key besides the new _id is the account.
		err = apperr.WrapMsg(apperr.Conflict, err, msgBuyerExists)
	}
	return s.stored(b, err)
}

// SaveBuyer replaces a buyer still at revision prev: ErrStale otherwise.
func (s *Store) SaveBuyer(ctx context.Context, b Buyer, prev int64, corr string) error {
	return s.stored(b, s.buyerWrites.Replace(ctx, bson.M{"_id": b.ID, "revision": prev}, toBuyerDoc(b), "", corr, buyerChange(events.BuyerUpdated, b)))
}

// Buyer returns a buyer by ID.
func (s *Store) Buyer(ctx context.Context, id string) (Buyer, error) {
	return s.buyer(ctx, bson.M{"_id": id})
}

// BuyerByAccount returns the buyer of an account.
func (s *Store) BuyerByAccount(ctx context.Context, accountID string) (Buyer, error) {
	return s.buyer(ctx, bson.M{"account_id": accountID})
}

// EachBuyer calls fn with every buyer, from one cursor read (storage.Each): a read model loads
// every buyer this way.
func (s *Store) EachBuyer(ctx context.Context, fn func(Buyer)) error {
	opts := options.Find().SetProjection(bson.M{outbox.Field: 0})
	return storage.Each(ctx, s.buyers, bson.M{}, opts, "buyers", func(d buyerDoc) error {
		fn(d.buyer())
		return nil
	})
}

func (s *Store) buyer(ctx context.Context, q bson.M) (Buyer, error) {
	var d buyerDoc
	if err := s.buyers.FindOne(ctx, q, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Buyer{}, storage.MapError(err, "buyer")
	}
	return d.buyer(), nil
}

// CreateRequest stores a new request with its opened event; Conflict when its ID exists (a
// re-run of the same idempotent create, which the caller tells apart).
func (s *Store) CreateRequest(ctx context.Context, r Request, corr string) error {
	return s.requestStored(r, s.requestWrites.Insert(ctx, toRequestDoc(r), "", corr, requestChange(events.RequestOpened, r)))
}

// SaveRequest replaces a request still at revision prev with one event of subject: ErrStale
// otherwise. Closing it gives back its buyer's open place.
func (s *Store) SaveRequest(ctx context.Context, r Request, prev int64, subject, corr string) error {
	err := s.requestStored(r, s.requestWrites.Replace(ctx, bson.M{"_id": r.ID, "revision": prev}, toRequestDoc(r), "", corr, requestChange(subject, r)))
	if err == nil && subject == events.RequestClosed {
		s.releaseOpenPlace(ctx, r.BuyerID)
	}
	return err
}

// requestStored puts r in the recent requests once its write (whose error is err) succeeded, and
// returns err.
func (s *Store) requestStored(r Request, err error) error {
	if err == nil {
		r = toRequestDoc(r).request() // as a read returns it
		s.recent.put(r, time.Now())
		if s.requestSaved != nil {
			s.requestSaved(r)
		}
	}
	return err
}

// Request returns a request.
func (s *Store) Request(ctx context.Context, id string) (Request, error) {
	var d requestDoc
	if err := s.requests.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Request{}, storage.MapError(err, "request")
	}
	return d.request(), nil
}

// Requests returns up to limit of a buyer's requests by ID, after the ID after ("": from the
// first).
func (s *Store) Requests(ctx context.Context, buyerID, after string, limit int) ([]Request, error) {
	q := bson.M{"buyer_id": buyerID}
	if after != "" {
		q["_id"] = bson.M{"$gt": after}
	}
	return s.requestsBy(ctx, q, 1, limit)
}

// OpenRequests counts a buyer's open requests.
func (s *Store) OpenRequests(ctx context.Context, buyerID string) (int64, error) {
	n, err := s.requests.CountDocuments(ctx, bson.M{"buyer_id": buyerID, "open": true})
	return n, storage.MapError(err, "requests")
}

// RecentRequests returns up to limit requests matching q, newest first (IDs are UUIDv7, so the
// greatest were made last).
func (s *Store) RecentRequests(ctx context.Context, q bson.M, limit int) ([]Request, error) {
	return s.requestsBy(ctx, q, -1, limit)
}

func (s *Store) requestsBy(ctx context.Context, q bson.M, order, limit int) ([]Request, error) {
	cur, err := s.requests.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: order}}).SetLimit(int64(limit)).SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "requests")
	}
	var docs []requestDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "requests")
	}
	out := make([]Request, len(docs))
	for i, d := range docs {
		out[i] = d.request()
	}
	return out, nil
}

// buyerChange is the event of subject that carries the buyer as it now is.
func buyerChange(subject string, b Buyer) outbox.Event {
	return outbox.Event{Subject: subject, AggregateID: b.ID, Payload: events.BuyerChangedV1{Buyer: BuyerEvent(b)}}
}

// requestChange is the event of subject that carries the sourcing request as it now is.
func requestChange(subject string, r Request) outbox.Event {
	return outbox.Event{Subject: subject, AggregateID: r.ID, Payload: events.SourcingRequestChangedV1{Request: RequestEvent(r)}}
}
