package matchmakingapp

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func startOn(t *testing.T, natsURL string, tokens testenv.Tokens) (*App, testenv.Client) {
	t.Helper()
	app, err := New(t.Context(), Config{Config: testenv.ServiceConfig(t, "matchmaking", natsURL), MeetingCap: 3, SolveLimit: 2 * time.Second}, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	withClock(app)
	return app, testenv.Client{Base: testenv.Serve(t, app.Run)}
}

// withClock gives app's meeting service a testClock (see asOf); call it before app runs.
func withClock(app *App) {
	c := &testClock{}
	app.Meetings.Now = c.now
	clocks.Store(app, c)
}

// testClock is the time now shifted by what a test sets, while the meeting service reads it.
type testClock struct{ shift atomic.Int64 }

func (c *testClock) now() time.Time { return time.Now().Add(time.Duration(c.shift.Load())) }

// clocks holds the meeting service's clock of each app startOn started.
var clocks sync.Map

// asOf runs fn with app's meeting service at shift from now (a run two days ago places meetings
// on yesterday's B2B day, which no run may do today), then puts its clock back.
func asOf(app *App, shift time.Duration, fn func()) {
	c, _ := clocks.Load(app)
	c.(*testClock).shift.Store(int64(shift))
	defer c.(*testClock).shift.Store(0)
	fn()
}

func publishProducer(t *testing.T, app *App, id string, rev int64) {
	t.Helper()
	typ := events.ProducerRegistered
	var payload any = events.ProducerRegisteredV1{Producer: events.ProducerV1{ID: id, LegalName: "HTX " + id, ProvinceCode: "01", Revision: rev}}
	if rev > 1 {
		typ = events.ProducerUpdated
		payload = events.ProducerUpdatedV1{Producer: events.ProducerV1{ID: id, LegalName: "HTX " + id, ProvinceCode: "01", Revision: rev}}
	}
	env, err := events.New(typ, 1, id, "", payload)
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Publish(context.Background(), app.Host.JS, env); err != nil {
		t.Fatal(err)
	}
}

func TestCatalogRebuildsFromStreamWhenEmpty(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	admin, _ := tokens.Token(t, "admin", "")
	first, api := startOn(t, natsURL, tokens)
	for i, id := range []string{"p1", "p2", "p3"} {
		publishProducer(t, first, id, 1)
		if i == 0 {
			publishProducer(t, first, id, 2)
		}
	}
	testenv.Eventually(t, "three producers in the catalog", func() bool {
		n, _ := first.catalog.Count(context.Background())
		return n == 3
	})
	r := api.With(admin).Do(t, "GET", "/api/admin/matchmaking/catalog/producers/p1", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"revision":2`) {
		t.Errorf("catalog p1: %d %s", r.Status, r.Body)
	}
	// A new replica (or a wiped store) starts empty and replays the stream.
	second, _ := startOn(t, natsURL, tokens)
	testenv.Eventually(t, "the empty catalog to be rebuilt", func() bool {
		n, _ := second.catalog.Count(context.Background())
		return n == 3
	})
	p1, err := second.catalog.Get(context.Background(), "p1")
	if err != nil || p1.Revision != 2 {
		t.Errorf("rebuilt p1 = %+v, %v", p1, err)
	}
}

func TestRolesAndOpenAPI(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, api := startOn(t, natsURL, tokens)
	buyer, _ := tokens.Token(t, "buyer", "")
	if r := api.With(buyer).Do(t, "GET", "/api/admin/matchmaking/catalog/producers/x", nil); r.Status != 403 {
		t.Errorf("buyer on admin route: %d", r.Status)
	}
	testenv.CheckOpenAPI(t, api, app.handler.(*gin.Engine))
}
