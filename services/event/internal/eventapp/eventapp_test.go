package eventapp

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newApp opens the service on an embedded NATS server and a fresh database, with tokens that it
// accepts.
func newApp(t *testing.T) (*App, testenv.Tokens) {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, err := New(t.Context(), testenv.ServiceConfig(t, "event", natsURL), testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return app, tokens
}

func TestHealthReadyAndOpenAPI(t *testing.T) {
	app, _ := newApp(t)
	api := testenv.Client{Base: testenv.Serve(t, app.Run)}
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := api.Do(t, "GET", path, nil); r.Status != 200 {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	// Metrics are served on their own listener (OCOPFAIR_METRICS_ADDR), not on the public port.
	if r := api.Do(t, "GET", "/metrics", nil); r.Status != 404 {
		t.Errorf("GET /metrics on the public port: %d, want 404", r.Status)
	}
	testenv.CheckOpenAPI(t, api, app.handler.(*gin.Engine))
}
