package localstack

import (
	"context"
	"fmt"
)

// demoLandmark is an entrance, aisle, stage... of a demo fair's floor plan, as the body of
// POST /api/fairs/{id}/landmarks.
type demoLandmark struct {
	Kind, Label string
	X, Y, W, H  float64
}

// demoLandmarks draws the landmarks of a plan of grids: an aisle along each gap between grids
// (across the whole plan: grids stand in columns and rows), the main entrance with the
// information desk below the plan, and the stage, the B2B area and the toilets to its right.
func demoLandmarks(plan []demoGrid) []demoLandmark {
	var width, depth float64
	for _, g := range plan {
		w, d := g.size()
		width, depth = max(width, g.X+w), max(depth, g.Y+d)
	}
	var out []demoLandmark
	seenX, seenY := map[float64]bool{}, map[float64]bool{}
	for _, g := range plan {
		w, d := g.size()
		for _, o := range plan {
			if x := g.X + w; o.X == x+demoAisle && !seenX[x] {
				seenX[x] = true
				out = append(out, demoLandmark{Kind: "aisle", X: x, Y: 0, W: demoAisle, H: depth})
			}
			if y := g.Y + d; o.Y == y+demoAisle && !seenY[y] {
				seenY[y] = true
				out = append(out, demoLandmark{Kind: "aisle", Label: "Lối đi chính", X: 0, Y: y, W: width, H: demoAisle})
			}
		}
	}
	mid := float64(int(width/2) - 3)
	return append(out,
		demoLandmark{Kind: "entrance", Label: "Cổng chính", X: mid, Y: depth, W: 6, H: demoAisle},
		demoLandmark{Kind: "info_desk", Label: "Quầy thông tin", X: mid + 7, Y: depth, W: 3, H: demoAisle},
		demoLandmark{Kind: "stage", Label: "Sân khấu", X: width + demoAisle, Y: 0, W: 12, H: 8},
		demoLandmark{Kind: "b2b_area", Label: "Khu giao thương B2B", X: width + demoAisle, Y: 11, W: 12, H: 12},
		demoLandmark{Kind: "toilet", X: width + demoAisle, Y: 26, W: 6, H: demoAisle},
	)
}

// addDemoLandmarks draws plan's landmarks on a fair's floor plan.
func addDemoLandmarks(ctx context.Context, org demoClient, fairID string, plan []demoGrid) error {
	for _, l := range demoLandmarks(plan) {
		body := map[string]any{"kind": l.Kind, "label": l.Label, "x": l.X, "y": l.Y, "w": l.W, "h": l.H}
		if err := org.do(ctx, "POST", "/api/fairs/"+fairID+"/landmarks", body, nil); err != nil {
			return fmt.Errorf("demo: %s of the floor plan: %w", l.Kind, err)
		}
	}
	return nil
}
