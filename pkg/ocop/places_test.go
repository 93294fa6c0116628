package ocop

import "testing"

// Every region and promotion grouping has an English name for the English console.
func TestEveryRegionHasAnEnglishName(t *testing.T) {
	for _, r := range Regions() {
		if r.NameEN == "" || r.NameEN == r.Name {
			t.Errorf("region %s has English name %q", r.Code, r.NameEN)
		}
	}
}
