// Package index is the matchmaking service's in-memory view of producers, products, booths and
// fairs. Every replica starts from the newest snapshot of the index kept in the service's database
// (written hourly by whichever replica comes first, with the stream sequences it includes), replays
// the EXHIBITOR and EVENT streams from those sequences on with ordered consumers, and keeps current
// as events arrive. Every replica folds the same events onto the same snapshot, so the replicas
// converge, and start-up replays at most the events since the snapshot, however long the history.
// Events carry revisions (booth events their assignment IDs), so an older event never overwrites a
// newer state.
package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Producer is a producer as the index holds it.
type Producer struct {
	ID            string
	AccountID     string
	Name          string
	Province      string
	Region        string
	Certs         map[string]time.Time // code -> valid until
	Trademark     bool
	ExportMarkets []string
	Revision      int64
}

// Product is a product as the index holds it.
type Product struct {
	ID            string
	ProducerID    string
	NameVI        string
	NameLower     string
	Fold          string
	Description   string
	CriteriaSet   int
	Sector        string
	Stars         int
	PotentialFive bool
	ExpiresOn     time.Time
	Unit          string
	Capacity      float64
	PriceMin      int64
	PriceMax      int64
	PhotoURL      string // where the exhibitor serves its photo; empty without one
	Revision      int64
	Deleted       bool
	// Producer is resolved when either side arrives; nil until the producer is known.
	Producer *Producer
}

// Fair is what matchmaking needs of a fair.
type Fair struct {
	ID         string
	Name       string
	Status     string
	Organisers []string
	B2BDays    []events.B2BDayV1
	Revision   int64
	// Discarded marks a draft cancelled before it was published: as private as a draft.
	Discarded bool
}

// Private reports whether only the fair's organisers and admins may know of it: a draft, or a
// discarded one.
func (f Fair) Private() bool { return events.FairPrivate(f.Status, f.Discarded) }

// Index is safe for concurrent use.
type Index struct {
	mu        sync.RWMutex
	producers map[string]*Producer
	products  map[string]*Product // includes deleted ones as tombstones
	live      []*Product          // live products, for full scans
	livePos   map[string]int
	bySet     map[int]map[string]*Product
	booths    map[string]map[string]booth // fair -> booth code -> newest assignment seen
	fairs     map[string]*Fair
	// fairChanged is closed, and replaced, whenever a fair changes, under the write lock: what
	// WaitFair waits on.
	fairChanged chan struct{}
	// seqs is, per stream, the last stream sequence folded into the state above; it changes under
	// mu with the state, so a snapshot taken under mu is a consistent cut.
	seqs map[string]uint64
	// start describes where the index started: the snapshot and the streams' gaps.
	start   startInfo
	ready   atomic.Bool
	applied atomic.Int64
	read    atomic.Int64
	// changes counts the events folded, each after its change is made (see Version).
	changes atomic.Uint64
	// on maps every folded subject to its On... method (see consume.go).
	on map[string]foldFunc
}

// booth is the newest state of a booth's assignment the index has seen. Assignment IDs are UUIDv7,
// so a later assignment has a greater ID; a release is the last state of its assignment.
type booth struct {
	producer   string
	assignment string
	released   bool
	zone       string
}

// Booth is a booth a producer holds at a fair, with its zone (empty when its event had none).
type Booth struct {
	Code string `json:"code"`
	Zone string `json:"zone"`
}

// newer reports whether an event for assignment id (a release when released) is a later state of
// the booth than b.
func (b booth) newer(id string, released bool) bool {
	if id != b.assignment {
		return id > b.assignment
	}
	return released && !b.released
}

// New returns an empty index.
func New() *Index {
	return &Index{producers: map[string]*Producer{}, products: map[string]*Product{}, livePos: map[string]int{}, bySet: map[int]map[string]*Product{},
		booths: map[string]map[string]booth{}, fairs: map[string]*Fair{}, fairChanged: make(chan struct{}), seqs: map[string]uint64{}, on: handlersBySubject()}
}

// Apply folds one event into the index. Events it does not know are ignored; a payload that does
// not decode is an error (the caller logs it and goes on: the index is a projection, not a
// source of truth).
func (x *Index) Apply(env events.Envelope) error {
	return x.fold(env, "", 0)
}

// putBooth applies a booth's assignment or release unless the index has seen a later state of
// that booth: a late release of an earlier assignment must not take the booth from its holder.
// Events from before assignments had IDs carry none; among those the last one wins, as they did.
func (x *Index) putBooth(pl events.BoothAssignmentV1, released bool) {
	m := x.booths[pl.FairID]
	if m == nil {
		m = map[string]booth{}
		x.booths[pl.FairID] = m
	}
	cur, ok := m[pl.BoothCode]
	switch {
	case pl.AssignmentID == "" && released:
		if ok && cur.assignment == "" && cur.producer == pl.ProducerID {
			m[pl.BoothCode] = booth{producer: pl.ProducerID, released: true, zone: pl.Zone}
		}
	case pl.AssignmentID == "":
		if !ok || cur.assignment == "" {
			m[pl.BoothCode] = booth{producer: pl.ProducerID, zone: pl.Zone}
		}
	case !ok || cur.newer(pl.AssignmentID, released):
		m[pl.BoothCode] = booth{producer: pl.ProducerID, assignment: pl.AssignmentID, released: released, zone: pl.Zone}
	}
}

// putProducer, putProduct and putFair run under the write lock.
func (x *Index) putProducer(p events.ProducerV1) {
	if old, ok := x.producers[p.ID]; ok && old.Revision >= p.Revision {
		return
	}
	certs := map[string]time.Time{}
	for _, c := range p.Certifications {
		certs[c.Code] = c.ValidUntil
	}
	next := Producer{ID: p.ID, AccountID: p.AccountID, Name: p.LegalName, Province: p.ProvinceCode, Region: p.Region,
		Certs: certs, Trademark: p.Trademark != "", ExportMarkets: p.ExportMarkets, Revision: p.Revision}
	if old, ok := x.producers[p.ID]; ok {
		*old = next // products keep pointing at it
		return
	}
	np := &next
	x.producers[p.ID] = np
	for _, pr := range x.live {
		if pr.ProducerID == p.ID {
			pr.Producer = np
		}
	}
}

func (x *Index) putProduct(p events.ProductV1) {
	old, ok := x.products[p.ID]
	if ok && old.Revision > p.Revision {
		return
	}
	if ok && old.Revision == p.Revision && !(p.Deleted && !old.Deleted) {
		return
	}
	if ok {
		delete(x.bySet[old.CriteriaSet], p.ID)
		x.removeLive(p.ID)
	}
	expires, _ := time.ParseInLocation(time.DateOnly, p.Certificate.ExpiresOn, vntext.Zone)
	np := &Product{ID: p.ID, ProducerID: p.ProducerID, NameVI: p.NameVI, NameLower: lower(p.NameVI + " " + p.NameEN),
		Fold: vntext.Fold(p.NameVI + " " + p.NameEN + " " + p.DescriptionVI), Description: p.DescriptionVI, CriteriaSet: p.CriteriaSet,
		Sector: p.Sector, Stars: p.Stars, PotentialFive: p.PotentialFive, ExpiresOn: expires, Unit: p.Unit, Capacity: p.MonthlyCapacity,
		PriceMin: p.PriceMinVND, PriceMax: p.PriceMaxVND, PhotoURL: p.PhotoURL, Revision: p.Revision, Deleted: p.Deleted}
	np.Producer = x.producers[p.ProducerID]
	x.place(np)
}

// place stores np and, unless it is deleted, files it under its criteria set and among the live
// products that rankings scan.
func (x *Index) place(np *Product) {
	x.products[np.ID] = np
	if np.Deleted {
		return
	}
	if x.bySet[np.CriteriaSet] == nil {
		x.bySet[np.CriteriaSet] = map[string]*Product{}
	}
	x.bySet[np.CriteriaSet][np.ID] = np
	x.livePos[np.ID] = len(x.live)
	x.live = append(x.live, np)
}

func (x *Index) removeLive(id string) {
	i, ok := x.livePos[id]
	if !ok {
		return
	}
	last := len(x.live) - 1
	x.live[i] = x.live[last]
	x.livePos[x.live[i].ID] = i
	x.live = x.live[:last]
	delete(x.livePos, id)
}

func (x *Index) putFair(f events.FairV1) {
	if old, ok := x.fairs[f.ID]; ok && old.Revision >= f.Revision {
		return
	}
	x.fairs[f.ID] = &Fair{ID: f.ID, Name: f.NameVI, Status: f.Status, Organisers: f.Organisers, B2BDays: f.B2BDays, Revision: f.Revision,
		Discarded: f.Discarded}
	close(x.fairChanged)
	x.fairChanged = make(chan struct{})
}

// View is a read-only use of the index under its read lock.
type View struct{ x *Index }

// Read calls fn with a consistent view; fn must not keep references after it returns.
func (x *Index) Read(fn func(v View)) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	fn(View{x})
}

// Products calls fn for every live product of the criteria sets (all products when none given).
func (v View) Products(sets []int, fn func(*Product)) {
	if len(sets) == 0 {
		for _, p := range v.x.live {
			fn(p)
		}
		return
	}
	for _, s := range sets {
		for _, p := range v.x.bySet[s] {
			fn(p)
		}
	}
}

// Producer returns a producer.
func (v View) Producer(id string) (*Producer, bool) {
	p, ok := v.x.producers[id]
	return p, ok
}

// ProductsOf returns the live products of a producer.
func (v View) ProductsOf(producerID string) []*Product {
	var out []*Product
	for _, p := range v.x.live {
		if p.ProducerID == producerID {
			out = append(out, p)
		}
	}
	return out
}

// Exhibiting reports whether a producer holds a booth at a fair.
func (v View) Exhibiting(fairID, producerID string) bool {
	for _, b := range v.x.booths[fairID] {
		if b.producer == producerID && !b.released {
			return true
		}
	}
	return false
}

// FairName returns a fair's name ("" when the fair is unknown).
func (v View) FairName(id string) string {
	if f, ok := v.x.fairs[id]; ok {
		return f.Name
	}
	return ""
}

// BoothsOf returns the booths a producer holds at a fair, by code (nil: none).
func (v View) BoothsOf(fairID, producerID string) []Booth {
	var out []Booth
	for code, b := range v.x.booths[fairID] {
		if b.producer == producerID && !b.released {
			out = append(out, Booth{Code: code, Zone: b.zone})
		}
	}
	slices.SortFunc(out, func(a, b Booth) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// Fair returns a fair.
func (x *Index) Fair(id string) (Fair, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	f, ok := x.fairs[id]
	if !ok {
		return Fair{}, false
	}
	return *f, true
}

// WaitFair returns the fair with id as soon as the index holds it in a state ok accepts, waiting
// for the fair's events until ctx ends. It reports false, with the fair as last seen (zero when
// unknown), when ctx ended first. A command that must see what its user just saved through
// another service (which reaches this index through a stream) waits here, bounded by ctx.
func (x *Index) WaitFair(ctx context.Context, id string, ok func(Fair) bool) (Fair, bool) {
	for {
		x.mu.RLock()
		f, found := x.fairs[id]
		changed := x.fairChanged
		x.mu.RUnlock()
		var seen Fair
		if found {
			seen = *f
			if ok(seen) {
				return seen, true
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return seen, false
		}
	}
}

// ProducerByAccount returns the producer of an account.
func (x *Index) ProducerByAccount(accountID string) (Producer, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, p := range x.producers {
		if p.AccountID == accountID {
			return *p, true
		}
	}
	return Producer{}, false
}

// ProducerByID returns a producer by ID.
func (x *Index) ProducerByID(id string) (Producer, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	p, ok := x.producers[id]
	if !ok {
		return Producer{}, false
	}
	return *p, true
}

// Exhibiting reports whether a producer holds a booth at a fair.
func (x *Index) Exhibiting(fairID, producerID string) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return View{x}.Exhibiting(fairID, producerID)
}

// Exhibitors returns the producers holding a booth at a fair, by ID.
func (x *Index) Exhibitors(fairID string) []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	seen := map[string]bool{}
	var out []string
	for _, b := range x.booths[fairID] {
		if !b.released && !seen[b.producer] {
			seen[b.producer] = true
			out = append(out, b.producer)
		}
	}
	slices.Sort(out)
	return out
}

// Stats counts what the index holds and how it started.
type Stats struct {
	Producers int   `json:"producers"`
	Products  int   `json:"products"`
	Fairs     int   `json:"fairs"`
	Applied   int64 `json:"events_applied"`
	// Read counts the messages read from the streams since this replica started, those it
	// ignores included; right after start-up, what it replayed.
	Read int64 `json:"messages_read"`
	// Snapshot names the snapshot this replica started from, empty when it replayed the streams
	// from their first message.
	Snapshot string `json:"snapshot,omitempty"`
	// Gaps lists the streams whose events after the snapshot aged out before this replica read
	// them; while there are any, the index is not ready.
	Gaps  []string `json:"gaps,omitempty"`
	Ready bool     `json:"ready"`
}

// Version changes after every event the index folds and when it becomes ready, never before the
// change is visible: an answer built after reading it reflects at least that version, so it can
// be kept until the version moves.
func (x *Index) Version() uint64 { return x.changes.Load() }

// Stats returns the counts.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return Stats{Producers: len(x.producers), Products: len(x.live), Fairs: len(x.fairs), Applied: x.applied.Load(), Read: x.read.Load(),
		Snapshot: x.start.snapshot, Gaps: slices.Clone(x.start.gaps), Ready: x.ready.Load()}
}

// Ready reports whether the initial replay has caught up with the streams, and fails for good
// when events the index needed aged out of a stream (see Follow).
func (x *Index) Ready(context.Context) error {
	if !x.ready.Load() {
		x.mu.RLock()
		gaps := x.start.gaps
		x.mu.RUnlock()
		if len(gaps) > 0 {
			return fmt.Errorf("the matching index misses events that aged out of %s after its snapshot", strings.Join(gaps, ", "))
		}
		return errors.New("the matching index is still replaying the streams")
	}
	return nil
}

func lower(s string) string { return strings.ToLower(vntext.Clean(s)) }
