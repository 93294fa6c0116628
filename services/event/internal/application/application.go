// Package application is the event service's read model of booth applications, built from the
// exhibitor service's events, plus the meeting outcomes reported by the matchmaking service (and
// its cancellations, so that a cancelled meeting never counts as held).
// Allocation and reports read it; no synchronous call to another service is made.
package application

import (
	"context"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections of the read model.
const (
	Collection         = "applications"
	OutcomesCollection = "meeting_outcomes"
)

// Statuses an application can have (the exhibitor service owns them).
const (
	Submitted  = "submitted"
	Approved   = "approved"
	Rejected   = "rejected"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
	Cancelled  = "cancelled"
)

// Indexes for the allocator's and reports' queries.
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: OutcomesCollection, Keys: bson.D{{Key: "fair_id", Value: 1}}},
	}
}

// Product is a product shown under an application.
type Product struct {
	ProductID     string `bson:"product_id"`
	Name          string `bson:"name"`
	CriteriaSet   int    `bson:"criteria_set"`
	Sector        string `bson:"sector"`
	Stars         int    `bson:"stars"`
	PotentialFive bool   `bson:"potential_five"`
}

// Application is a booth application as the event service knows it.
type Application struct {
	ID            string    `bson:"_id"`
	FairID        string    `bson:"fair_id"`
	ProducerID    string    `bson:"producer_id"`
	ProducerName  string    `bson:"producer_name"`
	Province      string    `bson:"province_code"`
	Products      []Product `bson:"products"`
	BoothKind     string    `bson:"booth_kind"`
	BoothCount    int       `bson:"booth_count"`
	PreferredZone string    `bson:"preferred_zone"`
	Status        string    `bson:"status"`
	SubmittedAt   time.Time `bson:"submitted_at"`
	Revision      int64     `bson:"revision"`
}

// Best returns the rating of the application's best product.
func (a Application) Best() ocop.Rating {
	var best ocop.Rating
	for _, p := range a.Products {
		r := ocop.Rating{Stars: p.Stars, PotentialFive: p.PotentialFive}
		if r.Priority() > best.Priority() {
			best = r
		}
	}
	return best
}

// CriteriaSets returns the distinct criteria sets of its products.
func (a Application) CriteriaSets() []int {
	var out []int
	for _, p := range a.Products {
		if !slices.Contains(out, p.CriteriaSet) {
			out = append(out, p.CriteriaSet)
		}
	}
	slices.Sort(out)
	return out
}

// Sectors returns the distinct sectors of its products.
func (a Application) Sectors() []string {
	var out []string
	for _, p := range a.Products {
		if !slices.Contains(out, p.Sector) {
			out = append(out, p.Sector)
		}
	}
	slices.Sort(out)
	return out
}

// Outcome is the latest recorded outcome of one B2B meeting that was not cancelled. A cancelled
// meeting leaves a document with cancelled set, which no outcome overwrites and no report reads.
type Outcome struct {
	MeetingID  string    `bson:"_id"`
	FairID     string    `bson:"fair_id"`
	Outcome    string    `bson:"outcome"`
	ValueVND   int64     `bson:"value_vnd"`
	RecordedAt time.Time `bson:"recorded_at"`
}

// Store is the read model.
type Store struct {
	apps     *mongo.Collection
	outcomes *mongo.Collection
}

// NewStore returns the read model on db.
func NewStore(db *storage.DB) *Store {
	return &Store{apps: db.Collection(Collection), outcomes: db.Collection(OutcomesCollection)}
}

// Ended is called after an application stopped being approved (withdrawn, cancelled, rejected),
// to release its booths. It must be idempotent.
type Ended func(ctx context.Context, app Application, reason string) error

// Consumers returns the durable consumers of the read model: applications (calling ended when
// one leaves the approved state), meeting outcomes and meeting cancellations.
func (s *Store) Consumers(ended Ended) []bus.Consumer {
	return []bus.Consumer{
		{Durable: "event-applications", Stream: "EXHIBITOR", Subjects: events.ApplicationSubjects,
			Handler: func(ctx context.Context, env events.Envelope) error { return s.handleApplication(ctx, env, ended) }},
		{Durable: "event-meeting-outcomes", Stream: "MATCHMAKING", Subjects: []string{events.MeetingOutcomeRecorded}, Handler: s.handleOutcome},
		{Durable: "event-meeting-cancellations", Stream: "MATCHMAKING", Subjects: []string{events.MeetingCancelled}, Handler: s.handleCancelled},
	}
}

func (s *Store) handleApplication(ctx context.Context, env events.Envelope, ended Ended) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var pl events.ApplicationChangedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	a := pl.Application
	if a.ID == "" || a.FairID == "" || a.Revision < 1 {
		return bus.Permanent(fmt.Errorf("application without id, fair or revision"))
	}
	doc := Application{ID: a.ID, FairID: a.FairID, ProducerID: a.ProducerID, ProducerName: vntext.Clean(a.ProducerName), Province: a.ProvinceCode,
		BoothKind: a.BoothKind, BoothCount: a.BoothCount, PreferredZone: a.PreferredZone, Status: a.Status, SubmittedAt: a.SubmittedAt, Revision: a.Revision}
	for _, p := range a.Products {
		doc.Products = append(doc.Products, Product{ProductID: p.ProductID, Name: p.Name, CriteriaSet: p.CriteriaSet, Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive})
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return bus.Permanent(err)
	}
	var set bson.M
	if err := bson.Unmarshal(raw, &set); err != nil {
		return bus.Permanent(err)
	}
	delete(set, "_id")
	_, err = s.apps.UpdateOne(ctx, bson.M{"_id": a.ID, "revision": bson.M{"$lt": a.Revision}}, bson.M{"$set": set}, options.UpdateOne().SetUpsert(true))
	if err != nil && !storage.IsDuplicate(err) {
		return err
	}
	// Releasing booths is idempotent, so it runs for a redelivered or older event as well; the
	// current state decides.
	current, err := s.Get(ctx, a.ID)
	if err != nil {
		return err
	}
	switch current.Status {
	case Withdrawn, Cancelled, Rejected:
		return ended(ctx, current, "application "+current.Status)
	}
	return nil
}

func (s *Store) handleOutcome(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var o events.MeetingOutcomeV1
	if err := env.Decode(&o); err != nil {
		return bus.Permanent(err)
	}
	if o.MeetingID == "" || o.FairID == "" {
		return bus.Permanent(fmt.Errorf("outcome without meeting or fair"))
	}
	// A newer outcome replaces an older one; a cancelled meeting's document matches neither, so
	// the upsert's insert fails on the existing _id and the outcome is dropped.
	_, err := s.outcomes.UpdateOne(ctx, bson.M{"_id": o.MeetingID, "recorded_at": bson.M{"$lt": o.RecordedAt}, "cancelled": bson.M{"$ne": true}},
		bson.M{"$set": bson.M{"fair_id": o.FairID, "outcome": o.Outcome, "value_vnd": o.ValueVND, "recorded_at": o.RecordedAt}},
		options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) {
		return nil
	}
	return err
}

// handleCancelled marks a meeting cancelled, whether its outcome came before or comes after.
func (s *Store) handleCancelled(ctx context.Context, env events.Envelope) error {
	if env.Version != 1 {
		return bus.Permanent(fmt.Errorf("unknown payload version %d", env.Version))
	}
	var pl events.MeetingChangedV1
	if err := env.Decode(&pl); err != nil {
		return bus.Permanent(err)
	}
	if pl.Meeting.ID == "" || pl.Meeting.FairID == "" {
		return bus.Permanent(fmt.Errorf("cancelled meeting without id or fair"))
	}
	_, err := s.outcomes.UpdateOne(ctx, bson.M{"_id": pl.Meeting.ID}, bson.M{"$set": bson.M{"fair_id": pl.Meeting.FairID, "cancelled": true}},
		options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) {
		// The outcome's document was inserted between our match and our insert: mark it now.
		_, err = s.outcomes.UpdateOne(ctx, bson.M{"_id": pl.Meeting.ID}, bson.M{"$set": bson.M{"cancelled": true}})
	}
	return err
}

// Get returns one application.
func (s *Store) Get(ctx context.Context, id string) (Application, error) {
	var a Application
	if err := s.apps.FindOne(ctx, bson.M{"_id": id}).Decode(&a); err != nil {
		return Application{}, storage.MapError(err, "application")
	}
	a.SubmittedAt = a.SubmittedAt.In(vntext.Zone)
	return a, nil
}

// ForFair returns the applications of a fair with one of statuses (all when none given).
func (s *Store) ForFair(ctx context.Context, fairID string, statuses ...string) ([]Application, error) {
	q := bson.M{"fair_id": fairID}
	if len(statuses) > 0 {
		q["status"] = bson.M{"$in": statuses}
	}
	cur, err := s.apps.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "submitted_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, storage.MapError(err, "applications")
	}
	var out []Application
	if err := cur.All(ctx, &out); err != nil {
		return nil, storage.MapError(err, "applications")
	}
	return out, nil
}

// Outcomes returns the outcomes of a fair's meetings that were not cancelled.
func (s *Store) Outcomes(ctx context.Context, fairID string) ([]Outcome, error) {
	cur, err := s.outcomes.Find(ctx, bson.M{"fair_id": fairID, "cancelled": bson.M{"$ne": true}})
	if err != nil {
		return nil, storage.MapError(err, "meeting outcomes")
	}
	var out []Outcome
	if err := cur.All(ctx, &out); err != nil {
		return nil, storage.MapError(err, "meeting outcomes")
	}
	return out, nil
}
