package localstack

import (
	"fmt"
	"math"
	"testing"
)

type demoBoothRect struct {
	code       string
	x, y, w, h float64
}

// demoBooths lays out plan's booths as the event service's grid generator does: codes are the
// prefix and a two-digit number, standard booths of 3 × 3 m side by side, rows 3 m apart.
func demoBooths(plan []demoGrid) []demoBoothRect {
	var out []demoBoothRect
	for _, g := range plan {
		n := 1
		for r := range g.Rows {
			for c := range g.Columns {
				out = append(out, demoBoothRect{fmt.Sprintf("%s%02d", g.Prefix, n), g.X + float64(c)*3, g.Y + float64(r)*6, 3, 3})
				n++
			}
		}
	}
	return out
}

// TestDemoPlansHaveNoOverlaps: no booth of a demo fair stands on another (walls may touch), all
// lie in the hall, and the fairs have the booths LoadDemo promises.
func TestDemoPlansHaveNoOverlaps(t *testing.T) {
	hanoi, week := demoPlans()
	for _, tt := range []struct {
		name   string
		plan   []demoGrid
		booths int
	}{{"Hà Nội fair", hanoi, 150}, {"Tây Ninh trade week", week, 50}} {
		t.Run(tt.name, func(t *testing.T) {
			bs := demoBooths(tt.plan)
			if len(bs) != tt.booths {
				t.Errorf("%d booths, want %d", len(bs), tt.booths)
			}
			codes := map[string]bool{}
			for i, a := range bs {
				if codes[a.code] {
					t.Errorf("booth code %s twice", a.code)
				}
				codes[a.code] = true
				if a.x < 0 || a.y < 0 || a.x+a.w > 2000 || a.y+a.h > 2000 {
					t.Errorf("%+v lies outside the hall", a)
				}
				for _, b := range bs[i+1:] {
					if math.Min(a.x+a.w, b.x+b.w)-math.Max(a.x, b.x) > 0.001 && math.Min(a.y+a.h, b.y+b.h)-math.Max(a.y, b.y) > 0.001 {
						t.Errorf("%s (x %g, y %g) overlaps %s (x %g, y %g)", a.code, a.x, a.y, b.code, b.x, b.y)
					}
				}
			}
		})
	}
}

// TestDemoLandmarksKeepOffBooths: each demo plan has an entrance, a stage, a B2B area and, where
// it has more than one grid, aisles between them; no landmark covers a booth, and all lie in the
// hall.
func TestDemoLandmarksKeepOffBooths(t *testing.T) {
	hanoi, week := demoPlans()
	for _, tt := range []struct {
		name   string
		plan   []demoGrid
		aisles int
	}{{"Hà Nội fair", hanoi, 3}, {"Tây Ninh trade week", week, 1}, {"lifecycle fair", []demoGrid{{Zone: "Khu trưng bày", Prefix: "M", Rows: 2, Columns: 5}}, 0}} {
		t.Run(tt.name, func(t *testing.T) {
			kinds := map[string]int{}
			for _, l := range demoLandmarks(tt.plan) {
				kinds[l.Kind]++
				if l.X < 0 || l.Y < 0 || l.X+l.W > 2000 || l.Y+l.H > 2000 {
					t.Errorf("%+v lies outside the hall", l)
				}
				for _, b := range demoBooths(tt.plan) {
					if math.Min(l.X+l.W, b.x+b.w)-math.Max(l.X, b.x) > 0.001 && math.Min(l.Y+l.H, b.y+b.h)-math.Max(l.Y, b.y) > 0.001 {
						t.Errorf("%s %q (x %g, y %g) covers %s", l.Kind, l.Label, l.X, l.Y, b.code)
					}
				}
			}
			if kinds["aisle"] != tt.aisles || kinds["entrance"] != 1 || kinds["stage"] != 1 || kinds["b2b_area"] != 1 {
				t.Errorf("landmarks by kind %v, want %d aisles, an entrance, a stage and a B2B area", kinds, tt.aisles)
			}
		})
	}
}
