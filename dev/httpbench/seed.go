package httpbench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Sizes of the generated data.
type Sizes struct {
	// Producers imported, each with ProductsPerProducer products.
	Producers           int `json:"producers"`
	ProductsPerProducer int `json:"products_per_producer"`
	// BoothZones × BoothRows × BoothColumns booths make the bench fair's floor plan.
	BoothZones   int `json:"booth_zones"`
	BoothRows    int `json:"booth_rows"`
	BoothColumns int `json:"booth_columns"`
	// Pool is how many of the imported producers are claimed by accounts of their own, which
	// apply to the fairs and read their own applications and agenda.
	Pool int `json:"pool"`
	// WriteFairs are extra open fairs the pool applies to during the write and staleness phases:
	// a producer applies to a fair once, so each application needs its own (producer, fair) pair.
	WriteFairs int `json:"write_fairs"`
	// Meetings the buyer asks for with pool producers, accepted and scheduled, for the agenda.
	Meetings int `json:"meetings"`
}

// Booths is the size of the bench fair's floor plan.
func (s Sizes) Booths() int { return s.BoothZones * s.BoothRows * s.BoothColumns }

// Credentials are an email and a password.
type Credentials struct{ Email, Password string }

// SeedOptions say where to seed and as whom.
type SeedOptions struct {
	Sizes     Sizes
	Admin     Credentials
	Organiser Credentials
	// Log receives a line per step.
	Log io.Writer
	Now time.Time
}

// PoolProducer is an imported producer that an account of its own has claimed.
type PoolProducer struct {
	Client
	ProducerID string
	ProductIDs []string
	// Application is its application to the bench fair.
	Application string
}

// Data is what seeding made, for the phases to read and write.
type Data struct {
	Admin, Organiser Client
	// FairID is the bench fair, with Sizes.Booths() booths.
	FairID     string
	Booths     int
	WriteFairs []string
	Pool       []PoolProducer
	Buyer      Client
	BuyerID    string
	RequestID  string
	// LastProduct is the name code of the last generated product: once a search finds it, the
	// catalogue holds everything.
	LastProduct string
	// Products is how many products were generated.
	Products int
	// Meetings is how many meetings the pool has on its agenda, one for each producer of the
	// pool at MeetingProducers.
	Meetings         int
	MeetingProducers []int
	// VerifyCode is the public code of a pool producer's product: the verification page a
	// visitor's phone opens from its QR code.
	VerifyCode string
	Steps      []Step

	imported map[int]string
}

// Step is one seeding step and how long it took.
type Step struct {
	Name string
	Took time.Duration
}

// Seed generates the bench data through the gateway at base, after the demo data is loaded.
func Seed(ctx context.Context, c Client, o SeedOptions) (*Data, error) {
	d := &Data{}
	step := func(name string, fn func() error) error {
		start := time.Now()
		if err := fn(); err != nil {
			return fmt.Errorf("seed: %s: %w", name, err)
		}
		d.Steps = append(d.Steps, Step{name, time.Since(start)})
		fmt.Fprintf(o.Log, "seed: %-40s %s\n", name, time.Since(start).Round(time.Millisecond))
		return nil
	}
	var err error
	if d.Admin, err = c.Login(ctx, o.Admin.Email, o.Admin.Password); err != nil {
		return nil, fmt.Errorf("seed: admin sign-in: %w", err)
	}
	if d.Organiser, err = c.Login(ctx, o.Organiser.Email, o.Organiser.Password); err != nil {
		return nil, fmt.Errorf("seed: organiser sign-in: %w", err)
	}
	// The pool's accounts are made and signed in meanwhile: sign-ins are paced by the gateway's
	// limit per source, and the import does not wait on the gateway's database.
	pool := make(chan poolAccounts, 1)
	go func() {
		clients, err := makePoolAccounts(ctx, d.Admin, o.Sizes.Pool)
		pool <- poolAccounts{clients, err}
	}()
	s := o.Sizes
	steps := []struct {
		name string
		fn   func() error
	}{
		{fmt.Sprintf("fair with %d booths", s.Booths()), func() error { return d.makeFair(ctx, s, o.Now) }},
		{fmt.Sprintf("%d open fairs for the writes", s.WriteFairs), func() error { return d.makeWriteFairs(ctx, s.WriteFairs, o.Now) }},
		{fmt.Sprintf("import %d producers, %d products", s.Producers, s.Producers*s.ProductsPerProducer), func() error { return d.importAll(ctx, s, o) }},
		{fmt.Sprintf("%d producer accounts signed in", s.Pool), func() error { return d.takePool(<-pool) }},
		{"pool claims, applies, is approved and placed", func() error { return d.claimAndApply(ctx, o.Log) }},
		{"buyer with a sourcing request", func() error { return d.makeBuyer(ctx, c) }},
		{fmt.Sprintf("%d meetings scheduled", s.Meetings), func() error { return d.makeMeetings(ctx, s.Meetings) }},
		{"a product's public code", func() error { return d.findVerifyCode(ctx) }},
	}
	for _, st := range steps {
		if err := step(st.name, st.fn); err != nil {
			return nil, err
		}
	}
	return d, nil
}

type poolAccounts struct {
	clients []Client
	err     error
}

func (d *Data) takePool(p poolAccounts) error {
	if p.err != nil {
		return p.err
	}
	d.Pool = make([]PoolProducer, len(p.clients))
	for i, c := range p.clients {
		d.Pool[i].Client = c
	}
	return nil
}

// makePoolAccounts has the admin create n producer accounts and signs each in. Sign-up is limited
// per source address far below what a bench needs; accounts an admin creates are not.
func makePoolAccounts(ctx context.Context, admin Client, n int) ([]Client, error) {
	out := make([]Client, n)
	for i := range n {
		email, pw := fmt.Sprintf("bench-producer%03d@bench.ocopfair.vn", i+1), "bench-producer-1"
		err := admin.Do(ctx, http.MethodPost, "/api/accounts", map[string]string{"email": email, "password": pw,
			"name": fmt.Sprintf("Bench producer %d", i+1), "role": "producer"}, nil)
		if err != nil && statusOf(err) != http.StatusConflict {
			return nil, fmt.Errorf("producer account %d: %w", i, err)
		}
		if out[i], err = admin.As("").Login(ctx, email, pw); err != nil {
			return nil, fmt.Errorf("producer account %d sign-in: %w", i, err)
		}
	}
	return out, nil
}

// fairBody is a fair open for applications that opens in days.
func fairBody(name string, now time.Time, days int) map[string]any {
	day := func(d int) string { return now.AddDate(0, 0, d).Format(time.DateOnly) }
	return map[string]any{"name_vi": name, "kind": "fair", "region": "promo_red_river_delta", "host_province": "01",
		"venue":      map[string]string{"name": "Trung tâm Hội chợ Triển lãm", "address": "Dữ liệu bench"},
		"start_date": day(days), "end_date": day(days + 4), "applications_open": day(-1), "applications_close": day(days - 7),
		"eligibility": map[string]any{"min_stars": 3, "max_booths_per_producer": 2},
		"fees":        map[string]any{"booth_prices": map[string]int64{"standard": 12_000_000}, "subsidy_percent": 50, "max_subsidised_booths": 2}}
}

// makeFair creates the bench fair: a grid of booths per zone, published, with a B2B day.
func (d *Data) makeFair(ctx context.Context, s Sizes, now time.Time) error {
	var f struct{ ID string }
	if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs", fairBody("Hội chợ OCOP toàn quốc (dữ liệu bench)", now, 30), &f); err != nil {
		return err
	}
	d.FairID, d.Booths = f.ID, s.Booths()
	for z := range s.BoothZones {
		grid := map[string]any{"zone": fmt.Sprintf("Khu %c", 'A'+z), "prefix": string(rune('A' + z)), "rows": s.BoothRows, "columns": s.BoothColumns,
			"origin_y": z * s.BoothRows * 6}
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+f.ID+"/booths", map[string]any{"grid": grid}, nil); err != nil {
			return err
		}
	}
	if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+f.ID+"/publish", nil, nil); err != nil {
		return err
	}
	return d.Organiser.Do(ctx, http.MethodPut, "/api/fairs/"+f.ID+"/b2b-sessions", map[string]any{"days": []map[string]any{
		{"date": now.AddDate(0, 0, 31).Format(time.DateOnly), "start_time": "08:00", "slot_minutes": 20, "slots": 21, "morning_slots": 12, "tables": 20}}}, nil)
}

// makeWriteFairs creates n small published fairs.
func (d *Data) makeWriteFairs(ctx context.Context, n int, now time.Time) error {
	for i := range n {
		var f struct{ ID string }
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs", fairBody(fmt.Sprintf("Phiên chợ OCOP số %d (dữ liệu bench)", i+1), now, 40+i), &f); err != nil {
			return err
		}
		grid := map[string]any{"zone": "Khu chung", "prefix": "W", "rows": 1, "columns": 10}
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+f.ID+"/booths", map[string]any{"grid": grid}, nil); err != nil {
			return err
		}
		if err := d.Organiser.Do(ctx, http.MethodPost, "/api/fairs/"+f.ID+"/publish", nil, nil); err != nil {
			return err
		}
		d.WriteFairs = append(d.WriteFairs, f.ID)
	}
	return nil
}

// findVerifyCode reads the public code of the first pool producer's first product.
func (d *Data) findVerifyCode(ctx context.Context) error {
	if len(d.Pool) == 0 || len(d.Pool[0].ProductIDs) == 0 {
		return fmt.Errorf("no pool product to verify")
	}
	var scans struct {
		Code string `json:"code"`
	}
	if err := d.Admin.Do(ctx, "GET", "/api/products/"+d.Pool[0].ProductIDs[0]+"/scans", nil, &scans); err != nil {
		return err
	}
	if scans.Code == "" {
		return fmt.Errorf("product %s has no public code", d.Pool[0].ProductIDs[0])
	}
	d.VerifyCode = scans.Code
	return nil
}
