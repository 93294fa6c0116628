package match

import (
	"testing"

	"github.com/ocopfair/ocopfair/pkg/apperr"
)

// Amounts in English are grouped by thousands with commas, as in Vietnamese with dots.
func TestQuantitiesInEachLanguage(t *testing.T) {
	for _, c := range []struct {
		q      float64
		vi, en string
	}{{1500, "1.500", "1,500"}, {1.5, "1,5", "1.5"}, {999, "999", "999"}, {1234567.25, "1.234.567,25", "1,234,567.25"}, {0, "0", "0"}} {
		if vi, en := quantity(c.q).In(apperr.Vietnamese), quantity(c.q).In(apperr.English); vi != c.vi || en != c.en {
			t.Errorf("%v reads %q and %q, want %q and %q", c.q, vi, en, c.vi, c.en)
		}
	}
	for _, c := range []struct {
		a      amount
		vi, en string
	}{{amount{1500, "litre"}, "1.500 lít", "1,500 litres"}, {amount{1, "litre"}, "1 lít", "1 litre"}, {amount{2.5, "tonne"}, "2,5 tấn", "2.5 tonnes"},
		{amount{40, "box"}, "40 hộp", "40 boxes"}, {amount{12, "kg"}, "12 kg", "12 kg"}, {amount{3, "tree"}, "3 cây", "3 plants"}, {amount{2, "sack"}, "2 sack", "2 sack"}} {
		if vi, en := c.a.In(apperr.Vietnamese), c.a.In(apperr.English); vi != c.vi || en != c.en {
			t.Errorf("%v reads %q and %q, want %q and %q", c.a, vi, en, c.vi, c.en)
		}
	}
	if got := money(250000).In(apperr.English); got != "250,000 VND" {
		t.Errorf("250000 đồng in English: %q", got)
	}
}
