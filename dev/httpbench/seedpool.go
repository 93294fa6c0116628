package httpbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// apiKinds are the API's names of the import file's kinds, in the order of kinds.
var apiKinds = []string{"cooperative", "enterprise", "household_business", "cooperative_group"}

// importReport is the part of the importer's report the bench reads.
type importReport struct {
	Rows     int `json:"rows"`
	Rejected int `json:"rejected"`
	Results  []struct {
		Status     string `json:"status"`
		ProducerID string `json:"producer_id"`
		Errors     []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"results"`
}

// importTarget is how long one upload should take: far inside the gateway's 60 s wait for an
// upstream's answer (a row's cost varies tenfold on a busy machine), and long enough that the
// per-request cost is small beside the rows'.
const importTarget = 8 * time.Second

// importAll uploads the generated producers as the organiser's spreadsheet import, in chunks
// sized from the time the previous one took (the importer takes at most 5000 rows at a time).
// A chunk the gateway gave up on is sent again, smaller: re-importing rows creates nothing twice.
func (d *Data) importAll(ctx context.Context, s Sizes, o SeedOptions) error {
	per := s.ProductsPerProducer
	maxChunk := 5000 / per
	// The first chunk is small: on a busy machine a row takes over 100 ms.
	chunk, retries := min(10, maxChunk), 0
	for from := 0; from < s.Producers; {
		to := min(from+chunk, s.Producers)
		start := time.Now()
		var rep importReport
		err := d.Organiser.Upload(ctx, "/api/producers/import", "text/csv", importCSV(from, to, per, o.Now), &rep)
		took := time.Since(start)
		if st := statusOf(err); st >= 500 && retries < 3 {
			fmt.Fprintf(o.Log, "seed:   import of producers %d-%d failed after %s (%d); again, smaller\n", from, to-1, took.Round(time.Millisecond), st)
			chunk, retries = max(1, chunk/2), retries+1
			continue
		}
		if err != nil {
			return err
		}
		if err := checkImport(rep, (to-from)*per); err != nil {
			return fmt.Errorf("import of producers %d-%d: %w", from, to-1, err)
		}
		for i, r := range rep.Results {
			if p := from + i/per; p < s.Pool {
				d.notePool(p, r.ProducerID)
			}
		}
		fmt.Fprintf(o.Log, "seed:   imported producers %d-%d (%d rows) in %s\n", from, to-1, rep.Rows, took.Round(time.Millisecond))
		next := int(float64(to-from) * float64(importTarget) / float64(took+1))
		chunk, retries = max(1, min(maxChunk, 2*(to-from), next)), 0
		from = to
	}
	d.Products = s.Producers * per
	d.LastProduct = ProductCode(d.Products - 1)
	return nil
}

// checkImport fails unless every row of an import was created or (sent again) skipped.
func checkImport(rep importReport, rows int) error {
	for _, r := range rep.Results {
		if r.Status == "rejected" {
			return fmt.Errorf("%d rows rejected, e.g. %+v", rep.Rejected, r.Errors)
		}
	}
	if rep.Rows != rows {
		return fmt.Errorf("the importer read %d rows, want %d", rep.Rows, rows)
	}
	return nil
}

// notePool keeps the imported ID of a producer the pool will claim, until the pool's accounts
// are ready.
func (d *Data) notePool(p int, producerID string) {
	if d.imported == nil {
		d.imported = map[int]string{}
	}
	d.imported[p] = producerID
}

// parallel runs fn for 0..n-1 on workers goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

// claimAndApply has each pool account claim its imported profile with a claim code the
// organiser issues, apply to the bench fair with one product, and be approved; then the
// organiser allocates the booths and commits the allocation.
func (d *Data) claimAndApply(ctx context.Context, log io.Writer) error {
	err := parallel(len(d.Pool), 4, func(i int) error {
		p := &d.Pool[i]
		p.ProducerID = d.imported[i]
		if p.ProducerID == "" {
			return fmt.Errorf("producer %d was not imported", i)
		}
		var prods struct{ Items []struct{ ID string } }
		if err := d.Organiser.Do(ctx, http.MethodGet, "/api/producers/"+p.ProducerID+"/products?limit=50", nil, &prods); err != nil {
			return err
		}
		for _, it := range prods.Items {
			p.ProductIDs = append(p.ProductIDs, it.ID)
		}
		if len(p.ProductIDs) == 0 {
			return fmt.Errorf("producer %d has no products", i)
		}
		var code struct {
			ClaimCode string `json:"claim_code"`
		}
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/producers/"+p.ProducerID+"/claim-code", nil, &code); err != nil {
			return err
		}
		g := genProducer(i)
		if err := p.Do(ctx, http.MethodPost, "/api/producers", map[string]any{"kind": apiKinds[i%len(apiKinds)], "legal_name": g.LegalName,
			"tax_code": g.TaxCode, "province": g.Province, "commune": g.Commune, "phone": g.Phone, "claim_code": code.ClaimCode}, nil); err != nil {
			return fmt.Errorf("claim %d: %w", i, err)
		}
		id, err := d.apply(ctx, *p, d.FairID)
		if err != nil {
			return err
		}
		p.Application = id
		return d.Organiser.Do(ctx, http.MethodPost, "/api/applications/"+id+"/approve", nil, nil)
	})
	if err != nil {
		return err
	}
	return d.allocate(ctx, log)
}

// apply submits p's application to a fair with its first product and returns its ID.
func (d *Data) apply(ctx context.Context, p PoolProducer, fair string) (string, error) {
	var app struct{ ID string }
	err := Eventually(ctx, 50, 100*time.Millisecond, func() error {
		return p.Do(ctx, http.MethodPost, "/api/fairs/"+fair+"/applications", applicationBody(p), &app)
	})
	return app.ID, err
}

func applicationBody(p PoolProducer) map[string]any {
	return map[string]any{"product_ids": p.ProductIDs[:1], "booth_count": 1}
}

// allocate places the approved applications of the bench fair and commits the placement, once
// every approval has reached the event service. The allocator may leave an application
// unplaced (it says why); the bench goes on with those it placed.
func (d *Data) allocate(ctx context.Context, log io.Writer) error {
	var p struct {
		Placements []any `json:"placements"`
		Unplaced   []struct {
			Reason string `json:"reason"`
		} `json:"unplaced"`
	}
	err := Eventually(ctx, 100, 200*time.Millisecond, func() error {
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+d.FairID+"/allocation", nil, &p); err != nil {
			return err
		}
		if n := len(p.Placements) + len(p.Unplaced); n < len(d.Pool) {
			return fmt.Errorf("%d of %d approvals have reached the event service", n, len(d.Pool))
		}
		return nil
	})
	if err != nil && len(p.Placements) == 0 {
		return err
	}
	if len(p.Unplaced) > 0 {
		fmt.Fprintf(log, "seed:   %d applications placed, %d not (e.g. %s)\n", len(p.Placements), len(p.Unplaced), p.Unplaced[0].Reason)
	}
	return d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+d.FairID+"/allocation/commit", nil, nil)
}

// makeBuyer signs up a buyer with a sourcing request for honey at the bench fair.
func (d *Data) makeBuyer(ctx context.Context, anon Client) error {
	b, err := anon.As("").Register(ctx, "bench-buyer@bench.ocopfair.vn", "bench-buyer-1", "Siêu thị Bench", "buyer")
	if err != nil {
		return err
	}
	d.Buyer = b
	var prof, req struct{ ID string }
	if err := b.Do(ctx, http.MethodPost, "/api/buyers", map[string]any{"name": "Siêu thị Bench (dữ liệu bench)", "kind": "supermarket_chain",
		"province": "01", "markets": []string{"domestic"}}, &prof); err != nil {
		return err
	}
	d.BuyerID = prof.ID
	if err := b.Do(ctx, http.MethodPost, "/api/buyers/"+prof.ID+"/requests", map[string]any{"title": "Mật ong cho chuỗi siêu thị (bench)",
		"criteria_sets": []int{4}, "keywords": []string{"mat ong"}, "monthly_volume": 800, "unit": "litre", "target_market": "domestic",
		"fair_id": d.FairID}, &req); err != nil {
		return err
	}
	d.RequestID = req.ID
	return nil
}

// makeMeetings has the buyer ask pool producers for a meeting at the bench fair until n have
// accepted (a producer the allocator left without a booth cannot be met), and the organiser
// schedule them, so that those producers' agendas are not empty.
func (d *Data) makeMeetings(ctx context.Context, n int) error {
	for i := 0; i < len(d.Pool) && len(d.MeetingProducers) < n; i++ {
		p := d.Pool[i]
		var m struct{ ID string }
		// The booth assignment reaches matchmaking as an event, a moment after the commit.
		if err := Eventually(ctx, 30, 100*time.Millisecond, func() error {
			return d.Buyer.Do(ctx, http.MethodPost, "/api/fairs/"+d.FairID+"/meetings", map[string]any{"buyer_id": d.BuyerID, "producer_id": p.ProducerID}, &m)
		}); err != nil {
			continue
		}
		if err := p.Do(ctx, http.MethodPost, "/api/meetings/"+m.ID+"/accept", nil, nil); err != nil {
			return err
		}
		d.MeetingProducers = append(d.MeetingProducers, i)
	}
	if len(d.MeetingProducers) == 0 {
		return fmt.Errorf("no producer of the pool could be met at the fair")
	}
	d.Meetings = len(d.MeetingProducers)
	return d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+d.FairID+"/schedule?time_limit_ms=3000", nil, nil)
}
