package eventapp

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

type mapBooth struct {
	Code   string
	Status string
	Price  int64
	Holder *struct {
		ProducerName string `json:"producer_name"`
	}
}

// booths reads the map of a fair as the client sees it, by booth code.
func booths(t *testing.T, c testenv.Client, fairID string) map[string]mapBooth {
	t.Helper()
	r := c.Do(t, "GET", "/api/fairs/"+fairID+"/booths", nil)
	if r.Status != 200 {
		t.Fatalf("GET the map: %d %s", r.Status, r.Body)
	}
	var m struct{ Booths []mapBooth }
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]mapBooth{}
	for _, b := range m.Booths {
		out[b.Code] = b
	}
	return out
}

// TestReplicasServeTheSameFloorPlan: the floor-plan model shows a replica's own layout changes,
// assignments and releases at once; a replica that starts late serves the same map once ready;
// and layout changes and assignments made on it reach the first replica through the streams.
func TestReplicasServeTheSameFloorPlan(t *testing.T) {
	e, natsURL, uri := firstReplica(t)
	tokens, api1, tok := e.tokens, e.api, e.org.Token
	id := e.createFair(t, "Hội chợ Mật ong")
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 2, "columns": 3}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	if got := len(booths(t, api1, id)); got != 6 {
		t.Fatalf("map right after adding 6 booths has %d", got)
	}
	for _, app := range []string{"app1", "app2"} {
		e.publishApplication(t, approved(app, id, "19", 4, 1, 1), events.ApplicationApproved)
	}
	assign := func(c testenv.Client, code, app string) {
		t.Helper()
		testenv.Eventually(t, "assign "+code, func() bool {
			return c.Do(t, "PUT", "/api/fairs/"+id+"/booths/"+code+"/assignment", map[string]string{"application_id": app}).Status == 200
		})
	}
	assign(e.org, "A01", "app1")
	if got := booths(t, api1, id)["A01"].Status; got != "assigned" {
		t.Errorf("A01 right after its assignment is %s, want assigned", got)
	}
	assign(e.org, "A02", "app2")
	// Read just before (above) and just after a change: a map kept from before must not answer.
	if got := booths(t, api1, id)["A02"].Status; got != "assigned" {
		t.Errorf("A02 right after its assignment is %s, want assigned", got)
	}
	if r := e.org.Do(t, "DELETE", "/api/fairs/"+id+"/booths/A02/assignment", nil); r.Status != 204 {
		t.Fatalf("release A02: %d %s", r.Status, r.Body)
	}
	if got := booths(t, api1, id)["A02"].Status; got != "available" {
		t.Errorf("A02 right after its release is %s, want available", got)
	}
	if r := e.org.Do(t, "PATCH", "/api/fairs/"+id+"/booths/A03", map[string]any{"price": 7_000_000}); r.Status != 200 {
		t.Fatalf("patch A03: %d %s", r.Status, r.Body)
	}
	if r := e.org.Do(t, "DELETE", "/api/fairs/"+id+"/booths/A06", nil); r.Status != 204 {
		t.Fatalf("delete A06: %d %s", r.Status, r.Body)
	}
	m := booths(t, api1, id)
	if m["A01"].Status != "assigned" || m["A02"].Status != "available" || m["A03"].Price != 7_000_000 || len(m) != 5 {
		t.Errorf("map right after the writes = %+v, want A01 assigned, A02 available, A03 at 7,000,000, A06 gone", m)
	}
	testenv.Eventually(t, "A01's holder named", func() bool {
		h := booths(t, api1, id)["A01"].Holder
		return h != nil && h.ProducerName == "HTX app1"
	})

	_, api2 := replica(t, natsURL, uri, tokens)
	testenv.Eventually(t, "the late replica ready", func() bool { return api2.Do(t, "GET", "/readyz", nil).Status == 200 })
	paths := []string{"/api/fairs/" + id + "/booths"}
	sameAnswers(t, api1, api2, paths)
	sameAnswers(t, api1.With(tok), api2.With(tok), paths)

	// Writes on the late replica reach the first.
	org2 := api2.With(tok)
	if r := org2.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"booths": []map[string]any{{"code": "B01", "zone": "Khu B", "x": 20}}}); r.Status != 201 {
		t.Fatalf("add B01 on the second replica: %d %s", r.Status, r.Body)
	}
	assign(org2, "A04", "app2")
	testenv.Eventually(t, "the first replica shows the second's writes", func() bool {
		m := booths(t, api1, id)
		return m["B01"].Code == "B01" && m["A04"].Status == "assigned"
	})
	a, b := api1.Do(t, "GET", paths[0], nil), api2.Do(t, "GET", paths[0], nil)
	if !bytes.Equal(a.Body, b.Body) {
		t.Errorf("maps differ: first replica %s, second %s", a.Body, b.Body)
	}
}
