package application

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Query is what an organiser's queue asks of a fair's applications: filters, an order and a
// page. The zero Query lists every application in the order they were submitted.
type Query struct {
	ProducerID string
	Statuses   []string
	Provinces  []string
	Sectors    []string
	// Stars keeps applications whose best product has one of these ratings.
	Stars []int
	// Eligible, when set, keeps only the applications whose rules all pass (true) or not (false).
	Eligible *bool
	// Text keeps applications whose producer or a product is named with these words (folded,
	// whole words or their beginnings, as the catalogue searches).
	Text vntext.Words
	Sort Sort
}

// Sort is an order of the queue.
type Sort string

// The orders of the queue. Each ends on the application's ID, so that every order is total and
// a page's cursor finds where the next page starts.
const (
	SortSubmitted     Sort = "submitted"     // oldest first: first come, first reviewed
	SortNewest        Sort = "-submitted"    // newest first
	SortProducerName  Sort = "producer_name" // Vietnamese alphabetical order of the producer
	SortStars         Sort = "-stars"        // best-rated first
	SortIneligibleTop Sort = "ineligible"    // the applications that need a look first
	defaultSort            = SortSubmitted
	maxQueueFilters        = 50
)

// Sorts lists the orders the queue accepts, for documents and validation.
var Sorts = []Sort{SortSubmitted, SortNewest, SortProducerName, SortStars, SortIneligibleTop}

// QueueCursor is where a page of the queue ends: the last application's sort key and ID. In the
// producer_name order it carries the producer's name instead of its key: a collation key takes
// about 13 bytes a letter, and the cursor of a 40-letter name would outgrow what a cursor may be.
type QueueCursor struct {
	Key  string `json:"k,omitempty"`
	Name string `json:"n,omitempty"`
	ID   string `json:"id"`
	// Sort is the order the page was in: a cursor carries on only in that order.
	Sort Sort `json:"s,omitempty"`
}

// position is where cur stands in the order whose collator is c: its key, made from its name
// when it carries one.
func (cur QueueCursor) position(c *vntext.Collator) QueueCursor {
	if cur.Name != "" && c != nil {
		return QueueCursor{Key: c.Key(cur.Name), ID: cur.ID}
	}
	return QueueCursor{Key: cur.Key, ID: cur.ID}
}

// queueKey is a's key in order s: applications sort by it ascending, then by ID (descending
// for SortNewest). SortProducerName takes a collator (nil otherwise): producers sort in Vietnamese
// alphabetical order (Công before Cơ, Dừa before Đông).
func queueKey(a *Application, s Sort, c *vntext.Collator) string {
	switch s {
	case SortProducerName:
		return c.Key(a.ProducerName)
	case SortStars:
		return fmt.Sprint(9 - bestStars(a))
	case SortIneligibleTop:
		if a.Eligible() {
			return "1"
		}
		return "0"
	}
	return ""
}

func bestStars(a *Application) int {
	best := 0
	for _, p := range a.Products {
		best = max(best, p.Stars)
	}
	return best
}

// compareQueue orders x before y in order s.
func compareQueue(s Sort, x, y QueueCursor) int {
	if c := strings.Compare(x.Key, y.Key); c != 0 {
		return c
	}
	if s == SortNewest {
		return strings.Compare(y.ID, x.ID)
	}
	return strings.Compare(x.ID, y.ID)
}

// matches reports whether a passes every filter of q but the statuses (withStatus false), so
// that counts per status can follow the other filters.
func (q Query) matches(a *Application, withStatus bool) bool {
	if q.ProducerID != "" && a.ProducerID != q.ProducerID {
		return false
	}
	if withStatus && len(q.Statuses) > 0 && !slices.Contains(q.Statuses, string(a.Status)) {
		return false
	}
	if len(q.Provinces) > 0 && !slices.Contains(q.Provinces, a.Province) {
		return false
	}
	if len(q.Stars) > 0 && !slices.Contains(q.Stars, bestStars(a)) {
		return false
	}
	if q.Eligible != nil && a.Eligible() != *q.Eligible {
		return false
	}
	if len(q.Sectors) > 0 && !slices.ContainsFunc(a.Products, func(p Product) bool { return slices.Contains(q.Sectors, p.Sector) }) {
		return false
	}
	return q.Text.Len() == 0 || q.textMatches(a)
}

func (q Query) textMatches(a *Application) bool {
	if vntext.Score(q.Text, vntext.NewWords(a.ProducerName)) > 0 {
		return true
	}
	return slices.ContainsFunc(a.Products, func(p Product) bool { return vntext.Score(q.Text, vntext.NewWords(p.Name)) > 0 })
}

// page returns up to limit applications of list that q keeps, in q's order, after cursor
// (nil: from the start).
func (q Query) page(list []*Application, after *QueueCursor, limit int) []Application {
	s := cmp.Or(q.Sort, defaultSort)
	type keyed struct {
		c QueueCursor
		a *Application
	}
	kept := make([]keyed, 0, len(list))
	c := collatorFor(s)
	for _, a := range list {
		if q.matches(a, true) {
			kept = append(kept, keyed{QueueCursor{Key: queueKey(a, s, c), ID: a.ID}, a})
		}
	}
	slices.SortFunc(kept, func(x, y keyed) int { return compareQueue(s, x.c, y.c) })
	i := 0
	if after != nil {
		pos := after.position(c)
		i, _ = slices.BinarySearchFunc(kept, pos, func(k keyed, c QueueCursor) int { return compareQueue(s, k.c, c) })
		if i < len(kept) && kept[i].c == pos {
			i++
		}
	}
	out := make([]Application, 0, min(limit, len(kept)-i))
	for ; i < len(kept) && len(out) < limit; i++ {
		out = append(out, *kept[i].a)
	}
	return out
}

// Cursor returns the cursor that a page ending on a continues after, in order s.
func (q Query) Cursor(a Application) QueueCursor {
	s := cmp.Or(q.Sort, defaultSort)
	if s == SortProducerName {
		return QueueCursor{Name: a.ProducerName, ID: a.ID, Sort: s}
	}
	return QueueCursor{Key: queueKey(&a, s, nil), ID: a.ID, Sort: s}
}

// After reads cursor, a cursor a page of q's order handed out (Cursor), as where the next page
// starts: nil for none, and a field error for one that is not a cursor or was made for another
// order (its page would start somewhere in this one).
func (q Query) After(cursor string) (*QueueCursor, error) {
	if cursor == "" {
		return nil, nil
	}
	after := &QueueCursor{}
	if err := httpx.DecodeCursor(cursor, after); err != nil {
		return nil, err
	}
	if after.Sort != cmp.Or(q.Sort, defaultSort) {
		return nil, apperr.InvalidField("cursor", msgCursorOtherSort)
	}
	return after, nil
}

// collatorFor returns a collator for order s when it sorts by name, else nil.
func collatorFor(s Sort) *vntext.Collator {
	if s == SortProducerName {
		return vntext.NewCollator()
	}
	return nil
}

// counts returns how many of list q keeps per status, its statuses aside.
func (q Query) counts(list []*Application) map[string]int {
	out := map[string]int{}
	for _, s := range []Status{Submitted, Approved, Waitlisted, Rejected, Withdrawn, Cancelled} {
		out[string(s)] = 0
	}
	for _, a := range list {
		if q.matches(a, false) {
			out[string(a.Status)]++
		}
	}
	return out
}

// Queue returns a page of a fair's applications as q asks (see Query), after cursor.
func (m *Model) Queue(fairID string, q Query, after *QueueCursor, limit int) []Application {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return q.page(m.byFair[fairID], after, limit)
}

// Counts returns how many of a fair's applications q keeps, per status (every status named,
// zero included), q's statuses aside: the numbers on the queue's status tabs.
func (m *Model) Counts(fairID string, q Query) map[string]int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return q.counts(m.byFair[fairID])
}
