// Package index is the matchmaking service's in-memory view of producers, products, booths and
// fairs, built on every replica by replaying the EXHIBITOR and EVENT streams with ordered
// consumers and kept current as events arrive. Every replica folds the same streams, so the
// replicas converge. Events carry revisions, so an older event never overwrites a newer state.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

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
}

// Index is safe for concurrent use.
type Index struct {
	mu        sync.RWMutex
	producers map[string]*Producer
	products  map[string]*Product // includes deleted ones as tombstones
	live      []*Product          // live products, for full scans
	livePos   map[string]int
	bySet     map[int]map[string]*Product
	booths    map[string]map[string]string // fair -> booth code -> producer
	fairs     map[string]*Fair
	ready     atomic.Bool
	applied   atomic.Int64
}

// New returns an empty index.
func New() *Index {
	return &Index{producers: map[string]*Producer{}, products: map[string]*Product{}, livePos: map[string]int{}, bySet: map[int]map[string]*Product{},
		booths: map[string]map[string]string{}, fairs: map[string]*Fair{}}
}

// Apply folds one event into the index. Events it does not know are ignored; a payload that does
// not decode is an error (the caller logs it and goes on: the index is a projection, not a
// source of truth).
func (x *Index) Apply(env events.Envelope) error {
	x.applied.Add(1)
	switch env.Type {
	case events.ProducerRegistered, events.ProducerUpdated:
		var pl events.ProducerUpdatedV1 // same shape as registered
		if err := env.Decode(&pl); err != nil {
			return err
		}
		x.putProducer(pl.Producer)
	case events.ProductCreated, events.ProductUpdated, events.ProductDeleted, events.ProductCertificateExpired:
		var pl events.ProductChangedV1
		if err := env.Decode(&pl); err != nil {
			return err
		}
		x.putProduct(pl.Product)
	case events.BoothAssigned, events.BoothReleased:
		var pl events.BoothAssignmentV1
		if err := env.Decode(&pl); err != nil {
			return err
		}
		x.mu.Lock()
		m := x.booths[pl.FairID]
		if m == nil {
			m = map[string]string{}
			x.booths[pl.FairID] = m
		}
		if env.Type == events.BoothAssigned {
			m[pl.BoothCode] = pl.ProducerID
		} else if m[pl.BoothCode] == pl.ProducerID {
			delete(m, pl.BoothCode)
		}
		x.mu.Unlock()
	default:
		for _, s := range events.FairSubjects {
			if env.Type == s {
				var pl events.FairChangedV1
				if err := env.Decode(&pl); err != nil {
					return err
				}
				x.putFair(pl.Fair)
			}
		}
	}
	return nil
}

func (x *Index) putProducer(p events.ProducerV1) {
	x.mu.Lock()
	defer x.mu.Unlock()
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
	x.mu.Lock()
	defer x.mu.Unlock()
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
		PriceMin: p.PriceMinVND, PriceMax: p.PriceMaxVND, Revision: p.Revision, Deleted: p.Deleted}
	np.Producer = x.producers[p.ProducerID]
	x.products[p.ID] = np
	if !np.Deleted {
		if x.bySet[np.CriteriaSet] == nil {
			x.bySet[np.CriteriaSet] = map[string]*Product{}
		}
		x.bySet[np.CriteriaSet][np.ID] = np
		x.livePos[np.ID] = len(x.live)
		x.live = append(x.live, np)
	}
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
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.fairs[f.ID]; ok && old.Revision >= f.Revision {
		return
	}
	x.fairs[f.ID] = &Fair{ID: f.ID, Name: f.NameVI, Status: f.Status, Organisers: f.Organisers, B2BDays: f.B2BDays, Revision: f.Revision}
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
	for _, holder := range v.x.booths[fairID] {
		if holder == producerID {
			return true
		}
	}
	return false
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

// Stats counts what the index holds.
type Stats struct {
	Producers int   `json:"producers"`
	Products  int   `json:"products"`
	Fairs     int   `json:"fairs"`
	Applied   int64 `json:"events_applied"`
	Ready     bool  `json:"ready"`
}

// Stats returns the counts.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return Stats{Producers: len(x.producers), Products: len(x.live), Fairs: len(x.fairs), Applied: x.applied.Load(), Ready: x.ready.Load()}
}

// Ready reports whether the initial replay has caught up with the streams.
func (x *Index) Ready(context.Context) error {
	if !x.ready.Load() {
		return errors.New("the matching index is still replaying the streams")
	}
	return nil
}

// Follow replays the streams from the start and follows them until ctx ends. It marks the index
// ready once both ordered consumers have delivered what the streams held when it started.
func (x *Index) Follow(ctx context.Context, js jetstream.JetStream, log *slog.Logger) error {
	sources := []struct {
		stream   string
		subjects []string
	}{
		{"EXHIBITOR", append([]string{events.ProducerRegistered, events.ProducerUpdated}, events.ProductSubjects...)},
		{"EVENT", append([]string{events.BoothAssigned, events.BoothReleased}, events.FairSubjects...)},
	}
	var pending sync.WaitGroup
	var stops []func()
	for _, src := range sources {
		cons, err := js.OrderedConsumer(ctx, src.stream, jetstream.OrderedConsumerConfig{FilterSubjects: src.subjects})
		if err != nil {
			for _, s := range stops {
				s()
			}
			return fmt.Errorf("index: follow %s: %w", src.stream, err)
		}
		info, err := cons.Info(ctx)
		if err != nil {
			return fmt.Errorf("index: %s info: %w", src.stream, err)
		}
		remaining := int64(info.NumPending)
		pending.Add(1)
		var once sync.Once
		if remaining == 0 {
			once.Do(pending.Done)
		}
		var seen atomic.Int64
		cc, err := cons.Consume(func(m jetstream.Msg) {
			var env events.Envelope
			if err := json.Unmarshal(m.Data(), &env); err != nil || env.Validate() != nil {
				log.Warn("index: skipping malformed event", "subject", m.Subject())
			} else if err := x.Apply(env); err != nil {
				log.Warn("index: skipping event", "subject", m.Subject(), "err", err)
			}
			if seen.Add(1) >= remaining {
				once.Do(pending.Done)
			}
		})
		if err != nil {
			return fmt.Errorf("index: consume %s: %w", src.stream, err)
		}
		stops = append(stops, cc.Stop)
	}
	go func() {
		pending.Wait()
		x.ready.Store(true)
		log.Info("matching index is ready", "stats", fmt.Sprintf("%+v", x.Stats()))
	}()
	<-ctx.Done()
	for _, s := range stops {
		s()
	}
	return nil
}

func lower(s string) string { return strings.ToLower(vntext.Clean(s)) }
