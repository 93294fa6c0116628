package buyer

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/match"
)

// OpportunityWindow is how many of the most recent open requests a producer's opportunities are
// drawn from while the open requests' book is not loaded: scoring every open request from the
// database on each call would grow without bound.
const OpportunityWindow = 2000

// OpportunityShare is how many of one buyer's requests an answer lists before the others' further
// ones: a buyer posting many requests (or many accounts posting alike ones) cannot push every
// other buyer out of a producer's list.
const OpportunityShare = 3

// Need turns a request into what the matcher looks for.
func Need(r Request) match.Need {
	return match.Need{CriteriaSets: r.CriteriaSets, Sectors: r.Sectors, Keywords: r.Keywords, MinStars: r.MinStars, Volume: r.Volume,
		Unit: r.Unit, RequiredCerts: r.RequiredCerts, Market: r.Market, Regions: r.Regions, Provinces: r.Provinces, MaxPrice: r.MaxPrice, FairID: r.FairID}
}

// Opportunity is an open sourcing request that fits a producer, with its buyer's name and how
// well the producer matches it.
type Opportunity struct {
	Request   Request
	BuyerName string
	Match     match.Result
}

// Opportunities scores every open request for a producer and returns up to limit of them from
// position from of the ranking, and whether more follow: first each buyer's best
// OpportunityShare, then the buyers' further ones; within each, the requests that name this
// producer's goods narrowly (match.Quick.Specific) before the others, which fit every producer
// alike (a title alone, keywords found nowhere, every sector), then by score. A failed buyer
// lookup is returned, not shown as an empty name. A disabled buyer's requests are left out
// (Hidden).
func (s *Service) Opportunities(ctx context.Context, producerID string, from, limit int) ([]Opportunity, bool, error) {
	reqs, err := s.openRequests(ctx)
	if err != nil {
		return nil, false, err
	}
	// Every request is scored alone first; only those listed are explained.
	now := s.Now()
	needs := make([]*match.Prepared, len(reqs))
	for i, r := range reqs {
		needs[i] = s.needs.of(r, s.Matcher)
	}
	s.needs.keep(reqs)
	hidden := s.hidden.accounts(ctx, s.Hidden)
	var found []candidate
	for i, q := range s.Matcher.QuickScores(needs, producerID, now) {
		if q.Score >= 0 && !hidden[reqs[i].AccountID] {
			found = append(found, candidate{i: i, Quick: q})
		}
	}
	slices.SortFunc(found, func(a, b candidate) int {
		return cmp.Or(boolOrder(b.Specific, a.Specific), cmp.Compare(b.Score, a.Score), cmp.Compare(reqs[a.i].ID, reqs[b.i].ID))
	})
	ranked := shareByBuyer(found, reqs, from+limit+1)
	more := len(ranked) > from+limit
	out := make([]Opportunity, 0, limit)
	for _, c := range ranked[min(from, len(ranked)):min(from+limit, len(ranked))] {
		// The producer's products may have changed since the first pass: a request it no
		// longer fits is left out.
		if res, ok := s.Matcher.ScorePrepared(needs[c.i], producerID, now); ok {
			out = append(out, Opportunity{Request: reqs[c.i], Match: res})
		}
	}
	return out, more, s.nameBuyers(ctx, out)
}

// candidate is an open request (its index) that fits the producer, with its score.
type candidate struct {
	i int
	match.Quick
}

// boolOrder compares false before true.
func boolOrder(a, b bool) int {
	if a == b {
		return 0
	}
	if a {
		return 1
	}
	return -1
}

// shareByBuyer returns up to limit of the ranked candidates: each buyer's first OpportunityShare
// in rank order, then the others in rank order.
func shareByBuyer(ranked []candidate, reqs []Request, limit int) []candidate {
	per := map[string]int{}
	var first, more []candidate
	for _, c := range ranked {
		if len(first) == limit {
			break
		}
		if b := reqs[c.i].BuyerID; per[b] < OpportunityShare {
			per[b]++
			first = append(first, c)
		} else if len(more) < limit {
			more = append(more, c)
		}
	}
	return append(first, more...)[:min(limit, len(first)+len(more))]
}

// openRequests returns the open requests from the book once it is loaded, or else the Window
// most recent ones from the database.
func (s *Service) openRequests(ctx context.Context) ([]Request, error) {
	if s.Open != nil && s.Open.Loaded() {
		return s.Open.List(), nil
	}
	window := s.Window
	if window <= 0 {
		window = OpportunityWindow
	}
	return s.Store.RecentRequests(ctx, bson.M{"open": true}, window)
}

// nameBuyers sets each opportunity's buyer name, from memory when BuyerName knows it.
func (s *Service) nameBuyers(ctx context.Context, list []Opportunity) error {
	names := map[string]string{}
	for i, o := range list {
		id := o.Request.BuyerID
		name, seen := names[id]
		if !seen && s.BuyerName != nil {
			name = s.BuyerName(id)
		}
		if !seen && name == "" {
			b, err := s.Store.Buyer(ctx, id)
			if err != nil && !apperr.Is(err, apperr.NotFound) {
				return err
			}
			name = b.Name
		}
		names[id] = name
		list[i].BuyerName = name
	}
	return nil
}

// needCache holds each open request's need as the matcher prepared it, by request ID with the
// revision it was prepared at: deriving a need's lookups cost more than scoring it.
type needCache struct {
	mu sync.Mutex
	m  map[string]preparedNeed
}

type preparedNeed struct {
	revision int64
	need     *match.Prepared
}

// of returns r's prepared need, preparing it when r is new or changed.
func (c *needCache) of(r Request, m *match.Matcher) *match.Prepared {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[r.ID]; ok && e.revision == r.Revision {
		return e.need
	}
	if c.m == nil {
		c.m = map[string]preparedNeed{}
	}
	p := m.Prepare(Need(r))
	c.m[r.ID] = preparedNeed{revision: r.Revision, need: p}
	return p
}

// keep drops the needs of requests no longer among open, once the cache holds twice as many.
func (c *needCache) keep(open []Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) <= 2*len(open)+100 {
		return
	}
	kept := make(map[string]preparedNeed, len(open))
	for _, r := range open {
		if e, ok := c.m[r.ID]; ok {
			kept[r.ID] = e
		}
	}
	c.m = kept
}

// hiddenEvery is how often, at most, the accounts whose requests opportunities leave out are read
// again: an admin's disabling shows within it.
const hiddenEvery = 5 * time.Second

// hiddenCache holds the accounts Service.Hidden last returned, and when.
type hiddenCache struct {
	mu  sync.Mutex
	at  time.Time
	set map[string]bool
}

// accounts returns the accounts read no longer than hiddenEvery ago, reading them again with
// read when older. A failed read keeps the accounts read before: opportunities still answer.
func (c *hiddenCache) accounts(ctx context.Context, read func(context.Context) (map[string]bool, error)) map[string]bool {
	if read == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set != nil && time.Since(c.at) < hiddenEvery {
		return c.set
	}
	if set, err := read(ctx); err == nil {
		c.set, c.at = set, time.Now()
	}
	return c.set
}
