package ocop

// Unit is a unit of sale or capacity. Units of one dimension convert through Base.
type Unit struct {
	Code      string  `json:"code"`
	NameVI    string  `json:"name_vi"`
	NameEN    string  `json:"name_en"`
	Dimension string  `json:"dimension"` // mass, volume or count
	Base      float64 `json:"base"`      // how many kg, litres or items one unit is
}

var units = []Unit{
	{"kg", "kg", "kg", "mass", 1},
	{"tonne", "tấn", "tonne", "mass", 1000},
	{"g", "g", "g", "mass", 0.001},
	{"litre", "lít", "litre", "volume", 1},
	{"ml", "ml", "ml", "volume", 0.001},
	{"bottle", "chai", "bottle", "count", 1},
	{"jar", "hũ", "jar", "count", 1},
	{"box", "hộp", "box", "count", 1},
	{"pack", "gói", "pack", "count", 1},
	{"bag", "túi", "bag", "count", 1},
	{"piece", "cái", "piece", "count", 1},
	{"set", "bộ", "set", "count", 1},
	{"tree", "cây", "plant", "count", 1},
	{"tour", "tour", "tour", "count", 1},
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
