package eventapp

import (
	"slices"
	"testing"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/services/event/internal/booth"
)

// refused sends a layout change that must be refused with 422 and returns its field errors.
func refused(t *testing.T, c testenv.Client, method, path string, body any, lang string) []apperr.FieldError {
	t.Helper()
	r := c.Do(t, method, path, body, "Accept-Language", lang)
	if r.Status != 422 {
		t.Fatalf("%s %s = %d %s, want 422", method, path, r.Status, r.Body)
	}
	var p httpx.Problem
	r.Decode(t, &p)
	if p.Code != "invalid_fields" || len(p.Errors) == 0 {
		t.Fatalf("%s %s = %d %s, want 422 with field errors", method, path, r.Status, r.Body)
	}
	return p.Errors
}

func sameField(a, b apperr.FieldError) bool {
	return a.Field == b.Field && a.Code == b.Code && a.Message == b.Message
}

func wantField(t *testing.T, got []apperr.FieldError, i int, want apperr.FieldError) {
	t.Helper()
	if i >= len(got) || !sameField(got[i], want) {
		t.Errorf("field error %d of %+v, want %+v", i, got, want)
	}
}

func wantAmong(t *testing.T, got []apperr.FieldError, want apperr.FieldError) {
	t.Helper()
	if !slices.ContainsFunc(got, func(f apperr.FieldError) bool { return sameField(f, want) }) {
		t.Errorf("field errors %+v, want one %+v", got, want)
	}
}

// TestFloorPlanRefusesOverlaps lays out the demo trade week's plan through the API: a grid over
// the last row of another (Q01–Q05 at y 26–29 over P21–P25 at y 24–27) is refused naming both
// booths, in either language; grids and booths whose walls only touch are taken; booths of one
// list overlapping each other, a booth moved onto another and one past the hall are refused;
// nothing refused is stored.
func TestFloorPlanRefusesOverlaps(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Tuần hàng OCOP Tây Ninh")
	testenv.Eventually(t, "the service ready", func() bool { return e.api.Do(t, "GET", "/readyz", nil).Status == 200 })
	path := "/api/fairs/" + id + "/booths"
	grid := func(prefix string, originY int) map[string]any {
		return map[string]any{"grid": map[string]any{"zone": "Khu " + prefix, "prefix": prefix, "rows": 5, "columns": 5, "origin_y": originY}}
	}
	if r := e.org.Do(t, "POST", path, grid("P", 0)); r.Status != 201 {
		t.Fatalf("grid P: %d %s", r.Status, r.Body)
	}
	got := refused(t, e.org, "POST", path, grid("Q", 26), "vi")
	if len(got) != 5 {
		t.Errorf("a row over a row: %d field errors, want 5 (Q01–Q05): %+v", len(got), got)
	}
	wantField(t, got, 0, apperr.FieldError{Field: "grid.position", Code: "booth_overlap",
		Message: "gian Q01 chồng lên gian P21; hãy dời hoặc thu nhỏ một trong hai gian"})
	wantField(t, refused(t, e.org, "POST", path, grid("Q", 26), "en"), 4, apperr.FieldError{Field: "grid.position", Code: "booth_overlap",
		Message: "booth Q05 overlaps booth P25; move or shrink one of them"})
	if r := e.org.Do(t, "POST", path, grid("Q", 27)); r.Status != 201 {
		t.Fatalf("grid Q touching P's last row: %d %s", r.Status, r.Body)
	}

	pair := func(x2 float64) map[string]any {
		return map[string]any{"booths": []map[string]any{{"code": "R01", "zone": "Khu R", "x": 40}, {"code": "R02", "zone": "Khu R", "x": x2, "y": 1}}}
	}
	wantField(t, refused(t, e.org, "POST", path, pair(42), "en"), 0, apperr.FieldError{Field: "booths[0].position", Code: "booth_overlap",
		Message: "booth R01 overlaps booth R02; move or shrink one of them"})
	if r := e.org.Do(t, "POST", path, pair(43)); r.Status != 201 {
		t.Fatalf("R01 and R02 side by side: %d %s", r.Status, r.Body)
	}
	wantField(t, refused(t, e.org, "PATCH", path+"/R02", map[string]any{"x": 41.5}, "vi"), 0, apperr.FieldError{Field: "position", Code: "booth_overlap",
		Message: "gian R02 chồng lên gian R01; hãy dời hoặc thu nhỏ một trong hai gian"})
	wantField(t, refused(t, e.org, "PATCH", path+"/R01", map[string]any{"w": 3.5}, "en"), 0, apperr.FieldError{Field: "position", Code: "booth_overlap",
		Message: "booth R01 overlaps booth R02; move or shrink one of them"})
	wantField(t, refused(t, e.org, "PATCH", path+"/R02", map[string]any{"y": 1999}, "en"), 0, apperr.FieldError{Field: "position", Code: "booth_outside_hall",
		Message: "booth R02 reaches outside the hall: its right and bottom edges must stay within 2000 metres of the top-left corner"})
	if r := e.org.Do(t, "PATCH", path+"/R02", map[string]any{"x": 50, "price": 9_000_000}); r.Status != 200 {
		t.Fatalf("move R02 to free floor: %d %s", r.Status, r.Body)
	}
	m := booths(t, e.org, id)
	if len(m) != 52 || m["Q01"].Code != "Q01" || m["R02"].Price != 9_000_000 {
		t.Errorf("the plan after the refusals has %d booths (want 52: P, Q, R01, R02 moved)", len(m))
	}
	var plan struct {
		Booths []struct {
			Code       string
			X, Y, W, H float64
		}
	}
	e.org.Do(t, "GET", path, nil).Decode(t, &plan)
	placed := make([]booth.Booth, len(plan.Booths))
	for i, b := range plan.Booths {
		placed[i] = booth.Booth{Code: b.Code, X: b.X, Y: b.Y, W: b.W, H: b.H}
	}
	if o := booth.Overlaps(placed, nil); len(o) > 0 {
		t.Errorf("the stored plan has overlaps: %+v", o)
	}
}

// TestFloorPlanStoredWithOverlaps: a plan stored before the rule, with booths over each other,
// is still served and exported, its booths can still be priced, blocked and deleted; only moving
// a booth onto another is refused, and moving it to free floor is taken.
func TestFloorPlanStoredWithOverlaps(t *testing.T) {
	e := setup(t)
	id := e.createFair(t, "Hội chợ OCOP Tây Ninh")
	// Written to the database as a release before the rule wrote it, past the API's check.
	old := []booth.Booth{
		{FairID: id, Code: "P21", Zone: "Khu đặc sản", Kind: booth.Standard, X: 0, Y: 24, W: 3, H: 3},
		{FairID: id, Code: "Q01", Zone: "Khu thủ công", Kind: booth.Standard, X: 0, Y: 26, W: 3, H: 3},
		{FairID: id, Code: "Q02", Zone: "Khu thủ công", Kind: booth.Standard, X: 3, Y: 26, W: 3, H: 3},
	}
	if _, err := booth.NewStore(e.app.Host.DB).AddBooths(t.Context(), old); err != nil {
		t.Fatal(err)
	}
	path := "/api/fairs/" + id + "/booths"
	testenv.Eventually(t, "the stored plan on the map", func() bool { return len(booths(t, e.org, id)) == 3 })
	for _, format := range []string{"csv", "xlsx"} {
		if r := e.org.Do(t, "GET", path+"?format="+format, nil); r.Status != 200 {
			t.Errorf("download the plan as %s: %d %s", format, r.Status, r.Body)
		}
	}
	if r := e.org.Do(t, "PATCH", path+"/Q01", map[string]any{"price": 8_000_000, "status": "blocked"}); r.Status != 200 {
		t.Errorf("price and block Q01 where it stands: %d %s", r.Status, r.Body)
	}
	onto := refused(t, e.org, "PATCH", path+"/Q01", map[string]any{"x": 2}, "vi")
	for _, other := range []string{"P21", "Q02"} {
		wantAmong(t, onto, apperr.FieldError{Field: "position", Code: "booth_overlap",
			Message: "gian Q01 chồng lên gian " + other + "; hãy dời hoặc thu nhỏ một trong hai gian"})
	}
	if r := e.org.Do(t, "PATCH", path+"/Q01", map[string]any{"y": 27}); r.Status != 200 {
		t.Errorf("move Q01 off P21: %d %s", r.Status, r.Body)
	}
	if r := e.org.Do(t, "DELETE", path+"/Q02", nil); r.Status != 204 {
		t.Errorf("delete Q02: %d %s", r.Status, r.Body)
	}
	if m := booths(t, e.org, id); len(m) != 2 || m["Q01"].Status != "blocked" {
		t.Errorf("the plan after the edits = %+v", m)
	}
}
