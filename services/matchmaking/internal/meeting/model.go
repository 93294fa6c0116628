package meeting

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/buyer"
)

// Agendas is the in-memory read model behind the agenda: every meeting at the newest revision
// this replica knows, each fair's newest schedule, and the buyers' names and accounts, so that an
// agenda never waits on the database. The database stays the record: Load fills the model from
// it, the stores hand it this replica's writes as they succeed (PutMeeting, PutTimetable,
// PutBuyer), and OnMeeting and OnBuyer bring in other replicas' writes from the MATCHMAKING
// stream. Its methods are safe for concurrent use.
type Agendas struct {
	store  *Store
	buyers *buyer.Store

	mu       sync.RWMutex
	meetings map[string]*Meeting            // every meeting, by ID (its revision guards late events); never changed once put
	accepted map[string]map[string]struct{} // fair -> IDs of its accepted meetings
	byBuyer  map[string]map[string]struct{} // buyer -> IDs of all its meetings (a match shows them)
	tables   map[string]Timetable           // fair -> its newest schedule
	names    map[string]buyerEntry          // buyer ID -> what the agenda shows of it
	byAcct   map[string]string              // account -> buyer ID

	// checks holds, by fair, when its newest schedule version was last asked of the database
	// (see recheck).
	checks sync.Map
	loaded atomic.Bool
}

// buyerEntry is what the agenda needs of a buyer: its name, its account and the revision that
// guards late events.
type buyerEntry struct {
	Name, Account string
	Revision      int64
}

// NewAgendas returns an empty model that reads changed meetings and schedules from store and
// buyers from buyers.
func NewAgendas(store *Store, buyers *buyer.Store) *Agendas {
	return &Agendas{store: store, buyers: buyers, meetings: map[string]*Meeting{}, accepted: map[string]map[string]struct{}{},
		byBuyer: map[string]map[string]struct{}{}, tables: map[string]Timetable{}, names: map[string]buyerEntry{}, byAcct: map[string]string{}}
}

// Pages of the schedules' load: how many schedules one read takes, so that no read holds the
// service's connection long (a schedule holds a placement per meeting), and the most pages read,
// a bound far beyond any fair's schedule versions. Meetings and buyers are read with one cursor.
const (
	schedulePage = 20
	maxPages     = 100_000
)

// Load reads every meeting, each fair's newest schedule and every buyer from the database into
// the model. What the model already holds at the same or a newer revision or version (written
// meanwhile) is kept.
func (a *Agendas) Load(ctx context.Context) error {
	opts := options.Find().SetProjection(bson.M{outbox.Field: 0})
	err := storage.Each(ctx, a.store.c, bson.M{}, opts, "meetings", func(d document) error {
		a.PutMeeting(d.meeting())
		return nil
	})
	if err != nil {
		return err
	}
	if err := a.store.eachTimetable(ctx, a.PutTimetable); err != nil {
		return err
	}
	if err := a.buyers.EachBuyer(ctx, a.PutBuyer); err != nil {
		return err
	}
	a.loaded.Store(true)
	return nil
}

// Loaded reports whether Load has finished.
func (a *Agendas) Loaded() bool { return a.loaded.Load() }

// PutMeeting applies a meeting as its document holds it, if it is newer (by revision) than what
// the model holds: events and this replica's own writes arrive late and twice.
func (a *Agendas) PutMeeting(m Meeting) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if have, ok := a.meetings[m.ID]; ok && have.Revision >= m.Revision {
		return
	}
	m.ScheduleVersion = 0
	a.meetings[m.ID] = &m
	if a.byBuyer[m.BuyerID] == nil {
		a.byBuyer[m.BuyerID] = map[string]struct{}{}
	}
	a.byBuyer[m.BuyerID][m.ID] = struct{}{}
	ids := a.accepted[m.FairID]
	if m.Status == Accepted {
		if ids == nil {
			ids = map[string]struct{}{}
			a.accepted[m.FairID] = ids
		}
		ids[m.ID] = struct{}{}
	} else {
		delete(ids, m.ID)
	}
}

// PutTimetable applies a fair's schedule if it is newer (by version) than what the model holds.
// A schedule never changes once saved, so the model keeps it as it is.
func (a *Agendas) PutTimetable(t Timetable) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if have, ok := a.tables[t.FairID]; ok && have.Version >= t.Version {
		return
	}
	a.tables[t.FairID] = t
}

// PutBuyer applies a buyer if it is newer (by revision) than what the model holds.
func (a *Agendas) PutBuyer(b buyer.Buyer) {
	a.putBuyer(b.ID, buyerEntry{Name: b.Name, Account: b.AccountID, Revision: b.Revision})
}

func (a *Agendas) putBuyer(id string, e buyerEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	have, ok := a.names[id]
	if ok && have.Revision >= e.Revision {
		return
	}
	if ok && have.Account != e.Account {
		delete(a.byAcct, have.Account)
	}
	a.names[id] = e
	a.byAcct[e.Account] = id
}

// revision returns the revision the model holds of a meeting, and whether it holds it.
func (a *Agendas) revision(id string) (int64, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if m, ok := a.meetings[id]; ok {
		return m.Revision, true
	}
	return 0, false
}

// version returns the version of a fair's schedule the model holds (0: none).
func (a *Agendas) version(fairID string) int64 {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.tables[fairID].Version
}

// BuyerOf returns the buyer profile of an account, and whether there is one.
func (a *Agendas) BuyerOf(account string) (string, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	id, ok := a.byAcct[account]
	return id, ok
}

// BuyerName returns a buyer's name, "" for a buyer the model does not hold.
func (a *Agendas) BuyerName(id string) string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.names[id].Name
}

// Scheduled returns what Store.Scheduled reads from the database: the fair's newest schedule and
// its accepted meetings, all of them or those of one participant, by ID, placed by that schedule.
func (a *Agendas) Scheduled(fairID, participant string) (Timetable, []Meeting) {
	a.mu.RLock()
	t, ok := a.tables[fairID]
	ids := a.accepted[fairID]
	var ms []Meeting
	if participant == "" {
		ms = make([]Meeting, 0, len(ids)) // a participant's are a few of them
	}
	for id := range ids {
		if m := a.meetings[id]; participant == "" || m.BuyerID == participant || m.ProducerID == participant {
			ms = append(ms, *m)
		}
	}
	a.mu.RUnlock()
	if !ok {
		t = Timetable{FairID: fairID}
	}
	sortByID(ms)
	for i, m := range ms {
		ms[i] = t.place(m)
	}
	return t, ms
}

func sortByID(ms []Meeting) {
	// By ID, the order of the database read, so that the agenda's sort by time meets ties alike.
	slices.SortFunc(ms, func(x, y Meeting) int { return strings.Compare(x.ID, y.ID) })
}

// recheckEvery is how often, at most, a fair whose agenda is read has its newest schedule version
// asked of the database. A run that moves no meeting publishes no event, so other replicas learn
// of its version only this way; the request never waits for it.
const recheckEvery = time.Second

// Recheck asks the database in the background, at most once per recheckEvery for a fair, whether
// a newer schedule than the model's was saved, and takes it if so. Callers pass only fairs that
// exist, so that what it remembers stays bounded by the fairs.
func (a *Agendas) Recheck(fairID string) {
	now := time.Now()
	if last, ok := a.checks.Load(fairID); ok && now.Sub(last.(time.Time)) < recheckEvery {
		return
	}
	if prev, loaded := a.checks.Swap(fairID, now); loaded && now.Sub(prev.(time.Time)) < recheckEvery {
		return // another request took this turn
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		v, err := a.store.newestVersion(ctx, fairID)
		if err != nil || v <= a.version(fairID) {
			return
		}
		if t, err := a.store.TimetableVersion(ctx, fairID, v); err == nil {
			a.PutTimetable(t)
		}
	}()
}

// eachTimetable calls fn with every stored schedule of every fair, in pages by _id.
func (s *Store) eachTimetable(ctx context.Context, fn func(Timetable)) error {
	after := ""
	for range maxPages {
		q := bson.M{}
		if after != "" {
			q["_id"] = bson.M{"$gt": after}
		}
		cur, err := s.schedules.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(schedulePage).SetProjection(bson.M{outbox.Field: 0}))
		if err != nil {
			return storage.MapError(err, "schedules")
		}
		var docs []scheduleDocument
		if err := cur.All(ctx, &docs); err != nil {
			return storage.MapError(err, "schedules")
		}
		for _, d := range docs {
			fn(d.timetable())
		}
		if len(docs) < schedulePage {
			return nil
		}
		after = docs[len(docs)-1].ID
	}
	return nil
}
