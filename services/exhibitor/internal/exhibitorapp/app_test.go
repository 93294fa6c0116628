package exhibitorapp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/bus"
	"github.com/ocopfair/ocopfair/pkg/events"
)

type fixture struct {
	app    *App
	api    testenv.Client
	tokens testenv.Tokens
	js     jetstream.JetStream
}

func start(t *testing.T) fixture {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	app, err := New(t.Context(), Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour}, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{app: app, api: testenv.Client{Base: testenv.Serve(t, app.Run)}, tokens: tokens, js: app.Host.JS}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func profile(taxCode string) map[string]any {
	return map[string]any{
		"kind": "cooperative", "legal_name": "HTX Nước mắm Phú Quốc " + taxCode, "tax_code": taxCode,
		"province": "Kiên Giang", "commune": "Đặc khu Phú Quốc", "phone": "0297 384 6789",
		"certifications": []map[string]string{{"code": "haccp", "number": "HACCP-01", "valid_until": "2028-01-31"}},
		"export_markets": []string{"JP"},
	}
}

func TestProducerLifecycleAndEvents(t *testing.T) {
	f := start(t)
	prodTok, _ := f.tokens.Token(t, "producer", "")
	me := f.api.With(prodTok)
	r := me.Do(t, "POST", "/api/producers", profile("1700123456"), "Idempotency-Key", "k1")
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var created struct {
		ID       string                `json:"id"`
		TaxCode  string                `json:"tax_code"`
		Province struct{ Name string } `json:"province"`
		Revision int64                 `json:"revision"`
	}
	r.Decode(t, &created)
	if created.Province.Name != "An Giang" || created.TaxCode != "1700123456" || r.Header.Get("Location") != "/api/producers/"+created.ID {
		t.Errorf("created %s", r.Body)
	}
	if again := me.Do(t, "POST", "/api/producers", profile("1700123456"), "Idempotency-Key", "k1"); again.Status != 201 || string(again.Body) != string(r.Body) {
		t.Errorf("retry: %d %s", again.Status, again.Body)
	}
	if second := me.Do(t, "POST", "/api/producers", profile("1700999999")); second.Status != 409 {
		t.Errorf("second profile for one account: %d, want 409", second.Status)
	}
	patched := me.Do(t, "PATCH", "/api/producers/"+created.ID, map[string]any{"phone": "0912 000 111"}, "If-Match", `"1"`)
	if patched.Status != 200 || !strings.Contains(string(patched.Body), `"phone":"0912000111"`) || patched.Header.Get("ETag") != `"2"` {
		t.Errorf("patch: %d %s", patched.Status, patched.Body)
	}
	if stale := me.Do(t, "PATCH", "/api/producers/"+created.ID, map[string]any{"phone": "0912 000 222"}, "If-Match", `"1"`); stale.Status != 409 {
		t.Errorf("stale If-Match: %d, want 409", stale.Status)
	}
	// Both changes reach the stream, in order, with the full profile.
	cons, err := f.js.OrderedConsumer(context.Background(), "EXHIBITOR", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var got []events.Envelope
	testenv.Eventually(t, "two producer events", func() bool {
		batch, err := cons.FetchNoWait(10)
		if err != nil {
			return false
		}
		for m := range batch.Messages() {
			var env events.Envelope
			if err := json.Unmarshal(m.Data(), &env); err != nil {
				t.Fatal(err)
			}
			got = append(got, env)
		}
		return len(got) >= 2
	})
	if got[0].Type != events.ProducerRegistered || got[1].Type != events.ProducerUpdated || got[0].AggregateID != created.ID {
		t.Fatalf("events = %s, %s", got[0].Type, got[1].Type)
	}
	var upd events.ProducerUpdatedV1
	if err := got[1].Decode(&upd); err != nil || upd.Producer.Phone != "0912000111" || upd.Producer.Revision != 2 || upd.Producer.ProvinceCode != "91" {
		t.Errorf("updated payload %+v, %v", upd.Producer, err)
	}
	// If-Match as RFC 9110 writes it: a list naming the revision, or "*"; a weak tag never matches.
	for i, c := range []struct {
		match string
		want  int
	}{{`"1", "2"`, 200}, {"3", 200}, {"*", 200}, {`W/"5"`, 409}} {
		if r := me.Do(t, "PATCH", "/api/producers/"+created.ID, map[string]any{"phone": fmt.Sprintf("0912 000 30%d", i)}, "If-Match", c.match); r.Status != c.want {
			t.Errorf("If-Match %s: %d %s, want %d", c.match, r.Status, r.Body, c.want)
		}
	}
}

func TestOwnershipAndRoles(t *testing.T) {
	f := start(t)
	aTok, _ := f.tokens.Token(t, "producer", "")
	bTok, _ := f.tokens.Token(t, "producer", "")
	buyer, _ := f.tokens.Token(t, "buyer", "")
	org, _ := f.tokens.Token(t, "organiser", "")
	r := f.api.With(aTok).Do(t, "POST", "/api/producers", profile("0101234567"))
	var a struct{ ID string }
	r.Decode(t, &a)
	checks := []struct {
		name   string
		token  string
		method string
		path   string
		body   any
		status int
	}{
		{"B reads A", bTok, "GET", "/api/producers/" + a.ID, nil, 403},
		{"B patches A", bTok, "PATCH", "/api/producers/" + a.ID, map[string]any{"phone": "0912345678"}, 403},
		{"buyer patches A", buyer, "PATCH", "/api/producers/" + a.ID, map[string]any{"phone": "0912345678"}, 403},
		{"buyer creates a profile", buyer, "POST", "/api/producers", profile("0101234568"), 403},
		{"producer lists all", aTok, "GET", "/api/producers", nil, 403},
		{"anonymous reads A", "", "GET", "/api/producers/" + a.ID, nil, 401},
		{"buyer reads A", buyer, "GET", "/api/producers/" + a.ID, nil, 200},
		{"organiser lists", org, "GET", "/api/producers?q=nuoc%20mam&province=Ki%C3%AAn%20Giang", nil, 200},
		{"B has no profile", bTok, "GET", "/api/producers/me", nil, 404},
		{"unknown producer", org, "GET", "/api/producers/nope", nil, 404},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			r := f.api.With(c.token).Do(t, c.method, c.path, c.body)
			if r.Status != c.status {
				t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, r.Status, c.status, r.Body)
			}
		})
	}
	if r := f.api.With(buyer).Do(t, "GET", "/api/producers/"+a.ID, nil); strings.Contains(string(r.Body), "tax_code") {
		t.Errorf("buyer sees the tax code: %s", r.Body)
	}
	list := f.api.With(org).Do(t, "GET", "/api/producers?q=NUOC%20MAM", nil)
	if !strings.Contains(string(list.Body), a.ID) {
		t.Errorf("search ignoring diacritics did not find the producer: %s", list.Body)
	}
}

func TestOpenAPI(t *testing.T) {
	f := start(t)
	testenv.CheckOpenAPI(t, f.api, f.app.handler.(*gin.Engine))
}

func TestDeadLettersAreListedForAdmins(t *testing.T) {
	f := start(t)
	admin, _ := f.tokens.Token(t, "admin", "")
	org, _ := f.tokens.Token(t, "organiser", "")
	if r := f.api.With(org).Do(t, "GET", "/api/admin/exhibitor/dead-letters", nil); r.Status != 403 {
		t.Errorf("organiser: %d", r.Status)
	}
	_, err := f.app.Host.DB.Collection(bus.DeadLetterCollection).InsertOne(context.Background(), bus.DeadLetter{ID: "dl1", Consumer: "c", Subject: "s", Error: "bad", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	r := f.api.With(admin).Do(t, "GET", "/api/admin/exhibitor/dead-letters?limit=5", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"id":"dl1"`) {
		t.Errorf("admin: %d %s", r.Status, r.Body)
	}
	// A replay is the admins' too; one for a consumer this service does not run is refused, and
	// one for a dead letter that is not there says so.
	for _, tc := range []struct {
		who    testenv.Client
		path   string
		status int
	}{{f.api.With(org), "/api/admin/exhibitor/dead-letters/dl1/replay", 403},
		{f.api.With(admin), "/api/admin/exhibitor/dead-letters/dl1/replay", 409},
		{f.api.With(admin), "/api/admin/exhibitor/dead-letters/nope/replay", 404}} {
		if r := tc.who.Do(t, "POST", tc.path, nil); r.Status != tc.status {
			t.Errorf("POST %s: %d %s, want %d", tc.path, r.Status, r.Body, tc.status)
		}
	}
}
