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
	if r := api.Do(t, "GET", "/healthz", nil); r.Status != 200 {
		t.Errorf("GET /healthz: %d %s", r.Status, r.Body)
	}
	// Ready once the fair read model has loaded and caught up with the stream.
	testenv.Eventually(t, "GET /readyz 200", func() bool { return api.Do(t, "GET", "/readyz", nil).Status == 200 })
	// Metrics are served on their own listener (OCOPFAIR_METRICS_ADDR), not on the public port.
	if r := api.Do(t, "GET", "/metrics", nil); r.Status != 404 {
		t.Errorf("GET /metrics on the public port: %d, want 404", r.Status)
	}
	testenv.CheckOpenAPI(t, api, app.handler.(*gin.Engine))
}
