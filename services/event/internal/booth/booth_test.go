package booth

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

func TestGrid(t *testing.T) {
	bs, err := Grid{Zone: "Khu Tây Bắc", Prefix: "a", Rows: 2, Columns: 3}.Booths("f1")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 6 || bs[0].Code != "A01" || bs[5].Code != "A06" || bs[0].W != 3 || bs[0].H != 3 {
		t.Fatalf("grid = %+v", bs)
	}
	if !Adjacent(bs[0], bs[1]) || !Adjacent(bs[1], bs[2]) {
		t.Error("booths of a row must be neighbours")
	}
	if Adjacent(bs[0], bs[2]) || Adjacent(bs[0], bs[3]) {
		t.Error("booths across the aisle or two apart are not neighbours")
	}
	if _, err := (Grid{Zone: "Z", Prefix: "A", Rows: 0, Columns: 3}).Booths("f1"); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("zero rows = %v", err)
	}
}

func TestNormalize(t *testing.T) {
	b, err := Normalize(Booth{Code: " b12 ", Zone: "Khu Nam Bộ", Kind: Double}, "")
	if err != nil || b.Code != "B12" || b.W != 6 || b.H != 3 {
		t.Errorf("Normalize = %+v, %v", b, err)
	}
	for _, bad := range []Booth{{Code: "", Zone: "Z"}, {Code: "A 1", Zone: "Z"}, {Code: "A1", Zone: ""}, {Code: "A1", Zone: "Z", Kind: "vip"}, {Code: "A1", Zone: "Z", Price: -1}} {
		if _, err := Normalize(bad, ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("Normalize(%+v) = %v, want invalid", bad, err)
		}
	}
}

func TestAdjacentDifferentZones(t *testing.T) {
	a := Booth{Code: "A1", Zone: "X", X: 0, Y: 0, W: 3, H: 3}
	b := Booth{Code: "B1", Zone: "Y", X: 3, Y: 0, W: 3, H: 3}
	if Adjacent(a, b) {
		t.Error("booths of different zones are never neighbours")
	}
	c := Booth{Code: "C1", Zone: "X", X: 3, Y: 3, W: 3, H: 3}
	if Adjacent(a, c) {
		t.Error("corner-touching booths are not neighbours")
	}
}
