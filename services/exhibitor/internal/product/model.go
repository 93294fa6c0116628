package product

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/outbox"
	"github.com/ocopfair/ocopfair/pkg/storage"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Catalogue is the in-memory read model of the public catalogue: every product at the newest
// revision this replica knows, so that catalogue pages and searches never wait on the database.
// The database stays the record: Load fills the model from it, the store hands it this replica's
// writes as they succeed (Put), and OnProduct brings in other replicas' writes from the stream.
// Its methods are safe for concurrent use.
type Catalogue struct {
	store *Store

	mu   sync.RWMutex
	byID map[string]*entry // live products and tombstones of deleted ones (their revision guards late events)
	live []*entry          // live products by ID: the catalogue's order without a search
	// byCode holds the live products by public code, for the verification page.
	byCode map[string]*entry
	// announced holds the certificates (product ID → decision number) whose expiry this replica
	// announced or saw announced since the product was loaded.
	announced map[string]string
	// version counts the changes the catalogue took, so that an answer built from it can be kept
	// until it changes (httpx.Memo).
	version atomic.Uint64
}

// Version changes whenever the catalogue takes a change.
func (m *Catalogue) Version() uint64 { return m.version.Load() }

// entry is one product with what the catalogue's search and sort need, worked out once per
// revision instead of once per request. Entries are replaced, never changed, so a reader may keep
// one after the lock is released.
type entry struct {
	l     Listed
	words vntext.Words // folded words of the Vietnamese and English names
	lower string       // the names in lower case with their diacritics, for exact-diacritic matches
	fold  string       // the folded names, the order of a producer's own list
}

func newEntry(l Listed) *entry {
	names := l.NameVI + " " + l.NameEN
	return &entry{l: l, words: vntext.NewWords(names), lower: strings.ToLower(vntext.Clean(names)), fold: vntext.Fold(names)}
}

// NewCatalogue returns an empty model whose OnProduct reads changed products from store.
func NewCatalogue(store *Store) *Catalogue {
	return &Catalogue{store: store, byID: map[string]*entry{}, byCode: map[string]*entry{}, announced: map[string]string{}}
}

// Load reads every live product from the database into the model, through one cursor read in
// batches (storage.Each: one scan of the collection, each batch a short hold of the connection).
// Products the model already holds at the same or a newer revision (written meanwhile) are kept.
func (m *Catalogue) Load(ctx context.Context) (int, error) {
	n := 0
	err := storage.Each(ctx, m.store.c, bson.M{"deleted": false}, options.Find().SetProjection(bson.M{outbox.Field: 0}), "products",
		func(d document) error {
			m.Put(d.listed())
			n++
			return nil
		})
	return n, err
}

// BehindOwner returns the producer's live products whose copy of the producer's details is older
// than revision, for the store's RefreshOwner.
func (m *Catalogue) BehindOwner(producerID string, revision int64) []Listed {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Listed
	for _, e := range m.live {
		if e.l.ProducerID == producerID && e.l.Owner.Revision < revision {
			out = append(out, e.l)
		}
	}
	return out
}

// Expired returns up to limit live products whose certificate expired by now (expires_on ≤ now)
// and whose expiry is not known to be announced, by expiry date.
func (m *Catalogue) Expired(now time.Time, limit int) []Listed {
	m.mu.RLock()
	var out []Listed
	for _, e := range m.live {
		l := e.l
		if l.Certificate.ExpiresOn.After(now) || l.ExpiryAnnounced || m.announced[l.ID] == l.Certificate.DecisionNo {
			continue
		}
		out = append(out, l)
	}
	m.mu.RUnlock()
	slices.SortFunc(out, func(a, b Listed) int {
		return cmp.Or(a.Certificate.ExpiresOn.Compare(b.Certificate.ExpiresOn), strings.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), limit)]
}

// Announced records that the expiry of product id's certificate decisionNo was announced.
func (m *Catalogue) Announced(id, decisionNo string) {
	m.mu.Lock()
	m.announced[id] = decisionNo
	m.mu.Unlock()
}

// Put applies a product as stored: it replaces what the model holds only if it is newer (by
// revision), as events and this replica's own writes arrive late and twice. A deleted product
// leaves the catalogue and stays as a tombstone with its revision.
func (m *Catalogue) Put(l Listed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	have, ok := m.byID[l.ID]
	if ok && have.l.Revision >= l.Revision {
		return
	}
	e := newEntry(l)
	m.byID[l.ID] = e
	if ok && have.l.Code != "" {
		delete(m.byCode, have.l.Code)
	}
	if l.Code != "" && !l.Deleted {
		m.byCode[l.Code] = e
	}
	m.version.Add(1)
	i, found := slices.BinarySearchFunc(m.live, l.ID, func(e *entry, id string) int { return strings.Compare(e.l.ID, id) })
	switch {
	case l.Deleted && found:
		m.live = slices.Delete(m.live, i, i+1)
	case l.Deleted:
	case found:
		m.live[i] = e
	default:
		m.live = slices.Insert(m.live, i, e)
	}
}

// Revision returns the revision the model holds of product id, and whether it holds it.
func (m *Catalogue) Revision(id string) (int64, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.byID[id]
	if !ok {
		return 0, false
	}
	return e.l.Revision, true
}

// Len returns how many live products the model holds.
func (m *Catalogue) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.live)
}

// filter returns whether a product passes q's filters (everything but the text).
func (q Query) filter() func(e *entry) bool {
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = []ocop.CertificateStatus{ocop.CertificateValid, ocop.CertificateExpiring}
	}
	soon := q.Now.Add(ocop.ExpiringWithinDays * 24 * time.Hour)
	return func(e *entry) bool {
		l := &e.l
		switch {
		case q.Sector != "" && l.Sector() != q.Sector,
			q.CriteriaSet != 0 && l.CriteriaSet != q.CriteriaSet,
			q.MinStars > 3 && l.Rating.Stars < q.MinStars,
			q.Province != "" && l.Owner.Province.Code != q.Province,
			q.Region != "" && !l.Owner.Province.InRegion(q.Region),
			q.Certification != "" && !slices.Contains(l.Owner.Certifications, q.Certification):
			return false
		}
		exp := l.Certificate.ExpiresOn
		for _, st := range statuses {
			switch {
			case st == ocop.CertificateValid && exp.After(soon),
				st == ocop.CertificateExpiring && exp.After(q.Now) && !exp.After(soon),
				st == ocop.CertificateExpired && !exp.After(q.Now):
				return true
			}
		}
		return false
	}
}

// Query returns one page of the catalogue for q and the cursor of the next page ("done" is true
// when there is none). Without search words the page goes by product ID after q.Cursor.After, as
// the database-backed Catalogue does. With search words (see vntext.Score) every query word must
// match a word of the product's names, whole or as a prefix; the best ranked come first, then,
// at equal rank, names that contain the query with its diacritics, then by ID; the cursor is an
// offset into that order, so a page may repeat or skip a product that changed between pages.
func (m *Catalogue) Query(q Query) ([]Listed, CatalogueCursor, bool) {
	keep := q.filter()
	query := vntext.NewWords(q.Text)
	m.mu.RLock()
	defer m.mu.RUnlock()
	if query.Len() == 0 {
		i, _ := slices.BinarySearchFunc(m.live, q.Cursor.After, func(e *entry, id string) int { return strings.Compare(e.l.ID, id) })
		if i < len(m.live) && m.live[i].l.ID == q.Cursor.After {
			i++
		}
		out := make([]Listed, 0, q.Limit)
		for ; i < len(m.live); i++ {
			if e := m.live[i]; keep(e) {
				if len(out) == q.Limit {
					return out, CatalogueCursor{After: out[len(out)-1].ID}, false
				}
				out = append(out, e.l)
			}
		}
		return out, CatalogueCursor{}, true
	}
	exact := strings.ToLower(vntext.Clean(q.Text))
	type hit struct {
		e     *entry
		rank  vntext.Rank
		exact bool
	}
	var hits []hit
	for _, e := range m.live {
		if r := vntext.Score(query, e.words); r > 0 && keep(e) {
			hits = append(hits, hit{e: e, rank: r, exact: strings.Contains(e.lower, exact)})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		return strings.Compare(a.e.l.ID, b.e.l.ID)
	})
	from := min(max(q.Cursor.Offset, 0), len(hits))
	to := min(from+q.Limit, len(hits))
	out := make([]Listed, 0, to-from)
	for _, h := range hits[from:to] {
		out = append(out, h.e.l)
	}
	if to < len(hits) {
		return out, CatalogueCursor{Offset: to}, false
	}
	return out, CatalogueCursor{}, true
}

// ByProducer returns up to limit of a producer's live products by folded name and ID, after
// the key (zero: from the start), as Store.ByProducer does.
func (m *Catalogue) ByProducer(producerID string, after NameCursor, limit int) []Listed {
	m.mu.RLock()
	var mine []*entry
	for _, e := range m.live {
		if e.l.ProducerID == producerID && (after == NameCursor{} || e.fold > after.Name || e.fold == after.Name && e.l.ID > after.ID) {
			mine = append(mine, e)
		}
	}
	m.mu.RUnlock()
	slices.SortFunc(mine, func(a, b *entry) int { return cmp.Or(strings.Compare(a.fold, b.fold), strings.Compare(a.l.ID, b.l.ID)) })
	out := make([]Listed, 0, min(limit, len(mine)))
	for _, e := range mine[:min(limit, len(mine))] {
		out = append(out, e.l)
	}
	return out
}

// ByCode returns the live product whose public code is code, and whether there is one.
func (m *Catalogue) ByCode(code string) (Listed, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e, ok := m.byCode[code]; ok {
		return e.l, true
	}
	return Listed{}, false
}

// WithoutCode returns up to limit live products that have no public code yet, by ID.
func (m *Catalogue) WithoutCode(limit int) []Listed {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Listed
	for _, e := range m.live {
		if e.l.Code == "" && len(out) < limit {
			out = append(out, e.l)
		}
	}
	return out
}

// Get returns live product id, and whether the model holds it.
func (m *Catalogue) Get(id string) (Listed, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e, ok := m.byID[id]; ok && !e.l.Deleted {
		return e.l, true
	}
	return Listed{}, false
}
