package producer

import (
	"context"
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collection holds producer profiles.
const Collection = "producers"

// Indexes: one profile per account and per tax code; listing by province and by folded name.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "account_id", Value: 1}}, Unique: true},
		{Collection: Collection, Keys: bson.D{{Key: "tax_code", Value: 1}}, Unique: true},
		{Collection: Collection, Keys: bson.D{{Key: "province_code", Value: 1}, {Key: "_id", Value: 1}}},
	}
}

type certDoc struct {
	Code       string    `bson:"code"`
	Number     string    `bson:"number"`
	ValidUntil time.Time `bson:"valid_until"`
}

type document struct {
	ID             string    `bson:"_id"`
	AccountID      string    `bson:"account_id"`
	Kind           string    `bson:"kind"`
	LegalName      string    `bson:"legal_name"`
	NameFold       string    `bson:"name_fold"`
	TaxCode        string    `bson:"tax_code"`
	ProvinceCode   string    `bson:"province_code"`
	Commune        string    `bson:"commune"`
	Address        string    `bson:"address"`
	Phone          string    `bson:"phone"`
	Email          string    `bson:"email"`
	DescriptionVI  string    `bson:"description_vi"`
	DescriptionEN  string    `bson:"description_en"`
	Certifications []certDoc `bson:"certifications"`
	Trademark      string    `bson:"trademark"`
	ExportMarkets  []string  `bson:"export_markets"`
	ExportNotes    string    `bson:"export_notes"`
	Revision       int64     `bson:"revision"`
	CreatedAt      time.Time `bson:"created_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

func toDocument(p Producer) document {
	certs := make([]certDoc, len(p.Certifications))
	for i, c := range p.Certifications {
		certs[i] = certDoc(c)
	}
	return document{
		ID: p.ID, AccountID: p.AccountID, Kind: p.Kind, LegalName: p.LegalName, NameFold: vntext.Fold(p.LegalName),
		TaxCode: p.TaxCode, ProvinceCode: p.Province.Code, Commune: p.Commune, Address: p.Address, Phone: p.Phone,
		Email: p.Email, DescriptionVI: p.DescriptionVI, DescriptionEN: p.DescriptionEN, Certifications: certs,
		Trademark: p.Trademark, ExportMarkets: p.ExportMarkets, ExportNotes: p.ExportNotes, Revision: p.Revision,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}

func (d document) producer() Producer {
	prov, _ := ocop.ProvinceByCode(d.ProvinceCode)
	certs := make([]Certification, len(d.Certifications))
	for i, c := range d.Certifications {
		certs[i] = Certification{Code: c.Code, Number: c.Number, ValidUntil: c.ValidUntil.In(vntext.Zone)}
	}
	return Producer{
		ID: d.ID, AccountID: d.AccountID, Kind: d.Kind, LegalName: d.LegalName, TaxCode: d.TaxCode, Province: prov,
		Commune: d.Commune, Address: d.Address, Phone: d.Phone, Email: d.Email, DescriptionVI: d.DescriptionVI,
		DescriptionEN: d.DescriptionEN, Certifications: certs, Trademark: d.Trademark, ExportMarkets: d.ExportMarkets,
		ExportNotes: d.ExportNotes, Revision: d.Revision, CreatedAt: d.CreatedAt.In(vntext.Zone), UpdatedAt: d.UpdatedAt.In(vntext.Zone),
	}
}

// Event returns the full public state of p as other services receive it.
func Event(p Producer) events.ProducerV1 {
	certs := make([]events.CertificationV1, len(p.Certifications))
	for i, c := range p.Certifications {
		certs[i] = events.CertificationV1{Code: c.Code, Number: c.Number, ValidUntil: c.ValidUntil}
	}
	markets := p.ExportMarkets
	if markets == nil {
		markets = []string{}
	}
	return events.ProducerV1{
		ID: p.ID, AccountID: p.AccountID, Kind: p.Kind, LegalName: p.LegalName, TaxCode: p.TaxCode,
		ProvinceCode: p.Province.Code, Region: p.Province.Region, Commune: p.Commune, Address: p.Address,
		Phone: p.Phone, Email: p.Email, DescriptionVI: p.DescriptionVI, DescriptionEN: p.DescriptionEN,
		Certifications: certs, Trademark: p.Trademark, ExportMarkets: markets, Revision: p.Revision, UpdatedAt: p.UpdatedAt,
	}
}

// ErrStale is returned by Update when the profile is no longer at the expected revision.
var ErrStale = apperr.New(apperr.Conflict, msgStale)

// Store keeps producer profiles.
type Store struct {
	c *mongo.Collection
	w outbox.Writer
	// taxCodes and accounts find a profile by its unique tax code or account without a query
	// that reads every profile on the embedded database (see storage.Keys).
	taxCodes, accounts *storage.Keys
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "producer", ErrStale),
		taxCodes: storage.NewKeys(db, Collection, "tax_code"), accounts: storage.NewKeys(db, Collection, "account_id")}
}

// Create stores a new profile with its exhibitor.producer.registered event in one insert. It
// returns Conflict when the account already has a profile or the tax code is taken.
func (s *Store) Create(ctx context.Context, p Producer, correlationID string) error {
	return s.stored(p, duplicate(s.w.Insert(ctx, toDocument(p), "", correlationID,
		outbox.Event{Subject: events.ProducerRegistered, AggregateID: p.ID, Payload: events.ProducerRegisteredV1{Producer: Event(p)}}), msgProducerTaken))
}

// Update replaces the profile if it is still at revision prev, with its exhibitor.producer.updated
// event, in one conditional update. A concurrent change makes it return ErrStale.
func (s *Store) Update(ctx context.Context, p Producer, prev int64, correlationID string) error {
	return s.stored(p, duplicate(s.w.Replace(ctx, bson.M{"_id": p.ID, "revision": prev}, toDocument(p), "",
		correlationID, updated(p)), msgTaxCodeOther))
}

// duplicate says m for a write refused by a unique key (err), and returns other errors (a stale
// write among them) as they are.
func duplicate(err error, m apperr.Msg) error {
	if storage.IsDuplicate(err) {
		return apperr.WrapMsg(apperr.Conflict, err, m)
	}
	return err
}

// stored records the keys of p once its write (whose error is err) succeeded, and returns err.
func (s *Store) stored(p Producer, err error) error {
	if err == nil {
		s.taxCodes.Stored(p.ID, p.TaxCode)
		s.accounts.Stored(p.ID, p.AccountID)
	}
	return err
}

// Claim hands an imported profile (stored at revision prev under the placeholder account
// previousAccount) to its new account, with exhibitor.producer.updated and
// exhibitor.producer.claimed, in one conditional update. It returns ErrStale when the profile
// changed meanwhile, and Conflict when the account already has a profile.
func (s *Store) Claim(ctx context.Context, p Producer, prev int64, previousAccount, correlationID string) error {
	claimed := outbox.Event{Subject: events.ProducerClaimed, AggregateID: p.ID, Payload: events.ProducerClaimedV1{ProducerID: p.ID,
		AccountID: p.AccountID, PreviousAccountID: previousAccount, Revision: p.Revision, ClaimedAt: p.UpdatedAt}}
	return s.stored(p, duplicate(s.w.Replace(ctx, bson.M{"_id": p.ID, "revision": prev, "account_id": previousAccount}, toDocument(p),
		"", correlationID, updated(p), claimed), msgHaveProfile))
}

// updated is the exhibitor.producer.updated event that carries the profile as it now is.
func updated(p Producer) outbox.Event {
	return outbox.Event{Subject: events.ProducerUpdated, AggregateID: p.ID, Payload: events.ProducerUpdatedV1{Producer: Event(p)}}
}

// Get returns the profile with id.
func (s *Store) Get(ctx context.Context, id string) (Producer, error) {
	return s.one(ctx, bson.M{"_id": id})
}

// ByTaxCode returns the profile with a tax code.
func (s *Store) ByTaxCode(ctx context.Context, taxCode string) (Producer, error) {
	return s.byKey(ctx, s.taxCodes, "tax_code", taxCode, func(p Producer) string { return p.TaxCode })
}

// ByAccount returns the profile of an account.
func (s *Store) ByAccount(ctx context.Context, accountID string) (Producer, error) {
	return s.byKey(ctx, s.accounts, "account_id", accountID, func(p Producer) string { return p.AccountID })
}

// byKey returns the profile whose unique field is key: found by keys, read by _id, and checked to
// still have the key (else asked of the database, whose answer is recorded).
func (s *Store) byKey(ctx context.Context, keys *storage.Keys, field, key string, keyOf func(Producer) string) (Producer, error) {
	id, ok, err := keys.ID(ctx, key)
	if err != nil {
		return Producer{}, err
	}
	if !ok {
		return Producer{}, apperr.New(apperr.NotFound, msgNotFound)
	}
	if p, err := s.Get(ctx, id); err == nil && keyOf(p) == key {
		return p, nil
	}
	p, err := s.one(ctx, bson.M{field: key})
	if err == nil {
		s.stored(p, nil)
	}
	return p, err
}

func (s *Store) one(ctx context.Context, filter bson.M) (Producer, error) {
	var d document
	err := s.c.FindOne(ctx, filter, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d)
	if err != nil {
		return Producer{}, storage.MapError(err, "producer profile")
	}
	return d.producer(), nil
}

// Filter narrows a list of producers.
type Filter struct {
	Query    string // folded substring of the legal name
	Province string // province code
	Kind     string
	After    string // ID cursor
	Limit    int
}

// List returns producers matching f in ID (creation) order.
func (s *Store) List(ctx context.Context, f Filter) ([]Producer, error) {
	q := bson.M{}
	if f.Province != "" {
		q["province_code"] = f.Province
	}
	if f.Kind != "" {
		q["kind"] = f.Kind
	}
	if f.Query != "" {
		q["name_fold"] = bson.M{"$regex": regexp.QuoteMeta(vntext.Fold(f.Query))}
	}
	if f.After != "" {
		q["_id"] = bson.M{"$gt": f.After}
	}
	return s.find(ctx, q, 1, f.Limit)
}

// find returns up to limit producers matching q, in ID order (1) or newest first (-1), without
// their outbox.
func (s *Store) find(ctx context.Context, q bson.M, order, limit int) ([]Producer, error) {
	cur, err := s.c.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: order}}).SetLimit(int64(limit)).SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "producers")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "producers")
	}
	out := make([]Producer, len(docs))
	for i, d := range docs {
		out[i] = d.producer()
	}
	return out, nil
}

// Unclaimed returns up to limit imported profiles that no producer has claimed yet, newest
// first, older than the one with ID before ("": from the newest).
func (s *Store) Unclaimed(ctx context.Context, before string, limit int) ([]Producer, error) {
	q := bson.M{"account_id": bson.M{"$regex": "^" + regexp.QuoteMeta(ImportedAccountPrefix)}}
	if before != "" {
		q["_id"] = bson.M{"$lt": before}
	}
	return s.find(ctx, q, -1, limit)
}
