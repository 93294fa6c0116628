package buyer

import (
	"testing"
	"time"
)

func TestRecentRequestsExpireAndStayBounded(t *testing.T) {
	var c requestCache
	now := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	c.put(Request{ID: "r1", Open: true}, now)
	if r, ok := c.get("r1", now.Add(requestCacheTTL)); !ok || !r.Open {
		t.Fatalf("get within the TTL = %+v, %v", r, ok)
	}
	if _, ok := c.get("r1", now.Add(requestCacheTTL+time.Millisecond)); ok {
		t.Fatal("a request read longer ago than the TTL still answers")
	}
	c.put(Request{ID: "r1", Open: false}, now)
	if r, _ := c.get("r1", now); r.Open {
		t.Fatal("a later put did not replace the request")
	}
	for i := 0; i < requestCacheMax+5; i++ {
		c.put(Request{ID: string(rune('a'+i%26)) + time.Duration(i).String()}, now)
	}
	if n := len(c.m); n > requestCacheMax {
		t.Fatalf("cache holds %d requests, over its bound %d", n, requestCacheMax)
	}
}

// A read that began before a write and ends after it does not put the older version back.
func TestTheCacheKeepsTheNewerRevision(t *testing.T) {
	var c requestCache
	now := time.Now()
	c.put(Request{ID: "r", Revision: 3, Title: "mới"}, now)
	c.put(Request{ID: "r", Revision: 2, Title: "cũ"}, now)
	if r, ok := c.get("r", now); !ok || r.Revision != 3 {
		t.Errorf("the cache holds %+v, want revision 3", r)
	}
}
