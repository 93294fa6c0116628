package eventsvc

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/testenv"
)

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func TestHealthReadyAndOpenAPI(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, err := New(t.Context(), testenv.ServiceConfig(t, "event", natsURL), testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	api := testenv.Client{Base: testenv.Serve(t, app.Run)}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if r := api.Do(t, "GET", path, nil); r.Status != 200 {
			t.Errorf("GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := api.Do(t, "GET", "/metrics", nil); !strings.Contains(string(r.Body), "ocopfair_http_requests_total") {
		t.Error("/metrics lacks the request counter")
	}
	testenv.CheckOpenAPI(t, api, app.handler.(*gin.Engine))
}
