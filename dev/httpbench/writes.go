package httpbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// pairs hands out (producer, fair) pairs that have not applied yet: a producer applies to a
// fair once, so every application the bench submits needs a pair of its own.
type pairs struct {
	mu   sync.Mutex
	d    *Data
	next int
}

// Capacity is how many applications the pool can submit to the write fairs.
func (d *Data) Capacity() int { return len(d.Pool) * len(d.WriteFairs) }

func (p *pairs) take() (PoolProducer, string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next >= p.d.Capacity() {
		return PoolProducer{}, "", errors.New("every producer of the pool has applied to every write fair: seed more write fairs")
	}
	k := p.next
	p.next++
	return p.d.Pool[k%len(p.d.Pool)], p.d.WriteFairs[k/len(p.d.Pool)], nil
}

// writer makes the write phase's requests: even ones submit an application of the next pair,
// odd ones approve an application submitted earlier (or submit, when none is waiting).
type writer struct {
	base      string
	organiser string
	pairs     *pairs
	mu        sync.Mutex
	waiting   []string
	submits   map[int]bool
}

func (w *writer) build(ctx context.Context, i int) (*http.Request, error) {
	w.mu.Lock()
	approve := i%2 == 1 && len(w.waiting) > 0
	var id string
	if approve {
		id, w.waiting = w.waiting[0], w.waiting[1:]
	} else {
		w.submits[i] = true
	}
	w.mu.Unlock()
	if approve {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/api/applications/"+id+"/approve", nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+w.organiser)
		}
		return req, err
	}
	p, fair, err := w.pairs.take()
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal(applicationBody(p))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/api/fairs/"+fair+"/applications", bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+p.Token)
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// check queues a submitted application for approval.
func (w *writer) check(i int, body []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.submits[i] {
		return nil
	}
	var app struct{ ID string }
	if err := json.Unmarshal(body, &app); err != nil || app.ID == "" {
		return fmt.Errorf("an application answer without an ID: %s", clip(string(body), 100))
	}
	w.waiting = append(w.waiting, app.ID)
	return nil
}

// Mixed is the write phase: writes at their rate while reads run at theirs.
type Mixed struct {
	Reads  []ReadResult
	Writes Result
}

// ReadResult is a read's run.
type ReadResult struct {
	Read Read
	Result
}

// RunMixed runs reads (each at l's rate) and application submissions and approvals at writeRate
// together for l's duration.
func RunMixed(ctx context.Context, client *http.Client, base string, d *Data, pp *pairs, reads []Read, l Load, writeRate float64) Mixed {
	var m Mixed
	m.Reads = make([]ReadResult, len(reads))
	var wg sync.WaitGroup
	for i, r := range reads {
		wg.Go(func() { m.Reads[i] = ReadResult{r, Run(ctx, client, l, r.Build(base), nil)} })
	}
	w := &writer{base: base, organiser: d.Organiser.Token, pairs: pp, submits: map[int]bool{}}
	wl := l
	wl.Rate, wl.MaxInFlight = writeRate, 0
	m.Writes = Run(ctx, client, wl, w.build, w.check)
	wg.Wait()
	return m
}

// Staleness is how long writes of one kind took to show in a read through the gateway, from
// the write's answer to the first read that shows it.
type Staleness struct {
	Name string
	// Delays of the writes that showed, sorted; Failed counts writes that failed or never showed
	// within the poll timeout.
	Delays []time.Duration
	Failed int
	First  string
}

// stalePoll bounds the wait for one write to show.
const stalePoll = 10 * time.Second

// measureStale runs write n times and polls visible after each until it reports true.
func measureStale(ctx context.Context, name string, n int, write func(j int) (func() (bool, error), error)) Staleness {
	s := Staleness{Name: name}
	fail := func(err error) {
		s.Failed++
		if s.First == "" {
			s.First = err.Error()
		}
	}
	for j := range n {
		visible, err := write(j)
		if err != nil {
			fail(err)
			continue
		}
		acked := time.Now()
		for {
			ok, err := visible()
			if err == nil && ok {
				s.Delays = append(s.Delays, time.Since(acked))
				break
			}
			if time.Since(acked) > stalePoll || ctx.Err() != nil {
				fail(fmt.Errorf("not visible within %s (last error: %v)", stalePoll, err))
				break
			}
			_ = sleep(ctx, 2*time.Millisecond)
		}
	}
	slices.Sort(s.Delays)
	return s
}

// RunStaleness measures n product renames until the catalogue search finds the new name, and
// n approvals until the producer's own list of applications shows them approved.
func RunStaleness(ctx context.Context, d *Data, pp *pairs, n int) []Staleness {
	rename := measureStale(ctx, "product rename → catalogue search", n, func(j int) (func() (bool, error), error) {
		p := d.Pool[j%len(d.Pool)]
		id := p.ProductIDs[len(p.ProductIDs)-1]
		word := fmt.Sprintf("RN%05d", j)
		if err := p.Do(ctx, http.MethodPatch, "/api/products/"+id, map[string]any{"name_vi": "Sản phẩm đổi tên " + word}, nil); err != nil {
			return nil, err
		}
		return func() (bool, error) {
			var l struct{ Items []struct{ ID string } }
			err := p.As("").Do(ctx, http.MethodGet, "/api/products?q="+strings.ToLower(word), nil, &l)
			return err == nil && len(l.Items) == 1 && l.Items[0].ID == id, err
		}, nil
	})
	approve := measureStale(ctx, "approval → producer's applications", n, func(int) (func() (bool, error), error) {
		p, fair, err := pp.take()
		if err != nil {
			return nil, err
		}
		id, err := d.apply(ctx, p, fair)
		if err != nil {
			return nil, err
		}
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/applications/"+id+"/approve", nil, nil); err != nil {
			return nil, err
		}
		return func() (bool, error) {
			var l struct{ Items []struct{ ID, Status string } }
			err := p.Do(ctx, http.MethodGet, "/api/applications?limit=100", nil, &l)
			for _, a := range l.Items {
				if a.ID == id {
					return a.Status == "approved", err
				}
			}
			return false, err
		}, nil
	})
	return []Staleness{rename, approve}
}
