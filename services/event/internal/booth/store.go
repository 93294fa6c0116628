package booth

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
	"github.com/ocopfair/ocopfair/services/event/internal/fair"
)

// Collections of the floor plan.
const (
	Collection            = "booths"
	AssignmentsCollection = "booth_assignments"
)

// Indexes: booth codes are unique per fair (the _id), and a booth has at most one active
// assignment (the slot, which is "fair/code" while active and the assignment's own ID once
// released; an edit's hold takes the slot too while the edit is written, editlock.go).
func Indexes() []storage.Index {
	return []storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "code", Value: 1}}, Unique: true},
		{Collection: AssignmentsCollection, Keys: bson.D{{Key: "slot", Value: 1}}, Unique: true},
		{Collection: AssignmentsCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "active", Value: 1}}},
		{Collection: AssignmentsCollection, Keys: bson.D{{Key: "application_id", Value: 1}, {Key: "active", Value: 1}}},
		{Collection: LandmarksCollection, Keys: bson.D{{Key: "fair_id", Value: 1}}},
	}
}

type boothDoc struct {
	ID     string  `bson:"_id"`
	FairID string  `bson:"fair_id"`
	Code   string  `bson:"code"`
	Zone   string  `bson:"zone"`
	Kind   string  `bson:"kind"`
	X      float64 `bson:"x"`
	Y      float64 `bson:"y"`
	W      float64 `bson:"w"`
	H      float64 `bson:"h"`
	Price  int64   `bson:"price"`
	Hold   string  `bson:"hold"`
	// AddedBy is the ID of the request that added the booth (httpx.NewID): a re-run of that
	// request finds by it the booths its first run stored (Store.boothsAddedBy).
	AddedBy string `bson:"added_by,omitempty"`
}

func key(fairID, code string) string { return fairID + "/" + code }

func toBoothDoc(b Booth) boothDoc {
	return boothDoc{ID: key(b.FairID, b.Code), FairID: b.FairID, Code: b.Code, Zone: b.Zone, Kind: b.Kind, X: b.X, Y: b.Y, W: b.W, H: b.H, Price: b.Price, Hold: b.Hold}
}

func (d boothDoc) booth() Booth {
	return Booth{FairID: d.FairID, Code: d.Code, Zone: d.Zone, Kind: d.Kind, X: d.X, Y: d.Y, W: d.W, H: d.H, Price: d.Price, Hold: d.Hold}
}

// Assignment is a booth held by an approved application.
type Assignment struct {
	ID            string
	FairID        string
	Code          string
	Zone          string
	ApplicationID string
	ProducerID    string
	// Pinned marks a booth placed by hand; the allocator keeps it.
	Pinned     bool
	Active     bool
	AssignedAt time.Time
	ReleasedAt time.Time
	// ReasonCode says why a released assignment was released (a Release… code); Reason holds
	// the words given with it, or, for an assignment released before reasons had codes, the
	// sentence it was stored with.
	ReasonCode string
	Reason     string
}

type assignmentDoc struct {
	ID            string    `bson:"_id"`
	Slot          string    `bson:"slot"`
	FairID        string    `bson:"fair_id"`
	Code          string    `bson:"code"`
	Zone          string    `bson:"zone"`
	ApplicationID string    `bson:"application_id"`
	ProducerID    string    `bson:"producer_id"`
	Pinned        bool      `bson:"pinned"`
	Active        bool      `bson:"active"`
	AssignedAt    time.Time `bson:"assigned_at"`
	ReleasedAt    time.Time `bson:"released_at,omitempty"`
	ReasonCode    string    `bson:"reason_code,omitempty"`
	Reason        string    `bson:"reason,omitempty"`
}

func (d assignmentDoc) assignment() Assignment {
	return Assignment{ID: d.ID, FairID: d.FairID, Code: d.Code, Zone: d.Zone, ApplicationID: d.ApplicationID, ProducerID: d.ProducerID,
		Pinned: d.Pinned, Active: d.Active, AssignedAt: d.AssignedAt.In(vntext.Zone), ReleasedAt: d.ReleasedAt, ReasonCode: d.ReasonCode, Reason: d.Reason}
}

// Store keeps booths and assignments.
type Store struct {
	booths      *mongo.Collection
	assignments *mongo.Collection
	landmarks   *mongo.Collection
	// releases ends assignments with their events; an assignment no longer active is
	// errNotAssigned, which Release names the booth in.
	releases outbox.Writer
	// floorplans counts layout changes with their events (floorplan.go).
	floorplans outbox.Writer
	// fairs tells which fairs are completed, whose assignments are a record that an application
	// ended after the fair leaves as it is (Consumers.ReleaseApplication).
	fairs *fair.Store
	// Plans, when set, takes every write right after it is stored (read-your-writes).
	Plans *Plans
}

// errNotAssigned is the releases writer's stale error: the assignment was released meanwhile.
var errNotAssigned = errors.New("booth assignment no longer active")

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	assignments := db.Collection(AssignmentsCollection)
	return &Store{booths: db.Collection(Collection), assignments: assignments, landmarks: db.Collection(LandmarksCollection),
		releases:   outbox.NewWriter(assignments, "booth assignment", errNotAssigned),
		floorplans: outbox.NewWriter(db.Collection(FloorplansCollection), "floor plan", errFloorplanStale), fairs: fair.NewStore(db)}
}

// AddBooths inserts booths of one fair, all or none: a code already used in the fair is a Conflict
// naming it, no booth of the batch after it is inserted (ordered insert) and those before it are
// removed again. Any booth left inserted counts as a change of the floor plan.
func (s *Store) AddBooths(ctx context.Context, booths []Booth) (int, error) {
	return s.AddBoothsFor(ctx, booths, "")
}

// AddBoothsFor is AddBooths for request requestID, whose ID each booth keeps (boothsAddedBy).
func (s *Store) AddBoothsFor(ctx context.Context, booths []Booth, requestID string) (int, error) {
	if len(booths) == 0 {
		return 0, nil
	}
	n := 0
	err := s.changePlan(ctx, booths[0].FairID, func() (bool, error) {
		var wrote bool
		var err error
		n, wrote, err = s.addBooths(ctx, booths, requestID)
		// Booths written and removed again count too: another change read meanwhile may have
		// counted the plan with them, and replicas must read it again without them.
		return wrote, err
	})
	return n, err
}

// addBooths inserts booths and returns how many stay inserted and whether any was written.
func (s *Store) addBooths(ctx context.Context, booths []Booth, requestID string) (int, bool, error) {
	docs := make([]any, len(booths))
	for i, b := range booths {
		d := toBoothDoc(b)
		d.AddedBy = requestID
		docs[i] = d
	}
	res, err := s.booths.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true))
	n := 0
	if res != nil {
		n = len(res.InsertedIDs)
	}
	wrote := n > 0
	if err != nil {
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 && mongo.IsDuplicateKeyError(err) {
			// All or none: the booths written before the one whose code was taken (by an add on
			// another replica since the check) go again, so a refused add leaves no booth of it.
			n = s.undoAdd(ctx, booths[:n])
			idx := bwe.WriteErrors[0].Index
			if idx >= 0 && idx < len(booths) {
				return n, wrote, apperr.WrapMsg(apperr.Conflict, err, msgCodeTaken, booths[idx].Code)
			}
		}
		if mongo.IsDuplicateKeyError(err) {
			return n, wrote, apperr.WrapMsg(apperr.Conflict, err, msgSomeCodeTaken)
		}
		return n, wrote, storage.MapError(err, "booths")
	}
	return n, wrote, nil
}

// undoAdd removes booths just added by an add that failed after them, and returns how many of
// them stay (all when the removal fails).
func (s *Store) undoAdd(ctx context.Context, added []Booth) int {
	if len(added) == 0 {
		return 0
	}
	ids := make([]string, len(added))
	for i, b := range added {
		ids[i] = key(b.FairID, b.Code)
	}
	if _, err := s.booths.DeleteMany(context.WithoutCancel(ctx), bson.M{"_id": bson.M{"$in": ids}}); err != nil {
		return len(added)
	}
	return 0
}

// Booths returns a fair's booths ordered by zone and code.
func (s *Store) Booths(ctx context.Context, fairID string) ([]Booth, error) {
	booths, _, err := s.boothsAddedBy(ctx, fairID, "")
	return booths, err
}

// boothsAddedBy returns a fair's booths as Booths does, and the codes of those that request
// requestID added (none for an empty requestID).
func (s *Store) boothsAddedBy(ctx context.Context, fairID, requestID string) ([]Booth, map[string]bool, error) {
	cur, err := s.booths.Find(ctx, bson.M{"fair_id": fairID}, options.Find().SetSort(bson.D{{Key: "zone", Value: 1}, {Key: "code", Value: 1}}))
	if err != nil {
		return nil, nil, storage.MapError(err, "booths")
	}
	var docs []boothDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, nil, storage.MapError(err, "booths")
	}
	out := make([]Booth, len(docs))
	mine := map[string]bool{}
	for i, d := range docs {
		out[i] = d.booth()
		if requestID != "" && d.AddedBy == requestID {
			mine[d.Code] = true
		}
	}
	return out, mine, nil
}

// Booth returns one booth.
func (s *Store) Booth(ctx context.Context, fairID, code string) (Booth, error) {
	var d boothDoc
	if err := s.booths.FindOne(ctx, bson.M{"_id": key(fairID, code)}).Decode(&d); err != nil {
		return Booth{}, storage.MapError(err, "booth "+code)
	}
	return d.booth(), nil
}

// SaveBooth replaces a booth's attributes.
func (s *Store) SaveBooth(ctx context.Context, b Booth) error {
	return s.changePlan(ctx, b.FairID, func() (bool, error) {
		res, err := s.booths.ReplaceOne(ctx, bson.M{"_id": key(b.FairID, b.Code)}, toBoothDoc(b))
		if err != nil {
			return false, storage.MapError(err, "booth")
		}
		if res.MatchedCount == 0 {
			return false, storage.MapError(mongo.ErrNoDocuments, "booth "+b.Code)
		}
		return true, nil
	})
}

// DeleteBooth removes a booth from the plan.
func (s *Store) DeleteBooth(ctx context.Context, fairID, code string) error {
	return s.changePlan(ctx, fairID, func() (bool, error) {
		res, err := s.booths.DeleteOne(ctx, bson.M{"_id": key(fairID, code)})
		if err != nil {
			return false, storage.MapError(err, "booth")
		}
		if res.DeletedCount == 0 {
			return false, storage.MapError(mongo.ErrNoDocuments, "booth "+code)
		}
		return true, nil
	})
}

// ErrTaken is returned when a booth already has an active assignment.
var ErrTaken = apperr.New(apperr.Conflict, msgTaken)

// Assign gives booth b to an application, with its event.booth.assigned event, in one insert. The
// unique slot makes a second active assignment of the same booth fail with ErrTaken, whichever
// process or replica tries.
//
// It inserts by hand rather than through an outbox.Writer: callers tell a taken booth from any
// other conflict by ErrTaken itself (errors.Is), which the Writer's Conflict is not, and the
// assignment document keeps exactly the fields it has always had (an insert-only document has no
// outbox count to keep, which the Writer's insert adds).
func (s *Store) Assign(ctx context.Context, b Booth, applicationID, producerID string, pinned bool, now time.Time, correlationID string) (Assignment, error) {
	a := Assignment{ID: uuid.Must(uuid.NewV7()).String(), FairID: b.FairID, Code: b.Code, Zone: b.Zone, ApplicationID: applicationID,
		ProducerID: producerID, Pinned: pinned, Active: true, AssignedAt: now}
	env, err := events.New(events.BoothAssigned, 1, b.FairID, correlationID, events.BoothAssignmentV1{
		AssignmentID: a.ID, FairID: b.FairID, BoothCode: b.Code, Zone: b.Zone, ApplicationID: applicationID, ProducerID: producerID, At: now})
	if err != nil {
		return Assignment{}, err
	}
	entries, err := outbox.Entries(env)
	if err != nil {
		return Assignment{}, err
	}
	doc := bson.M{
		"_id": a.ID, "slot": key(b.FairID, b.Code), "fair_id": a.FairID, "code": a.Code, "zone": a.Zone,
		"application_id": applicationID, "producer_id": producerID, "pinned": pinned, "active": true, "assigned_at": now,
		outbox.Field: entries, outbox.AtField: time.Now().UTC(),
	}
	if err := outbox.MarkPending(ctx, s.assignments, a.ID); err != nil {
		return Assignment{}, err
	}
	if err := s.insertAssignment(ctx, doc, b); err != nil {
		return Assignment{}, err
	}
	outbox.Remark(ctx, s.assignments, a.ID)
	s.Plans.PutAssignment(a)
	return a, nil
}

// insertAssignment inserts assignment doc of booth b: ErrTaken when an assignment holds the
// booth, beingEdited when an edit does (see takeSlot).
func (s *Store) insertAssignment(ctx context.Context, doc bson.M, b Booth) error {
	err := s.takeSlot(ctx, doc, b.FairID, b.Code, "booth assignment")
	if err == nil || IsBeingEdited(err) || !apperr.Is(err, apperr.Conflict) {
		return err // assigned, an edit holds it, or the database failed
	}
	return ErrTaken
}

// Release ends an active assignment with its event.booth.released event, both keeping why by its
// code (and the words given with it, never a rendered sentence); it returns NotFound when the
// assignment is no longer active.
func (s *Store) Release(ctx context.Context, a Assignment, why Why, now time.Time, correlationID string) error {
	released := outbox.Event{Subject: events.BoothReleased, AggregateID: a.FairID, Payload: events.BoothAssignmentV1{
		AssignmentID: a.ID, FairID: a.FairID, BoothCode: a.Code, Zone: a.Zone, ApplicationID: a.ApplicationID, ProducerID: a.ProducerID,
		ReasonCode: why.Code, Reason: why.Words, At: now}}
	err := s.releases.Apply(ctx, bson.M{"_id": a.ID, "active": true},
		bson.M{"$set": bson.M{"active": false, "slot": a.ID, "released_at": now, "reason_code": why.Code, "reason": why.Words}}, "", correlationID, released)
	if errors.Is(err, errNotAssigned) {
		return apperr.New(apperr.NotFound, msgNotAssigned, a.Code)
	}
	if err == nil {
		a.Active, a.ReleasedAt, a.ReasonCode, a.Reason = false, now, why.Code, why.Words
		s.Plans.PutAssignment(a)
	}
	return err
}

// ActiveOf returns the active assignments of one application.
func (s *Store) ActiveOf(ctx context.Context, applicationID string) ([]Assignment, error) {
	return s.Active(ctx, bson.M{"application_id": applicationID})
}

// Active returns the active assignments matching filter (fair_id, application_id, code).
func (s *Store) Active(ctx context.Context, filter bson.M) ([]Assignment, error) {
	q := bson.M{"active": true}
	for k, v := range filter {
		q[k] = v
	}
	cur, err := s.assignments.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "code", Value: 1}}).SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "booth assignments")
	}
	var docs []assignmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "booth assignments")
	}
	out := make([]Assignment, len(docs))
	for i, d := range docs {
		out[i] = d.assignment()
	}
	return out, nil
}

// ActiveAt returns the active assignments of one booth of a fair: none, or the one holding it.
func (s *Store) ActiveAt(ctx context.Context, fairID, code string) ([]Assignment, error) {
	return s.Active(ctx, bson.M{"fair_id": fairID, "code": code})
}

// ActiveForFair returns a fair's active assignments.
func (s *Store) ActiveForFair(ctx context.Context, fairID string) ([]Assignment, error) {
	return s.Active(ctx, bson.M{"fair_id": fairID})
}

// Unchanged reports whether booth b is still on its fair's plan as it was read: an assignment
// made on it reads it again once written, since an edit written between its read and its
// write held the booth only while it was written (HoldForEdit).
func (s *Store) Unchanged(ctx context.Context, b Booth) (bool, error) {
	now, err := s.Booth(ctx, b.FairID, b.Code)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil && now == b, err
}
