package booth

import (
	"math"
	"slices"
)

// HallSize is the side, in metres, of the square hall every floor plan lies in: a booth stands
// by its top-left corner, measured from the hall's top-left, and no edge of it may reach past
// the hall.
const HallSize = 2000

// touching is how far, in metres, two booths may cross and still only touch: positions are
// decimals sent by clients and sums of them, so walls that meet may differ by a rounding error.
const touching = 0.001

// bucket is the side, in metres, of the squares Overlaps sorts booths into: a few standard
// booths wide, so that a booth meets only its neighbours' squares.
const bucket = 8

// Overlap is a booth that shares floor with another.
type Overlap struct {
	Booth, Other Booth
}

// Inside reports whether b lies within the hall.
func Inside(b Booth) bool {
	return b.X >= 0 && b.Y >= 0 && b.X+b.W <= HallSize+touching && b.Y+b.H <= HallSize+touching
}

// Overlaps returns, in the order of placed, each booth of placed that shares floor with another
// booth of placed or of plan, each pair once. A booth of plan with the code of one of placed is
// left out: placed replaces it. Booths whose walls only touch do not overlap. It sorts the booths
// into squares of the hall and compares only booths sharing a square, so a plan of thousands of
// booths costs about as much as its size; overlaps among booths of plan alone are not looked for
// (a plan stored before the rule keeps them until a booth is moved).
func Overlaps(placed, plan []Booth) []Overlap {
	replaced := make(map[string]bool, len(placed))
	for _, b := range placed {
		replaced[b.Code] = true
	}
	all := slices.Clip(slices.Clone(placed))
	for _, b := range plan {
		if !replaced[b.Code] {
			all = append(all, b)
		}
	}
	squares := map[[2]int][]int{}
	for i, b := range all {
		eachSquare(b, func(sq [2]int) { squares[sq] = append(squares[sq], i) })
	}
	var out []Overlap
	// seen[j] == i+1 once booth j was compared with booth i.
	seen := make([]int, len(all))
	for i := range placed {
		var hits []int
		eachSquare(all[i], func(sq [2]int) {
			for _, j := range squares[sq] {
				// A pair of placed booths is compared once, from its earlier booth.
				if j == i || seen[j] == i+1 || (j < len(placed) && j < i) {
					continue
				}
				seen[j] = i + 1
				if overlap(all[i], all[j]) {
					hits = append(hits, j)
				}
			}
		})
		slices.Sort(hits)
		for _, j := range hits {
			out = append(out, Overlap{Booth: all[i], Other: all[j]})
		}
	}
	return out
}

// eachSquare calls f with every square of the hall that b covers or touches.
func eachSquare(b Booth, f func([2]int)) {
	x0, x1 := int(math.Floor(b.X/bucket)), int(math.Floor((b.X+b.W)/bucket))
	y0, y1 := int(math.Floor(b.Y/bucket)), int(math.Floor((b.Y+b.H)/bucket))
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			f([2]int{x, y})
		}
	}
}

// overlap reports whether a and b share floor beyond a rounding error.
func overlap(a, b Booth) bool {
	return math.Min(a.X+a.W, b.X+b.W)-math.Max(a.X, b.X) > touching &&
		math.Min(a.Y+a.H, b.Y+b.H)-math.Max(a.Y, b.Y) > touching
}
