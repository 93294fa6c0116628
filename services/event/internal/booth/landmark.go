package booth

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kinds of landmark: what a visitor finds on the floor besides booths.
const (
	Entrance = "entrance"
	Exit     = "exit"
	Aisle    = "aisle"
	Stage    = "stage"
	B2BArea  = "b2b_area"
	InfoDesk = "info_desk"
	Toilet   = "toilet"
	Other    = "other"
)

// LandmarkKinds lists landmark kinds in the order a legend shows them.
var LandmarkKinds = []string{Entrance, Exit, Aisle, Stage, B2BArea, InfoDesk, Toilet, Other}

// MaxLandmarks caps the landmarks of one fair's plan.
const MaxLandmarks = 200

// Landmark is a place on a fair's floor plan that is not a booth: an entrance, an aisle, the
// stage, the B2B area. Like a booth it stands by its top-left corner, in metres inside the hall.
type Landmark struct {
	FairID string
	ID     string
	Kind   string
	// Label names it on the map (Vietnamese, may be empty: the kind's name is shown).
	Label string
	X, Y  float64
	W, H  float64
}

// Solid reports whether booths must keep off l: every kind but Other takes its floor (an
// entrance, a stage or an aisle covered by a booth would no longer be one); landmarks may overlap
// each other (a stage at the end of an aisle).
func (l Landmark) Solid() bool { return l.Kind != Other }

// area is l's floor as a booth, for the overlap checks.
func (l Landmark) area() Booth {
	return Booth{FairID: l.FairID, Code: l.ID, X: l.X, Y: l.Y, W: l.W, H: l.H}
}

// NormalizeLandmark validates l, cleans its label and fills the default size of its kind.
func NormalizeLandmark(l Landmark) (Landmark, error) {
	var v apperr.Validation
	l.Kind = strings.TrimSpace(l.Kind)
	v.Expect(slices.Contains(LandmarkKinds, l.Kind), "kind", apperr.OneOf, apperr.OrOf(LandmarkKinds...))
	l.Label = vntext.Clean(l.Label)
	v.Expect(utf8.RuneCountInString(l.Label) <= 60, "label", msgLandmarkLabel, 60)
	if l.W == 0 && l.H == 0 {
		l.W, l.H = 3, 3
	}
	v.Expect(l.W >= 1 && l.W <= HallSize && l.H >= 1 && l.H <= HallSize, "size", msgLandmarkSize, 1, HallSize)
	if v.Expect(l.X >= 0 && l.X <= HallSize && l.Y >= 0 && l.Y <= HallSize, "position", msgPosition, 0, HallSize) && !v.Failed() {
		v.Expect(Inside(l.area()), "position", msgLandmarkOutside, HallSize)
	}
	return l, v.Err()
}

// landmarkName is how a refusal names a landmark: its label, or its kind in the reader's words.
func landmarkName(l Landmark) any {
	if l.Label != "" {
		return l.Label
	}
	return landmarkKindName[l.Kind]
}

// OnLandmarks returns, for each booth of placed, the first solid landmark it shares floor with
// (booths missing from the map share none).
func OnLandmarks(placed []Booth, landmarks []Landmark) map[string]Landmark {
	out := map[string]Landmark{}
	for _, b := range placed {
		for _, l := range landmarks {
			if l.Solid() && overlap(b, l.area()) {
				out[b.Code] = l
				break
			}
		}
	}
	return out
}

// Covered returns the booths of plan that a solid landmark l would share floor with.
func Covered(l Landmark, plan []Booth) []Booth {
	if !l.Solid() {
		return nil
	}
	var out []Booth
	for _, b := range plan {
		if overlap(b, l.area()) {
			out = append(out, b)
		}
	}
	return out
}
