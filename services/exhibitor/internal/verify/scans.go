package verify

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/outbox"
)

// scanKey is what a view is counted by: the product, the fair running where its producer
// exhibits ("" for none) and the day in Vietnam. Nothing of the visitor.
type scanKey struct {
	product, producer, fair, day string
}

// Counter counts views in memory between two flushes, so that a view costs a map update and
// never a database write. Its methods are safe for concurrent use.
type Counter struct {
	mu     sync.Mutex
	counts map[scanKey]int
	held   *events.ScansCountedV1 // a batch whose write failed, to be written again (see Flush)
}

// NewCounter returns an empty counter.
func NewCounter() *Counter { return &Counter{counts: map[scanKey]int{}} }

// Add counts one view of product (of producer) at fair ("" for none) at now.
func (c *Counter) Add(productID, producerID, fairID string, now time.Time) {
	k := scanKey{product: productID, producer: producerID, fair: fairID, day: day(now).Format(time.DateOnly)}
	c.mu.Lock()
	c.counts[k]++
	c.mu.Unlock()
}

// Take returns the counts since the last Take, by product, fair and day, and starts afresh.
func (c *Counter) Take() []events.ScanCountV1 {
	c.mu.Lock()
	counts := c.counts
	c.counts = map[scanKey]int{}
	c.mu.Unlock()
	out := make([]events.ScanCountV1, 0, len(counts))
	for k, n := range counts {
		out = append(out, events.ScanCountV1{ProductID: k.product, ProducerID: k.producer, FairID: k.fair, Day: k.day, Count: n})
	}
	slices.SortFunc(out, func(a, b events.ScanCountV1) int {
		return cmp.Or(cmp.Compare(a.ProductID, b.ProductID), cmp.Compare(a.Day, b.Day), cmp.Compare(a.FairID, b.FairID))
	})
	return out
}

// Return adds counts (taken before) back: a compaction sums a day's batches with it.
func (c *Counter) Return(counts []events.ScanCountV1) {
	c.mu.Lock()
	for _, s := range counts {
		c.counts[scanKey{product: s.ProductID, producer: s.ProducerID, fair: s.FairID, day: s.Day}] += s.Count
	}
	c.mu.Unlock()
}

// hold keeps batch b, whose write failed, for the next flush.
func (c *Counter) hold(b events.ScansCountedV1) {
	c.mu.Lock()
	c.held = &b
	c.mu.Unlock()
}

// takeHeld returns the batch held for writing again, if any, and forgets it.
func (c *Counter) takeHeld() (events.ScansCountedV1, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held == nil {
		return events.ScansCountedV1{}, false
	}
	b := *c.held
	c.held = nil
	return b, true
}

// productScans are the counted views of one product.
type productScans struct {
	total  int
	byDay  map[string]int
	byFair map[string]int
}

// Stats is the read model of counted views per product, from every replica's stored batches:
// Load reads them from the database, this replica's flushes are applied as they are stored and
// the others' come from the stream. A batch is applied once, by its ID. Its methods are safe for
// concurrent use.
type Stats struct {
	mu         sync.RWMutex
	byProduct  map[string]*productScans
	applied    map[string]time.Time // batch ID: its time, to forget it once it cannot come again
	newest     time.Time            // the newest batch's time
	sincePrune int
}

// rememberFor is how long a batch's ID is kept after its time: a batch comes again only from the
// stream, and the relay publishes nothing older than its horizon; a day more for clocks.
const rememberFor = outbox.Horizon + 24*time.Hour

// pruneEvery is how many batches are applied between two sweeps of the IDs past rememberFor, so
// that a replica running for months keeps a few days of IDs rather than every batch it saw.
const pruneEvery = 4096

// NewStats returns an empty model.
func NewStats() *Stats {
	return &Stats{byProduct: map[string]*productScans{}, applied: map[string]time.Time{}}
}

// Apply adds a batch of counts, unless a batch with its ID was applied already.
func (s *Stats) Apply(b events.ScansCountedV1) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.applied[b.BatchID]; ok {
		return
	}
	s.applied[b.BatchID] = b.At
	if b.At.After(s.newest) {
		s.newest = b.At
	}
	if s.sincePrune++; s.sincePrune >= pruneEvery {
		s.sincePrune = 0
		// Against this replica's clock too: one batch stamped days ahead by a wrong clock must
		// not make every genuine ID look old.
		cutoff := s.newest
		if now := time.Now(); now.Before(cutoff) {
			cutoff = now
		}
		cutoff = cutoff.Add(-rememberFor)
		for id, at := range s.applied {
			if at.Before(cutoff) {
				delete(s.applied, id)
			}
		}
	}
	for _, c := range b.Counts {
		p := s.byProduct[c.ProductID]
		if p == nil {
			p = &productScans{byDay: map[string]int{}, byFair: map[string]int{}}
			s.byProduct[c.ProductID] = p
		}
		p.total += c.Count
		p.byDay[c.Day] += c.Count
		if c.FairID != "" {
			p.byFair[c.FairID] += c.Count
		}
	}
}

// DayCount is the views of one day.
type DayCount struct {
	Day   string `json:"day" format:"date"`
	Count int    `json:"count"`
}

// FairCount is the views during one fair.
type FairCount struct {
	FairID   string `json:"fair_id"`
	FairName string `json:"fair_name"`
	Count    int    `json:"count"`
}

// Of returns the stored views of a product: the total, by day (newest first) and by fair.
func (s *Stats) Of(productID string) (int, []DayCount, []FairCount) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	days, fairs := []DayCount{}, []FairCount{}
	p := s.byProduct[productID]
	if p == nil {
		return 0, days, fairs
	}
	for d, n := range p.byDay {
		days = append(days, DayCount{Day: d, Count: n})
	}
	slices.SortFunc(days, func(a, b DayCount) int { return cmp.Compare(b.Day, a.Day) })
	for f, n := range p.byFair {
		fairs = append(fairs, FairCount{FairID: f, Count: n})
	}
	slices.SortFunc(fairs, func(a, b FairCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.FairID, b.FairID))
	})
	return p.total, days, fairs
}
