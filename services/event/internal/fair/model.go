package fair

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Model is the in-memory read model of every fair, which the fair list, the fair page and every
// /api/fairs/:id/... route's access check read instead of the database. It holds each fair at the
// newest revision it has seen: from the load at start, from this replica's own writes (Put, right
// after they are stored) and from other replicas' writes (OnFair, following the EVENT stream).
// Its size is the number of fairs. Its methods are safe for concurrent use.
type Model struct {
	mu     sync.RWMutex
	byID   map[string]entry
	sorted []entry // by start date then ID; nil when a change made it stale
	ready  atomic.Bool
	// version counts the changes the model has taken, so that a reader can tell that nothing
	// changed since it last looked.
	version atomic.Uint64
}

// entry is a fair with the words of its names, prepared once for every search.
type entry struct {
	fair  Fair
	words vntext.Words
}

// NewModel returns an empty model; it serves reads once MarkReady is called.
func NewModel() *Model { return &Model{byID: map[string]entry{}} }

// Put keeps f unless the model already holds that fair at the same or a newer revision (events
// arrive late and twice); it reports whether it took f.
func (m *Model) Put(f Fair) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if have, ok := m.byID[f.ID]; ok && have.fair.Revision >= f.Revision {
		return false
	}
	m.byID[f.ID] = entry{fair: f, words: vntext.NewWords(f.NameVI + " " + f.NameEN)}
	m.sorted = nil
	m.version.Add(1)
	return true
}

// Revision returns the revision the model holds of the fair with id, and whether it holds it.
func (m *Model) Revision(id string) (int64, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.byID[id]
	return e.fair.Revision, ok
}

// Get returns the fair with id, and whether the model holds it.
func (m *Model) Get(id string) (Fair, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.byID[id]
	return e.fair, ok
}

// MarkReady says that the model is loaded and caught up with the stream.
func (m *Model) MarkReady() { m.ready.Store(true) }

// Ready reports whether the model serves reads.
func (m *Model) Ready() bool { return m != nil && m.ready.Load() }

// Version counts the changes the model has taken.
func (m *Model) Version() uint64 { return m.version.Load() }

// Len returns the number of fairs the model holds.
func (m *Model) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.byID)
}

// List returns the fairs matching f by start date then ID, as Store.List does from the database.
// A query matches a fair when every word of it is a word of the fair's names or begins one
// (diacritics and case ignored), so "mat ong" finds "Hội chợ Mật ong", and "ong ma" does too; a
// search lists the best matches first (Rank).
func (m *Model) List(f Filter) []Fair {
	words := vntext.NewWords(f.Query)
	if words.Len() > 0 {
		return m.search(f, words)
	}
	out := []Fair{}
	entries := m.inOrder()
	for i := range entries {
		e := entries[i]
		if f.Desc {
			e = entries[len(entries)-1-i]
		}
		if !matches(e, f, words) {
			continue
		}
		out = append(out, e.fair)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

// search lists the fairs matching f best first (see ranked); the cursor is applied after ranking.
func (m *Model) search(f Filter, query vntext.Words) []Fair {
	after := f.After
	f.After = nil
	var fairs []Fair
	var ranks []int
	for _, e := range m.inOrder() {
		if matches(e, f, query) {
			fairs = append(fairs, e.fair)
			ranks = append(ranks, int(vntext.Score(query, e.words)))
		}
	}
	return ranked(fairs, ranks, after, f.Limit)
}

// inOrder returns the entries sorted by start date then ID, sorting again only after a change.
func (m *Model) inOrder() []entry {
	m.mu.RLock()
	sorted := m.sorted
	m.mu.RUnlock()
	if sorted != nil {
		return sorted
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sorted == nil {
		m.sorted = make([]entry, 0, len(m.byID))
		for _, e := range m.byID {
			m.sorted = append(m.sorted, e)
		}
		slices.SortFunc(m.sorted, func(a, b entry) int {
			return cmp.Or(a.fair.StartDate.Compare(b.fair.StartDate), strings.Compare(a.fair.ID, b.fair.ID))
		})
	}
	return m.sorted
}

// matches applies the filter of Store.List to one entry.
func matches(e entry, f Filter, query vntext.Words) bool {
	fr := e.fair
	visible := !fr.Private() || (f.Organiser != "" && slices.Contains(fr.Organisers, f.Organiser))
	switch {
	case !f.All && !visible,
		f.OrganisedBy != "" && !slices.Contains(fr.Organisers, f.OrganisedBy),
		len(f.Statuses) > 0 && !slices.Contains(f.Statuses, fr.Status),
		f.Kind != "" && fr.Kind != f.Kind,
		f.Region != "" && fr.Region != f.Region,
		f.Province != "" && fr.HostProvince != f.Province,
		!f.From.IsZero() && fr.EndDate.Before(f.From),
		!f.To.IsZero() && fr.StartDate.After(f.To):
		return false
	}
	if a := f.After; a != nil {
		c := cmp.Or(fr.StartDate.Compare(a.Start), strings.Compare(fr.ID, a.ID))
		if c == 0 || (c < 0) != f.Desc {
			return false
		}
	}
	return vntext.Score(query, e.words) > 0
}
