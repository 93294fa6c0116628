package eventapp

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ocopfair/ocopfair/services/event/internal/booth"
)

// plan is the codes and places of fair id's booths, as its organiser reads them, sorted.
func (e env) plan(t *testing.T, id string) string {
	t.Helper()
	var p struct {
		Booths []struct {
			Code string
			X, Y float64
		}
	}
	e.org.Do(t, "GET", "/api/fairs/"+id+"/booths", nil).Decode(t, &p)
	out := make([]string, len(p.Booths))
	for i, b := range p.Booths {
		out[i] = fmt.Sprintf("%s@%g,%g", b.Code, b.X, b.Y)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// An add never replaces a booth on the plan, so never leaves a booth over one it would have
// replaced, and a refused add stores none of its booths: a list naming a code on the plan and a
// grid making one are refused whole, with the code named. A plan holds at most MaxBoothsPerFair.
func TestAnAddOfACodeOnThePlanIsRefusedWhole(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Sông Đà")
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 3}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	before := e.plan(t, id)
	list := map[string]any{"booths": []map[string]any{{"code": "X01", "zone": "Khu A", "x": 3, "y": 0}, {"code": "X02", "zone": "Khu A", "x": 50, "y": 50},
		{"code": "A02", "zone": "Khu A", "x": 900, "y": 900}}}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", list); r.Status != 409 || !strings.Contains(string(r.Body), "A02") {
		t.Errorf("a list naming A02, on the plan: %d %s, want 409 naming A02", r.Status, r.Body)
	}
	grid := map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 1, "columns": 4, "origin_x": 300, "origin_y": 300}}
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", grid); r.Status != 409 || !strings.Contains(string(r.Body), "A01, A02, A03") {
		t.Errorf("a grid making A01–A04 over A01–A03: %d %s, want 409 naming A01, A02, A03", r.Status, r.Body)
	}
	if after := e.plan(t, id); after != before {
		t.Errorf("after refused adds the plan is %s, want it as before: %s", after, before)
	}
	for i, prefix := range []string{"B", "C", "D", "E"} {
		g := map[string]any{"zone": "Khu " + prefix, "prefix": prefix, "rows": 15, "columns": 50, "origin_x": 0, "origin_y": 10 + i*100}
		r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": g})
		if want := 201; i == 3 {
			if r.Status != 422 || !strings.Contains(string(r.Body), fmt.Sprintf("tối đa %d gian hàng (hiện có 2253)", booth.MaxBoothsPerFair)) {
				t.Errorf("a grid taking the plan past %d booths: %d %.300s, want 422", booth.MaxBoothsPerFair, r.Status, r.Body)
			}
		} else if r.Status != want {
			t.Fatalf("grid %s: %d %.300s", prefix, r.Status, r.Body)
		}
	}
}
