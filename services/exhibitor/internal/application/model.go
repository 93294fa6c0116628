package application

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Model is the in-memory read model of applications, the fairs they are for, and which producer
// each account is, so that a producer's own applications and an organiser's queue never wait on
// the database. The database stays the record: Load fills the model from it, the store hands it
// this replica's writes as they succeed, and the handlers in consume.go bring in other replicas'
// writes and the event service's fairs and booths from the streams. A state replaces what the
// model holds only if it is newer: applications, fairs and producers by revision, booths by
// assignment ID. Its methods are safe for concurrent use.
type Model struct {
	store *Store

	mu         sync.RWMutex
	apps       map[string]*Application // by ID; replaced, never changed, so readers may keep them
	byFair     map[string][]*Application
	byProducer map[string][]*Application
	booths     map[string]*boothSet // by application ID, also of applications not (yet) known here
	fairs      map[string]Fair
	accounts   map[string]string     // account ID -> producer ID
	producers  map[string]producerOf // producer ID -> its account, at a revision
	behind     []Applicant           // profiles found at the load newer than their applications show
}

type producerOf struct {
	accountID string
	revision  int64
}

// NewModel returns an empty model whose stream handlers read changed applications from store.
func NewModel(store *Store) *Model {
	return &Model{store: store, apps: map[string]*Application{}, byFair: map[string][]*Application{},
		byProducer: map[string][]*Application{}, booths: map[string]*boothSet{}, fairs: map[string]Fair{},
		accounts: map[string]string{}, producers: map[string]producerOf{}}
}

// Applicants pages through every producer profile as an Applicant with its account and revision,
// by producer ID after after ("": from the first); an empty page ends the load.
type Applicants func(ctx context.Context, after string, limit int) ([]Applicant, error)

// loadPage is how many documents one load read asks for: each read holds the database's one
// connection, so none should hold it long.
const loadPage = 1000

// Load reads every fair, application and producer from the database into the model and returns
// how many applications it read. What the model already holds at the same or a newer revision
// (written meanwhile) is kept.
func (m *Model) Load(ctx context.Context, applicants Applicants) (int, error) {
	fairs, err := m.store.allFairs(ctx)
	if err != nil {
		return 0, err
	}
	for _, f := range fairs {
		m.PutFair(f)
	}
	n, after := 0, ""
	for range 100_000 { // 100 million applications: a bound for the loop, far beyond any fair
		page, err := m.store.page(ctx, after, loadPage)
		if err != nil || len(page) == 0 {
			if err != nil {
				return n, err
			}
			break
		}
		for _, d := range page {
			m.putStored(d)
		}
		n += len(page)
		after = page[len(page)-1].ID
	}
	after = ""
	for range 100_000 {
		page, err := applicants(ctx, after, loadPage)
		if err != nil || len(page) == 0 {
			return n, err
		}
		for _, a := range page {
			m.PutApplicant(a)
			m.noteBehind(a)
		}
		after = page[len(page)-1].ProducerID
	}
	return n, nil
}

// putStored applies an application as read from the database, with its booths' states.
func (m *Model) putStored(d document) {
	m.put(d.application(), newBoothSet(d.BoothStates, d.Booths))
}

// Put applies an application this replica has just stored; its booths are not part of such a
// write, so the model keeps the booths it knows.
func (m *Model) Put(a Application) { m.put(a, nil) }

// put applies a if it is newer than what the model holds, and merges stored booth states into
// the booths the model knows (nil: none to merge).
func (m *Model) put(a Application, stored *boothSet) {
	m.mu.Lock()
	defer m.mu.Unlock()
	have := m.apps[a.ID]
	if stored != nil {
		m.booths[a.ID] = stored.merge(m.booths[a.ID])
	}
	if have != nil && have.Revision >= a.Revision {
		if stored == nil {
			return
		}
		a = *have // not newer, but its booths may be
	}
	m.index(a)
}

// index stores a, its booths as the model knows them, in place of what the model holds. It is
// called with the lock held.
func (m *Model) index(a Application) {
	a.Booths, a.BoothZones = nil, nil
	if b := m.booths[a.ID]; b != nil {
		a.Booths, a.BoothZones = b.order, b.states.zones(b.order)
	}
	e := &a
	_, known := m.apps[a.ID]
	m.apps[a.ID] = e
	m.byFair[a.FairID] = place(m.byFair[a.FairID], e, known)
	m.byProducer[a.ProducerID] = place(m.byProducer[a.ProducerID], e, known)
}

// place puts e into list (by ID), replacing the entry with its ID if known.
func place(list []*Application, e *Application, known bool) []*Application {
	i, found := slices.BinarySearchFunc(list, e.ID, byID)
	if found && known {
		list[i] = e
		return list
	}
	return slices.Insert(list, i, e)
}

func byID(a *Application, id string) int { return strings.Compare(a.ID, id) }

// Get returns the application with id, and whether the model holds it.
func (m *Model) Get(id string) (Application, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if a, ok := m.apps[id]; ok {
		return *a, true
	}
	return Application{}, false
}

// Revision returns the revision the model holds of application id (0: none).
func (m *Model) Revision(id string) int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if a, ok := m.apps[id]; ok {
		return a.Revision
	}
	return 0
}

// List returns up to limit applications of a fair (of one producer when producerID is not
// empty, with one of statuses when any are given) with IDs after after, by ID, as Store.List does.
func (m *Model) List(fairID, producerID string, statuses []string, after string, limit int) []Application {
	m.mu.RLock()
	defer m.mu.RUnlock()
	list := m.byFair[fairID]
	i, found := slices.BinarySearchFunc(list, after, byID)
	if found {
		i++
	}
	out := make([]Application, 0, min(limit, len(list)-i))
	for ; i < len(list) && len(out) < limit; i++ {
		a := list[i]
		if (producerID == "" || a.ProducerID == producerID) && (len(statuses) == 0 || slices.Contains(statuses, string(a.Status))) {
			out = append(out, *a)
		}
	}
	return out
}

// ByProducer returns up to limit of a producer's applications, newest first, older than the one
// with ID before ("": from the newest), as Store.ByProducer does.
func (m *Model) ByProducer(producerID, before string, limit int) []Application {
	m.mu.RLock()
	defer m.mu.RUnlock()
	list := m.byProducer[producerID]
	i := len(list)
	if before != "" {
		i, _ = slices.BinarySearchFunc(list, before, byID)
	}
	out := make([]Application, 0, min(limit, i))
	for i--; i >= 0 && len(out) < limit; i-- {
		out = append(out, *list[i])
	}
	return out
}

// PutFair applies a fair if it is newer (by revision) than the one the model holds.
func (m *Model) PutFair(f Fair) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if have, ok := m.fairs[f.ID]; !ok || have.Revision < f.Revision {
		m.fairs[f.ID] = f
	}
}

// Fair returns the fair with id, and whether the model holds it.
func (m *Model) Fair(id string) (Fair, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	f, ok := m.fairs[id]
	return f, ok
}

// PutApplicant applies which account a producer is (a.ProducerID, a.AccountID) if it is newer
// (by a.Revision) than what the model holds; an account that changed (a claimed profile) no
// longer names the producer.
func (m *Model) PutApplicant(a Applicant) {
	if a.ProducerID == "" || a.AccountID == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	have, ok := m.producers[a.ProducerID]
	if ok && have.revision >= a.Revision {
		return
	}
	if ok && m.accounts[have.accountID] == a.ProducerID {
		delete(m.accounts, have.accountID)
	}
	m.producers[a.ProducerID] = producerOf{accountID: a.AccountID, revision: a.Revision}
	m.accounts[a.AccountID] = a.ProducerID
}

// noteBehind keeps producer a for Behind when one of its applications shows another name or
// province from an older revision of its profile.
func (m *Model) noteBehind(a Applicant) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, app := range m.byProducer[a.ProducerID] {
		if app.ProducerRevision < a.Revision && (app.ProducerName != a.Name || app.Province != a.Province) {
			m.behind = append(m.behind, a)
			return
		}
	}
}

// Behind returns, once, the producers whose applications the load found showing an older name
// or province than their profiles: changed before their applications followed them (stored
// before applications did, or longer ago than the stream keeps events).
func (m *Model) Behind() []Applicant {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.behind
	m.behind = nil
	return out
}

// ProducerOf returns the producer ID of an account, and whether the model knows one.
func (m *Model) ProducerOf(accountID string) (string, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.accounts[accountID]
	return id, ok
}

// setBooth applies a booth's state to an application's booths (see Store.SetBooth for the
// rule), also when the application is not known here yet: its load or event merges them.
func (m *Model) setBooth(applicationID, code string, s boothState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.booths[applicationID]
	if b == nil {
		b = &boothSet{states: map[string]boothState{}}
		m.booths[applicationID] = b
	}
	if !b.apply(code, s) {
		return
	}
	if a, ok := m.apps[applicationID]; ok {
		m.index(*a)
	}
}
