package ocop

// Unit is a unit of sale or capacity. Units of one dimension convert through Base.
type Unit struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	// NameENPlural is the English name for any quantity but one: litres, boxes, but kg.
	NameENPlural string  `json:"name_en_plural"`
	Dimension    string  `json:"dimension"` // mass, volume or count
	Base         float64 `json:"base"`      // how many kg, litres or items one unit is
}

var units = []Unit{
	{"kg", "kg", "kg", "kg", "mass", 1},
	{"tonne", "tấn", "tonne", "tonnes", "mass", 1000},
	{"g", "g", "g", "g", "mass", 0.001},
	{"litre", "lít", "litre", "litres", "volume", 1},
	{"ml", "ml", "ml", "ml", "volume", 0.001},
	{"bottle", "chai", "bottle", "bottles", "count", 1},
	{"jar", "hũ", "jar", "jars", "count", 1},
	{"box", "hộp", "box", "boxes", "count", 1},
	{"pack", "gói", "pack", "packs", "count", 1},
	{"bag", "túi", "bag", "bags", "count", 1},
	{"piece", "cái", "piece", "pieces", "count", 1},
	{"set", "bộ", "set", "sets", "count", 1},
	{"tree", "cây", "plant", "plants", "count", 1},
	{"tour", "tour", "tour", "tours", "count", 1},
}

// Units returns the known units.
func Units() []Unit { return append([]Unit(nil), units...) }

// UnitByCode returns the unit with the given code.
func UnitByCode(code string) (Unit, bool) {
	for _, u := range units {
		if u.Code == code {
			return u, true
		}
	}
	return Unit{}, false
}

// Convert converts amount from one unit to another of the same dimension; ok is false when the
// dimensions differ (a count of bottles cannot be compared with kilograms) or a unit is unknown.
func Convert(amount float64, from, to string) (float64, bool) {
	f, ok1 := UnitByCode(from)
	t, ok2 := UnitByCode(to)
	if !ok1 || !ok2 || f.Dimension != t.Dimension {
		return 0, false
	}
	if f.Dimension == "count" && f.Code != t.Code {
		return 0, false
	}
	return amount * f.Base / t.Base, true
}
