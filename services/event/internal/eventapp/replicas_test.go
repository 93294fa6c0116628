package eventapp

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
)

// replica starts one replica of the service on a shared NATS and database server.
func replica(t *testing.T, natsURL, uri string, tokens testenv.Tokens) (*App, testenv.Client) {
	t.Helper()
	cfg := testenv.ServiceConfig(t, "event", natsURL)
	cfg.MongoURI = uri
	app, err := New(t.Context(), cfg, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return app, testenv.Client{Base: testenv.Serve(t, app.Run)}
}

// TestReplicasServeTheSameFairsFromTheirModels: the fair read model answers a replica's own writes
// at once, a replica that starts late is ready only once it has loaded and caught up, both then
// answer the same list and pages, and a write on either reaches the other through the stream.
func TestReplicasServeTheSameFairsFromTheirModels(t *testing.T) {
	e, natsURL, uri := firstReplica(t)
	tokens, api1, tok := e.tokens, e.api, e.org.Token

	ids := stepWritesAreReadAtOnce(t, e)
	_, api2 := replica(t, natsURL, uri, tokens)
	testenv.Eventually(t, "the late replica ready", func() bool { return api2.Do(t, "GET", "/readyz", nil).Status == 200 })
	adminTok, _ := tokens.Token(t, "admin", "")
	paths := []string{"/api/fairs", "/api/fairs?limit=2", "/api/fairs?q=mat%20ong", "/api/fairs?status=cancelled,published"}
	for _, id := range ids {
		paths = append(paths, "/api/fairs/"+id, "/api/fairs/"+id+"/booths")
	}
	for _, token := range []string{"", tok, adminTok} {
		sameAnswers(t, api1.With(token), api2.With(token), paths)
	}

	// A write on the late replica reaches the first one.
	if r := api2.With(tok).Do(t, "PATCH", "/api/fairs/"+ids[0], map[string]any{"theme": "Mật ong và sản phẩm từ ong"}); r.Status != 200 {
		t.Fatalf("patch on the second replica: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the first replica sees the second's write", func() bool {
		return bytes.Contains(e.org.Do(t, "GET", "/api/fairs/"+ids[0], nil).Body, []byte("sản phẩm từ ong"))
	})
	sameAnswers(t, api1.With(tok), api2.With(tok), paths)
}

// stepWritesAreReadAtOnce creates, changes, publishes and cancels fairs on one replica, reading
// each write back at once from the same replica, and returns the fairs' IDs.
func stepWritesAreReadAtOnce(t *testing.T, e env) []string {
	t.Helper()
	var ids []string
	for _, name := range []string{"Hội chợ Mật ong Hà Nội", "Tuần hàng OCOP", "Ong mật rừng U Minh"} {
		id := e.createFair(t, name)
		if r := e.org.Do(t, "GET", "/api/fairs/"+id, nil); r.Status != 200 {
			t.Fatalf("GET a fair right after creating it: %d %s", r.Status, r.Body)
		}
		ids = append(ids, id)
	}
	// A visitor's list is kept encoded between changes: it must change with the first publish.
	anon := e.org.With("")
	if r := anon.Do(t, "GET", "/api/fairs", nil); r.Status != 200 || bytes.Contains(r.Body, []byte(ids[0])) {
		t.Fatalf("a visitor's fair list before any publish: %d %s", r.Status, r.Body)
	}
	for _, step := range []struct{ method, path string }{
		{"POST", "/api/fairs/" + ids[0] + "/publish"},
		{"POST", "/api/fairs/" + ids[1] + "/publish"},
		{"PATCH", "/api/fairs/" + ids[2]},
		{"POST", "/api/fairs/" + ids[1] + "/cancel"},
	} {
		body := map[string]any{}
		switch step.method {
		case "PATCH":
			body = map[string]any{"name_en": "U Minh forest honey"}
		case "POST":
			body = map[string]any{"reason": "mưa bão"}
		}
		if step.path == "/api/fairs/"+ids[0]+"/publish" || step.path == "/api/fairs/"+ids[1]+"/publish" {
			body = nil
		}
		r := e.org.Do(t, step.method, step.path, body)
		if r.Status != 200 {
			t.Fatalf("%s %s: %d %s", step.method, step.path, r.Status, r.Body)
		}
		var wrote struct{ ID string }
		r.Decode(t, &wrote)
		if got := e.org.Do(t, "GET", "/api/fairs/"+wrote.ID, nil); !bytes.Equal(got.Body, r.Body) {
			t.Errorf("GET right after %s %s = %s, want what the write answered %s", step.method, step.path, got.Body, r.Body)
		}
		if step.path == "/api/fairs/"+ids[0]+"/publish" && !bytes.Contains(anon.Do(t, "GET", "/api/fairs", nil).Body, []byte(ids[0])) {
			t.Errorf("a visitor's fair list right after a publish does not show the fair")
		}
	}
	return ids
}

var correlationID = regexp.MustCompile(`"correlation_id":"[^"]*"`)

// sameAnswers fails the test unless both clients get the same status and body on every path.
func sameAnswers(t *testing.T, a, b testenv.Client, paths []string) {
	t.Helper()
	for _, p := range paths {
		ra, rb := a.Do(t, "GET", p, nil), b.Do(t, "GET", p, nil)
		// Problems name their request's correlation ID, which differs by request.
		ba, bb := correlationID.ReplaceAll(ra.Body, nil), correlationID.ReplaceAll(rb.Body, nil)
		if ra.Status != rb.Status || !bytes.Equal(ba, bb) {
			t.Errorf("GET %s: first replica %d %s, second %d %s", p, ra.Status, ra.Body, rb.Status, rb.Body)
		}
	}
}

// firstReplica starts a replica on a fresh NATS and a database that a second replica can share,
// waits until it is ready, and returns it with an organiser signed in.
func firstReplica(t *testing.T) (e env, natsURL, uri string) {
	t.Helper()
	_, natsURL = testenv.NATS(t)
	uri = testenv.SharedURI(t)
	tokens := testenv.NewTokens(t)
	first, api1 := replica(t, natsURL, uri, tokens)
	testenv.Eventually(t, "the first replica ready", func() bool { return api1.Do(t, "GET", "/readyz", nil).Status == 200 })
	tok, orgID := tokens.Token(t, "organiser", "")
	return env{app: first, api: api1, tokens: tokens, org: api1.With(tok), orgID: orgID, js: first.Host.JS}, natsURL, uri
}
