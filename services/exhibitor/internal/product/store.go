package product

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
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

// Collections.
const (
	Collection = "products"
	// NoticesCollection holds one document per product and certificate whose expiry was
	// announced; its _id makes the announcement happen once, whichever replica sweeps.
	NoticesCollection = "certificate_expiry_notices"
)

// Indexes for the catalogue's filters and the sweep.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "producer_id", Value: 1}, {Key: "deleted", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "deleted", Value: 1}, {Key: "expires_on", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "criteria_set", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "province_code", Value: 1}}},
		// Re-importing a spreadsheet must not duplicate a product: one per producer and name.
		{Collection: Collection, Keys: bson.D{{Key: "producer_id", Value: 1}, {Key: "name_key", Value: 1}}, Unique: true},
		codeIndex(),
	}
}

// Owner is what a product needs to know of its producer: the copy kept on each product for the
// catalogue's filters, and the producer revision it was copied from.
type Owner struct {
	ProducerID     string
	AccountID      string
	Name           string
	Province       ocop.Province
	Certifications []string
	Revision       int64
}

type document struct {
	ID              string    `bson:"_id"`
	ProducerID      string    `bson:"producer_id"`
	Code            string    `bson:"code,omitempty"` // absent until given: the unique index is sparse
	AccountID       string    `bson:"account_id"`
	ProducerName    string    `bson:"producer_name"`
	ProvinceCode    string    `bson:"province_code"`
	Region          string    `bson:"region"`
	Promotion       string    `bson:"promotion_group"`
	ProducerCerts   []string  `bson:"producer_certifications"`
	OwnerRevision   int64     `bson:"owner_revision"` // the producer revision the fields above were copied from
	NameVI          string    `bson:"name_vi"`
	NameEN          string    `bson:"name_en"`
	NameLower       string    `bson:"name_lower"`
	NameFold        string    `bson:"name_fold"`
	NameKey         string    `bson:"name_key"`
	CriteriaSet     int       `bson:"criteria_set"`
	Sector          string    `bson:"sector"`
	Stars           int       `bson:"stars"`
	PotentialFive   bool      `bson:"potential_five"`
	DecisionNo      string    `bson:"decision_no"`
	IssuedBy        string    `bson:"issued_by"`
	IssuedOn        time.Time `bson:"issued_on"`
	ExpiresOn       time.Time `bson:"expires_on"`
	GTIN            string    `bson:"gtin"`
	Unit            string    `bson:"unit"`
	PriceMin        int64     `bson:"price_min"`
	PriceMax        int64     `bson:"price_max"`
	MonthlyCapacity float64   `bson:"monthly_capacity"`
	ShelfLifeDays   int       `bson:"shelf_life_days"`
	SeasonMonths    []int     `bson:"season_months"`
	DescriptionVI   string    `bson:"description_vi"`
	DescriptionEN   string    `bson:"description_en"`
	ImageURLs       []string  `bson:"image_urls"`
	Photo           string    `bson:"photo"`
	Deleted         bool      `bson:"deleted"`
	// ExpiryAnnounced is set by the sweep and cleared by every save: a renewed certificate may
	// expire again (the notice's _id still keeps each certificate's announcement unique).
	ExpiryAnnounced bool      `bson:"expiry_announced"`
	Revision        int64     `bson:"revision"`
	CreatedAt       time.Time `bson:"created_at"`
	UpdatedAt       time.Time `bson:"updated_at"`
	ChangedByRole   string    `bson:"changed_by_role,omitempty"`
	ChangedByName   string    `bson:"changed_by_name,omitempty"`
}

func toDocument(p Product, o Owner) document {
	return document{
		ID: p.ID, ProducerID: p.ProducerID, Code: p.Code, AccountID: o.AccountID, ProducerName: o.Name, ProvinceCode: o.Province.Code, Region: o.Province.Region,
		Promotion: o.Province.Promotion, ProducerCerts: nonNil(o.Certifications), OwnerRevision: o.Revision, NameVI: p.NameVI, NameEN: p.NameEN,
		NameLower: strings.ToLower(p.NameVI + " " + p.NameEN), NameFold: vntext.Fold(p.NameVI + " " + p.NameEN), NameKey: NameKey(p.NameVI, p.ID, p.Deleted),
		CriteriaSet: p.CriteriaSet, Sector: p.Sector(), Stars: p.Rating.Stars, PotentialFive: p.Rating.PotentialFive,
		DecisionNo: p.Certificate.DecisionNo, IssuedBy: p.Certificate.IssuedBy, IssuedOn: p.Certificate.IssuedOn, ExpiresOn: p.Certificate.ExpiresOn,
		GTIN: p.GTIN, Unit: p.Unit, PriceMin: p.PriceMin, PriceMax: p.PriceMax, MonthlyCapacity: p.MonthlyCapacity, ShelfLifeDays: p.ShelfLifeDays,
		SeasonMonths: nonNilInts(p.SeasonMonths), DescriptionVI: p.DescriptionVI, DescriptionEN: p.DescriptionEN, ImageURLs: nonNil(p.ImageURLs),
		Photo: p.Photo, Deleted: p.Deleted, Revision: p.Revision, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		ChangedByRole: p.ChangedBy.Role, ChangedByName: p.ChangedBy.Name,
	}
}

// NameKey is the folded name that must be unique per producer among live products; a deleted
// product gets its ID instead, freeing the name.
func NameKey(name, id string, deleted bool) string {
	if deleted {
		return "deleted:" + id
	}
	return vntext.Fold(name)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// Listed is a product with its producer's denormalised details, as the catalogue shows it.
type Listed struct {
	Product
	Owner Owner
	// ExpiryAnnounced says the certificate's expiry was announced (the sweep skips it).
	ExpiryAnnounced bool `json:"-"`
}

func (d document) listed() Listed {
	z := vntext.Zone
	prov, _ := ocop.ProvinceByCode(d.ProvinceCode)
	return Listed{
		Product: Product{
			ID: d.ID, ProducerID: d.ProducerID, Code: d.Code, NameVI: d.NameVI, NameEN: d.NameEN, CriteriaSet: d.CriteriaSet,
			Rating:      ocop.Rating{Stars: d.Stars, PotentialFive: d.PotentialFive},
			Certificate: Certificate{DecisionNo: d.DecisionNo, IssuedBy: d.IssuedBy, IssuedOn: d.IssuedOn.In(z), ExpiresOn: d.ExpiresOn.In(z)},
			GTIN:        d.GTIN, Unit: d.Unit, PriceMin: d.PriceMin, PriceMax: d.PriceMax, MonthlyCapacity: d.MonthlyCapacity,
			ShelfLifeDays: d.ShelfLifeDays, SeasonMonths: d.SeasonMonths, DescriptionVI: d.DescriptionVI, DescriptionEN: d.DescriptionEN,
			ImageURLs: d.ImageURLs, Photo: d.Photo, Deleted: d.Deleted, Revision: d.Revision, CreatedAt: d.CreatedAt.In(z), UpdatedAt: d.UpdatedAt.In(z),
			ChangedBy: Editor{Role: d.ChangedByRole, Name: d.ChangedByName},
		},
		Owner:           Owner{ProducerID: d.ProducerID, AccountID: d.AccountID, Name: d.ProducerName, Province: prov, Certifications: d.ProducerCerts, Revision: d.OwnerRevision},
		ExpiryAnnounced: d.ExpiryAnnounced,
	}
}

// Event returns the product as other services receive it.
func Event(l Listed) events.ProductV1 {
	p := l.Product
	return events.ProductV1{
		ID: p.ID, ProducerID: p.ProducerID, ProducerName: l.Owner.Name, ProvinceCode: l.Owner.Province.Code, Region: l.Owner.Province.Region,
		NameVI: p.NameVI, NameEN: p.NameEN, CriteriaSet: p.CriteriaSet, Sector: p.Sector(), Stars: p.Rating.Stars, PotentialFive: p.Rating.PotentialFive,
		Certificate: events.CertificateV1{DecisionNo: p.Certificate.DecisionNo, IssuedBy: p.Certificate.IssuedBy,
			IssuedOn: p.Certificate.IssuedOn.In(vntext.Zone).Format(time.DateOnly), ExpiresOn: p.Certificate.ExpiresOn.In(vntext.Zone).Format(time.DateOnly)},
		GTIN: p.GTIN, Unit: p.Unit, PriceMinVND: p.PriceMin, PriceMaxVND: p.PriceMax, MonthlyCapacity: p.MonthlyCapacity,
		ShelfLifeDays: p.ShelfLifeDays, SeasonMonths: nonNilInts(p.SeasonMonths), DescriptionVI: p.DescriptionVI, Deleted: p.Deleted,
		Revision: p.Revision, UpdatedAt: p.UpdatedAt, PhotoURL: eventPhotoURL(p),
	}
}

// ErrStale is returned when the product changed between read and write.
var ErrStale = apperr.New(apperr.Conflict, msgStale)

// Store keeps products.
type Store struct {
	c *mongo.Collection
	w outbox.Writer
	// notices writes the expiry notices; it has no stale error, as a notice is only inserted.
	notices outbox.Writer
	// saved is told of every product this store wrote, as stored, so that this replica's read
	// model shows its own writes at once (read-your-writes) without waiting for the stream.
	saved func(Listed)
	// owned lists a producer's live products whose owner copy is older than a revision, from the
	// read model; nil makes RefreshOwner query the database.
	owned func(producerID string, revision int64) []Listed
}

// OwnedFrom makes RefreshOwner take its candidates from fn (the catalogue read model) instead of
// a query by producer: on the embedded FerretDB that query reads every product and holds the
// database for as long. Call it once, before the store is used.
func (s *Store) OwnedFrom(fn func(producerID string, revision int64) []Listed) { s.owned = fn }

// OnSaved makes the store call fn with each product it creates or saves, after the write
// succeeded. Call it once, before the store is used.
func (s *Store) OnSaved(fn func(Listed)) { s.saved = fn }

// stored tells the OnSaved function of a write, with the product as a read of the database
// would return it (times at millisecond precision, in Vietnam's zone).
func (s *Store) stored(p Product, o Owner) {
	if s.saved == nil {
		return
	}
	d := toDocument(p, o)
	for _, t := range []*time.Time{&d.IssuedOn, &d.ExpiresOn, &d.CreatedAt, &d.UpdatedAt} {
		*t = t.Truncate(time.Millisecond)
	}
	s.saved(d.listed())
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "product", ErrStale),
		notices: outbox.NewWriter(db.Collection(NoticesCollection), "certificate notice", nil)}
}

// duplicateName says msgNameTaken for a write refused by a unique key (err): the one unique key
// besides _id is a producer's live product name. Other errors (a stale write among them) are
// returned as they are.
func duplicateName(err error) error {
	if storage.IsDuplicate(err) {
		return apperr.WrapMsg(apperr.Conflict, err, msgNameTaken)
	}
	return err
}

// Create stores a new product with its exhibitor.product.created event. It returns Conflict when
// the producer already lists a live product of that name.
func (s *Store) Create(ctx context.Context, p Product, o Owner, correlationID string) error {
	err := duplicateName(s.w.Insert(ctx, toDocument(p, o), "", correlationID, change(events.ProductCreated, Listed{Product: p, Owner: o})))
	if err == nil {
		s.stored(p, o)
	}
	return err
}

// Save replaces the product if it is still at revision prev, with one event of subject. It returns
// ErrStale when the product changed meanwhile, and Conflict as Create does.
func (s *Store) Save(ctx context.Context, p Product, o Owner, prev int64, subject, correlationID string) error {
	err := duplicateName(s.w.Replace(ctx, bson.M{"_id": p.ID, "revision": prev}, toDocument(p, o), "", correlationID, change(subject, Listed{Product: p, Owner: o})))
	if err == nil {
		s.stored(p, o)
	}
	return err
}

// Get returns a product (deleted ones too; callers decide).
func (s *Store) Get(ctx context.Context, id string) (Listed, error) {
	var d document
	if err := s.c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Listed{}, storage.MapError(err, "product")
	}
	return d.listed(), nil
}

// NameCursor is where a page of a producer's products, sorted by name, ended.
type NameCursor struct {
	Name string `json:"n"`
	ID   string `json:"i"`
}

// ByProducer returns up to limit of a producer's live products by name, after the key (zero: from
// the start).
func (s *Store) ByProducer(ctx context.Context, producerID string, after NameCursor, limit int) ([]Listed, error) {
	q := bson.M{"producer_id": producerID, "deleted": false}
	if after != (NameCursor{}) {
		q["$or"] = bson.A{bson.M{"name_fold": bson.M{"$gt": after.Name}}, bson.M{"name_fold": after.Name, "_id": bson.M{"$gt": after.ID}}}
	}
	return s.find(ctx, q, options.Find().SetSort(bson.D{{Key: "name_fold", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// CursorAfter is the cursor of the page that follows l in ByProducer.
func CursorAfter(l Listed) NameCursor {
	return NameCursor{Name: vntext.Fold(l.NameVI + " " + l.NameEN), ID: l.ID}
}

// ByIDs returns the live products with the given IDs.
func (s *Store) ByIDs(ctx context.Context, ids []string) ([]Listed, error) {
	return s.find(ctx, bson.M{"_id": bson.M{"$in": ids}, "deleted": false}, options.Find())
}

func (s *Store) find(ctx context.Context, q bson.M, opts *options.FindOptionsBuilder) ([]Listed, error) {
	cur, err := s.c.Find(ctx, q, opts.SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "products")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "products")
	}
	out := make([]Listed, len(docs))
	for i, d := range docs {
		out[i] = d.listed()
	}
	return out, nil
}

// RefreshOwner rewrites the producer details copied onto the producer's live products that were
// copied from a revision older than o's, each product with its exhibitor.product.updated event in
// one write (matchmaking reads the producer's name and place from product events too). It is
// idempotent and never writes an older copy over a newer one. It returns how many products it
// rewrote; an error leaves the rest for a retry.
func (s *Store) RefreshOwner(ctx context.Context, o Owner, correlationID string) (int, error) {
	filter := bson.M{"producer_id": o.ProducerID, "deleted": false,
		"$or": storage.OlderThan("owner_revision", o.Revision)}
	// The catalogue model answers without a database read, but may not yet hold a product
	// another replica created meanwhile: once it has none behind, the database is asked once.
	fromModel := s.owned != nil
	behind := func() ([]Listed, error) {
		if fromModel {
			if batch := s.owned(o.ProducerID, o.Revision); len(batch) > 0 {
				return batch, nil
			}
			fromModel = false
		}
		return s.find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(100))
	}
	done := 0
	// Each round takes the products still behind; a product changed meanwhile is stale here and
	// picked up again, at its new revision, by the next round. The bound keeps a product that
	// keeps changing from holding the loop.
	for round := 0; round < 200; round++ {
		batch, err := behind()
		if err != nil || len(batch) == 0 {
			return done, err
		}
		stale := 0
		for _, l := range batch {
			next := l.Product
			next.Revision++
			err := s.Save(ctx, next, o, l.Revision, events.ProductUpdated, correlationID)
			switch {
			case errors.Is(err, ErrStale):
				stale++
				if s.owned != nil { // the model may lag the database: bring it this product's newest copy
					if cur, err := s.Get(ctx, l.ID); err == nil {
						s.stored(cur.Product, cur.Owner)
					}
				}
				continue
			case err != nil:
				return done, err
			}
			done++
		}

	}
	return done, fmt.Errorf("products of producer %s still behind revision %d after many rounds", o.ProducerID, o.Revision)
}

// Query filters the public catalogue.
type Query struct {
	Text          string
	Sector        string
	CriteriaSet   int
	MinStars      int
	Province      string
	Region        string
	Certification string
	// Statuses of the certificate to include; empty means valid and expiring.
	Statuses []ocop.CertificateStatus
	Now      time.Time
	Cursor   CatalogueCursor
	Limit    int
}

// CatalogueCursor continues a catalogue page. Without search words it holds the last ID shown
// (After). The database-backed search goes in tiers: tier 0 holds exact-diacritic matches, tier
// 1 the matches found only after folding, each by ID. The in-memory search (Catalogue.Query)
// ranks its matches and continues at an offset into that order.
type CatalogueCursor struct {
	Tier   int    `json:"t"`
	After  string `json:"a"`
	Offset int    `json:"o,omitempty"`
}

// Catalogue returns one page of live products matching q, exact-diacritic text matches first, and
// the cursor of the next page ("done" is true when there is none).
func (s *Store) Catalogue(ctx context.Context, q Query) ([]Listed, CatalogueCursor, bool, error) {
	base := bson.A{bson.M{"deleted": false}}
	if q.Sector != "" {
		base = append(base, bson.M{"sector": q.Sector})
	}
	if q.CriteriaSet != 0 {
		base = append(base, bson.M{"criteria_set": q.CriteriaSet})
	}
	if q.MinStars > 3 {
		base = append(base, bson.M{"stars": bson.M{"$gte": q.MinStars}})
	}
	if q.Province != "" {
		base = append(base, bson.M{"province_code": q.Province})
	}
	if q.Region != "" {
		base = append(base, bson.M{"$or": bson.A{bson.M{"region": q.Region}, bson.M{"promotion_group": q.Region}}})
	}
	if q.Certification != "" {
		base = append(base, bson.M{"producer_certifications": q.Certification})
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []ocop.CertificateStatus{ocop.CertificateValid, ocop.CertificateExpiring}
	}
	var statusOr bson.A
	soon := q.Now.Add(ocop.ExpiringWithinDays * 24 * time.Hour)
	for _, st := range statuses {
		switch st {
		case ocop.CertificateValid:
			statusOr = append(statusOr, bson.M{"expires_on": bson.M{"$gt": soon}})
		case ocop.CertificateExpiring:
			statusOr = append(statusOr, bson.M{"expires_on": bson.M{"$gt": q.Now, "$lte": soon}})
		case ocop.CertificateExpired:
			statusOr = append(statusOr, bson.M{"expires_on": bson.M{"$lte": q.Now}})
		}
	}
	base = append(base, bson.M{"$or": statusOr})

	tiers := []bson.M{{}}
	if text := strings.TrimSpace(q.Text); text != "" {
		exact := regexp.QuoteMeta(strings.ToLower(vntext.Clean(text)))
		folded := regexp.QuoteMeta(vntext.Fold(text))
		tiers = []bson.M{
			{"name_lower": bson.M{"$regex": exact}},
			{"name_fold": bson.M{"$regex": folded}, "name_lower": bson.M{"$not": bson.M{"$regex": exact}}},
		}
	}
	var out []Listed
	cur := q.Cursor
	for tier := cur.Tier; tier < len(tiers); tier++ {
		filter := append(bson.A{}, base...)
		filter = append(filter, tiers[tier])
		if tier == cur.Tier && cur.After != "" {
			filter = append(filter, bson.M{"_id": bson.M{"$gt": cur.After}})
		}
		need := q.Limit - len(out)
		page, err := s.find(ctx, bson.M{"$and": filter}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(need+1)))
		if err != nil {
			return nil, CatalogueCursor{}, true, err
		}
		if len(page) > need {
			out = append(out, page[:need]...)
			return out, CatalogueCursor{Tier: tier, After: out[len(out)-1].ID}, false, nil
		}
		out = append(out, page...)
		if len(out) == q.Limit && tier+1 < len(tiers) {
			return out, CatalogueCursor{Tier: tier + 1}, false, nil
		}
	}
	return out, CatalogueCursor{}, true, nil
}

// AnnounceExpiry publishes exhibitor.product.certificate_expired for a product's certificate once:
// the notice is an insert with a unique _id (product and decision number) that carries the event,
// so a second sweep or another replica adds nothing. It reports whether this call announced it.
func (s *Store) AnnounceExpiry(ctx context.Context, l Listed, now time.Time) (bool, error) {
	err := s.notices.Insert(ctx, bson.M{
		"_id": l.ID + "|" + l.Certificate.DecisionNo, "product_id": l.ID, "decision_no": l.Certificate.DecisionNo,
		"expired_on": l.Certificate.ExpiresOn, "at": now, "id": uuid.Must(uuid.NewV7()).String(),
	}, "", "", change(events.ProductCertificateExpired, l))
	announced := err == nil
	// A duplicate is the notice another sweep wrote: announced already, not a failure.
	if err != nil && !storage.IsDuplicate(err) {
		return false, err
	}
	// Mark the product so the sweep skips it; only a hint, the notice's _id is what counts.
	_, err = storage.UpdateOne(ctx, s.c, bson.M{"_id": l.ID, "decision_no": l.Certificate.DecisionNo}, bson.M{"$set": bson.M{"expiry_announced": true}})
	return announced, storage.MapError(err, "product")
}

// change is the event of subject that carries the product as it now is.
func change(subject string, l Listed) outbox.Event {
	return outbox.Event{Subject: subject, AggregateID: l.ID, Payload: events.ProductChangedV1{Product: Event(l)}}
}
