package matchmakingapp

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// BenchmarkMatchHTTP measures a ranked match against 20,000 products through the service's HTTP
// API (routing, token check, JSON), and reports p50 and p99.
func BenchmarkMatchHTTP(b *testing.B) {
	_, natsURL := testenv.NATS(b)
	tokens := testenv.NewTokens(b)
	cfg := Config{Config: testenv.ServiceConfig(b, "matchmaking", natsURL), MeetingCap: 12, SolveLimit: time.Second}
	app, err := New(context.Background(), cfg, nopWriter{}, tokens.Keys)
	if err != nil {
		b.Fatal(err)
	}
	api := testenv.Client{Base: testenv.Serve(b, app.Run)}
	if err := app.Index.Synthetic(5000, 20000, time.Now()); err != nil {
		b.Fatal(err)
	}
	tok, _ := tokens.Token(b, "buyer", "")
	c := api.With(tok)
	var buyer struct{ ID string }
	c.Do(b, "POST", "/api/buyers", map[string]any{"name": "Siêu thị Xanh", "kind": "supermarket_chain", "province": "Hà Nội"}).Decode(b, &buyer)
	var req struct{ ID string }
	c.Do(b, "POST", "/api/buyers/"+buyer.ID+"/requests", map[string]any{"title": "Mật ong", "criteria_sets": []int{4}, "keywords": []string{"mat ong"},
		"min_stars": 4, "monthly_volume": 2, "unit": "tonne", "target_market": "EU"}).Decode(b, &req)
	testenv.Eventually(b, "the index ready", func() bool { return app.Index.Ready(context.Background()) == nil })
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		r := c.Do(b, "GET", "/api/requests/"+req.ID+"/matches?limit=20", nil)
		lat = append(lat, time.Since(start))
		if r.Status != 200 {
			b.Fatalf("matches: %d %s", r.Status, r.Body)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
