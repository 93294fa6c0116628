package eventapp

import (
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
)

type mapLandmark struct {
	ID, Kind, Label string
	X, Y, W, H      float64
}

// landmarks reads the landmarks of a fair's map as the client sees them.
func landmarks(t *testing.T, c testenv.Client, fairID string) []mapLandmark {
	t.Helper()
	var m struct{ Landmarks []mapLandmark }
	if r := c.Do(t, "GET", "/api/fairs/"+fairID+"/booths", nil); r.Status != 200 {
		t.Fatalf("GET the map: %d %s", r.Status, r.Body)
	} else {
		r.Decode(t, &m)
	}
	return m.Landmarks
}

// TestFloorPlanLandmarks: an organiser draws an entrance and an aisle on the plan, moves and
// renames them, and removes one; the map, read between every change (its answer is kept until
// the plan changes), shows each change at once. Landmarks past the hall, over booths, and booths
// on solid landmarks are refused with field errors; other roles and other organisers cannot
// draw; a retried creating request adds one landmark.
func TestFloorPlanLandmarks(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Quảng Ninh")
	testenv.Eventually(t, "the service ready", func() bool { return e.api.Do(t, "GET", "/readyz", nil).Status == 200 })
	e.org.Do(t, "POST", "/api/fairs/"+id+"/publish", nil)
	if r := e.org.Do(t, "POST", "/api/fairs/"+id+"/booths", map[string]any{"grid": map[string]any{"zone": "Khu A", "prefix": "A", "rows": 2, "columns": 4}}); r.Status != 201 {
		t.Fatalf("grid: %d %s", r.Status, r.Body)
	}
	path := "/api/fairs/" + id + "/landmarks"
	if got := landmarks(t, e.api, id); len(got) != 0 {
		t.Fatalf("a new plan has landmarks %+v", got)
	}
	// The aisle of the grid: rows at y 0–3 and 6–9.
	var aisle mapLandmark
	r := e.org.Do(t, "POST", path, map[string]any{"kind": "aisle", "label": "Lối đi chính", "x": 0, "y": 3, "w": 12, "h": 3}, "Idempotency-Key", "aisle-1")
	if r.Status != 201 {
		t.Fatalf("add the aisle: %d %s", r.Status, r.Body)
	}
	r.Decode(t, &aisle)
	if again := e.org.Do(t, "POST", path, map[string]any{"kind": "aisle", "label": "Lối đi chính", "x": 0, "y": 3, "w": 12, "h": 3}, "Idempotency-Key", "aisle-1"); again.Status != 201 {
		t.Fatalf("the aisle again: %d %s", again.Status, again.Body)
	}
	if got := landmarks(t, e.api, id); len(got) != 1 || got[0] != aisle || aisle.Kind != "aisle" || aisle.Label != "Lối đi chính" {
		t.Fatalf("the map right after adding the aisle (twice) shows %+v, want one %+v", got, aisle)
	}
	var entrance mapLandmark
	e.org.Do(t, "POST", path, map[string]any{"kind": "entrance", "x": 14, "y": 0}).Decode(t, &entrance)
	if got := landmarks(t, e.api, id); len(got) != 2 || got[1].Kind != "entrance" || got[1].W != 3 || got[1].H != 3 {
		t.Fatalf("the map right after adding the entrance shows %+v, want the aisle and a 3 × 3 m entrance", got)
	}
	if r := e.org.Do(t, "PATCH", path+"/"+entrance.ID, map[string]any{"x": 20, "label": "Cổng chính"}); r.Status != 200 {
		t.Fatalf("move the entrance: %d %s", r.Status, r.Body)
	}
	if got := landmarks(t, e.api, id); len(got) != 2 || got[1].X != 20 || got[1].Label != "Cổng chính" {
		t.Errorf("the map right after moving the entrance shows %+v, want it at x 20 named Cổng chính", got)
	}

	wantField(t, refused(t, e.org, "POST", path, map[string]any{"kind": "stage", "x": 1999, "y": 0}, "en"), 0, apperr.FieldError{Field: "position",
		Code: "landmark_outside_hall", Message: "reaches outside the hall: its right and bottom edges must stay within 2000 metres of the top-left corner"})
	wantField(t, refused(t, e.org, "POST", path, map[string]any{"kind": "tent"}, "en"), 0, apperr.FieldError{Field: "kind", Code: "one_of",
		Message: "must be entrance, exit, aisle, stage, b2b_area, info_desk, toilet or other"})
	wantField(t, refused(t, e.org, "PATCH", path+"/"+entrance.ID, map[string]any{"x": 10}, "vi"), 0, apperr.FieldError{Field: "position",
		Code: "landmark_over_booth", Message: "Cổng chính chồng lên gian A04; hãy dời hoặc thu nhỏ nó, hoặc dời gian hàng"})
	wantField(t, refused(t, e.org, "POST", path, map[string]any{"kind": "stage", "x": 2, "y": 7}, "en"), 0, apperr.FieldError{Field: "position",
		Code: "landmark_over_booth", Message: "The stage covers booth A05; move or shrink it, or move the booth"})
	wantField(t, refused(t, e.org, "PATCH", "/api/fairs/"+id+"/booths/A01", map[string]any{"y": 2}, "en"), 0, apperr.FieldError{Field: "position",
		Code: "booth_on_landmark", Message: "booth A01 stands on Lối đi chính; move or shrink the booth"})
	if r := e.org.Do(t, "POST", path, map[string]any{"kind": "other", "label": "Cột", "x": 1, "y": 1, "w": 1, "h": 1}); r.Status != 201 {
		t.Errorf("a pillar (other) inside a booth: %d %s", r.Status, r.Body)
	}

	e.othersAreRefused(t, path, entrance.ID)
	if r := e.org.Do(t, "DELETE", path+"/"+aisle.ID, nil); r.Status != 204 {
		t.Fatalf("delete the aisle: %d %s", r.Status, r.Body)
	}
	if got := landmarks(t, e.api, id); len(got) != 2 || got[0].ID == aisle.ID {
		t.Errorf("the map right after deleting the aisle shows %+v", got)
	}
	if r := e.org.Do(t, "DELETE", path+"/"+aisle.ID, nil, "Accept-Language", "en"); r.Status != 404 {
		t.Errorf("delete the aisle again: %d %s, want 404", r.Status, r.Body)
	}
}

// TestReplicasShareLandmarks: a replica that starts late loads the landmarks drawn before it, and
// one drawn on it reaches the first replica's map through the floor plan's event.
func TestReplicasShareLandmarks(t *testing.T) {
	e, natsURL, uri := firstReplica(t)
	id := e.createFair(t, "Hội chợ OCOP Lào Cai")
	path := "/api/fairs/" + id + "/landmarks"
	if r := e.org.Do(t, "POST", path, map[string]any{"kind": "stage", "label": "Sân khấu chính", "x": 10, "y": 10, "w": 8, "h": 5}); r.Status != 201 {
		t.Fatalf("add the stage: %d %s", r.Status, r.Body)
	}
	_, api2 := replica(t, natsURL, uri, e.tokens)
	testenv.Eventually(t, "the late replica ready", func() bool { return api2.Do(t, "GET", "/readyz", nil).Status == 200 })
	if got := landmarks(t, api2.With(e.org.Token), id); len(got) != 1 || got[0].Label != "Sân khấu chính" {
		t.Fatalf("the late replica's map has landmarks %+v, want the stage", got)
	}
	if r := api2.With(e.org.Token).Do(t, "POST", path, map[string]any{"kind": "b2b_area", "x": 30, "y": 10, "w": 10, "h": 8}); r.Status != 201 {
		t.Fatalf("add the B2B area on the second replica: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the B2B area on the first replica's map", func() bool {
		got := landmarks(t, e.org, id)
		return len(got) == 2 && got[1].Kind == "b2b_area"
	})
}

// othersAreRefused: no one but the fair's organisers adds, moves or deletes its landmarks.
func (e env) othersAreRefused(t *testing.T, path, landmark string) {
	producer, _ := e.tokens.Token(t, "producer", "")
	otherOrg, _ := e.tokens.Token(t, "organiser", "")
	for _, c := range []struct {
		name, token, method, path string
		want                      int
	}{
		{"anonymous adds", "", "POST", path, 401},
		{"producer adds", producer, "POST", path, 403},
		{"producer deletes", producer, "DELETE", path + "/" + landmark, 403},
		{"other organiser adds", otherOrg, "POST", path, 403},
		{"other organiser moves", otherOrg, "PATCH", path + "/" + landmark, 403},
		{"other organiser deletes", otherOrg, "DELETE", path + "/" + landmark, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"kind": "exit", "x": 30}
			if c.method == "DELETE" {
				body = nil // a delete takes no body
			}
			if r := e.api.With(c.token).Do(t, c.method, c.path, body); r.Status != c.want {
				t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, r.Status, c.want, r.Body)
			}
		})
	}
}
