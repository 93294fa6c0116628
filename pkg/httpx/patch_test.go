package httpx_test

import (
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/ocopfair/ocopfair/pkg/httpx"
)

type fees struct {
	Prices  map[string]int64 `json:"booth_prices"`
	Percent int              `json:"subsidy_percent"`
	Max     int              `json:"max_subsidised_booths"`
	Sectors []string         `json:"allowed_sectors,omitempty"`
}

// A member named replaces its field, a map or a list whole; the others keep their values.
func TestPatchOnto(t *testing.T) {
	cur := fees{Prices: map[string]int64{"standard": 12_000_000, "corner": 15_000_000}, Percent: 50, Max: 2, Sectors: []string{"food", "drinks"}}
	for _, c := range []struct {
		raw  string
		want fees
	}{
		{`{"subsidy_percent": 30}`, fees{Prices: cur.Prices, Percent: 30, Max: 2, Sectors: cur.Sectors}},
		{`{"booth_prices": {"standard": 10000000}}`, fees{Prices: map[string]int64{"standard": 10_000_000}, Percent: 50, Max: 2, Sectors: cur.Sectors}},
		{`{"allowed_sectors": ["herbs"], "max_subsidised_booths": 0}`, fees{Prices: cur.Prices, Percent: 50, Sectors: []string{"herbs"}}},
		{`{}`, cur},
	} {
		got, err := httpx.PatchOnto(cur, json.RawMessage(c.raw))
		if err != nil || !maps.Equal(got.Prices, c.want.Prices) || got.Percent != c.want.Percent || got.Max != c.want.Max || !slices.Equal(got.Sectors, c.want.Sectors) {
			t.Errorf("PatchOnto(%s) = %+v, %v; want %+v", c.raw, got, err, c.want)
		}
	}
	if cur.Prices["corner"] != 15_000_000 || len(cur.Prices) != 2 {
		t.Errorf("the value patched changed: %+v", cur.Prices)
	}
}
