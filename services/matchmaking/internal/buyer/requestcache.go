package buyer

import (
	"context"
	"sync"
	"time"
)

// requestCacheTTL is how long a sourcing request read from the database answers reads before it
// is read again: the matches of one request are polled by its buyer and opened by organisers many
// times a second on a fair day, and each read by _id queued on the service's one database
// connection. Another replica's edit shows after at most this long; this replica's at once.
const requestCacheTTL = 2 * time.Second

// requestCacheMax bounds the requests held; past it the cache starts afresh.
const requestCacheMax = 10000

type cachedRequest struct {
	r  Request
	at time.Time
}

// requestCache holds recently read requests for reads that do not write (matches, the request's
// page); a write always reads the stored request.
type requestCache struct {
	mu sync.Mutex
	m  map[string]cachedRequest
}

func (c *requestCache) get(id string, now time.Time) (Request, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.at) > requestCacheTTL {
		return Request{}, false
	}
	return e.r, true
}

func (c *requestCache) put(r Request, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= requestCacheMax {
		c.m = map[string]cachedRequest{}
	}
	// A read that began before a write and ends after it must not put back the older version.
	if e, ok := c.m[r.ID]; ok && e.r.Revision > r.Revision {
		return
	}
	c.m[r.ID] = cachedRequest{r: r, at: now}
}

// RecentRequest returns the request with id as stored at most requestCacheTTL ago (this replica's
// own writes at once), for reads; writes use Request.
func (s *Store) RecentRequest(ctx context.Context, id string) (Request, error) {
	now := time.Now()
	if r, ok := s.recent.get(id, now); ok {
		return r, nil
	}
	r, err := s.Request(ctx, id)
	if err == nil {
		s.recent.put(r, now)
	}
	return r, err
}
