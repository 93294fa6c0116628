package booth

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ocopfair/ocopfair/services/event/internal/applicants"
)

// Plans is the in-memory read model of every fair's floor plan, which the map view reads instead
// of the database: each fair's booths, the newest assignment of each booth, and the applications
// to the fair (whose producers hold the booths). It holds what the database holds, loaded at start,
// then kept current by this replica's writes (through Store, right after they are stored) and by
// other replicas' through the streams. Its size is that of the data. Its methods are safe for
// concurrent use.
type Plans struct {
	mu    sync.RWMutex
	fairs map[string]*plan
	ready atomic.Bool
	// version counts the changes the model took, so that an answer built from it can be kept
	// until it changes (httpx.Memo).
	version atomic.Uint64
}

// plan is one fair's floor plan.
type plan struct {
	booths []Booth // by zone, then code
	// landmarks are the plan's entrances, aisles, stages..., in the order they were added.
	landmarks []Landmark
	// held is the newest assignment seen of each booth code, active or released: a late event of
	// an older assignment never undoes it.
	held map[string]Assignment
	apps map[string]applicants.Application
	// revision is the count of floor-plan changes the booths reflect.
	revision int64
}

// NewPlans returns an empty model; it serves reads once MarkReady is called.
func NewPlans() *Plans { return &Plans{fairs: map[string]*plan{}} }

// MarkReady says that the model is loaded and caught up with the streams.
func (p *Plans) MarkReady() { p.ready.Store(true); p.version.Add(1) }

// Version changes whenever the model takes a change.
func (p *Plans) Version() uint64 { return p.version.Load() }

// Ready reports whether the model serves reads.
func (p *Plans) Ready() bool { return p != nil && p.ready.Load() }

// fair returns the plan of fairID, creating it; the caller holds the write lock.
func (p *Plans) fair(fairID string) *plan {
	pl, ok := p.fairs[fairID]
	if !ok {
		pl = &plan{held: map[string]Assignment{}, apps: map[string]applicants.Application{}}
		p.fairs[fairID] = pl
	}
	return pl
}

// Older reports whether the model holds a fair's booths at an older floor-plan revision than
// revision.
func (p *Plans) Older(fairID string, revision int64) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	pl, ok := p.fairs[fairID]
	return !ok || pl.revision < revision || revision == 0
}

// SetBooths replaces a fair's booths with those read from the database at floor-plan revision
// revision, and drops its landmarks, unless the model holds a newer revision.
func (p *Plans) SetBooths(fairID string, booths []Booth, revision int64) {
	p.SetLayout(fairID, booths, nil, revision)
}

// SetLayout replaces a fair's booths and landmarks with those read from the database at
// floor-plan revision revision, unless the model holds a newer revision.
func (p *Plans) SetLayout(fairID string, booths []Booth, landmarks []Landmark, revision int64) {
	sorted := slices.Clone(booths)
	slices.SortFunc(sorted, func(a, b Booth) int { return cmp.Or(strings.Compare(a.Zone, b.Zone), strings.Compare(a.Code, b.Code)) })
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := p.fair(fairID)
	if pl.revision > revision {
		return
	}
	pl.booths, pl.landmarks, pl.revision = sorted, slices.Clone(landmarks), revision
	// The memoised map is keyed by this count: a layout change that did not move it would
	// leave phones drawing the old plan.
	p.version.Add(1)
}

// PutAssignment keeps a unless the model holds a newer assignment of the booth, or the same one
// already released (assignment IDs are UUIDv7: a later assignment has a greater ID).
func (p *Plans) PutAssignment(a Assignment) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := p.fair(a.FairID)
	have, ok := pl.held[a.Code]
	if ok && (have.ID > a.ID || (have.ID == a.ID && !have.Active)) {
		return
	}
	pl.held[a.Code] = a
	p.version.Add(1)
}

// PutApplication keeps a unless the model holds the same or a newer revision of it.
func (p *Plans) PutApplication(a applicants.Application) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pl := p.fair(a.FairID)
	if have, ok := pl.apps[a.ID]; ok && have.Revision >= a.Revision {
		return
	}
	pl.apps[a.ID] = a
	p.version.Add(1)
}

// Plan returns a fair's booths, their active assignments and the applications to the fair, as
// Routes.load reads them from the database.
func (p *Plans) Plan(fairID string) ([]Booth, []Assignment, []applicants.Application) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	pl, ok := p.fairs[fairID]
	if !ok {
		return []Booth{}, []Assignment{}, []applicants.Application{}
	}
	held := make([]Assignment, 0, len(pl.held))
	for _, a := range pl.held {
		if a.Active {
			held = append(held, a)
		}
	}
	slices.SortFunc(held, func(a, b Assignment) int { return strings.Compare(a.Code, b.Code) })
	apps := make([]applicants.Application, 0, len(pl.apps))
	for _, a := range pl.apps {
		apps = append(apps, a)
	}
	return pl.booths, held, apps
}

// Landmarks returns a fair's landmarks; the caller must not change them.
func (p *Plans) Landmarks(fairID string) []Landmark {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if pl, ok := p.fairs[fairID]; ok {
		return pl.landmarks
	}
	return nil
}

// Holds reports whether the model holds assignment id of a booth, or a newer one.
func (p *Plans) Holds(fairID, code, id string) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	pl, ok := p.fairs[fairID]
	if !ok {
		return false
	}
	have, ok := pl.held[code]
	return ok && have.ID >= id
}
