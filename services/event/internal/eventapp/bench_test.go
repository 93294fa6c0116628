package eventapp

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// benchService starts the service with 60 published fairs, one of them with a floor plan of 150
// booths, waits until it is ready, and returns its handler and that fair's ID.
func benchService(b *testing.B) (http.Handler, string) {
	b.Helper()
	_, natsURL := testenv.NATS(b)
	tokens := testenv.NewTokens(b)
	app, err := New(b.Context(), testenv.ServiceConfig(b, "event", natsURL), io.Discard, tokens.Keys)
	if err != nil {
		b.Fatal(err)
	}
	api := testenv.Client{Base: testenv.Serve(b, app.Run)}
	testenv.Eventually(b, "ready", func() bool { return api.Do(b, "GET", "/readyz", nil).Status == 200 })
	tok, _ := tokens.Token(b, "organiser", "")
	org := api.With(tok)
	var id string
	for i := range 60 {
		r := org.Do(b, "POST", "/api/fairs", fairBody(fmt.Sprintf("Hội chợ OCOP số %d", i)))
		if r.Status != 201 {
			b.Fatalf("create fair: %d %s", r.Status, r.Body)
		}
		var f struct{ ID string }
		r.Decode(b, &f)
		id = f.ID
		if r := org.Do(b, "POST", "/api/fairs/"+id+"/publish", nil); r.Status != 200 {
			b.Fatalf("publish: %d %s", r.Status, r.Body)
		}
	}
	grid := map[string]any{"zone": "A", "prefix": "A", "kind": "standard", "rows": 10, "columns": 15}
	if r := org.Do(b, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": grid}); r.Status != 201 {
		b.Fatalf("add booths: %d %s", r.Status, r.Body)
	}
	return app.Handler(), id
}

// BenchmarkHotReads measures the public reads of a fair's opening day in-process (no network):
// go test -run '^$' -bench HotReads ./internal/eventapp/
func BenchmarkHotReads(b *testing.B) {
	h, id := benchService(b)
	for _, c := range []struct{ name, path string }{
		{"FairList", "/api/fairs?limit=20"},
		{"FairPage", "/api/fairs/" + id},
		{"FloorPlan", "/api/fairs/" + id + "/booths"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", c.path, w.Code, w.Body)
				}
			}
		})
	}
}
