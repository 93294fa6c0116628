// Package apidoc serves the gateway's merged OpenAPI document, the one client generators read:
// the gateway's own operations and every service's, fetched from the services and kept for a
// short while, and a reference page rendered from it in Go (no scripts, fonts or files from
// elsewhere). Merging also checks the gateway's routing table against the services' documents.
package apidoc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ocopfair/ocopfair/services/gateway/internal/proxy"
)

// TTL is how long a merged document is served before the services are asked again: short, so
// that a service's new version shows within seconds, long enough that a client generator or the
// page read twice does not ask every service twice.
const TTL = 15 * time.Second

// fetchTimeout bounds one service's answer: a service that is down costs the reader this much
// at most once per TTL.
const fetchTimeout = 2 * time.Second

// maxDocBytes caps a service's document, which the gateway holds in memory.
const maxDocBytes = 8 << 20

// Docs builds and keeps the merged document.
type Docs struct {
	own       func() []byte
	upstreams map[string]*url.URL
	client    *http.Client
	log       *slog.Logger
	now       func() time.Time

	mu      sync.Mutex
	known   map[string]map[string]any // the last document each service served
	current Snapshot
}

// Snapshot is one merged document with what went into it.
type Snapshot struct {
	// JSON is the merged document.
	JSON []byte
	// At is when it was merged.
	At time.Time
	// Missing and Stale name the services whose part is missing, or is the last one they served.
	Missing, Stale []string
	// Unrouted and Dead are the routing check's findings (see proxy.Check).
	Unrouted, Dead []string
}

// New returns the merged document of the gateway's own document (own returns it) and the
// upstreams' (their /openapi.json), by service name.
func New(own func() []byte, upstreams map[string]*url.URL, log *slog.Logger) *Docs {
	return &Docs{own: own, upstreams: upstreams, log: log, now: time.Now,
		client: &http.Client{Timeout: fetchTimeout}, known: map[string]map[string]any{}}
}

// Current returns the merged document, merging it again when it is older than TTL. It never
// fails: a service that does not answer is left out (or its last document used) and named.
func (d *Docs) Current(ctx context.Context) Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current.JSON != nil && d.now().Sub(d.current.At) < TTL {
		return d.current
	}
	// The reader may leave; the merge is kept for the next one.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*fetchTimeout)
	defer cancel()
	d.current = d.merge(ctx)
	return d.current
}

// merge fetches every service's document at once and merges them with the gateway's own.
func (d *Docs) merge(ctx context.Context) Snapshot {
	fetched := make([]map[string]any, len(proxy.Upstreams))
	errs := make([]error, len(proxy.Upstreams))
	var wg sync.WaitGroup
	for i, s := range proxy.Upstreams {
		wg.Go(func() { fetched[i], errs[i] = d.fetch(ctx, s) })
	}
	wg.Wait()
	var own map[string]any
	if err := json.Unmarshal(d.own(), &own); err != nil {
		d.log.Error("the gateway's own OpenAPI document does not decode", "err", err)
	}
	parts := []part{{service: Gateway, doc: own}}
	var missing []string
	for i, s := range proxy.Upstreams {
		switch {
		case errs[i] == nil:
			d.known[s] = fetched[i]
			parts = append(parts, part{service: s, doc: fetched[i]})
		case d.known[s] != nil:
			d.log.Warn("a service's OpenAPI document is not available; the merged document keeps its last one", "service", s, "err", errs[i])
			parts = append(parts, part{service: s, doc: d.known[s], stale: true})
		default:
			d.log.Warn("a service's OpenAPI document is not available; the merged document leaves it out", "service", s, "err", errs[i])
			missing = append(missing, s)
		}
	}
	m := merge(parts, missing)
	if len(m.unrouted) > 0 || len(m.dead) > 0 {
		// A deployment whose gateway and services disagree: clients see 404s or wrong services.
		d.log.Error("the gateway's routing table does not match the services' documents", "unrouted", m.unrouted, "dead", m.dead)
	}
	body, err := json.MarshalIndent(m.doc, "", "  ")
	if err != nil { // generic JSON decoded from JSON always encodes
		d.log.Error("encoding the merged OpenAPI document", "err", err)
	}
	snap := Snapshot{JSON: body, At: d.now(), Missing: missing, Unrouted: m.unrouted, Dead: m.dead}
	for _, p := range parts {
		if p.stale {
			snap.Stale = append(snap.Stale, p.service)
		}
	}
	return snap
}

// fetch returns service's OpenAPI document.
func (d *Docs) fetch(ctx context.Context, service string) (map[string]any, error) {
	u, ok := d.upstreams[service]
	if !ok {
		return nil, fmt.Errorf("no upstream URL for %s", service)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.JoinPath("/openapi.json").String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	var doc map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: %w", req.URL, err)
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") || asMap(doc["paths"]) == nil {
		return nil, fmt.Errorf("GET %s: not an OpenAPI 3 document", req.URL)
	}
	return doc, nil
}
