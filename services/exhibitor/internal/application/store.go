package application

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collections.
const (
	Collection     = "applications"
	FairCollection = "fairs"
)

// Indexes: one active application per producer per fair rests on active_key, which is
// "fair/producer" while the application is active and its own ID afterwards (FerretDB has no
// partial indexes).
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "active_key", Value: 1}}, Unique: true},
		{Collection: Collection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "producer_id", Value: 1}}},
	}
}

func activeKey(a Application) string {
	if a.Status.Active() {
		return a.FairID + "/" + a.ProducerID
	}
	return a.ID
}

type productDoc struct {
	ProductID     string    `bson:"product_id"`
	Name          string    `bson:"name"`
	CriteriaSet   int       `bson:"criteria_set"`
	Sector        string    `bson:"sector"`
	Stars         int       `bson:"stars"`
	PotentialFive bool      `bson:"potential_five"`
	ExpiresOn     time.Time `bson:"expires_on"`
}

// ruleDoc is a rule as stored: its code and values. Rules stored before they kept values have
// reason_vi and reason_en instead, which are still shown.
type ruleDoc struct {
	Code     string       `bson:"code"`
	Pass     bool         `bson:"pass"`
	Blocks   bool         `bson:"blocks,omitempty"`
	Args     *ruleArgsDoc `bson:"args,omitempty"`
	ReasonVI string       `bson:"reason_vi,omitempty"`
	ReasonEN string       `bson:"reason_en,omitempty"`
}

type ruleArgsDoc struct {
	Stars     int              `bson:"stars,omitempty"`
	Asked     int              `bson:"asked,omitempty"`
	Limit     int              `bson:"limit,omitempty"`
	LastDay   string           `bson:"last_day,omitempty"`
	Sectors   []string         `bson:"sectors,omitempty"`
	Province  string           `bson:"province,omitempty"`
	Offending []ruleProductDoc `bson:"offending,omitempty"`
}

type ruleProductDoc struct {
	ProductID string `bson:"product_id"`
	Name      string `bson:"name"`
	Stars     int    `bson:"stars"`
	ExpiresOn string `bson:"expires_on"`
}

func toRuleDoc(r Rule) ruleDoc {
	a := r.Args
	d := ruleDoc{Code: r.Code, Pass: r.Pass, Blocks: r.Blocks, ReasonVI: r.StoredVI, ReasonEN: r.StoredEN,
		Args: &ruleArgsDoc{Stars: a.Stars, Asked: a.Asked, Limit: a.Limit, LastDay: a.LastDay, Sectors: a.Sectors, Province: a.Province}}
	for _, p := range a.Offending {
		d.Args.Offending = append(d.Args.Offending, ruleProductDoc(p))
	}
	return d
}

func (d ruleDoc) rule() Rule {
	r := Rule{Code: d.Code, Pass: d.Pass, Blocks: d.Blocks, StoredVI: d.ReasonVI, StoredEN: d.ReasonEN}
	if a := d.Args; a != nil {
		r.Args = RuleArgs{Stars: a.Stars, Asked: a.Asked, Limit: a.Limit, LastDay: a.LastDay, Sectors: a.Sectors, Province: a.Province}
		for _, p := range a.Offending {
			r.Args.Offending = append(r.Args.Offending, RuleProduct(p))
		}
	}
	return r
}

type document struct {
	ID            string       `bson:"_id"`
	ActiveKey     string       `bson:"active_key"`
	FairID        string       `bson:"fair_id"`
	ProducerID    string       `bson:"producer_id"`
	AccountID     string       `bson:"account_id"`
	ProducerName  string       `bson:"producer_name"`
	Province      string       `bson:"province_code"`
	ProducerRev   int64        `bson:"producer_revision"` // the profile's revision the name and province are from
	Products      []productDoc `bson:"products"`
	BoothKind     string       `bson:"booth_kind"`
	BoothCount    int          `bson:"booth_count"`
	PreferredZone string       `bson:"preferred_zone"`
	Notes         string       `bson:"notes"`
	Status        string       `bson:"status"`
	Reason        string       `bson:"reason"`
	ReasonCode    string       `bson:"reason_code,omitempty"`
	Rules         []ruleDoc    `bson:"rules"`
	Eligible      bool         `bson:"eligible"`
	Booths        []string     `bson:"booths"`
	BoothStates   boothStates  `bson:"booth_states,omitempty"` // written by SetBooth only
	SubmittedAt   time.Time    `bson:"submitted_at"`
	UpdatedAt     time.Time    `bson:"updated_at"`
	Revision      int64        `bson:"revision"`
}

func toDocument(a Application) document {
	d := document{ID: a.ID, ActiveKey: activeKey(a), FairID: a.FairID, ProducerID: a.ProducerID, AccountID: a.AccountID,
		ProducerName: a.ProducerName, Province: a.Province, ProducerRev: a.ProducerRevision, BoothKind: a.BoothKind, BoothCount: a.BoothCount,
		PreferredZone: a.PreferredZone, Notes: a.Notes, Status: string(a.Status), Reason: a.Reason, ReasonCode: a.ReasonCode, Eligible: a.Eligible(),
		Booths: a.Booths, SubmittedAt: a.SubmittedAt, UpdatedAt: a.UpdatedAt, Revision: a.Revision}
	for _, p := range a.Products {
		d.Products = append(d.Products, productDoc(p))
	}
	for _, r := range a.Rules {
		d.Rules = append(d.Rules, toRuleDoc(r))
	}
	if d.Booths == nil {
		d.Booths = []string{}
	}
	return d
}

func (d document) application() Application {
	z := vntext.Zone
	a := Application{ID: d.ID, FairID: d.FairID, ProducerID: d.ProducerID, AccountID: d.AccountID, ProducerName: d.ProducerName,
		Province: d.Province, ProducerRevision: d.ProducerRev, BoothKind: d.BoothKind, BoothCount: d.BoothCount, PreferredZone: d.PreferredZone, Notes: d.Notes,
		Status: Status(d.Status), Reason: d.Reason, ReasonCode: d.ReasonCode, Booths: d.Booths, BoothZones: d.BoothStates.zones(d.Booths), SubmittedAt: d.SubmittedAt.In(z), UpdatedAt: d.UpdatedAt.In(z), Revision: d.Revision}
	for _, p := range d.Products {
		p.ExpiresOn = p.ExpiresOn.In(z)
		a.Products = append(a.Products, Product(p))
	}
	for _, r := range d.Rules {
		a.Rules = append(a.Rules, r.rule())
	}
	return a
}

// Event returns the application as other services receive it.
func Event(a Application) events.ApplicationV1 {
	out := events.ApplicationV1{ID: a.ID, FairID: a.FairID, ProducerID: a.ProducerID, ProducerName: a.ProducerName, ProvinceCode: a.Province,
		BoothKind: a.BoothKind, BoothCount: a.BoothCount, PreferredZone: a.PreferredZone, Status: string(a.Status), Reason: a.Reason, ReasonCode: a.ReasonCode,
		SubmittedAt: a.SubmittedAt, Revision: a.Revision, Products: []events.ApplicationProductV1{}}
	for _, p := range a.Products {
		out.Products = append(out.Products, events.ApplicationProductV1{ProductID: p.ProductID, Name: p.Name, CriteriaSet: p.CriteriaSet,
			Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive})
	}
	return out
}

// SubjectOf returns the event subject for an application's status.
func SubjectOf(s Status) string {
	return map[Status]string{Submitted: events.ApplicationSubmitted, Approved: events.ApplicationApproved, Rejected: events.ApplicationRejected,
		Waitlisted: events.ApplicationWaitlisted, Withdrawn: events.ApplicationWithdrawn, Cancelled: events.ApplicationCancelled}[s]
}

// ErrStale is returned when the application changed between read and write.
var ErrStale = apperr.New(apperr.Conflict, msgStale)

// activeExists says msgActiveExists for a write refused by a unique key (err): the one unique key
// besides _id is active_key, a producer's active application to a fair. Other errors (a stale
// write among them) are returned as they are.
func activeExists(err error) error {
	if storage.IsDuplicate(err) {
		return apperr.WrapMsg(apperr.Conflict, err, msgActiveExists)
	}
	return err
}

// Store keeps applications and the fair read model.
type Store struct {
	c     *mongo.Collection
	w     outbox.Writer
	fairs *mongo.Collection
	saved func(Application)
}

// OnSaved makes the store call fn with each application it creates or saves, after the write
// succeeded, so that the in-memory model shows this replica's writes at once. Set it before the
// store is used.
func (s *Store) OnSaved(fn func(Application)) { s.saved = fn }

// stored tells the OnSaved function of a successful write.
func (s *Store) stored(a Application) {
	if s.saved != nil {
		s.saved(a)
	}
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c := db.Collection(Collection)
	return &Store{c: c, w: outbox.NewWriter(c, "application", ErrStale), fairs: db.Collection(FairCollection)}
}

// Create stores a new application with its submitted event. It returns Conflict when the producer
// already has an active application to the fair.
func (s *Store) Create(ctx context.Context, a Application, correlationID string) error {
	if err := activeExists(s.w.Insert(ctx, toDocument(a), "", correlationID, change(events.ApplicationSubmitted, a))); err != nil {
		return err
	}
	s.stored(a)
	return nil
}

// Save stores a status change (with its event) if the application is still at revision prev. It
// returns ErrStale when the application changed meanwhile, and Conflict when the change would
// make a second active application of the producer to the fair.
func (s *Store) Save(ctx context.Context, a Application, prev int64, correlationID string) error {
	return s.save(ctx, a, prev, SubjectOf(a.Status), correlationID)
}

// save stores a if it is still at revision prev, with its event of subject.
func (s *Store) save(ctx context.Context, a Application, prev int64, subject, correlationID string) error {
	set, err := storage.Fields(toDocument(a))
	if err != nil {
		return err
	}
	delete(set, "_id")
	delete(set, "booths") // owned by the booth events
	filter := bson.M{"_id": a.ID, "revision": prev}
	if subject != events.ApplicationUpdated {
		// Owned by FollowProducer, which may move it on without a new revision of the application
		// (takeRevision): a status change made from an older copy must not take it back.
		delete(set, "producer_revision")
	} else {
		// Nor may a follower that read an older profile write over a newer one's revision.
		filter["$or"] = storage.OlderThan("producer_revision", a.ProducerRevision)
	}
	if err := activeExists(s.w.Apply(ctx, filter, bson.M{"$set": set}, "", correlationID, change(subject, a))); err != nil {
		return err
	}
	s.stored(a) // its booths are not part of the write: the model keeps its own
	return nil
}

// change is the event of subject that carries the application as it now is.
func change(subject string, a Application) outbox.Event {
	return outbox.Event{Subject: subject, AggregateID: a.ID, Payload: events.ApplicationChangedV1{Application: Event(a)}}
}

// Move applies act to a and saves it with its event, at the time now gives. When the application
// changed meanwhile it re-reads it and applies act again, a few times, before it gives up with
// ErrStale; an act the application's status does not allow is a Conflict.
func (s *Store) Move(ctx context.Context, a Application, act Action, reason string, now func() time.Time) (Application, error) {
	return storage.RetryStale(ctx, a, storage.StaleTries, ErrStale,
		func(a Application) (Application, error) { return a.Move(act, reason, now()) },
		func(ctx context.Context, next, prev Application) error {
			return s.Save(ctx, next, prev.Revision, correlation.From(ctx))
		},
		func(ctx context.Context, prev Application) (Application, error) { return s.Get(ctx, prev.ID) })
}

// Get returns one application.
func (s *Store) Get(ctx context.Context, id string) (Application, error) {
	d, err := s.get(ctx, id)
	return d.application(), err
}

func (s *Store) get(ctx context.Context, id string) (document, error) {
	var d document
	if err := s.c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return document{}, storage.MapError(err, "application")
	}
	return d, nil
}

// page returns up to limit stored applications with IDs after after, by ID, with the state of
// each booth, for the model's load.
func (s *Store) page(ctx context.Context, after string, limit int) ([]document, error) {
	q := bson.M{}
	if after != "" {
		q["_id"] = bson.M{"$gt": after}
	}
	cur, err := s.c.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)).SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "applications")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "applications")
	}
	return docs, nil
}

// List returns applications of a fair (optionally of one producer and statuses), by ID.
func (s *Store) List(ctx context.Context, fairID, producerID string, statuses []string, after string, limit int) ([]Application, error) {
	q := bson.M{"fair_id": fairID}
	if producerID != "" {
		q["producer_id"] = producerID
	}
	if len(statuses) > 0 {
		q["status"] = bson.M{"$in": statuses}
	}
	if after != "" {
		q["_id"] = bson.M{"$gt": after}
	}
	return s.find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// ByProducer returns up to limit of a producer's applications, newest first, older than the one
// with ID before ("": from the newest).
func (s *Store) ByProducer(ctx context.Context, producerID, before string, limit int) ([]Application, error) {
	q := bson.M{"producer_id": producerID}
	if before != "" {
		q["_id"] = bson.M{"$lt": before}
	}
	return s.find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(limit)))
}

// activeStatuses matches the statuses of active applications (see Status.Active).
var activeStatuses = bson.M{"$in": bson.A{string(Submitted), string(Approved), string(Waitlisted)}}

// ActiveOfProducer returns the active applications of a producer.
func (s *Store) ActiveOfProducer(ctx context.Context, producerID string) ([]Application, error) {
	return s.find(ctx, bson.M{"producer_id": producerID, "status": activeStatuses}, options.Find())
}

// ActiveForFair returns the active applications of a fair.
func (s *Store) ActiveForFair(ctx context.Context, fairID string) ([]Application, error) {
	return s.find(ctx, bson.M{"fair_id": fairID, "status": activeStatuses}, options.Find())
}

func (s *Store) find(ctx context.Context, q bson.M, opts *options.FindOptionsBuilder) ([]Application, error) {
	cur, err := s.c.Find(ctx, q, opts.SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "applications")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "applications")
	}
	out := make([]Application, len(docs))
	for i, d := range docs {
		out[i] = d.application()
	}
	return out, nil
}

// SetBooth applies a booth's assignment to (add) or release from an application, unless the
// application already holds a newer state of that booth. Each booth's last state is kept under
// booth_states.<code> with the ID of the assignment it belongs to and the booth's zone (UUIDv7: a later assignment has
// a greater ID). An assignment applies only over an older one, and a release over its own
// assignment or an older one, so a late release of an earlier assignment does not remove the
// booth held again under a later one, and a late or repeated assignment does not bring back a
// booth that was released. Events from before assignment IDs existed carry none: they apply only
// where no newer state is stored, as the last word among themselves.
func (s *Store) SetBooth(ctx context.Context, applicationID, code, zone, assignmentID string, add bool) error {
	path := "booth_states." + code
	newer := bson.M{"$lt": assignmentID}
	if !add || assignmentID == "" {
		newer = bson.M{"$lte": assignmentID}
	}
	op := "$addToSet"
	if !add {
		op = "$pull"
	}
	filter := bson.M{"_id": applicationID, "$or": bson.A{bson.M{path: bson.M{"$exists": false}}, bson.M{path + ".assignment_id": newer}}}
	state := bson.M{"assignment_id": assignmentID, "active": add}
	if zone != "" {
		state["zone"] = zone
	}
	update := bson.M{"$set": bson.M{path: state}, op: bson.M{"booths": code}}
	// No match means the application is unknown here or holds a newer state: nothing to do.
	_, err := storage.UpdateOne(ctx, s.c, filter, update)
	return storage.MapError(err, "application")
}

type fairDoc struct {
	ID                string    `bson:"_id"`
	NameVI            string    `bson:"name_vi"`
	Status            string    `bson:"status"`
	StartDate         time.Time `bson:"start_date"`
	EndDate           time.Time `bson:"end_date"`
	ApplicationsOpen  time.Time `bson:"applications_open"`
	ApplicationsClose time.Time `bson:"applications_close"`
	MinStars          int       `bson:"min_stars"`
	AllowedSectors    []string  `bson:"allowed_sectors"`
	AllowedProvinces  []string  `bson:"allowed_provinces"`
	AllowedRegions    []string  `bson:"allowed_regions"`
	MaxBooths         int       `bson:"max_booths"`
	Organisers        []string  `bson:"organisers"`
	Discarded         bool      `bson:"discarded,omitempty"`
	Revision          int64     `bson:"revision"`
}

// toFairDoc is the stored form of a fair of an event.
func toFairDoc(f events.FairV1) (fairDoc, error) {
	start, err1 := time.ParseInLocation(time.DateOnly, f.StartDate, vntext.Zone)
	end, err2 := time.ParseInLocation(time.DateOnly, f.EndDate, vntext.Zone)
	if err1 != nil || err2 != nil {
		return fairDoc{}, fmt.Errorf("fair %s has unreadable dates", f.ID)
	}
	return fairDoc{ID: f.ID, NameVI: f.NameVI, Status: f.Status, StartDate: start, EndDate: end, ApplicationsOpen: f.ApplicationsOpen,
		ApplicationsClose: f.ApplicationsClose, MinStars: f.Eligibility.MinStars, AllowedSectors: f.Eligibility.AllowedSectors,
		AllowedProvinces: f.Eligibility.AllowedProvinces, AllowedRegions: f.Eligibility.AllowedRegions,
		MaxBooths: f.Eligibility.MaxBoothsPerProducer, Organisers: f.Organisers, Discarded: f.Discarded, Revision: f.Revision}, nil
}

// PutFair stores a fair from its event if it is newer than what is stored.
func (s *Store) PutFair(ctx context.Context, f events.FairV1) error {
	d, err := toFairDoc(f)
	if err != nil {
		return err
	}
	set, err := storage.Fields(d)
	if err != nil {
		return err
	}
	delete(set, "_id")
	_, err = storage.Upsert(ctx, s.fairs, bson.M{"_id": f.ID, "revision": bson.M{"$lt": f.Revision}}, bson.M{"$set": set})
	if storage.IsDuplicate(err) {
		return nil
	}
	return err
}

// Fair returns a fair of the read model.
func (s *Store) Fair(ctx context.Context, id string) (Fair, error) {
	var d fairDoc
	if err := s.fairs.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		if mapped := storage.MapError(err, "fair"); apperr.Is(mapped, apperr.NotFound) {
			return Fair{}, apperr.WrapMsg(apperr.NotFound, mapped, msgFairNotFound)
		}
		return Fair{}, storage.MapError(err, "fair")
	}
	return d.fair(), nil
}

// fair is the stored fair as the domain knows it, its times in Vietnam's zone to the millisecond
// the database keeps (so that a fair from an event equals the same fair read back).
func (d fairDoc) fair() Fair {
	return Fair{ID: d.ID, NameVI: d.NameVI, Status: d.Status, StartDate: stamp(d.StartDate), EndDate: stamp(d.EndDate),
		ApplicationsOpen: stamp(d.ApplicationsOpen), ApplicationsClose: stamp(d.ApplicationsClose), MinStars: d.MinStars,
		AllowedSectors: d.AllowedSectors, AllowedProvinces: d.AllowedProvinces, AllowedRegions: d.AllowedRegions,
		MaxBoothsPerProducer: d.MaxBooths, Organisers: d.Organisers, Discarded: d.Discarded, Revision: d.Revision}
}

// allFairs returns every fair of the read model, for the in-memory model's load.
func (s *Store) allFairs(ctx context.Context) ([]Fair, error) {
	cur, err := s.fairs.Find(ctx, bson.M{})
	if err != nil {
		return nil, storage.MapError(err, "fairs")
	}
	var docs []fairDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "fairs")
	}
	out := make([]Fair, len(docs))
	for i, d := range docs {
		out[i] = d.fair()
	}
	return out, nil
}
