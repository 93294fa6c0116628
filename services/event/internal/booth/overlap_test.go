package booth

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

func rect(code string, x, y, w, h float64) Booth {
	return Booth{Code: code, Zone: "Khu A", X: x, Y: y, W: w, H: h}
}

func TestOverlapsEdgesTouch(t *testing.T) {
	a := rect("A01", 3, 3, 3, 3)
	for _, tt := range []struct {
		name  string
		other Booth
		want  bool
	}{
		{"side by side", rect("B", 6, 3, 3, 3), false},
		{"above", rect("B", 3, 0, 3, 3), false},
		{"corner to corner", rect("B", 6, 6, 3, 3), false},
		{"apart", rect("B", 20, 20, 3, 3), false},
		{"walls meeting after a rounding error", rect("B", 0.1+0.2+5.7, 3, 3, 3), false},
		{"a centimetre into it", rect("B", 5.99, 3, 3, 3), true},
		{"the same place", rect("B", 3, 3, 3, 3), true},
		{"inside it", rect("B", 4, 4, 1, 1), true},
		{"around it", rect("B", 0, 0, 12, 12), true},
		{"crossing it", rect("B", 4, 0, 1, 12), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(Overlaps([]Booth{a}, []Booth{tt.other})) == 1; got != tt.want {
				t.Errorf("Overlaps(%+v, %+v) found one = %v, want %v", a, tt.other, got, tt.want)
			}
			if got := len(Overlaps([]Booth{tt.other}, []Booth{a})) == 1; got != tt.want {
				t.Errorf("Overlaps(%+v, %+v) found one = %v, want %v (the other way)", tt.other, a, got, tt.want)
			}
		})
	}
	p21, q01 := rect("P21", 0, 24, 3, 3), rect("Q01", 0, 26, 3, 3)
	want := []Overlap{{Booth: q01, Other: p21}}
	if got := Overlaps([]Booth{q01}, []Booth{p21}); !cmp.Equal(got, want) {
		t.Errorf("Overlaps(Q01, P21) = %+v, want %+v", got, want)
	}
}

// everyPair is what Overlaps must find, by comparing every pair.
func everyPair(placed, plan []Booth) []Overlap {
	replaced := map[string]bool{}
	for _, b := range placed {
		replaced[b.Code] = true
	}
	var out []Overlap
	for i, a := range placed {
		for _, b := range placed[i+1:] {
			if overlap(a, b) {
				out = append(out, Overlap{Booth: a, Other: b})
			}
		}
		for _, b := range plan {
			if !replaced[b.Code] && overlap(a, b) {
				out = append(out, Overlap{Booth: a, Other: b})
			}
		}
	}
	return out
}

func randomBooths(r *rand.Rand, prefix string, n int, side float64) []Booth {
	out := make([]Booth, n)
	for i := range out {
		w, h := float64(1+r.IntN(12)), float64(1+r.IntN(12))
		if r.IntN(4) == 0 {
			w, h = 0.5+r.Float64()*30, 0.5+r.Float64()*30
		}
		// Whole metres make many booths touch exactly; some land on fractions.
		x, y := float64(r.IntN(int(side))), float64(r.IntN(int(side)))
		if r.IntN(3) == 0 {
			x, y = r.Float64()*side, r.Float64()*side
		}
		out[i] = rect(fmt.Sprintf("%s%03d", prefix, i), x, y, w, h)
	}
	return out
}

// TestOverlapsFindsWhatEveryPairFinds compares Overlaps with a comparison of every pair on plans
// of many sizes and densities, some reusing codes of the plan.
func TestOverlapsFindsWhatEveryPairFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 2026))
	for round := range 300 {
		side := float64(10 + r.IntN(200))
		placed := randomBooths(r, "N", 1+r.IntN(40), side)
		plan := randomBooths(r, "P", r.IntN(150), side)
		if round%5 == 0 && len(plan) > 0 {
			plan[0].Code = placed[0].Code // placed replaces it: never compared
		}
		got, want := Overlaps(placed, plan), everyPair(placed, plan)
		if !cmp.Equal(got, want) {
			t.Fatalf("round %d: Overlaps = %d overlaps, every pair finds %d\n%s", round, len(got), len(want), cmp.Diff(want, got))
		}
	}
}

// TestGridNeverOverlaps generates grids of many sizes, kinds, aisles and origins (fractions
// included): a grid's booths never overlap each other and lie in the hall, or the grid is refused;
// a grid placed below another at the other's depth plus an aisle never overlaps it, and one placed
// a metre higher always does.
func TestGridNeverOverlaps(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 29))
	aisles := []float64{0, 0.5, 1, 1.5, 2.25, 3, 4.1, 6}
	for round := range 600 {
		g := Grid{Zone: "Khu A", Prefix: "P", Kind: Kinds[r.IntN(len(Kinds))], Rows: 1 + r.IntN(12), Columns: 1 + r.IntN(30),
			OriginX: float64(r.IntN(1990)) + r.Float64(), OriginY: float64(r.IntN(1990)) + r.Float64(), Aisle: aisles[r.IntN(len(aisles))]}
		if round%3 == 0 {
			g.OriginX, g.OriginY = float64(r.IntN(40))+float64(r.IntN(10))/10, float64(r.IntN(40))+float64(r.IntN(10))/10
		}
		booths, err := g.Booths("f1")
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("%+v: %v", g, err)
			}
			continue
		}
		if len(booths) != g.Rows*g.Columns {
			t.Fatalf("%+v gave %d booths", g, len(booths))
		}
		if o := Overlaps(booths, nil); len(o) > 0 {
			t.Fatalf("%+v: %s overlaps %s", g, o[0].Booth.Code, o[0].Other.Code)
		}
		for _, b := range booths {
			if !Inside(b) {
				t.Fatalf("%+v: %+v is outside the hall", g, b)
			}
		}
		aisle := g.Aisle
		if aisle == 0 {
			aisle = 3
		}
		size := defaultSize[g.Kind]
		depth := float64(g.Rows)*size[1] + float64(g.Rows-1)*aisle
		below := g
		below.Prefix, below.OriginY = "Q", g.OriginY+depth+aisle
		if next, err := below.Booths("f1"); err == nil {
			if o := Overlaps(next, booths); len(o) > 0 {
				t.Fatalf("%+v below %+v: %s overlaps %s", below, g, o[0].Booth.Code, o[0].Other.Code)
			}
			below.OriginY -= aisle + 1
			if next, err := below.Booths("f1"); err == nil && len(Overlaps(next, booths)) == 0 {
				t.Fatalf("%+v a metre into %+v found no overlap", below, g)
			}
		}
	}
}

func TestNormalizeOutsideHall(t *testing.T) {
	for _, tt := range []struct {
		b    Booth
		want bool
	}{
		{Booth{Code: "A1", Zone: "Z", X: 1997, Y: 1997}, true},
		{Booth{Code: "A1", Zone: "Z", X: 1998, Y: 0}, false},
		{Booth{Code: "A1", Zone: "Z", X: 0, Y: 1995, Kind: Premium}, false},
		{Booth{Code: "A1", Zone: "Z", X: 1900, Y: 1900, W: 100, H: 100}, true},
	} {
		_, err := Normalize(tt.b, "")
		if got := err == nil; got != tt.want {
			t.Errorf("Normalize(%+v) = %v, want accepted %v", tt.b, err, tt.want)
		}
	}
}

// BenchmarkOverlaps checks a row of 50 booths against a hall of 2,500.
func BenchmarkOverlaps(b *testing.B) {
	var plan, row []Booth
	for y := range 50 {
		for x := range 50 {
			plan = append(plan, rect(fmt.Sprintf("A%04d", y*50+x), float64(x*3), float64(y*6), 3, 3))
		}
	}
	for x := range 50 {
		row = append(row, rect(fmt.Sprintf("B%02d", x), float64(x*3), 50*6, 3, 3))
	}
	for b.Loop() {
		if o := Overlaps(row, plan); len(o) > 0 {
			b.Fatal(o)
		}
	}
}
