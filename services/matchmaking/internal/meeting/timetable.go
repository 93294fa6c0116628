package meeting

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// Collections of scheduling runs.
const (
	// SchedulesCollection holds every complete schedule of a fair, one document per run: the
	// newest version is the fair's schedule.
	SchedulesCollection = "schedules"
	// LeasesCollection holds the scheduling leases, one document per run of a fair.
	LeasesCollection = "schedule_leases"
)

// Placement is where a meeting sits in a schedule.
type Placement struct {
	Day   string
	Slot  int
	Table int
}

// Place is where meeting m is: its day, slot and table (zero when unplaced).
func (m Meeting) Place() Placement { return Placement{Day: m.Day, Slot: m.Slot, Table: m.Table} }

// Timetable is one complete scheduling run of a fair: every accepted meeting it placed, and
// those it could not place (a move keeps the run's, less the meeting it places). Version is the
// run's lease epoch, so a later run has a greater version.
type Timetable struct {
	FairID     string
	Version    int64
	Placements map[string]Placement
	Unplaced   []Unplaced
	// UnplacedKnown is false for a schedule saved before runs kept what they left unplaced: its
	// Unplaced says nothing, rather than that every meeting found a place.
	UnplacedKnown bool
	CreatedAt     time.Time
}

// place puts a meeting where the timetable has it. Only an accepted meeting has a place, and an
// accepted meeting the timetable does not hold has none (accepted after the run, or left over).
// With no timetable (Version 0) the meeting keeps what its own document says.
func (t Timetable) place(m Meeting) Meeting {
	if t.Version == 0 {
		return m
	}
	p := t.Placements[m.ID]
	if m.Status != Accepted {
		p = Placement{}
	}
	m.Day, m.Slot, m.Table = p.Day, p.Slot, p.Table
	m.ScheduleVersion = t.Version
	return m
}

// Schedules kept per fair: the newest few, so that an operator can still see what the last runs
// changed; older versions are pruned once a newer run has saved.
const keptSchedules = 3

// ErrLeaseLost is returned when a scheduling run tries to save after its lease expired or a newer
// run of the fair started: its schedule is older than what the fair may already show.
var ErrLeaseLost = apperr.New(apperr.Conflict, msgLeaseLost)

// Lease is one scheduling run's hold on a fair. Epoch counts the runs of the fair.
type Lease struct {
	ID        string
	FairID    string
	Epoch     int64
	Holder    string
	ExpiresAt time.Time
}

// ErrBusy is returned when another run holds the fair's scheduling lease.
var ErrBusy = apperr.New(apperr.Conflict, msgRunBusy)

type leaseDocument struct {
	ID        string    `bson:"_id"`
	FairID    string    `bson:"fair_id"`
	Epoch     int64     `bson:"epoch"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expires_at"`
	Released  bool      `bson:"released"`
}

type placementDocument struct {
	MeetingID string `bson:"meeting_id"`
	Day       string `bson:"day"`
	Slot      int    `bson:"slot"`
	Table     int    `bson:"table"`
}

type scheduleDocument struct {
	ID         string              `bson:"_id"`
	FairID     string              `bson:"fair_id"`
	Version    int64               `bson:"version"`
	Placements []placementDocument `bson:"placements"`
	Unplaced   []unplacedDocument  `bson:"unplaced"` // always stored ([] for none), so that a missing field means "not kept"
	CreatedAt  time.Time           `bson:"created_at"`
}

// runID is the _id of a fair's run: fair and epoch, the epoch zero-padded so that IDs sort as
// the epochs do.
func runID(fairID string, epoch int64) string { return fmt.Sprintf("%s/%012d", fairID, epoch) }

func timetableIndexes() []storage.Index {
	return []storage.Index{
		{Collection: LeasesCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "epoch", Value: -1}}},
		{Collection: SchedulesCollection, Keys: bson.D{{Key: "fair_id", Value: 1}, {Key: "version", Value: -1}}},
	}
}

// TakeLease starts a scheduling run of a fair for ttl: ErrBusy while another run's lease is
// neither released nor expired. Taking a lease is an insert of the next epoch's document, whose
// _id is unique: of two replicas racing for the same epoch (the fair free, or its lease expired)
// exactly one inserts it, on MongoDB and FerretDB alike; no document is ever updated to take it.
func (s *Store) TakeLease(ctx context.Context, fairID, holder string, now time.Time, ttl time.Duration) (Lease, error) {
	var last leaseDocument
	err := s.leases.FindOne(ctx, bson.M{"fair_id": fairID}, options.FindOne().SetSort(bson.D{{Key: "epoch", Value: -1}})).Decode(&last)
	switch {
	case storage.IsNotFound(err):
	case err != nil:
		return Lease{}, storage.MapError(err, "scheduling lease")
	case !last.Released && now.Before(last.ExpiresAt):
		return Lease{}, ErrBusy
	}
	l := leaseDocument{ID: runID(fairID, last.Epoch+1), FairID: fairID, Epoch: last.Epoch + 1, Holder: holder, ExpiresAt: now.Add(ttl)}
	if _, err := s.leases.InsertOne(ctx, l); err != nil {
		if storage.IsDuplicate(err) {
			return Lease{}, ErrBusy
		}
		return Lease{}, storage.MapError(err, "scheduling lease")
	}
	return Lease{ID: l.ID, FairID: fairID, Epoch: l.Epoch, Holder: holder, ExpiresAt: l.ExpiresAt}, nil
}

// ReleaseLease ends a run's lease so that the next run need not wait for it to expire. Only its
// holder's document is touched; a lease that expired and was followed by another is left as is.
func (s *Store) ReleaseLease(ctx context.Context, l Lease) error {
	_, err := s.leases.UpdateOne(ctx, bson.M{"_id": l.ID, "holder": l.Holder}, bson.M{"$set": bson.M{"released": true}})
	return storage.MapError(err, "scheduling lease")
}

// SaveTimetable stores a run's complete schedule with its events in one insert, as version
// l.Epoch, if the run still holds its lease at now: ErrLeaseLost when the lease has expired, a
// newer run has taken the fair's lease or a newer version is stored; Conflict if this version
// exists already. A run that outlived its lease must not publish its events after a newer run's.
// What is left between the checks and the insert (a newer run saving in that instant) is
// harmless: readers take the greatest version, and scheduled events carry it for consumers to
// order by.
func (s *Store) SaveTimetable(ctx context.Context, l Lease, now time.Time, t Timetable, corr string, evs ...outbox.Event) error {
	if t.FairID != l.FairID || t.Version != l.Epoch {
		return apperr.New(apperr.Internal, msgLeaseMismatch)
	}
	if !now.Before(l.ExpiresAt) {
		return ErrLeaseLost
	}
	var last leaseDocument
	err := s.leases.FindOne(ctx, bson.M{"fair_id": l.FairID}, options.FindOne().SetSort(bson.D{{Key: "epoch", Value: -1}})).Decode(&last)
	if err != nil {
		return storage.MapError(err, "scheduling lease")
	}
	if last.Epoch != l.Epoch || last.Holder != l.Holder || last.Released {
		return ErrLeaseLost
	}
	newest, err := s.newestVersion(ctx, l.FairID)
	if err != nil {
		return err
	}
	if newest >= t.Version {
		return ErrLeaseLost
	}
	d := scheduleDocument{ID: runID(t.FairID, t.Version), FairID: t.FairID, Version: t.Version, Placements: []placementDocument{}, CreatedAt: t.CreatedAt,
		Unplaced: toUnplacedDocuments(t.Unplaced)}
	for id, p := range t.Placements {
		d.Placements = append(d.Placements, placementDocument{MeetingID: id, Day: p.Day, Slot: p.Slot, Table: p.Table})
	}
	if err := s.runs.Insert(ctx, d, "", corr, evs...); err != nil {
		if storage.IsDuplicate(err) {
			return apperr.WrapMsg(apperr.Conflict, err, msgRunSaved)
		}
		return err
	}
	if s.scheduled != nil {
		s.scheduled(t)
	}
	return nil
}

// Timetable returns a fair's newest complete schedule, or one with Version 0 when the fair has
// never been scheduled this way.
func (s *Store) Timetable(ctx context.Context, fairID string) (Timetable, error) {
	var d scheduleDocument
	err := s.schedules.FindOne(ctx, bson.M{"fair_id": fairID},
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}}).SetProjection(bson.M{outbox.Field: 0})).Decode(&d)
	if storage.IsNotFound(err) {
		return Timetable{FairID: fairID}, nil
	}
	if err != nil {
		return Timetable{}, storage.MapError(err, "schedule")
	}
	return d.timetable(), nil
}

// TimetableVersion returns one stored version of a fair's schedule, read by its _id; NotFound
// when that version was never saved or has been pruned.
func (s *Store) TimetableVersion(ctx context.Context, fairID string, version int64) (Timetable, error) {
	var d scheduleDocument
	err := s.schedules.FindOne(ctx, bson.M{"_id": runID(fairID, version)}, options.FindOne().SetProjection(bson.M{outbox.Field: 0})).Decode(&d)
	if err != nil {
		return Timetable{}, storage.MapError(err, "schedule")
	}
	return d.timetable(), nil
}

func (d scheduleDocument) timetable() Timetable {
	t := Timetable{FairID: d.FairID, Version: d.Version, Placements: make(map[string]Placement, len(d.Placements)), UnplacedKnown: d.Unplaced != nil, CreatedAt: d.CreatedAt}
	for _, p := range d.Placements {
		t.Placements[p.MeetingID] = Placement{Day: p.Day, Slot: p.Slot, Table: p.Table}
	}
	for _, u := range d.Unplaced {
		t.Unplaced = append(t.Unplaced, u.unplaced())
	}
	return t
}

// placeAll puts meetings where their fairs' newest schedules have them, reading each fair's
// schedule once.
func (s *Store) placeAll(ctx context.Context, ms []Meeting) error {
	byFair := map[string]Timetable{}
	for i, m := range ms {
		t, ok := byFair[m.FairID]
		if !ok {
			var err error
			if t, err = s.newest(ctx, m.FairID); err != nil {
				return err
			}
			byFair[m.FairID] = t
		}
		ms[i] = t.place(m)
	}
	return nil
}

// newestVersion returns the greatest schedule version stored for a fair, 0 when there is none.
func (s *Store) newestVersion(ctx context.Context, fairID string) (int64, error) {
	var d struct {
		Version int64 `bson:"version"`
	}
	err := s.schedules.FindOne(ctx, bson.M{"fair_id": fairID},
		options.FindOne().SetSort(bson.D{{Key: "version", Value: -1}}).SetProjection(bson.M{"version": 1})).Decode(&d)
	if storage.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, storage.MapError(err, "schedule")
	}
	return d.Version, nil
}

// newest returns a fair's newest complete schedule from memory when the database holds no newer
// version: a schedule version never changes once saved, so only the version number is read, and
// the placements of every meeting of the fair only when another run has saved since.
func (s *Store) newest(ctx context.Context, fairID string) (Timetable, error) {
	v, err := s.newestVersion(ctx, fairID)
	if err != nil {
		return Timetable{}, err
	}
	if v == 0 {
		return Timetable{FairID: fairID}, nil
	}
	s.mu.Lock()
	t, ok := s.cache[fairID]
	s.mu.Unlock()
	if ok && t.Version == v {
		return t, nil
	}
	if t, err = s.Timetable(ctx, fairID); err != nil {
		return Timetable{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cache[fairID]; !ok || c.Version < t.Version {
		s.cache[fairID] = t
	}
	return t, nil
}

// PruneSchedules deletes a fair's schedule versions older than the newest keptSchedules whose
// events have all been published (an unpublished event of an old version is still due: a later
// run sends events only for the meetings it moves), and the fair's leases of runs before l, which
// have ended: the newest lease stays, since the next run's epoch follows it. It is safe to run
// late or twice, and what one call leaves the next prunes.
func (s *Store) PruneSchedules(ctx context.Context, l Lease, now time.Time) error {
	if _, err := s.leases.DeleteMany(ctx, bson.M{"fair_id": l.FairID, "epoch": bson.M{"$lt": l.Epoch}}); err != nil {
		return storage.MapError(err, "scheduling leases")
	}
	cur, err := s.schedules.Find(ctx, bson.M{"fair_id": l.FairID}, options.Find().SetSort(bson.D{{Key: "version", Value: -1}}).
		SetSkip(keptSchedules).SetProjection(bson.M{"_id": 1, outbox.Field + ".id": 1, outbox.Field + ".created_at": 1}))
	if err != nil {
		return storage.MapError(err, "schedules")
	}
	var old []struct {
		ID     string `bson:"_id"`
		Outbox []struct {
			ID        string    `bson:"id"`
			CreatedAt time.Time `bson:"created_at"`
		} `bson:"outbox"`
	}
	if err := cur.All(ctx, &old); err != nil {
		return storage.MapError(err, "schedules")
	}
	sent := s.schedules.Database().Collection(outbox.SentCollection)
	for _, d := range old {
		// An event past the relay's horizon is never published any more, sent or not.
		ids := bson.A{}
		for _, e := range d.Outbox {
			if now.Sub(e.CreatedAt) < outbox.Horizon {
				ids = append(ids, e.ID)
			}
		}
		if len(ids) > 0 {
			n, err := sent.CountDocuments(ctx, bson.M{"_id": bson.M{"$in": ids}})
			if err != nil {
				return storage.MapError(err, "sent events")
			}
			if n < int64(len(ids)) {
				continue
			}
		}
		if _, err := s.schedules.DeleteOne(ctx, bson.M{"_id": d.ID}); err != nil {
			return storage.MapError(err, "schedule")
		}
	}
	return nil
}
