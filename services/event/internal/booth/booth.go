// Package booth is a fair's floor plan: zones and booths with their kind, position and size in
// metres for drawing a map, price and status, and the assignment of booths to exhibitors. A booth
// is held by at most one application: the active assignment's "slot" key is unique in the
// database, which holds across replicas without transactions.
//
// Routes serve the floor plan (the map, the booth-plan download, editing booths, assigning and
// releasing them by hand); Consumers release booths when their fair is cancelled or their
// application ends.
package booth

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Kinds of booth and their default sizes in metres (width × depth).
const (
	Standard = "standard"
	Corner   = "corner"
	Double   = "double"
	Premium  = "premium"
)

// Kinds lists booth kinds.
var Kinds = []string{Standard, Corner, Double, Premium}

var defaultSize = map[string][2]float64{Standard: {3, 3}, Corner: {3, 3}, Double: {6, 3}, Premium: {6, 6}}

// Status of a booth on the map.
const (
	Available = "available"
	Reserved  = "reserved" // held back by the organiser
	Assigned  = "assigned"
	Blocked   = "blocked" // not usable (pillar, exit, stage)
)

// Booth is one booth of a fair.
type Booth struct {
	FairID string
	Code   string
	Zone   string
	Kind   string
	X, Y   float64
	W, H   float64
	Price  int64
	// Hold is "", Reserved or Blocked: set by the organiser, independent of assignment.
	Hold string
}

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,11}$`)

// Normalize validates b, fills the default size of its kind and upper-cases its code. field
// prefixes the names in field errors.
func Normalize(b Booth, field string) (Booth, error) {
	var v apperr.Validation
	b.Code = strings.ToUpper(strings.TrimSpace(b.Code))
	v.Expect(codePattern.MatchString(b.Code), field+"code", msgCode)
	b.Zone = vntext.Clean(b.Zone)
	v.Expect(b.Zone != "" && utf8.RuneCountInString(b.Zone) <= 60, field+"zone", msgZone, 60, "Khu Tây Bắc")
	if b.Kind == "" {
		b.Kind = Standard
	}
	if v.Expect(slices.Contains(Kinds, b.Kind), field+"kind", apperr.OneOf, apperr.OrOf(Kinds...)) {
		if b.W == 0 && b.H == 0 {
			size := defaultSize[b.Kind]
			b.W, b.H = size[0], size[1]
		}
	}
	v.Expect(b.W >= 1 && b.W <= 100 && b.H >= 1 && b.H <= 100, field+"size", msgSize, 1, 100)
	if v.Expect(b.X >= 0 && b.X <= HallSize && b.Y >= 0 && b.Y <= HallSize, field+"position", msgPosition, 0, HallSize) && !v.Failed() {
		v.Expect(Inside(b), field+"position", msgOutsideHall, b.Code, HallSize)
	}
	v.Expect(b.Price >= 0 && b.Price <= 10_000_000_000, field+"price", msgPrice, 0, 10)
	v.Expect(b.Hold == "" || b.Hold == Reserved || b.Hold == Blocked, field+"status", apperr.OneOf, holdStatuses)
	return b, v.Err()
}

// Grid generates rows × columns booths in a zone: codes are Prefix followed by a two-digit
// number (A01, A02, ...), booths of a row stand side by side, and rows are separated by an aisle.
type Grid struct {
	Zone    string
	Prefix  string
	Kind    string
	Rows    int
	Columns int
	OriginX float64
	OriginY float64
	// Aisle between rows in metres; default 3.
	Aisle float64
	// StartNumber of the first booth; default 1.
	StartNumber int
	Price       int64
}

// Booths returns the grid's booths.
func (g Grid) Booths(fairID string) ([]Booth, error) {
	var v apperr.Validation
	v.Expect(g.Rows >= 1 && g.Rows <= 50, "grid.rows", apperr.Between, 1, 50)
	v.Expect(g.Columns >= 1 && g.Columns <= 50, "grid.columns", apperr.Between, 1, 50)
	g.Prefix = strings.ToUpper(strings.TrimSpace(g.Prefix))
	v.Expect(regexp.MustCompile(`^[A-Z][A-Z0-9-]{0,7}$`).MatchString(g.Prefix), "grid.prefix", msgPrefix, 8)
	if g.Kind == "" {
		g.Kind = Standard
	}
	v.Expect(slices.Contains(Kinds, g.Kind), "grid.kind", apperr.OneOf, apperr.OrOf(Kinds...))
	if g.Aisle == 0 {
		g.Aisle = 3
	}
	v.Expect(g.Aisle >= 0 && g.Aisle <= 50, "grid.aisle", msgMetres, 0, 50)
	if g.StartNumber == 0 {
		g.StartNumber = 1
	}
	v.Expect(g.StartNumber >= 0 && g.StartNumber+g.Rows*g.Columns <= 1000, "grid.start_number", msgNumbersBelow, 1000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	size := defaultSize[g.Kind]
	out := make([]Booth, 0, g.Rows*g.Columns)
	n := g.StartNumber
	for r := 0; r < g.Rows; r++ {
		for c := 0; c < g.Columns; c++ {
			b, err := Normalize(Booth{
				FairID: fairID, Code: fmt.Sprintf("%s%02d", g.Prefix, n), Zone: g.Zone, Kind: g.Kind,
				X: g.OriginX + float64(c)*size[0], Y: g.OriginY + float64(r)*(size[1]+g.Aisle), W: size[0], H: size[1], Price: g.Price,
			}, "grid.")
			if err != nil {
				return nil, err
			}
			out = append(out, b)
			n++
		}
	}
	return out, nil
}

// Adjacent reports whether two booths of the same zone share a wall: their rectangles touch
// along an edge of positive length.
func Adjacent(a, b Booth) bool {
	if a.Zone != b.Zone || a.Code == b.Code {
		return false
	}
	const eps = 0.05
	overlap := func(a0, a1, b0, b1 float64) float64 { return math.Min(a1, b1) - math.Max(a0, b0) }
	touchX := math.Abs(a.X+a.W-b.X) < eps || math.Abs(b.X+b.W-a.X) < eps
	touchY := math.Abs(a.Y+a.H-b.Y) < eps || math.Abs(b.Y+b.H-a.Y) < eps
	return (touchX && overlap(a.Y, a.Y+a.H, b.Y, b.Y+b.H) > eps) || (touchY && overlap(a.X, a.X+a.W, b.X, b.X+b.W) > eps)
}
