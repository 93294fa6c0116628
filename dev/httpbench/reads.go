package httpbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Read is one read the bench drives: a path through the gateway, sent as each of Tokens in turn
// (none for a public read).
type Read struct {
	Name   string
	Path   string
	Tokens []string
}

// Build returns the generator's request builder for the read against base.
func (r Read) Build(base string) Build {
	return func(ctx context.Context, i int) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+r.Path, nil)
		if err != nil {
			return nil, err
		}
		if len(r.Tokens) > 0 {
			req.Header.Set("Authorization", "Bearer "+r.Tokens[i%len(r.Tokens)])
		}
		return req, nil
	}
}

// Reads returns the reads the issue names, on the seeded data, in the order they are measured:
// the gateway's own health check first, as the ceiling.
func Reads(d *Data) []Read {
	var pool, agenda []string
	for _, p := range d.Pool {
		pool = append(pool, p.Token)
	}
	for _, i := range d.MeetingProducers {
		agenda = append(agenda, d.Pool[i].Token)
	}
	if len(agenda) == 0 {
		agenda = pool
	}
	return []Read{
		{Name: "healthz (ceiling)", Path: "/healthz"},
		{Name: "fair list", Path: "/api/fairs?limit=20"},
		{Name: "fair page", Path: "/api/fairs/" + d.FairID},
		{Name: "floor plan", Path: "/api/fairs/" + d.FairID + "/booths"},
		{Name: "catalogue", Path: "/api/products?limit=20"},
		{Name: "search mat ong", Path: "/api/products?q=" + url.QueryEscape("mat ong") + "&limit=20"},
		{Name: "producer applications", Path: "/api/applications", Tokens: pool},
		{Name: "producer agenda", Path: "/api/fairs/" + d.FairID + "/agenda", Tokens: agenda},
		{Name: "buyer matches", Path: "/api/requests/" + d.RequestID + "/matches", Tokens: []string{d.Buyer.Token}},
		{Name: "verification page", Path: "/v/" + d.VerifyCode},
		{Name: "product verification", Path: "/api/verify/" + d.VerifyCode},
	}
}

// list is a page of a list answer, items kept raw.
type list struct {
	Items []json.RawMessage `json:"items"`
}

// WaitVisible waits until the seeded data shows in the reads the bench measures: the last
// generated product in the catalogue, every booth on the floor plan, every product in the
// matching index and in the buyer's matches, the pool's applications and agendas. It returns
// how long that took.
func WaitVisible(ctx context.Context, c Client, d *Data, timeout time.Duration) (time.Duration, error) {
	start := time.Now()
	tries := int(timeout / (250 * time.Millisecond))
	checks := []struct {
		what string
		fn   func() error
	}{
		{"the last generated product in the catalogue", func() error {
			var l list
			if err := c.As("").Do(ctx, http.MethodGet, "/api/products?q="+d.LastProduct, nil, &l); err != nil {
				return err
			}
			return want(len(l.Items), 1, "products found")
		}},
		{"the floor plan", func() error {
			var m struct{ Booths []json.RawMessage }
			if err := c.As("").Do(ctx, http.MethodGet, "/api/fairs/"+d.FairID+"/booths", nil, &m); err != nil {
				return err
			}
			return want(len(m.Booths), d.Booths, "booths")
		}},
		{"the matching index", func() error {
			var s struct {
				Products int  `json:"products"`
				Ready    bool `json:"ready"`
			}
			if err := d.Admin.Do(ctx, http.MethodGet, "/api/admin/matchmaking/index", nil, &s); err != nil {
				return err
			}
			if !s.Ready || s.Products < d.Products {
				return fmt.Errorf("the index holds %d products (ready %v), want at least %d", s.Products, s.Ready, d.Products)
			}
			return nil
		}},
		{"the buyer's matches", func() error { return nonEmpty(ctx, d.Buyer, "/api/requests/"+d.RequestID+"/matches", "matches") }},
		{"the pool's applications", func() error { return nonEmpty(ctx, d.Pool[len(d.Pool)-1].Client, "/api/applications", "items") }},
		{"the pool's agendas", func() error {
			if d.Meetings == 0 {
				return nil
			}
			return nonEmpty(ctx, d.Pool[d.MeetingProducers[0]].Client, "/api/fairs/"+d.FairID+"/agenda", "meetings")
		}},
	}
	for _, ch := range checks {
		if err := Eventually(ctx, tries, 250*time.Millisecond, ch.fn); err != nil {
			return time.Since(start), fmt.Errorf("waiting for %s: %w", ch.what, err)
		}
	}
	return time.Since(start), nil
}

func want(got, min int, what string) error {
	if got < min {
		return fmt.Errorf("%d %s, want %d", got, what, min)
	}
	return nil
}

// nonEmpty fails unless the JSON array field of path's answer has an element.
func nonEmpty(ctx context.Context, c Client, path, field string) error {
	var m map[string]json.RawMessage
	if err := c.Do(ctx, http.MethodGet, path, nil, &m); err != nil {
		return err
	}
	var items []json.RawMessage
	_ = json.Unmarshal(m[field], &items)
	return want(len(items), 1, field+" in "+path)
}

// Settle waits, at most limit, until one request of r answers successfully within quick: the
// requests of the previous run that the client gave up on may still be queued in a service,
// and that backlog must not land on the next run. It returns how long it waited and whether
// the read answered quickly.
func Settle(ctx context.Context, client *http.Client, base string, r Read, quick, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	build := r.Build(base)
	for time.Since(start) < limit && ctx.Err() == nil {
		sent := time.Now()
		rctx, cancel := context.WithTimeout(ctx, limit)
		req, err := build(rctx, 0)
		if err == nil {
			var resp *http.Response
			if resp, err = client.Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode < 300 && time.Since(sent) < quick {
					cancel()
					return time.Since(start), true
				}
			}
		}
		cancel()
		_ = sleep(ctx, 100*time.Millisecond)
	}
	return time.Since(start), false
}
