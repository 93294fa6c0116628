package meeting

import (
	"context"
	"sync"
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
	Collection               = "meetings"
	UnavailabilityCollection = "unavailability"
	HoldingsCollection       = "booth_holdings"
)

// Indexes: one active meeting per buyer and producer at a fair (active_key is the pair while
// active, the meeting's ID afterwards).
func Indexes() []storage.Index {
	return append([]storage.Index{
		{Collection: Collection, Keys: bson.D{{Key: "active_key", Value: 1}}, Unique: true},
		{Collection: Collection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "status", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "buyer_account", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: Collection, Keys: bson.D{{Key: "producer_id", Value: 1}, {Key: "_id", Value: 1}}},
		{Collection: HoldingsCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "producer_id", Value: 1}}},
		{Collection: BoothLossesCollection, Keys: bson.D{{Key: "due", Value: 1}}},
	}, timetableIndexes()...)
}

type document struct {
	ID              string    `bson:"_id"`
	ActiveKey       string    `bson:"active_key"`
	FairID          string    `bson:"fair_id"`
	BuyerID         string    `bson:"buyer_id"`
	BuyerAccount    string    `bson:"buyer_account"`
	ProducerID      string    `bson:"producer_id"`
	ProducerAccount string    `bson:"producer_account"`
	RequestedBy     string    `bson:"requested_by"`
	Session         string    `bson:"session"`
	Note            string    `bson:"note"`
	Status          string    `bson:"status"`
	Reason          string    `bson:"reason"`
	ReasonCode      string    `bson:"reason_code,omitempty"`
	Day             string    `bson:"day"`
	Slot            int       `bson:"slot"`
	Table           int       `bson:"table"`
	Outcome         string    `bson:"outcome"`
	ValueVND        int64     `bson:"value_vnd"`
	OutcomeBy       string    `bson:"outcome_by,omitempty"`
	OutcomeAt       time.Time `bson:"outcome_at,omitempty"`
	AttendedAt      time.Time `bson:"attended_at,omitempty"`
	Revision        int64     `bson:"revision"`
	CreatedAt       time.Time `bson:"created_at"`
	UpdatedAt       time.Time `bson:"updated_at"`

	// The other time proposed, and the day agreed through it.
	Proposal     *proposalDocument `bson:"proposal,omitempty"`
	PreferredDay string            `bson:"preferred_day,omitempty"`
	// MovingUntil marks a move being written (see Store.MarkMoving); every other write leaves
	// it out, so the next save after the move clears it.
	MovingUntil time.Time `bson:"moving_until,omitempty"`
}

// proposalDocument is the other time the side asked proposed.
type proposalDocument struct {
	Session string    `bson:"session"`
	Day     string    `bson:"day,omitempty"`
	Note    string    `bson:"note,omitempty"`
	At      time.Time `bson:"at"`
}

// proposalToDocument and proposal convert a meeting's proposal to and from its document.
func proposalToDocument(p *Proposal) *proposalDocument {
	if p == nil {
		return nil
	}
	return &proposalDocument{Session: p.Session, Day: p.Day, Note: p.Note, At: p.At}
}

func (d *proposalDocument) proposal() *Proposal {
	if d == nil {
		return nil
	}
	return &Proposal{Session: d.Session, Day: d.Day, Note: d.Note, At: d.At.In(vntext.Zone)}
}

func toDocument(m Meeting) document {
	key := m.ID
	if m.Active() {
		key = m.FairID + "/" + m.BuyerID + "/" + m.ProducerID
	}
	return document{ID: m.ID, ActiveKey: key, AttendedAt: m.AttendedAt, FairID: m.FairID, BuyerID: m.BuyerID, BuyerAccount: m.BuyerAccount, ProducerID: m.ProducerID,
		ProducerAccount: m.ProducerAccount, RequestedBy: m.RequestedBy, Session: m.Session, Note: m.Note, Status: m.Status, Reason: m.Reason,
		ReasonCode: m.ReasonCode, Day: m.Day, Slot: m.Slot, Table: m.Table, Outcome: m.Outcome, ValueVND: m.ValueVND, Revision: m.Revision, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		OutcomeBy: m.OutcomeBy, OutcomeAt: m.OutcomeAt, Proposal: proposalToDocument(m.Proposal), PreferredDay: m.PreferredDay}
}

func (d document) meeting() Meeting {
	return Meeting{ID: d.ID, AttendedAt: inZone(d.AttendedAt), FairID: d.FairID, BuyerID: d.BuyerID, BuyerAccount: d.BuyerAccount, ProducerID: d.ProducerID,
		ProducerAccount: d.ProducerAccount, RequestedBy: d.RequestedBy, Session: d.Session, Note: d.Note, Status: d.Status, Reason: d.Reason,
		ReasonCode: d.ReasonCode, Day: d.Day, Slot: d.Slot, Table: d.Table, Outcome: d.Outcome, ValueVND: d.ValueVND, Revision: d.Revision,
		OutcomeBy: d.OutcomeBy, OutcomeAt: inZone(d.OutcomeAt), CreatedAt: d.CreatedAt.In(vntext.Zone), UpdatedAt: d.UpdatedAt.In(vntext.Zone), Proposal: d.Proposal.proposal(), PreferredDay: d.PreferredDay,
		movingUntil: d.MovingUntil}
}

// Event returns the meeting as other services receive it.
func Event(m Meeting) events.MeetingV1 {
	return events.MeetingV1{ID: m.ID, FairID: m.FairID, BuyerID: m.BuyerID, ProducerID: m.ProducerID, RequestedBy: m.RequestedBy,
		Session: m.Session, Status: m.Status, Reason: m.Reason, ReasonCode: m.ReasonCode, Day: m.Day, Slot: m.Slot, Table: m.Table, Revision: m.Revision,
		ScheduleVersion: m.ScheduleVersion, UpdatedAt: m.UpdatedAt}
}

// ErrStale is returned when the meeting changed between read and write.
var ErrStale = apperr.New(apperr.Conflict, msgChanged)

// Store keeps meetings, unavailability, booth holdings, schedules and scheduling leases.
// Meetings are read with the day, slot and table of their fair's newest schedule.
type Store struct {
	c         *mongo.Collection
	meetings  outbox.Writer
	runs      outbox.Writer
	unav      *mongo.Collection
	holdings  *mongo.Collection
	losses    *mongo.Collection
	schedules *mongo.Collection
	leases    *mongo.Collection
	askLocks  *mongo.Collection

	// cache holds each fair's newest schedule seen, read again only when a newer version is
	// stored (see newest): schedules are insert-only, so a version never changes.
	mu    sync.Mutex
	cache map[string]Timetable

	// saved and scheduled, when set, are told of each meeting and schedule this store writes,
	// once stored: the agenda model sees this replica's writes at once (read-your-writes).
	saved     func(Meeting)
	scheduled func(Timetable)
}

// OnSaved makes the store call saved with each meeting it creates or saves, and scheduled with
// each schedule it saves, after the write succeeded.
func (s *Store) OnSaved(saved func(Meeting), scheduled func(Timetable)) {
	s.saved, s.scheduled = saved, scheduled
}

// stored tells the OnSaved function of a meeting written, as a read of its document gives it.
func (s *Store) stored(m Meeting, err error) error {
	if err == nil && s.saved != nil {
		s.saved(toDocument(m).meeting())
	}
	return err
}

// NewStore returns a store on db.
func NewStore(db *storage.DB) *Store {
	c, schedules := db.Collection(Collection), db.Collection(SchedulesCollection)
	return &Store{c: c, meetings: outbox.NewWriter(c, "meeting", ErrStale), runs: outbox.NewWriter(schedules, "schedule", nil),
		unav: db.Collection(UnavailabilityCollection), holdings: db.Collection(HoldingsCollection), losses: db.Collection(BoothLossesCollection),
		schedules: schedules, leases: db.Collection(LeasesCollection), askLocks: db.Collection(AskLocksCollection), cache: map[string]Timetable{}}
}

// change is the event of subject about m as it now is.
func change(m Meeting, subject string) outbox.Event {
	if subject == events.MeetingAttended {
		return outbox.Event{Subject: subject, AggregateID: m.ID, Payload: attendedEvent(m)}
	}
	if subject == events.MeetingOutcomeRecorded {
		return outbox.Event{Subject: subject, AggregateID: m.ID, Payload: events.MeetingOutcomeV1{MeetingID: m.ID, FairID: m.FairID, BuyerID: m.BuyerID,
			ProducerID: m.ProducerID, Outcome: m.Outcome, ValueVND: m.ValueVND, RecordedAt: m.UpdatedAt, RecordedBy: m.OutcomeBy, Revision: m.Revision}}
	}
	return outbox.Event{Subject: subject, AggregateID: m.ID, Payload: events.MeetingChangedV1{Meeting: Event(m)}}
}

// duplicateMeeting says the Conflict of a write that would give a buyer and producer a second
// active meeting at a fair (the active_key index) in the user's language; other errors pass.
func duplicateMeeting(err error) error {
	if storage.IsDuplicate(err) {
		return apperr.WrapMsg(apperr.Conflict, err, msgDuplicate)
	}
	return err
}

// Create stores a requested meeting; Conflict when the pair already has an active one.
func (s *Store) Create(ctx context.Context, m Meeting, corr string) error {
	return s.stored(m, duplicateMeeting(s.meetings.Insert(ctx, toDocument(m), "", corr, change(m, events.MeetingRequested))))
}

// Save stores a change if the meeting is still at revision prev: ErrStale otherwise, Conflict
// when the pair already has another active meeting.
func (s *Store) Save(ctx context.Context, m Meeting, prev int64, subject, corr string) error {
	return s.stored(m, duplicateMeeting(s.meetings.Replace(ctx, bson.M{"_id": m.ID, "revision": prev}, toDocument(m), "", corr, change(m, subject))))
}

// MarkMoving marks meeting m (as its document holds it), if still at its revision, as being
// moved until until, as the next revision: a write that read the meeting before fails as stale,
// and one that reads it now waits (Service.save) until UnmarkMoving or until. It stores no event:
// the move's is the schedule's. ErrStale when the meeting changed since.
func (s *Store) MarkMoving(ctx context.Context, m Meeting, until time.Time) error {
	res, err := s.c.UpdateOne(ctx, bson.M{"_id": m.ID, "revision": m.Revision}, bson.M{"$set": bson.M{"moving_until": until, "revision": m.Revision + 1}})
	if err != nil {
		return storage.MapError(err, "meeting")
	}
	if res.MatchedCount == 0 {
		return ErrStale
	}
	m.Revision++
	return s.stored(m, nil)
}

// UnmarkMoving ends the mark MarkMoving left at revision rev (nothing when the meeting moved on).
func (s *Store) UnmarkMoving(ctx context.Context, id string, rev int64) error {
	_, err := s.c.UpdateOne(ctx, bson.M{"_id": id, "revision": rev}, bson.M{"$unset": bson.M{"moving_until": ""}})
	return storage.MapError(err, "meeting")
}

// Get returns one meeting.
func (s *Store) Get(ctx context.Context, id string) (Meeting, error) {
	var d document
	if err := s.c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Meeting{}, storage.MapError(err, "meeting")
	}
	ms := []Meeting{d.meeting()}
	if err := s.placeAll(ctx, ms); err != nil {
		return Meeting{}, err
	}
	return ms[0], nil
}

// getRaw returns one meeting as its document holds it, without its schedule's place: a read by
// _id alone, which every database serves from its primary key.
func (s *Store) getRaw(ctx context.Context, id string) (Meeting, error) {
	var d document
	if err := s.c.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d); err != nil {
		return Meeting{}, storage.MapError(err, "meeting")
	}
	return d.meeting(), nil
}

// Find returns every meeting matching q, by ID.
func (s *Store) Find(ctx context.Context, q bson.M) ([]Meeting, error) {
	return s.find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
}

// Filter selects meetings: an empty FairID or Status selects every fair or status, and Side
// (SideBuyer or SideProducer) keeps only the meetings where Account is on that side.
type Filter struct {
	FairID string
	Status string
	Side   string
	// Who is on Side: the buyer's account, or the producer's ID (a producer profile handed over
	// to another account takes its meetings along, so they are not found by the account copied
	// onto them when they were asked).
	Who string
}

func (f Filter) query() bson.M {
	q := bson.M{}
	if f.FairID != "" {
		q["fair_id"] = f.FairID
	}
	if f.Status != "" {
		q["status"] = f.Status
	}
	switch f.Side {
	case SideBuyer:
		q["buyer_account"] = f.Who
	case SideProducer:
		q["producer_id"] = f.Who
	}
	return q
}

// Page returns up to limit meetings that f selects with IDs after the given one ("": from the
// first), by ID, which is the order they were asked for.
func (s *Store) Page(ctx context.Context, f Filter, after string, limit int) ([]Meeting, error) {
	q := f.query()
	if after != "" {
		q["_id"] = bson.M{"$gt": after}
	}
	return s.find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// Scheduled returns the fair's newest schedule and its accepted meetings, all of them or those
// of one participant (a buyer or producer ID), placed by that one schedule (a run saved
// meanwhile shows on the next read, whole).
func (s *Store) Scheduled(ctx context.Context, fairID, participant string) (Timetable, []Meeting, error) {
	t, err := s.newest(ctx, fairID)
	if err != nil {
		return Timetable{}, nil, err
	}
	q := bson.M{"fair_id": fairID, "status": Accepted}
	if participant != "" {
		q["$or"] = bson.A{bson.M{"buyer_id": participant}, bson.M{"producer_id": participant}}
	}
	ms, err := s.findRaw(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return Timetable{}, nil, err
	}
	for i, m := range ms {
		ms[i] = t.place(m)
	}
	return t, ms, nil
}

func (s *Store) find(ctx context.Context, q bson.M, opts *options.FindOptionsBuilder) ([]Meeting, error) {
	out, err := s.findRaw(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	if err := s.placeAll(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// findRaw returns meetings as their documents hold them, without their schedule's places.
func (s *Store) findRaw(ctx context.Context, q bson.M, opts *options.FindOptionsBuilder) ([]Meeting, error) {
	cur, err := s.c.Find(ctx, q, opts.SetProjection(bson.M{outbox.Field: 0}))
	if err != nil {
		return nil, storage.MapError(err, "meetings")
	}
	var docs []document
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "meetings")
	}
	out := make([]Meeting, len(docs))
	for i, d := range docs {
		out[i] = d.meeting()
	}
	return out, nil
}

// CountActive counts a participant's active meetings at a fair (field is buyer_id or producer_id).
func (s *Store) CountActive(ctx context.Context, fairID, field, id string) (int64, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{"fair_id": fairID, field: id, "status": bson.M{"$in": bson.A{Requested, Accepted}}})
	return n, storage.MapError(err, "meetings")
}

// CountCommitted counts the meetings participant id of side (buyer or producer, whose ID a
// meeting holds in <side>_id) has committed to at a fair: those accepted, and those it asked for that await an answer. Requests
// sent to it that it has not answered do not count, so that others' asks cannot fill its day.
func (s *Store) CountCommitted(ctx context.Context, fairID, side, id string) (int64, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{"fair_id": fairID, side + "_id": id,
		"$or": bson.A{bson.M{"status": Accepted}, bson.M{"status": Requested, "requested_by": side}}})
	return n, storage.MapError(err, "meetings")
}

// DeclinedSince reports whether the side other than asker declined a request of asker's, between
// buyerID and producerID at a fair, at since or later (Meeting.DeclinedByAsked, as a query).
func (s *Store) DeclinedSince(ctx context.Context, fairID, buyerID, producerID, asker string, since time.Time) (bool, error) {
	n, err := s.c.CountDocuments(ctx, bson.M{"fair_id": fairID, "buyer_id": buyerID, "producer_id": producerID,
		"status": Declined, "requested_by": asker, "proposal": nil, "updated_at": bson.M{"$gte": since}})
	return n > 0, storage.MapError(err, "meetings")
}

// SetUnavailable records the slots a participant cannot attend on a B2B day.
func (s *Store) SetUnavailable(ctx context.Context, fairID, participant, day string, slots []int) error {
	_, err := s.unav.ReplaceOne(ctx, bson.M{"_id": fairID + "/" + participant + "/" + day},
		bson.M{"fair_id": fairID, "participant": participant, "day": day, "slots": slots}, options.Replace().SetUpsert(true))
	return storage.MapError(err, "unavailability")
}

// Unavailable returns participant -> unavailable slots for a fair's day.
func (s *Store) Unavailable(ctx context.Context, fairID, day string) (map[string][]int, error) {
	cur, err := s.unav.Find(ctx, bson.M{"fair_id": fairID, "day": day})
	if err != nil {
		return nil, storage.MapError(err, "unavailability")
	}
	var docs []struct {
		Participant string `bson:"participant"`
		Slots       []int  `bson:"slots"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, storage.MapError(err, "unavailability")
	}
	out := map[string][]int{}
	for _, d := range docs {
		out[d.Participant] = d.Slots
	}
	return out, nil
}

// Booth holdings: one document per booth assignment seen from event.booth.*, its _id the
// assignment's ID, and its released flag only ever turns from false to true. Assigned and released are
// then a set union whatever order they arrive in: a late assigned after its released finds the
// document and leaves it released, and a late released of an earlier assignment touches only
// that assignment, never a newer one of the same booth.

// Hold records that a booth assignment was made. It changes nothing when the assignment is
// already known (assigned twice, or its release came first). An event from before assignments
// had IDs is keyed by fair and booth code and applied as it comes (revive), as it always was.
func (s *Store) Hold(ctx context.Context, assignmentID, fairID, code, producerID string, revive bool) error {
	fields := bson.M{"fair_id": fairID, "booth_code": code, "producer_id": producerID, "released": false}
	update := bson.M{"$setOnInsert": fields}
	if revive {
		update = bson.M{"$set": fields}
	}
	_, err := s.holdings.UpdateOne(ctx, bson.M{"_id": assignmentID}, update, options.UpdateOne().SetUpsert(true))
	if storage.IsDuplicate(err) {
		// Another replica inserted it first: the same assignment, already recorded.
		return nil
	}
	return storage.MapError(err, "booth holding")
}

// Release records that a booth assignment ended and returns how many booths the producer still
// holds at the fair.
func (s *Store) Release(ctx context.Context, assignmentID, fairID, code, producerID string) (int64, error) {
	_, err := s.holdings.UpdateOne(ctx, bson.M{"_id": assignmentID},
		bson.M{"$set": bson.M{"fair_id": fairID, "booth_code": code, "producer_id": producerID, "released": true}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !storage.IsDuplicate(err) {
		return 0, storage.MapError(err, "booth holding")
	}
	if storage.IsDuplicate(err) {
		// Inserted by another replica between our match and our insert: set it on the existing one.
		if _, err := s.holdings.UpdateOne(ctx, bson.M{"_id": assignmentID}, bson.M{"$set": bson.M{"released": true}}); err != nil {
			return 0, storage.MapError(err, "booth holding")
		}
	}
	// A holding stored before assignments had IDs is keyed by fair and booth code.
	if _, err := s.holdings.DeleteOne(ctx, bson.M{"_id": fairID + "/" + code, "producer_id": producerID, "booth_code": bson.M{"$exists": false}}); err != nil {
		return 0, storage.MapError(err, "booth holding")
	}
	return s.Booths(ctx, fairID, producerID)
}

// Booths counts the booth assignments a producer holds at a fair and has not lost.
func (s *Store) Booths(ctx context.Context, fairID, producerID string) (int64, error) {
	n, err := s.holdings.CountDocuments(ctx, bson.M{"fair_id": fairID, "producer_id": producerID, "released": bson.M{"$ne": true}})
	return n, storage.MapError(err, "booth holdings")
}
