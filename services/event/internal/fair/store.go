package fair

import (
	"context"
	"regexp"
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

// Collection holds fairs.
const Collection = "fairs"

// Indexes for listing by status and start date.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "status", Value: 1}, {Key: "start_date", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "start_date", Value: 1}, {Key: "_id", Value: 1}}},
	}
}

type b2bDoc struct {
	Date         time.Time `bson:"date"`
	StartTime    string    `bson:"start_time"`
	SlotMinutes  int       `bson:"slot_minutes"`
	Slots        int       `bson:"slots"`
	MorningSlots int       `bson:"morning_slots"`
	Tables       int       `bson:"tables"`
	LunchMinutes int       `bson:"lunch_minutes,omitempty"`
}

type document struct {
	ID                string           `bson:"_id"`
	NameVI            string           `bson:"name_vi"`
	NameEN            string           `bson:"name_en"`
	NameFold          string           `bson:"name_fold"`
	Kind              string           `bson:"kind"`
	Theme             string           `bson:"theme"`
	Region            string           `bson:"region"`
	HostProvince      string           `bson:"host_province"`
	VenueName         string           `bson:"venue_name"`
	VenueAddress      string           `bson:"venue_address"`
	StartDate         time.Time        `bson:"start_date"`
	EndDate           time.Time        `bson:"end_date"`
	ApplicationsOpen  time.Time        `bson:"applications_open"`
	ApplicationsClose time.Time        `bson:"applications_close"`
	MinStars          int              `bson:"min_stars"`
	AllowedSectors    []string         `bson:"allowed_sectors"`
	AllowedProvinces  []string         `bson:"allowed_provinces"`
	AllowedRegions    []string         `bson:"allowed_regions"`
	MaxBooths         int              `bson:"max_booths_per_producer"`
	ProvinceQuotas    map[string]int   `bson:"province_quotas"`
	BoothPrices       map[string]int64 `bson:"booth_prices"`
	SubsidyPercent    int              `bson:"subsidy_percent"`
	MaxSubsidised     int              `bson:"max_subsidised_booths"`
	ContactName       string           `bson:"contact_name"`
	ContactPhone      string           `bson:"contact_phone"`
	ContactEmail      string           `bson:"contact_email"`
	Organisers        []string         `bson:"organisers"`
	Status            string           `bson:"status"`
	CancelReason      string           `bson:"cancel_reason"`
	Discarded         bool             `bson:"discarded,omitempty"`
	B2BDays           []b2bDoc         `bson:"b2b_days"`
	Revision          int64            `bson:"revision"`
	CreatedAt         time.Time        `bson:"created_at"`
	UpdatedAt         time.Time        `bson:"updated_at"`
}

func toDocument(f Fair) document {
	days := make([]b2bDoc, len(f.B2BDays))
	for i, d := range f.B2BDays {
		days[i] = b2bDoc(d)
	}
	return document{
		ID: f.ID, NameVI: f.NameVI, NameEN: f.NameEN, NameFold: vntext.Fold(f.NameVI + " " + f.NameEN), Kind: f.Kind, Theme: f.Theme,
		Region: f.Region, HostProvince: f.HostProvince, VenueName: f.Venue.Name, VenueAddress: f.Venue.Address,
		StartDate: f.StartDate, EndDate: f.EndDate, ApplicationsOpen: f.ApplicationsOpen, ApplicationsClose: f.ApplicationsClose,
		MinStars: f.Eligibility.MinStars, AllowedSectors: nonNil(f.Eligibility.AllowedSectors), AllowedProvinces: nonNil(f.Eligibility.AllowedProvinces),
		AllowedRegions: nonNil(f.Eligibility.AllowedRegions), MaxBooths: f.Eligibility.MaxBoothsPerProducer, ProvinceQuotas: f.Eligibility.ProvinceQuotas,
		BoothPrices: f.Fees.BoothPrices, SubsidyPercent: f.Fees.SubsidyPercent, MaxSubsidised: f.Fees.MaxSubsidisedBooths,
		ContactName: f.Contact.Name, ContactPhone: f.Contact.Phone, ContactEmail: f.Contact.Email, Organisers: f.Organisers,
		Status: string(f.Status), CancelReason: f.CancelReason, Discarded: f.Discarded, B2BDays: days, Revision: f.Revision, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (d document) fair() Fair {
	z := vntext.Zone
	days := make([]B2BDay, len(d.B2BDays))
	for i, b := range d.B2BDays {
		days[i] = B2BDay(b)
		days[i].Date = b.Date.In(z)
	}
	quotas := d.ProvinceQuotas
	if quotas == nil {
		quotas = map[string]int{}
	}
	prices := d.BoothPrices
	if prices == nil {
		prices = map[string]int64{}
	}
	return Fair{
		ID: d.ID, NameVI: d.NameVI, NameEN: d.NameEN, Kind: d.Kind, Theme: d.Theme, Region: d.Region, HostProvince: d.HostProvince,
		Venue: Venue{Name: d.VenueName, Address: d.VenueAddress}, StartDate: d.StartDate.In(z), EndDate: d.EndDate.In(z),
		ApplicationsOpen: d.ApplicationsOpen.In(z), ApplicationsClose: d.ApplicationsClose.In(z),
		Eligibility: Eligibility{MinStars: d.MinStars, AllowedSectors: d.AllowedSectors, AllowedProvinces: d.AllowedProvinces,
			AllowedRegions: d.AllowedRegions, MaxBoothsPerProducer: d.MaxBooths, ProvinceQuotas: quotas},
		Fees:    Fees{BoothPrices: prices, SubsidyPercent: d.SubsidyPercent, MaxSubsidisedBooths: d.MaxSubsidised},
		Contact: Contact{Name: d.ContactName, Phone: d.ContactPhone, Email: d.ContactEmail}, Organisers: d.Organisers,
		Status: Status(d.Status), CancelReason: d.CancelReason, Discarded: d.Discarded, B2BDays: days, Revision: d.Revision,
		CreatedAt: d.CreatedAt.In(z), UpdatedAt: d.UpdatedAt.In(z),
	}
}

// Event returns the fair as other services receive it.
func Event(f Fair) events.FairV1 {
	days := make([]events.B2BDayV1, len(f.B2BDays))
	for i, d := range f.B2BDays {
		days[i] = events.B2BDayV1{Date: d.Date.Format(time.DateOnly), StartTime: d.StartTime, SlotMinutes: d.SlotMinutes,
			Slots: d.Slots, MorningSlots: d.MorningSlots, Tables: d.Tables, LunchMinutes: d.LunchMinutes}
	}
	return events.FairV1{
		ID: f.ID, NameVI: f.NameVI, NameEN: f.NameEN, Kind: f.Kind, Theme: f.Theme, Region: f.Region, HostProvince: f.HostProvince,
		Venue: events.VenueV1{Name: f.Venue.Name, Address: f.Venue.Address}, StartDate: f.StartDate.Format(time.DateOnly),
		EndDate: f.EndDate.Format(time.DateOnly), ApplicationsOpen: f.ApplicationsOpen, ApplicationsClose: f.ApplicationsClose,
		Eligibility: events.EligibilityV1{MinStars: f.Eligibility.MinStars, AllowedSectors: nonNil(f.Eligibility.AllowedSectors),
			AllowedProvinces: nonNil(f.Eligibility.AllowedProvinces), AllowedRegions: nonNil(f.Eligibility.AllowedRegions),
			MaxBoothsPerProducer: f.Eligibility.MaxBoothsPerProducer, ProvinceQuotas: f.Eligibility.ProvinceQuotas},
		Fees:       events.FeesV1{BoothPrices: f.Fees.BoothPrices, SubsidyPercent: f.Fees.SubsidyPercent, MaxSubsidisedBooths: f.Fees.MaxSubsidisedBooths},
		Organisers: f.Organisers, Status: string(f.Status), CancelReason: f.CancelReason, Discarded: f.Discarded, B2BDays: days, Revision: f.Revision, UpdatedAt: f.UpdatedAt,
	}
}

// SubjectOf returns the event subject of a lifecycle action.
func SubjectOf(a Action) string {
	switch a {
	case Publish:
		return events.FairPublished
	case CloseApplications:
		return events.FairApplicationsClosed
	case Start:
		return events.FairStarted
	case Complete:
		return events.FairCompleted
	case Cancel:
		return events.FairCancelled
	}
	return events.FairUpdated
}

// ErrStale is returned when a fair changed between read and write.
var ErrStale = apperr.New(apperr.Conflict, msgStale)

// errNotFound answers for a fair that is not there or not for the caller to see: the same answer
// the database gives for a missing fair, so that a hidden draft cannot be told from no fair.
var errNotFound = storage.MapError(mongo.ErrNoDocuments, "fair")

// Store keeps fairs.
type Store struct {
	c *mongo.Collection
	w outbox.Writer
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "fair", ErrStale)}
}

// Create stores a new fair with its event.fair.created event; a fair with its ID is Conflict.
func (s *Store) Create(ctx context.Context, f Fair, correlationID string) error {
	return s.w.Insert(ctx, toDocument(f), "", correlationID, change(events.FairCreated, f))
}

// Save replaces the fair if it is still at revision prev, with one event of subject; ErrStale
// when it is not.
func (s *Store) Save(ctx context.Context, f Fair, prev int64, subject, correlationID string) error {
	return s.w.Replace(ctx, bson.M{"_id": f.ID, "revision": prev}, toDocument(f), "", correlationID, change(subject, f))
}

// change is the event of subject that carries the fair as it now is.
func change(subject string, f Fair) outbox.Event {
	return outbox.Event{Subject: subject, AggregateID: f.ID, Payload: events.FairChangedV1{Fair: Event(f)}}
}

// Get returns the fair with id.
func (s *Store) Get(ctx context.Context, id string) (Fair, error) {
	var d document
	if err := s.c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Fair{}, storage.MapError(err, "fair")
	}
	return d.fair(), nil
}

// Filter narrows the fair list.
type Filter struct {
	Kind, Region, Province, Query string
	Statuses                      []Status
	From, To                      time.Time // overlap with [From, To]
	// Organiser, when set, also shows that account's non-public fairs.
	Organiser string
	// OrganisedBy, when set, keeps only the fairs that account organises, whatever their status
	// (an organiser's own list, and the live stream's scope, without paging through every fair).
	OrganisedBy string
	All         bool // admins see everything
	After       *Cursor
	Limit       int
	// Desc lists the latest start first (past fairs, newest first); a search ranks instead.
	Desc bool
}

// Cursor is the sort key of the last fair of a page: start date, then ID.
type Cursor struct {
	Start time.Time `json:"s"`
	ID    string    `json:"i"`
	// Rank is the last fair's Rank in a search (q), which lists best first.
	Rank int `json:"r,omitempty"`
	// Desc says the page was listed latest start first: the cursor continues that order only.
	Desc bool `json:"d,omitempty"`
}

// Public statuses are visible to everyone, but for a discarded draft (Fair.Private).
var Public = []Status{Published, ApplicationsClosed, Live, Completed, Cancelled}

// List returns fairs matching f, by start date then ID (latest first when f.Desc).
func (s *Store) List(ctx context.Context, f Filter) ([]Fair, error) {
	and := bson.A{}
	statuses := f.Statuses
	visible := bson.A{bson.M{"status": bson.M{"$in": statusStrings(Public)}, "discarded": bson.M{"$ne": true}}}
	if f.Organiser != "" {
		visible = append(visible, bson.M{"organisers": f.Organiser})
	}
	if !f.All {
		and = append(and, bson.M{"$or": visible})
	}
	if f.OrganisedBy != "" {
		and = append(and, bson.M{"organisers": f.OrganisedBy})
	}
	if len(statuses) > 0 {
		and = append(and, bson.M{"status": bson.M{"$in": statusStrings(statuses)}})
	}
	if f.Kind != "" {
		and = append(and, bson.M{"kind": f.Kind})
	}
	if f.Region != "" {
		and = append(and, bson.M{"region": f.Region})
	}
	if f.Province != "" {
		and = append(and, bson.M{"host_province": f.Province})
	}
	for q, i := vntext.NewWords(f.Query), 0; i < q.Len(); i++ {
		// Every word, whole or as the start of a word of the names, as Model.List matches.
		and = append(and, bson.M{"name_fold": bson.M{"$regex": `(^|[^\pL\pN])` + regexp.QuoteMeta(q.Word(i))}})
	}
	if !f.From.IsZero() {
		and = append(and, bson.M{"end_date": bson.M{"$gte": f.From}})
	}
	if !f.To.IsZero() {
		and = append(and, bson.M{"start_date": bson.M{"$lte": f.To}})
	}
	search := f.Query != "" && vntext.NewWords(f.Query).Len() > 0
	after, dir := "$gt", 1
	if f.Desc && !search { // a search ranks its matches, ties by start as ever (see ranked)
		after, dir = "$lt", -1
	}
	if f.After != nil && !search {
		and = append(and, bson.M{"$or": bson.A{
			bson.M{"start_date": bson.M{after: f.After.Start}},
			bson.M{"start_date": f.After.Start, "_id": bson.M{after: f.After.ID}},
		}})
	}
	q := bson.M{}
	if len(and) > 0 {
		q["$and"] = and
	}
	limit := int64(f.Limit)
	if search {
		limit = 0 // a search ranks every match before it pages
	}
	cur, err := s.c.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "start_date", Value: dir}, {Key: "_id", Value: dir}}).
		SetLimit(limit).SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "fairs")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "fairs")
	}
	out := make([]Fair, len(docs))
	ranks := make([]int, len(docs))
	for i, d := range docs {
		out[i] = d.fair()
		ranks[i] = Rank(f.Query, out[i])
	}
	if search {
		return ranked(out, ranks, f.After, f.Limit), nil
	}
	return out, nil
}

func statusStrings(ss []Status) bson.A {
	out := make(bson.A, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}
