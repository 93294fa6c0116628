package eventapp

import (
	"fmt"
	"net/http"
	"testing"
)

// fairScopedRoutes are every route under /api/fairs/{id} that only the fair's organisers (and
// admins) may use, with a body each would accept; %s is the fair's ID.
var fairScopedRoutes = []struct {
	method, path string
	body         any
}{
	{"PATCH", "/api/fairs/%s", map[string]any{"theme": "Chiếm quyền"}},
	{"POST", "/api/fairs/%s/publish", nil},
	{"POST", "/api/fairs/%s/close-applications", nil},
	{"POST", "/api/fairs/%s/start", nil},
	{"POST", "/api/fairs/%s/complete", nil},
	{"POST", "/api/fairs/%s/cancel", map[string]string{"reason": "Chiếm quyền"}},
	{"PUT", "/api/fairs/%s/b2b-sessions", map[string]any{"days": []any{}}},
	{"POST", "/api/fairs/%s/booths", map[string]any{"booths": []map[string]any{{"code": "Z01", "zone": "Khu Z"}}}},
	{"GET", "/api/fairs/%s/booths?format=csv", nil},
	{"GET", "/api/fairs/%s/booths?format=xlsx", nil},
	{"PATCH", "/api/fairs/%s/booths/A01", map[string]any{"price": 1}},
	{"DELETE", "/api/fairs/%s/booths/A02", nil},
	{"PUT", "/api/fairs/%s/booths/A01/assignment", map[string]string{"application_id": "x"}},
	{"DELETE", "/api/fairs/%s/booths/A01/assignment", nil},
	{"POST", "/api/fairs/%s/allocation", nil},
	{"POST", "/api/fairs/%s/allocation/commit", nil},
	{"GET", "/api/fairs/%s/report", nil},
	{"GET", "/api/fairs/%s/exhibitors", nil},
	{"GET", "/api/fairs/%s/exhibitors?format=csv", nil},
}

func TestFairScopedRoutesAreTheOrganisersOnly(t *testing.T) {
	e := setup(t)
	published := e.createFair(t, "Hội chợ OCOP đã công bố")
	if r := e.org.Do(t, "POST", "/api/fairs/"+published+"/publish", nil); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	draft := e.createFair(t, "Hội chợ OCOP bản nháp")
	for _, id := range []string{published, draft} {
		if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 2}}); r.Status != 201 {
			t.Fatalf("grid: %d %s", r.Status, r.Body)
		}
	}
	otherOrg, _ := e.tokens.Token(t, "organiser", "")
	producer, _ := e.tokens.Token(t, "producer", "")
	for _, c := range []struct {
		name, token, fair string
		want              int
	}{
		{"another fair's organiser, published", otherOrg, published, http.StatusForbidden},
		{"another fair's organiser, draft", otherOrg, draft, http.StatusNotFound},
		{"producer, published", producer, published, http.StatusForbidden},
	} {
		for _, rt := range fairScopedRoutes {
			path := fmt.Sprintf(rt.path, c.fair)
			t.Run(c.name+" "+rt.method+" "+rt.path, func(t *testing.T) {
				if r := e.api.With(c.token).Do(t, rt.method, path, rt.body); r.Status != c.want {
					t.Errorf("%s %s: %d %s, want %d", rt.method, path, r.Status, r.Body, c.want)
				}
			})
		}
	}
	var f struct{ Status, Theme string }
	e.org.Do(t, "GET", "/api/fairs/"+published, nil).Decode(t, &f)
	if f.Status != "published" || f.Theme != "" {
		t.Errorf("the fair after the attempts: %+v, want it unchanged", f)
	}
	var m struct {
		Booths []struct{ Code, Status string }
	}
	e.api.Do(t, "GET", "/api/fairs/"+published+"/booths", nil).Decode(t, &m)
	if len(m.Booths) != 2 || m.Booths[0].Status != "available" || m.Booths[1].Status != "available" {
		t.Errorf("the floor plan after the attempts: %+v, want A01 and A02 unchanged", m.Booths)
	}
}
